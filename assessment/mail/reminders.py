"""One reminder to each partner who has not answered a referral in REFERRAL_FOLLOW_UP_DAYS."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import in_language
from ..referrals.models import Referral, link_token
from .compose import compose, link
from .delivery import enqueue


def unanswered(now: datetime) -> list[Referral]:
    """Referrals sent more than REFERRAL_FOLLOW_UP_DAYS ago without any answer, oldest first."""
    before = now - timedelta(days=current_app.config["REFERRAL_FOLLOW_UP_DAYS"])
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.state == "sent", Referral.created_at < before)
            .order_by(Referral.created_at, Referral.id)
        )
    )


def queue_reminders(now: datetime) -> int:
    """Queue the reminder for every unanswered referral not reminded yet; how many."""
    language = current_app.config["BABEL_DEFAULT_LOCALE"]
    due = [referral for referral in unanswered(now) if referral.reminded_at is None]
    for referral in due:
        with in_language(language):
            subject = _("Reminder: an introduction by the Digital-Check")
        message = compose(
            "referral_reminder",
            referral.partner.get("email") or "",
            subject,
            language,
            referral=referral,
            page_url=link("referrals.partner_page", token=link_token(referral.nonce)),
        )
        enqueue(message, "referral_reminder", referral.assessment_id)
        referral.reminded_at = now
    db.session.commit()
    return len(due)
