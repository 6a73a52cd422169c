"""Asking for a consultation: the request, the consent it needs, and the messages it causes, all
in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..advisor.models import Advisor
from ..catalogue import current_centre
from ..extensions import db
from ..i18n import in_language
from ..kernel.consents import apply_consents
from ..kernel.models import Assessment
from ..mail.compose import checked_address, compose, link
from ..mail.delivery import enqueue
from ..mail.limits import count_message
from .models import ConsultationRequest


@dataclass(frozen=True)
class Wish:
    """What the owner filled in."""

    way: str
    preferred_time: str | None
    message: str | None
    email: str
    phone: str | None


def open_request(assessment: Assessment) -> ConsultationRequest | None:
    """The check's request that the centre has not finished yet, if any."""
    return db.session.scalars(
        select(ConsultationRequest)
        .where(
            ConsultationRequest.assessment_id == assessment.id,
            ConsultationRequest.status != "done",
        )
        .order_by(ConsultationRequest.created_at.desc())
    ).first()


def request_consultation(
    assessment: Assessment, wish: Wish, language: str, *, share: bool
) -> ConsultationRequest:
    """Store the request (and the consent to share the result, if given now); queue the owner's
    confirmation, the notice to the centre's inbox and to every advisor who wants one.

    Raises TooManyMessages (mail.limits) past the limit, AddressError for a bad address.
    """
    checked_address(wish.email)
    count_message("consultation", assessment.id, wish.email)
    if share:
        apply_consents(assessment, {"advisors": True})
    request = ConsultationRequest(
        assessment=assessment,
        way=wish.way,
        preferred_time=wish.preferred_time,
        message=wish.message,
        email=wish.email,
        phone=wish.phone,
        language=language,
    )
    db.session.add(request)
    db.session.flush()
    with in_language(language):
        subject = _("We have received your request for a consultation")
    confirmation = compose(
        "consultation_confirmation", wish.email, subject, language, consultation=request
    )
    enqueue(confirmation, "consultation_confirmation", assessment.id)
    for address, their_language in notice_recipients():
        with in_language(their_language):
            subject = _("New consultation request: check no. %(number)s", number=assessment.id)
        notice = compose(
            "consultation_notice",
            address,
            subject,
            their_language,
            consultation=request,
            assessment=assessment,
            workspace_url=link("advisor.assessment", assessment_id=assessment.id),
        )
        enqueue(notice, "consultation_notice", assessment.id)
    db.session.commit()
    return request


def notice_recipients() -> list[tuple[str, str]]:
    """The centre's inbox (MAIL_CENTRE_INBOX, else the centre's e-mail) in the site's default
    language, and every active advisor who wants an e-mail on each request, in theirs."""
    config = current_app.config
    inbox = config["MAIL_CENTRE_INBOX"] or current_centre().email
    recipients = [(inbox, config["BABEL_DEFAULT_LOCALE"])]
    advisors = db.session.scalars(
        select(Advisor).where(Advisor.active.is_(True), Advisor.notify_requests.is_(True))
    )
    recipients += [(a.email, a.language) for a in advisors if a.email.lower() != inbox.lower()]
    return recipients
