"""A partner's answers to a referral, in the order they come."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..kernel.assessments import hash_token
from .models import Referral


def find_referral(token: str) -> Referral | None:
    """The referral a partner's link opens; None for any other token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(
        select(Referral).where(Referral.token_hash == hash_token(token))
    ).first()


def record_answer(referral: Referral, state: str, reason: str | None) -> bool:
    """Record the partner's answer and commit; False when it cannot be recorded."""
    recorded = referral.record(state, reason)
    db.session.commit()
    return recorded
