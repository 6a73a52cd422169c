"""The report pages: the report, its charts, its PDF, and starting the check again."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..i18n import current_language
from ..kernel import assessments
from ..kernel.files import cached, own_cache
from ..kernel.models import Assessment
from ..mail.asking import answer_send_form, email_summary
from .content import build_report
from .forms import SendReportForm
from .mailing import send_report as send_report_mail
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
    if assessment.is_respondent:
        # A colleague's answers to a team check have no report of their own: the team's is
        # the coordinator's.
        abort(403, _("In a team check, the report is made for the person who started it."))
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
        send_form=SendReportForm(formdata=None, data={"email": assessment.contact_email}),
    )


def chart(token: str, kind: str) -> Response:
    """One chart of the report as SVG (drawn once per content, then served from the cache)."""
    return chart_response(_report_of(token), kind)


def pdf(token: str) -> Response:
    """The report as a PDF download (A4, tagged), cached while the report does not change."""
    inputs, key = keyed_inputs(_report_of(token))
    return pdf_response(inputs, key)


def send_report(token: str) -> Any:
    """Send the report's link by e-mail, with the PDF if the owner asks for it."""
    assessment = _report_of(token)

    def render(form: FlaskForm) -> str:
        return render_template(
            "report/send_report.html",
            assessment=assessment,
            form=form,
            token=token,
            summary=email_summary(form),
        )

    if request.method == "GET":
        return render(SendReportForm(formdata=None, data={"email": assessment.contact_email}))
    form = SendReportForm()
    return answer_send_form(
        form,
        lambda address: send_report_mail(
            assessment, token, address, current_language(), attach_pdf=form.attach_pdf.data
        ),
        render,
        sent=lambda address: _(
            "The report is on its way to %(address)s. If it has not arrived within a few "
            "minutes, please look in your spam folder.",
            address=address,
        ),
        too_many=_(
            "The report has been sent as often as we allow within an hour. Please look in "
            "your inbox and spam folder, or try again later."
        ),
        then=url_for(".report", token=token),
    )
