"""The advisors' daily digest: the checks newly shared with the centre (`flask mail digest`)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from ..advisor.models import Advisor
from ..consultation.models import ConsultationRequest
from ..extensions import db
from ..i18n import in_language
from ..kernel.models import Assessment, ConsentChange
from .compose import compose, link
from .delivery import enqueue


def newly_shared(since: datetime) -> list[Assessment]:
    """Submitted checks the advisors may see that were submitted, or shared, since then."""
    shared_later = exists().where(
        ConsentChange.assessment_id == Assessment.id,
        ConsentChange.consent == "advisors",
        ConsentChange.granted.is_(True),
        ConsentChange.changed_at >= since,
    )
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.status == "submitted",
                Assessment.consent_advisors.is_(True),
                or_(Assessment.submitted_at >= since, shared_later),
            )
            .order_by(Assessment.submitted_at, Assessment.id)
        )
    )


def queue_digests(since: datetime) -> tuple[int, int]:
    """One message to every active advisor who wants the digest, if any check is new; how many
    messages and how many checks."""
    checks = newly_shared(since)
    if not checks:
        return 0, 0
    asked = set(
        db.session.scalars(
            select(ConsultationRequest.assessment_id).where(
                ConsultationRequest.assessment_id.in_([c.id for c in checks]),
                ConsultationRequest.status != "done",
            )
        )
    )
    advisors = db.session.scalars(
        select(Advisor).where(Advisor.active.is_(True), Advisor.daily_digest.is_(True))
    ).all()
    for advisor in advisors:
        with in_language(advisor.language):
            subject = _("Newly shared checks: %(count)s", count=len(checks))
        message = compose(
            "advisor_digest",
            advisor.email,
            subject,
            advisor.language,
            advisor=advisor,
            checks=checks,
            asked=asked,
            dashboard_url=link("advisor.dashboard"),
        )
        enqueue(message, "advisor_digest")
    db.session.commit()
    return len(advisors), len(checks)
