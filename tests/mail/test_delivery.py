"""The outbox's delivery against a real SMTP server: retries with growing delays while the
server is down, slow, cuts the connection or refuses for now; a permanent refusal or the last
attempt marks the message failed with the reason; two workers never take the same message."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from assessment.extensions import db
from assessment.kernel.models import as_utc, utcnow
from assessment.mail.cli import mail_cli
from assessment.mail.compose import AddressError, compose
from assessment.mail.delivery import claim_next, enqueue
from assessment.mail.models import OutboxMessage
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer


def queue(app: Flask, sample: Questionnaire, count: int = 1) -> list[int]:
    """Queue ``count`` resume-link messages; their ids."""
    with app.app_context():
        entries = [
            enqueue(
                compose(
                    "resume_link",
                    f"inhaber{number}@firma.example",
                    f"Ihr Link {number}",
                    "de",
                    questionnaire=sample,
                    resume_url="http://127.0.0.1:5000/a/geheim",
                ),
                "resume_link",
            )
            for number in range(count)
        ]
        db.session.commit()
        return [entry.id for entry in entries]


def entry(app: Flask, message_id: int) -> OutboxMessage:
    """The stored message, read afresh."""
    with app.app_context():
        found = db.session.get(OutboxMessage, message_id)
        assert found is not None
        _content = found.content  # loaded now: it is deferred
        db.session.expunge(found)
        found.next_attempt_at = as_utc(found.next_attempt_at)
        return found


def make_due(app: Flask) -> None:
    """Let time pass until every waiting message is due again."""
    with app.app_context():
        db.session.execute(
            update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_a_server_that_is_down_is_tried_again_later_with_growing_delays(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire
) -> None:
    """Refused connections leave the message waiting, each delay twice the last; once the server
    is back, it arrives."""
    mail_server.stop()
    [queued] = queue(mailing_app, sample)
    started = utcnow()
    assert deliver(mailing_app) == "0 sent, 1 to try again later, 0 failed"
    first = entry(mailing_app, queued)
    assert first.status == "pending" and first.attempts == 1
    assert "ConnectionRefused" in (first.last_error or "")
    assert timedelta(seconds=59) <= first.next_attempt_at - started <= timedelta(seconds=70)
    assert deliver(mailing_app) == "0 sent, 0 to try again later, 0 failed", "not due yet"
    make_due(mailing_app)
    retried = utcnow()
    deliver(mailing_app)
    second = entry(mailing_app, queued)
    assert second.attempts == 2
    assert timedelta(seconds=119) <= second.next_attempt_at - retried <= timedelta(seconds=130)
    mail_server.start()
    make_due(mailing_app)
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"
    assert mail_server.wait_for(1)[0].message["Subject"] == "Ihr Link 0"


@pytest.mark.parametrize(
    "reply",
    ["451 4.3.0 Bitte später", "421 4.7.0 Zu viele Verbindungen", "452 4.2.2 Postfach voll"],
)
def test_a_temporary_refusal_is_tried_again(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire, reply: str
) -> None:
    """A 4xx reply keeps the message waiting, with the server's words as the reason."""
    mail_server.handler.refusal = reply
    [queued] = queue(mailing_app, sample)
    assert deliver(mailing_app) == "0 sent, 1 to try again later, 0 failed"
    assert reply.split()[0] in (entry(mailing_app, queued).last_error or "")
    mail_server.handler.refusal = None
    make_due(mailing_app)
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"


def test_a_permanent_refusal_fails_at_once_with_the_reason(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire
) -> None:
    """A 5xx reply marks the message failed; `flask mail status` lists it with the reason."""
    mail_server.handler.refusal = "550 5.1.1 Unbekannter Empfänger"
    [queued] = queue(mailing_app, sample)
    assert deliver(mailing_app) == "0 sent, 0 to try again later, 1 failed"
    failed = entry(mailing_app, queued)
    assert failed.status == "failed" and "550" in (failed.last_error or "")
    assert failed.content is None, "nothing of the message is kept"
    status = mailing_app.test_cli_runner().invoke(mail_cli, ["status"])
    assert status.exit_code == 0
    assert f"failed   #{queued}" in status.output and "inhaber0@firma.example" in status.output
    assert "550 5.1.1" in status.output


def test_the_last_attempt_marks_the_message_failed(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire
) -> None:
    """After MAIL_MAX_ATTEMPTS temporary failures the message is given up, saying why."""
    mailing_app.config["MAIL_MAX_ATTEMPTS"] = 2
    mail_server.stop()
    [queued] = queue(mailing_app, sample)
    deliver(mailing_app)
    make_due(mailing_app)
    assert deliver(mailing_app) == "0 sent, 0 to try again later, 1 failed"
    failed = entry(mailing_app, queued)
    assert failed.status == "failed" and "gave up after 2 attempts" in (failed.last_error or "")


def test_a_slow_server_times_out_and_the_resend_keeps_the_message_id(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire
) -> None:
    """A server that takes the message but does not answer in time: the attempt counts as
    failed for now, and the message sent again is recognisably the same."""
    mailing_app.config["MAIL_TIMEOUT_SECONDS"] = 1
    mail_server.handler.hold_next = True
    [queued] = queue(mailing_app, sample)
    assert deliver(mailing_app) == "0 sent, 1 to try again later, 0 failed"
    assert "timed out" in (entry(mailing_app, queued).last_error or "")
    mail_server.handler.release.set()
    make_due(mailing_app)
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"
    first, again = mail_server.wait_for(2)
    assert first.message["Message-ID"] == again.message["Message-ID"]
    assert first.content == again.content


def test_a_connection_cut_mid_message_is_tried_again(
    mailing_app: Flask, mail_server: MailServer, sample: Questionnaire
) -> None:
    """The server hangs up during the message: another attempt follows."""
    mail_server.handler.hang_up_next = True
    [queued] = queue(mailing_app, sample)
    assert deliver(mailing_app) == "0 sent, 1 to try again later, 0 failed"
    assert entry(mailing_app, queued).last_error
    make_due(mailing_app)
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"


def test_two_workers_never_claim_the_same_message(app: Flask, sample: Questionnaire) -> None:
    """A claimed message is leased: the next claim takes another, then none is left."""
    queued = queue(app, sample, 2)
    with app.app_context():
        now = utcnow()
        first, second, third = claim_next(now), claim_next(now), claim_next(now)
    assert sorted([first, second]) == sorted(queued) and third is None
    with app.app_context():
        later = utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
        assert claim_next(later) in queued, "a lease that ran out frees the message"


def test_without_a_server_messages_are_written_to_files(
    app: Flask, sample: Questionnaire, caplog: pytest.LogCaptureFixture
) -> None:
    """Development needs no mail server: each message is an .eml file, and one log line says
    where it is and what its subject is."""
    caplog.set_level("INFO")
    [queued] = queue(app, sample)
    assert deliver(app) == "1 sent, 0 to try again later, 0 failed"
    [written] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    assert written.name.endswith(f"-message-{queued}.eml")
    assert b"Subject: Ihr Link 0" in written.read_bytes()
    lines = [r.getMessage() for r in caplog.records if "mail written" in r.getMessage()]
    assert lines == [f"mail written to {written}: Ihr Link 0"]


@pytest.mark.parametrize(
    "subject", ["Ihr Link\r\nBcc: alle@example.org", "Ihr Link\nX-Spam: ja"], ids=["crlf", "lf"]
)
def test_a_line_break_in_a_header_is_refused(
    app: Flask, sample: Questionnaire, subject: str
) -> None:
    """No header can be smuggled in: composing such a message fails, nothing is queued."""
    with app.app_context(), pytest.raises(ValueError):
        compose(
            "resume_link", "a@firma.example", subject, "de", questionnaire=sample, resume_url="x"
        )


@pytest.mark.parametrize(
    "address",
    [
        "a@firma.example\r\nBcc: b@firma.example",
        "Name <a@firma.example>",
        "a@b",
        "x" * 250 + "@a.de",
    ],
)
def test_an_address_no_message_can_go_to_is_refused(
    app: Flask, sample: Questionnaire, address: str
) -> None:
    """Addresses with line breaks, display names, no domain or over 254 characters."""
    with app.app_context(), pytest.raises(AddressError):
        compose("resume_link", address, "Link", "de", questionnaire=sample, resume_url="x")


def test_deleting_a_check_deletes_its_messages(app: Flask, sample: Questionnaire) -> None:
    """A message about a check goes with it (the owner's right to erasure)."""
    from assessment.kernel.models import Assessment
    from assessment.survey.operations import delete_assessment, start_assessment

    with app.app_context():
        assessment, _token = start_assessment(sample, "de")
        message = compose(
            "resume_link", "a@firma.example", "Link", "de", questionnaire=sample, resume_url="x"
        )
        enqueue(message, "resume_link", assessment.id)
        db.session.commit()
        delete_assessment(db.session.get(Assessment, assessment.id))
        assert db.session.scalars(select(OutboxMessage)).all() == []
