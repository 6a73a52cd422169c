"""The report pages: the report, its charts, its PDF, and starting the check again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..kernel import assessments
from ..kernel.files import cached, fingerprint, own_cache
from ..kernel.models import Assessment
from .charts import CHART_VERSION
from .content import build_report
from .rendering import (
    chart_response,
    effort_name,
    keyed_inputs,
    partner_kind_name,
    pdf_response,
    render_body,
    shown,
    trusted,
)

bp = Blueprint("report", __name__)


def _submitted(token: str) -> Assessment:
    assessment = assessments.find_assessment(token)
    if assessment is None:
        abort(404, _("This link does not open an assessment. It may have been deleted."))
    return assessment


def _report_of(token: str) -> Assessment:
    """A submitted assessment, else 404."""
    assessment = _submitted(token)
    if not assessment.submitted:
        abort(404, _("The report is available once the answers are submitted."))
    return assessment


@bp.get("/a/<token>/report")
def report(token: str) -> Any:
    """The result of a submitted assessment (its body cached while nothing it shows changes)."""
    assessment = _submitted(token)
    if not assessment.submitted:
        return redirect(url_for("survey.review", token=token))
    inputs, key = keyed_inputs(assessment)

    def render() -> bytes:
        # relative links, so that no cached file holds a token
        html = render_body(
            build_report(inputs), lambda kind, version: f"charts/{kind}.svg?v={version}"
        )
        return html.encode("utf-8")

    body = cached(own_cache(assessment.id), f"{key}.html", render).decode("utf-8")
    return render_template(
        "report/page.html",
        assessment=assessment,
        questionnaire=inputs.questionnaire,
        body=trusted(body),
        token=token,
        form=FlaskForm(),
    )


@bp.get("/a/<token>/charts/<kind>.svg")
def chart(token: str, kind: str) -> Response:
    """One chart of the report as SVG (drawn once per content, then served from the cache)."""
    return chart_response(_report_of(token), kind)


@bp.get("/a/<token>/report.pdf")
def pdf(token: str) -> Response:
    """The report as a PDF download (A4, tagged), cached while the report does not change."""
    inputs, key = keyed_inputs(_report_of(token))
    return pdf_response(inputs, key)


def _centre_files(app: Flask) -> list[Path]:
    """The centre file and its logo, which the report shows."""
    catalogue = app.extensions["catalogue"]
    files = [catalogue.folder / "centre.yaml"]
    if catalogue.centre.logo:
        files.append(catalogue.folder / catalogue.centre.logo)
    return files


def init_app(app: Flask) -> None:
    """Register the blueprint and the helpers of the report templates."""
    app.register_blueprint(bp)
    root = Path(app.root_path)
    sources = [
        *Path(app.template_folder or "templates").rglob("*.html"),
        *(Path(app.static_folder or "static") / "css").glob("*.css"),
        *(root / "translations").rglob("*.mo"),
        *(root / "report").glob("*.py"),
        root / "kernel" / "charts.py",
        *_centre_files(app),
    ]
    # The report links the privacy notice at the external URL: a new one renders it anew.
    extra = (str(CHART_VERSION), app.config.get("EXTERNAL_URL", ""))
    app.extensions["report_fingerprint"] = fingerprint(sources, *extra)
    app.jinja_env.globals.update(
        shown=shown, effort_name=effort_name, partner_kind_name=partner_kind_name
    )
