"""The landing page, the language switch and the health check."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .catalogue import questionnaires
from .security import local_path

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """The landing page: what the check is, and a button to start it."""
    return render_template(
        "index.html", questionnaires=list(questionnaires().values()), form=FlaskForm()
    )


@bp.post("/language")
def language() -> Response:
    """Switch the language of the pages, then return to the page the switch was used on."""
    chosen = request.form.get("language", "")
    if chosen not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = chosen
    return redirect(local_path(request.form.get("next")) or "/")


@bp.get("/healthz")
def healthz() -> dict[str, object]:
    """A liveness check for load balancers and monitoring."""
    return {"status": "ok", "questionnaires": sorted(questionnaires())}


def init_app(app: Flask) -> None:
    """Register the blueprint."""
    app.register_blueprint(bp)
