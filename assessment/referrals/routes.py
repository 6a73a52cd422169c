"""The referrals wing's routes: the partner's page, opened by its own link."""

from __future__ import annotations

from flask import Flask

from ..routing import Route, blueprint
from . import views
from .models import state_label

ROUTES = (Route("/p/<token>", views.partner_page, ("GET", "POST")),)


def init_app(app: Flask) -> None:
    """Register the partner's page and the names of a referral's states."""
    app.register_blueprint(blueprint("referrals", __name__, ROUTES))
    app.jinja_env.globals["referral_state"] = state_label
