"""The report pages: the report, its charts, its PDF, and starting the check again."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..kernel import assessments
from ..kernel.files import cached, own_cache
from ..kernel.models import Assessment
from .content import build_report
from .rendering import (
    chart_response,
    keyed_inputs,
    pdf_response,
    render_body,
    trusted,
)


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


def chart(token: str, kind: str) -> Response:
    """One chart of the report as SVG (drawn once per content, then served from the cache)."""
    return chart_response(_report_of(token), kind)


def pdf(token: str) -> Response:
    """The report as a PDF download (A4, tagged), cached while the report does not change."""
    inputs, key = keyed_inputs(_report_of(token))
    return pdf_response(inputs, key)
