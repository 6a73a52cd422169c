"""Retention: `flask purge --older-than DAYS` and deleting an assessment leave nothing behind."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, update

from assessment.advisor.accounts import create_advisor
from assessment.advisor.models import ActionItem, AdvisorSession, AuditEvent, LoginAttempt, Note
from assessment.extensions import db
from assessment.kernel.models import (
    Answer,
    Assessment,
    ConsentChange,
    DimensionScore,
    RateEvent,
    utcnow,
)
from assessment.kernel.peers import peer_changes
from assessment.mail.models import OutboxMessage
from assessment.questionnaire import Questionnaire
from assessment.retention import purge_command

from .survey.helpers import Respondent, complete, csrf_token

PROFILE = {
    "sector": "handwerk",
    "size": "small",
    "region": "soest",
    "consent_advisors": "y",
    "consent_benchmark": "y",
}


def answer(app: Flask, sample: Questionnaire, company: str, *, submit: bool = True) -> Respondent:
    """A firm that answered through the web (and submitted, unless told otherwise)."""
    owner = Respondent(app.test_client())
    owner.start()
    if submit:
        complete(owner, app, sample, company, PROFILE)
    else:
        saved = owner.send(0, {**PROFILE, "company_name": company}, action="save")
        assert saved.status_code == 302
    return owner


def age(app: Flask, company: str, days: int) -> int:
    """Move a firm's assessment into the past; returns its id."""
    with app.app_context():
        past = utcnow() - timedelta(days=days)
        found = db.session.scalars(select(Assessment).filter_by(company_name=company)).one()
        db.session.execute(
            update(Assessment)
            .where(Assessment.id == found.id)
            .values(
                updated_at=past,
                created_at=past,
                submitted_at=past if found.submitted else None,
            )
        )
        db.session.commit()
        return found.id


def count(app: Flask, model: type, **where: object) -> int:
    """How many rows of a model there are (matching the filter)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0


def test_purge_deletes_what_is_too_old_with_everything_about_it(
    app: Flask, runner: FlaskCliRunner, sample: Questionnaire
) -> None:
    """Old submitted and old unfinished checks go, with answers, scores, notes, audit, consent
    history and cache; kept peer medians are stale at once."""
    old = answer(app, sample, "Alt GmbH")
    answer(app, sample, "Liegen geblieben", submit=False)
    answer(app, sample, "Neu GmbH")
    assert old.client.get(old.url("/report")).status_code == 200
    old_id, stale_id = age(app, "Alt GmbH", 400), age(app, "Liegen geblieben", 400)
    cached = Path(app.config["CACHE_DIR"]) / "assessments" / str(old_id)
    assert any(cached.iterdir()), "the report was cached"
    with app.app_context():
        advisor = create_advisor("ada@example.org", "correct horse battery staple")
        db.session.add_all(
            [
                Note(assessment_id=old_id, advisor_id=advisor.id, text="Rückruf"),
                ActionItem(assessment_id=old_id, advisor_id=advisor.id, text="Förderung"),
                AuditEvent(assessment_id=old_id, advisor_id=advisor.id, action="note"),
            ]
        )
        db.session.commit()

    dry = runner.invoke(purge_command, ["--older-than", "365", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 2 assessments older than 365 days (1 submitted, 1 unfinished" in dry.output
    assert count(app, Assessment) == 3

    with app.app_context():
        before = peer_changes()
    done = runner.invoke(purge_command, ["--older-than", "365"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert peer_changes() == before + 1, "a submitted check left the peer groups"
    assert "Deleted 2 assessments" in done.output
    with app.app_context():
        left = db.session.scalars(select(Assessment.company_name)).all()
    assert left == ["Neu GmbH"]
    for model in (Answer, DimensionScore, Note, ActionItem, AuditEvent, ConsentChange):
        assert count(app, model, assessment_id=old_id) == 0, model
    assert count(app, Answer, assessment_id=stale_id) == 0
    assert not cached.exists()
    assert count(app, Answer) > 0, "the recent check keeps its answers"


def test_nothing_old_enough(app: Flask, runner: FlaskCliRunner, sample: Questionnaire) -> None:
    """A purge with nothing past the period says so and changes nothing."""
    answer(app, sample, "Neu GmbH")
    result = runner.invoke(purge_command, ["--older-than", "30"])
    assert result.exit_code == 0
    assert "Deleted 0 assessments" in result.output
    assert count(app, Assessment) == 1


def test_a_repeat_check_outlives_its_purged_predecessor(
    app: Flask, runner: FlaskCliRunner, sample: Questionnaire
) -> None:
    """The later check stays, its link to the deleted earlier one is cleared."""
    owner = answer(app, sample, "Wiederholer GmbH")
    report = owner.client.get(owner.url("/report"))
    again = owner.client.post(owner.url("/repeat"), data={"csrf_token": csrf_token(report)})
    assert again.status_code == 302
    with app.app_context():
        first = db.session.scalars(select(Assessment).order_by(Assessment.id)).first()
        assert first is not None
        first_id = first.id
    with app.app_context():
        past = utcnow() - timedelta(days=800)
        db.session.execute(
            update(Assessment).where(Assessment.id == first_id).values(submitted_at=past)
        )
        db.session.commit()
    assert runner.invoke(purge_command, ["--older-than", "365"]).exit_code == 0
    with app.app_context():
        remaining = db.session.scalars(select(Assessment)).one()
        assert remaining.previous_id is None


def test_the_centres_retention_period_is_the_default(
    app: Flask, runner: FlaskCliRunner, sample: Questionnaire
) -> None:
    """Without --older-than the purge keeps what owners are told: centre.yaml's 730 days."""
    answer(app, sample, "Knapp GmbH")
    answer(app, sample, "Alt GmbH")
    age(app, "Knapp GmbH", 729)
    age(app, "Alt GmbH", 731)
    done = runner.invoke(purge_command, [])
    assert done.exit_code == 0, done.output
    assert "Deleted 1 assessments older than 730 days" in done.output
    with app.app_context():
        assert db.session.scalars(select(Assessment.company_name)).all() == ["Knapp GmbH"]


def test_bad_period_is_refused(runner: FlaskCliRunner) -> None:
    """Zero, negative or unreadable days are refused with a usage message."""
    for args in (["--older-than", "0"], ["--older-than", "-5"], ["--older-than", "x"]):
        result = runner.invoke(purge_command, args)
        assert result.exit_code == 2, args
        assert "--older-than" in result.output


def test_deleting_an_assessment_deletes_its_cached_report(
    app: Flask, sample: Questionnaire
) -> None:
    """The owner's delete removes the cached report, charts and PDF with the data."""
    owner = answer(app, sample, "Weg GmbH")
    assert owner.client.get(owner.url("/report")).status_code == 200
    with app.app_context():
        number = db.session.scalars(select(Assessment.id)).one()
    cached = Path(app.config["CACHE_DIR"]) / "assessments" / str(number)
    assert any(cached.iterdir())
    page = owner.client.get(owner.url("/delete"))
    gone = owner.client.post(owner.url("/delete"), data={"csrf_token": csrf_token(page)})
    assert gone.status_code in (200, 302)
    assert count(app, Assessment) == 0
    assert not cached.exists()


def test_purge_also_clears_unsaved_checks_and_old_records(
    app: Flask, runner: FlaskCliRunner, sample: Questionnaire
) -> None:
    """Checks started but never saved go after 30 days; login records, sessions ended or idle
    and e-mails sent or failed 90 days ago, and rate-limit records of yesterday go too;
    everything younger, and e-mail still waiting, stays."""
    now = utcnow()
    for company in ("Nie gespeichert alt", "Nie gespeichert neu", "Gespeichert alt"):
        owner = Respondent(app.test_client())
        owner.start()
        if company == "Gespeichert alt":
            owner.send(0, {**PROFILE, "company_name": company}, action="save")
        with app.app_context():
            newest = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
            newest.company_name = company  # a label for the test; the owner never saved one
            past = now - timedelta(days=10 if company.endswith("neu") else 31)
            newest.created_at = newest.updated_at = past
            db.session.commit()
    with app.app_context():
        advisor = create_advisor("ada@example.org", "correct horse battery staple")
        old, recent = now - timedelta(days=91), now - timedelta(days=1)
        db.session.add_all(
            [
                LoginAttempt(at=old, email="a@example.org", address="192.0.2.1", outcome="ok"),
                LoginAttempt(at=recent, email="b@example.org", address="192.0.2.2", outcome="ok"),
                AdvisorSession(token_hash="1" * 64, advisor_id=advisor.id, ended_at=old),
                AdvisorSession(token_hash="2" * 64, advisor_id=advisor.id, last_seen_at=old),
                AdvisorSession(token_hash="3" * 64, advisor_id=advisor.id, last_seen_at=recent),
                RateEvent(kind="start", client="c" * 64, at=now - timedelta(days=2)),
                *(
                    OutboxMessage(
                        kind="resume_link",
                        message_id=f"<{number}@test>",
                        recipient="a@example.org",
                        subject="Link",
                        status=status,
                        created_at=when,
                    )
                    for number, (status, when) in enumerate(
                        [("sent", old), ("failed", old), ("pending", old), ("sent", recent)]
                    )
                ),
            ]
        )
        db.session.commit()
    dry = runner.invoke(purge_command, ["--dry-run"])
    assert "and 1 started but never saved more than 30 days ago" in dry.output
    assert "Would delete 1 login records and 2 ended sessions older than 90 days" in dry.output
    done = runner.invoke(purge_command, [])
    assert done.exit_code == 0, done.output
    assert "and 1 started but never saved more than 30 days ago" in done.output
    assert "Deleted 1 login records and 2 ended sessions older than 90 days, 2 sent" in done.output
    with app.app_context():
        left = set(db.session.scalars(select(Assessment.company_name)))
        assert left == {"Nie gespeichert neu", "Gespeichert alt"}
        assert db.session.scalars(select(LoginAttempt.email)).all() == ["b@example.org"]
        assert db.session.scalars(select(AdvisorSession.token_hash)).all() == ["3" * 64]
        kept = set(db.session.scalars(select(OutboxMessage.message_id)))
        assert kept == {"<2@test>", "<3@test>"}, "a waiting message and a recent one stay"
        ages = db.session.scalars(select(RateEvent.at)).all()
    assert len(ages) == 3, "the three starts of today stay; the one of two days ago went"
