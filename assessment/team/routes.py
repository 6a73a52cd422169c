"""The team check's routes: the coordinator's round, the team link, a colleague's last page."""

from __future__ import annotations

from flask import Flask

from ..routing import Route, blueprint
from . import views

ROUTES = (
    Route("/a/<token>/team", views.team, ("GET", "POST")),
    Route("/a/<token>/finished", views.finished),
    Route("/t/<token>", views.join, ("GET", "POST")),
)


def init_app(app: Flask) -> None:
    """Register the team check's pages."""
    app.register_blueprint(blueprint("team", __name__, ROUTES))
