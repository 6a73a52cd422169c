"""`flask mail`: deliver the outbox (once, or as a long-running worker) and list what waits."""

from __future__ import annotations

import signal
import threading
from datetime import datetime, timedelta
from types import FrameType
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..kernel.models import as_utc, utcnow
from .delivery import deliver_due
from .digest import queue_digests
from .invitations import queue_invitations
from .models import OutboxMessage
from .reminders import queue_reminders
from .transport import configured_transport

mail_cli = AppGroup("mail", help="Deliver e-mail from the outbox and list what waits.")


@mail_cli.command("deliver")
@click.option("--watch", is_flag=True, help="Keep running: look for due messages every interval.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks for due messages (with --watch).",
)
def deliver_command(watch: bool, interval: float) -> None:
    """Send every due message; with --watch keep doing so until stopped (SIGTERM or Ctrl+C)."""
    transport = configured_transport()
    if not watch:
        click.echo(deliver_due(transport).summary())
        return
    stop = threading.Event()

    def finish(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    click.echo(f"delivering e-mail every {interval:g} s (stop with Ctrl+C)")
    while not stop.is_set():
        outcome = deliver_due(transport, limit=50)
        if outcome.sent or outcome.retrying or outcome.failed:
            click.echo(outcome.summary())
            continue
        stop.wait(interval)


@mail_cli.command("digest")
@click.option(
    "--hours",
    type=click.IntRange(min=1, max=24 * 31),
    default=24,
    show_default=True,
    help="Checks shared within this many hours count as new (run it as often, e.g. from cron).",
)
def digest_command(hours: int) -> None:
    """Queue the daily digest of newly shared checks for every advisor who wants it."""
    messages, checks = queue_digests(utcnow() - timedelta(hours=hours))
    click.echo(f"{messages} digests queued, listing {checks} newly shared checks")


@mail_cli.command("remind")
def remind_command() -> None:
    """Queue one reminder to each partner who has not answered a referral in time (daily)."""
    click.echo(f"{queue_reminders(utcnow())} reminders queued")


@mail_cli.command("invite")
def invite_command() -> None:
    """Queue the invitations to repeat a check that are due (run it daily)."""
    click.echo(f"{queue_invitations(utcnow())} invitations queued")


@mail_cli.command("status")
def status_command() -> None:
    """List the messages that wait for delivery and those that failed, oldest first."""
    waiting = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(("pending", "failed")))
        .order_by(OutboxMessage.status.desc(), OutboxMessage.created_at)
    ).all()
    if not waiting:
        click.echo("no message waits or failed")
        return
    for entry in waiting:
        click.echo(status_line(entry))


def status_line(entry: OutboxMessage) -> str:
    """One message as `flask mail status` lists it."""
    when = local_time(entry.created_at, "%Y-%m-%d %H:%M")
    line = f"{entry.status:8} #{entry.id} {when} {entry.kind} to {entry.recipient}"
    line += f", {entry.attempts} attempt{'s' if entry.attempts != 1 else ''}"
    if entry.status == "pending":
        line += f", next {local_time(entry.next_attempt_at, '%Y-%m-%d %H:%M:%S')}"
    if entry.last_error:
        line += f": {entry.last_error}"
    return line


def local_time(moment: datetime, pattern: str) -> str:
    """A stored time (UTC) in the configured time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return as_utc(moment).astimezone(zone).strftime(pattern)
