"""The referrals to follow up: sent to a partner, and no answer after REFERRAL_FOLLOW_UP_DAYS."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import select

from ..extensions import db
from ..kernel.models import Assessment, utcnow
from ..referrals.models import Referral
from .listing import Filters


def follow_up() -> str:
    """Unanswered referrals of the shared checks, oldest first, with whether a reminder went."""
    days = current_app.config["REFERRAL_FOLLOW_UP_DAYS"]
    before = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(Referral, Assessment)
        .join(Assessment, Referral.assessment_id == Assessment.id)
        .where(Referral.state == "sent", Referral.created_at < before, *Filters().conditions())
        .order_by(Referral.created_at, Referral.id)
    ).all()
    return render_template("advisor/follow_up.html", rows=rows, days=days)
