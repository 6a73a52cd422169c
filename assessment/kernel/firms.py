"""Which checks belong to the same firm, so that a firm counts once and never as its own peer.

A firm is the chain of a check and its repeat checks ("repeat check" links each to the one
before). Checks that are not linked but give the same company name (folded: case, accents and
spaces do not matter) and the same region are taken for the same firm too: an owner who starts
afresh instead of repeating is still not compared with themselves. Firms joined this way stay
joined, even if a name is changed later; two different firms of the same name in the same town
then count as one, which only ever makes peer groups smaller, never a firm recognisable.

Every check stores its firm as ``firm_id``: the id of the firm's first check.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from .models import Assessment
from .peers import peers_changed


def join_namesakes(assessment: Assessment) -> None:
    """Put the check into one firm with every check of the same company name and region.

    Called in the transaction that saves the company's profile.
    """
    if assessment.company_key is None or assessment.firm_id is None:
        return
    others = set(
        db.session.scalars(
            select(Assessment.firm_id).where(
                Assessment.company_key == assessment.company_key,
                Assessment.region.is_(None)
                if assessment.region is None
                else Assessment.region == assessment.region,
                Assessment.firm_id != assessment.firm_id,
            )
        )
    )
    others.discard(None)
    if not others:
        return
    kept = min(others | {assessment.firm_id})
    merged = (others | {assessment.firm_id}) - {kept}
    db.session.execute(
        update(Assessment)
        .where(Assessment.firm_id.in_(merged))
        .values(firm_id=kept)
        .execution_options(synchronize_session="fetch")
    )
    peers_changed()  # a firm's checks count once in the peer groups: which one may have changed
