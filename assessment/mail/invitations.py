"""One invitation to repeat a check, REPEAT_INVITATION_MONTHS after it was submitted, to owners
who agreed that the centre's advisors contact them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import in_language
from ..kernel.assessments import hash_token, new_token, questionnaire_of
from ..kernel.models import Assessment
from ..survey.models import RepeatInvitation
from .compose import compose, link
from .delivery import enqueue

#: The mean length of a month, for "N months ago".
MONTH = timedelta(days=30.44)


def due_checks(now: datetime) -> list[Assessment]:
    """Submitted long enough ago, with the owner's consent to be contacted and an address, not
    repeated since and not invited yet."""
    later = aliased(Assessment)
    before = now - MONTH * current_app.config["REPEAT_INVITATION_MONTHS"]
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.status == "submitted",
                Assessment.submitted_at < before,
                Assessment.consent_advisors.is_(True),
                Assessment.contact_email.is_not(None),
                ~exists().where(later.previous_id == Assessment.id),
                ~exists().where(RepeatInvitation.assessment_id == Assessment.id),
            )
            .order_by(Assessment.submitted_at, Assessment.id)
        )
    )


def queue_invitations(now: datetime) -> int:
    """Queue the invitation of every check that is due; how many."""
    checks = due_checks(now)
    for assessment in checks:
        token = new_token()
        db.session.add(RepeatInvitation(assessment_id=assessment.id, token_hash=hash_token(token)))
        with in_language(assessment.language):
            subject = _("Time for your next Digital-Check")
        message = compose(
            "repeat_invitation",
            assessment.contact_email or "",
            subject,
            assessment.language,
            assessment=assessment,
            questionnaire=questionnaire_of(assessment),
            start_url=link("survey.invitation", token=token),
        )
        enqueue(message, "repeat_invitation", assessment.id)
    db.session.commit()
    return len(checks)
