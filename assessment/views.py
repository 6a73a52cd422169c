"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from .catalogue import questionnaires

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """The landing page: the questionnaires on offer."""
    return render_template("index.html", questionnaires=list(questionnaires().values()))


@bp.get("/healthz")
def healthz() -> dict[str, object]:
    """A liveness check for load balancers and monitoring."""
    return {"status": "ok", "questionnaires": sorted(questionnaires())}


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    app.register_blueprint(bp)
