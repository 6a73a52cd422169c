"""`flask purge --older-than DAYS`: delete assessments past the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import ColumnElement, and_, delete, or_, select

from .catalogue import current_centre
from .extensions import db
from .models import Answer, Assessment, utcnow
from .report.benchmark import peers_changed
from .report.cache import forget

BATCH = 500


@dataclass(frozen=True)
class Expired:
    """What a purge deletes (or would delete)."""

    unfinished: int
    submitted: int

    @property
    def total(self) -> int:
        """Every assessment concerned."""
        return self.unfinished + self.submitted


def expired_condition(cutoff: datetime) -> ColumnElement[bool]:
    """Submitted before the cutoff, or left unfinished since before it (the owner's last save)."""
    return or_(
        and_(Assessment.status == "submitted", Assessment.submitted_at < cutoff),
        and_(Assessment.status == "in_progress", Assessment.updated_at < cutoff),
    )


def count_expired(cutoff: datetime) -> Expired:
    """How many assessments are past the cutoff, unfinished and submitted."""
    rows = db.session.execute(
        select(Assessment.status, db.func.count())
        .where(expired_condition(cutoff))
        .group_by(Assessment.status)
    )
    counts = dict(rows.all())
    return Expired(counts.get("in_progress", 0), counts.get("submitted", 0))


def purge(cutoff: datetime) -> Expired:
    """Delete the expired assessments in batches: answers, scores, notes, audit and cached files."""
    found = count_expired(cutoff)
    if found.submitted:  # submitted checks leave the peer groups: kept medians are stale
        peers_changed()
    while True:
        ids = list(
            db.session.scalars(select(Assessment.id).where(expired_condition(cutoff)).limit(BATCH))
        )
        if not ids:
            return found
        db.session.execute(delete(Answer).where(Answer.assessment_id.in_(ids)))
        db.session.execute(delete(Assessment).where(Assessment.id.in_(ids)))
        db.session.commit()
        for number in ids:
            forget(number)


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    metavar="DAYS",
    help="Delete assessments submitted, or last saved unfinished, more than DAYS days ago "
    "(default: retention_days of centre.yaml, the period the owners are told).",
)
@click.option("--dry-run", is_flag=True, help="Only say how many would be deleted.")
@with_appcontext
def purge_command(days: int | None, dry_run: bool) -> None:
    """Delete assessments past the retention period, with everything stored about them."""
    if days is None:
        days = current_centre().retention_days
    cutoff = utcnow() - timedelta(days=days)
    if dry_run:
        found = count_expired(cutoff)
        verb = "Would delete"
    else:
        found = purge(cutoff)
        verb = "Deleted"
    click.echo(
        f"{verb} {found.total} assessments older than {days} days "
        f"({found.submitted} submitted, {found.unfinished} unfinished; "
        f"cutoff {cutoff:%Y-%m-%d %H:%M} UTC)."
    )
