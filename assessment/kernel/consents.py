"""The owner's consents: changed on the profile page or, once submitted, on the consent page.

Each change is recorded with its time (what and when, never who). A check that leaves or joins
the benchmark's peer groups after submission makes every kept peer median stale at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ..extensions import db
from .models import CONSENTS, Assessment, ConsentChange, utcnow
from .peers import peers_changed


def consent_column(consent: str) -> str:
    """The assessment's column of a consent (benchmark, advisors, partners)."""
    return f"consent_{consent}"


def apply_consents(assessment: Assessment, chosen: Mapping[str, bool]) -> list[str]:
    """Set the consents given in ``chosen`` (by name) and record each change; the changed ones.

    Runs in the caller's transaction.
    """
    changed = []
    now = utcnow()
    for consent in CONSENTS:
        if consent not in chosen:
            continue
        column = consent_column(consent)
        granted = bool(chosen[consent])
        if bool(getattr(assessment, column)) == granted:
            continue
        setattr(assessment, column, granted)
        db.session.add(
            ConsentChange(assessment=assessment, consent=consent, granted=granted, changed_at=now)
        )
        changed.append(consent)
    if "benchmark" in changed and assessment.submitted:
        peers_changed()
    return changed


def consent_history(assessment: Assessment) -> list[ConsentChange]:
    """Every recorded change of the assessment's consents, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentChange)
            .where(ConsentChange.assessment_id == assessment.id)
            .order_by(ConsentChange.changed_at, ConsentChange.id)
        )
    )
