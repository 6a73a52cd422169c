"""`flask mail deliver --watch` as it runs in production: several workers at once, a mail server
that is down and comes back, and a worker killed with SIGKILL in the middle of a delivery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from assessment import PROJECT_ROOT
from assessment.extensions import db
from assessment.mail.models import OutboxMessage
from assessment.questionnaire import Questionnaire

from ..mailserver import WAIT_SECONDS, MailServer
from .test_delivery import queue

Worker = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def worker(app: Flask, mail_server: MailServer, tmp_path: Path) -> Iterator[Worker]:
    """Start `flask mail deliver --watch` processes on the test's database and mail server."""
    started: list[subprocess.Popen[bytes]] = []
    drains: list[threading.Thread] = []
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "QUESTIONNAIRE_DIR": app.config["QUESTIONNAIRE_DIR"],
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": str(mail_server.port),
        "MAIL_SECURITY": "none",
        "MAIL_RETRY_SECONDS": "1",
        "MAIL_RETRY_MAX_SECONDS": "1",
        "MAIL_LEASE_SECONDS": "2",
        "MAIL_DIR": str(tmp_path / "mail"),
    }

    def start(**settings: str) -> subprocess.Popen[bytes]:
        """A worker, once it says it is ready (its signal handlers are in place)."""
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "deliver"]
        process = subprocess.Popen(
            [*command, "--watch", "--interval", "0.2"],
            cwd=PROJECT_ROOT,
            env={**environment, **settings},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # ends when the worker does, so this cannot hang
            lines.append(line.decode())
            if line.startswith(b"delivering e-mail every"):
                break
        else:
            raise AssertionError("the worker did not start:\n" + "".join(lines))
        drain = threading.Thread(target=process.stdout.read, daemon=True)  # keeps the pipe free
        drain.start()
        drains.append(drain)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=WAIT_SECONDS)
    for drain in drains:
        drain.join(timeout=WAIT_SECONDS)
    for process in started:
        if process.stdout is not None:
            process.stdout.close()


def wait_until(app: Flask, condition: Callable[[], bool], what: str) -> None:
    """Poll the database until the condition holds (failing after WAIT_SECONDS)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with app.app_context():
            if condition():
                return
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT_SECONDS} s: {what}")


def count(status: str, least_attempts: int = 0) -> int:
    """Messages with this status (and at least this many attempts)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == status, OutboxMessage.attempts >= least_attempts)
        )
        or 0
    )


def message_ids(app: Flask) -> set[str]:
    """The Message-IDs of every queued message."""
    with app.app_context():
        return set(db.session.scalars(select(OutboxMessage.message_id)))


def test_workers_at_once_send_each_message_exactly_once(
    app: Flask, mail_server: MailServer, sample: Questionnaire, worker: Worker
) -> None:
    """Three workers share twenty messages: every one arrives, none twice."""
    queue(app, sample, 20)
    processes = [worker() for _ in range(3)]
    wait_until(app, lambda: count("sent") == 20, "all 20 messages sent")
    for process in processes:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT_SECONDS) == 0, "a worker stops cleanly on SIGTERM"
    received = Counter(r.message["Message-ID"] for r in mail_server.wait_for(20))
    assert set(received) == message_ids(app)
    assert set(received.values()) == {1}


def test_nothing_is_lost_when_the_server_is_down_and_a_worker_is_killed(
    app: Flask, mail_server: MailServer, sample: Questionnaire, worker: Worker
) -> None:
    """Messages queue while the server is down; a worker is killed (SIGKILL) after the server
    took a message but before its reply; the server and a new worker come back. Every message
    arrives; the one in flight may arrive twice, with the same Message-ID and content."""
    mail_server.stop()
    queue(app, sample, 5)
    first = worker()
    wait_until(app, lambda: count("pending", least_attempts=1) == 5, "5 failed first attempts")
    mail_server.handler.hold_next = True
    mail_server.start()
    assert mail_server.handler.holding.wait(WAIT_SECONDS), "a message reached the server"
    first.kill()
    first.wait(timeout=WAIT_SECONDS)
    mail_server.handler.release.set()
    worker()
    wait_until(app, lambda: count("sent") == 5, "all 5 messages sent")
    received = mail_server.received
    times = Counter(r.message["Message-ID"] for r in received)
    assert set(times) == message_ids(app), "every message arrived"
    assert sorted(times.values()) in ([1, 1, 1, 1, 1], [1, 1, 1, 1, 2])
    for message_id, number in times.items():
        copies = {r.content for r in received if r.message["Message-ID"] == message_id}
        assert number == 1 or len(copies) == 1, "a duplicate is the same message"
