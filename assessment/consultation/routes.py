"""The consultation wing's routes: the owner's request, from the report."""

from __future__ import annotations

from flask import Flask

from ..routing import Route, blueprint
from . import views
from .models import status_label, way_label

ROUTES = (Route("/a/<token>/consultation", views.consultation, ("GET", "POST")),)


def init_app(app: Flask) -> None:
    """Register the consultation request's route."""
    app.register_blueprint(blueprint("consultation", __name__, ROUTES))
    app.jinja_env.globals.update(way_label=way_label, consultation_status_name=status_label)
