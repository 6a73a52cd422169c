"""Peer groups: the smallest group ever shown, and a counter of checks that left the groups."""

from __future__ import annotations

from sqlalchemy import select, update

from ..extensions import db
from .models import Counter

#: No group of fewer firms than this is ever shown, so that no single firm can be recognised.
#: BENCHMARK_MIN_FIRMS may raise it, never lower it.
MIN_GROUP = 5
#: The counter that changes whenever a check leaves the peer groups.
PEERS_COUNTER = "peers"


def peer_changes() -> int:
    """How often a check has left the peer groups (consent withdrawn, check deleted)."""
    return db.session.scalar(select(Counter.value).where(Counter.name == PEERS_COUNTER)) or 0


def peers_changed() -> None:
    """Note that a check left the peer groups, in the caller's transaction."""
    bump = update(Counter).where(Counter.name == PEERS_COUNTER).values(value=Counter.value + 1)
    if db.session.execute(bump).rowcount == 0:  # the migrations add the row; a bare schema may not
        db.session.add(Counter(name=PEERS_COUNTER, value=1))
