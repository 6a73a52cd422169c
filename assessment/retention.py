"""`flask purge [--older-than DAYS]`: delete assessments past the retention period, checks that
were started but never saved, and old login records, sessions and rate-limit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import ColumnElement, and_, delete, exists, or_, select

from .advisor.models import AdvisorSession, LoginAttempt
from .catalogue import current_centre
from .extensions import db
from .kernel.files import forget
from .kernel.models import Answer, Assessment, RateEvent, utcnow
from .kernel.peers import peers_changed
from .mail.models import OutboxMessage

BATCH = 500


@dataclass(frozen=True)
class Expired:
    """What a purge deletes (or would delete)."""

    unfinished: int
    submitted: int
    #: Checks started but never saved, past UNSAVED_CHECK_DAYS (not counted in ``unfinished``).
    unsaved: int = 0

    @property
    def total(self) -> int:
        """Every assessment concerned."""
        return self.unfinished + self.submitted + self.unsaved


@dataclass(frozen=True)
class Records:
    """Login records, ended sessions and rate-limit events a purge deletes."""

    logins: int
    sessions: int
    rate_events: int
    #: Sent or failed e-mail (without content since then), kept as long as login records.
    messages: int = 0


def expired_condition(cutoff: datetime) -> ColumnElement[bool]:
    """Submitted before the cutoff, or left unfinished since before it (the owner's last save)."""
    return or_(
        and_(Assessment.status == "submitted", Assessment.submitted_at < cutoff),
        and_(Assessment.status == "in_progress", Assessment.updated_at < cutoff),
    )


def unsaved_condition(cutoff: datetime) -> ColumnElement[bool]:
    """Started before the cutoff and never saved: no profile, no answer."""
    return and_(
        Assessment.status == "in_progress",
        Assessment.profile_saved_at.is_(None),
        Assessment.created_at < cutoff,
        ~exists().where(Answer.assessment_id == Assessment.id),
    )


def count_expired(cutoff: datetime, unsaved_cutoff: datetime | None = None) -> Expired:
    """How many assessments are past the cutoff (unfinished, submitted) or unsaved and stale."""
    rows = db.session.execute(
        select(Assessment.status, db.func.count())
        .where(expired_condition(cutoff))
        .group_by(Assessment.status)
    )
    counts = dict(rows.all())
    unsaved = 0
    if unsaved_cutoff is not None:
        unsaved = db.session.scalar(
            select(db.func.count())
            .select_from(Assessment)
            .where(unsaved_condition(unsaved_cutoff), ~expired_condition(cutoff))
        )
    return Expired(counts.get("in_progress", 0), counts.get("submitted", 0), unsaved or 0)


def purge(cutoff: datetime, unsaved_cutoff: datetime | None = None) -> Expired:
    """Delete the expired (and stale unsaved) assessments in batches, with answers, scores,
    notes, audit, consent history and cached files."""
    found = count_expired(cutoff, unsaved_cutoff)
    if found.submitted:  # submitted checks leave the peer groups: kept medians are stale
        peers_changed()
    condition = expired_condition(cutoff)
    if unsaved_cutoff is not None:
        condition = or_(condition, unsaved_condition(unsaved_cutoff))
    while True:
        ids = list(db.session.scalars(select(Assessment.id).where(condition).limit(BATCH)))
        if not ids:
            db.session.commit()
            return found
        db.session.execute(delete(Answer).where(Answer.assessment_id.in_(ids)))
        db.session.execute(delete(Assessment).where(Assessment.id.in_(ids)))
        db.session.commit()
        for number in ids:
            forget(number)


def record_conditions(before: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Login records and advisor sessions (ended, or idle since) older than ``before``."""
    return LoginAttempt.at < before, or_(
        AdvisorSession.ended_at < before,
        and_(AdvisorSession.ended_at.is_(None), AdvisorSession.last_seen_at < before),
    )


def purge_records(before: datetime, *, dry_run: bool = False) -> Records:
    """Delete login records and sessions older than ``before``, and rate events of yesterday."""
    logins, sessions = record_conditions(before)
    rates = RateEvent.at < utcnow() - timedelta(days=1)
    messages = and_(OutboxMessage.status.in_(("sent", "failed")), OutboxMessage.created_at < before)
    kinds = (
        (LoginAttempt, logins),
        (AdvisorSession, sessions),
        (RateEvent, rates),
        (OutboxMessage, messages),
    )
    counts = [
        db.session.scalar(select(db.func.count()).select_from(model).where(condition)) or 0
        for model, condition in kinds
    ]
    if not dry_run:
        for model, condition in kinds:
            db.session.execute(delete(model).where(condition))
        db.session.commit()
    return Records(*counts)


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
    """Delete assessments past the retention period, with everything stored about them; also
    checks started but never saved, and old login records and sessions."""
    if days is None:
        days = current_centre().retention_days
    config = current_app.config
    now = utcnow()
    cutoff = now - timedelta(days=days)
    unsaved_cutoff = now - timedelta(days=config["UNSAVED_CHECK_DAYS"])
    records_cutoff = now - timedelta(days=config["LOGIN_RECORD_DAYS"])
    if dry_run:
        found = count_expired(cutoff, unsaved_cutoff)
        verb = "Would delete"
    else:
        found = purge(cutoff, unsaved_cutoff)
        verb = "Deleted"
    records = purge_records(records_cutoff, dry_run=dry_run)
    click.echo(
        f"{verb} {found.total} assessments older than {days} days "
        f"({found.submitted} submitted, {found.unfinished} unfinished; "
        f"cutoff {cutoff:%Y-%m-%d %H:%M} UTC), and {found.unsaved} started but never saved "
        f"more than {config['UNSAVED_CHECK_DAYS']} days ago."
    )
    click.echo(
        f"{verb} {records.logins} login records and {records.sessions} ended sessions older "
        f"than {config['LOGIN_RECORD_DAYS']} days, {records.messages} sent or failed e-mails "
        f"as old, and {records.rate_events} rate-limit records older than a day."
    )
