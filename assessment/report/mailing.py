"""The report by e-mail: its link, and the PDF along when the owner asks for it."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import in_language
from ..kernel.models import Assessment
from ..mail.compose import Attachment, checked_address, compose, link
from ..mail.delivery import enqueue
from ..mail.limits import count_message
from .pdf import pdf_filename
from .rendering import keyed_inputs, pdf_document, shown


def send_report(
    assessment: Assessment, token: str, address: str, language: str, *, attach_pdf: bool
) -> None:
    """Queue the report's link (and PDF) for the address; TooManyMessages (mail.limits) past
    the limit, AddressError for an address no message can go to."""
    checked_address(address)
    count_message("report", assessment.id, address)
    attachments: tuple[Attachment, ...] = ()
    inputs, key = keyed_inputs(assessment)
    if attach_pdf:
        attachments = (Attachment(pdf_filename(assessment), pdf_document(inputs, key)),)
    with in_language(language):
        subject = _("Your Digital-Check report")
    message = compose(
        "report_link",
        address,
        subject,
        language,
        attachments=attachments,
        assessment=assessment,
        questionnaire=inputs.questionnaire,
        report_url=link("report.report", token=token),
        overall=shown(assessment.overall_score) if assessment.overall_score is not None else None,
    )
    enqueue(message, "report_link", assessment.id)
    db.session.commit()
