"""No answer lost: the load test in small, on this run's database, and proof that it can fail."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment import PROJECT_ROOT
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.models import Answer, Assessment
from bench.loadtest import EMPTY_PROFILE, Check, State, verify

from .conftest import database_uri, release
from .survey.helpers import Respondent, answers_of, good_answer

#: At least 50 respondents at once; checks start for 10 s, those under way are completed
#: within GRACE seconds, long enough for the slowest machine. `make loadtest` starts checks
#: for a minute.
RESPONDENTS = 50
SECONDS = 10
GRACE = 600


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on this run's backend, for the load test to migrate."""
    path = tmp_path / "load.db"
    yield database_uri(path, schema=False)
    release(path)


def load(url: str, tmp_path: Path, *options: str) -> dict:
    """Run the load test on the database; its JSON summary (the run must succeed)."""
    output = tmp_path / "summary.json"
    command = [sys.executable, "-m", "bench.loadtest", "--database-url", url]
    command += ["--respondents", str(RESPONDENTS), "--workers", "3", "--seconds", str(SECONDS)]
    command += ["--grace", str(GRACE)]
    run = subprocess.run(
        [*command, "--json", str(output), *options],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS + GRACE + 300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(output.read_text())


def test_every_acknowledged_save_is_stored_as_sent(empty_database: str, tmp_path: Path) -> None:
    """50 respondents under gunicorn with 3 workers: nothing lost, no request failed."""
    summary = load(empty_database, tmp_path)
    assert summary["problems"] == []
    assert summary["errors"] == []
    assert summary["respondents"] == RESPONDENTS
    assert summary["checks_submitted"] >= RESPONDENTS, "every respondent completed a check"
    assert summary["saves_acknowledged"] > summary["checks_started"]
    assert summary["requests_cut_off"] == summary["saves_unacknowledged"] == 0


def test_killed_workers_lose_no_acknowledged_save(empty_database: str, tmp_path: Path) -> None:
    """Workers killed with SIGKILL while they hold a save: nothing acknowledged is lost.

    The first killed worker holds a profile save before the app sees it, the second after the
    app stored it; the third is killed whatever it does.
    """
    summary = load(empty_database, tmp_path, "--kill")
    assert len(summary["killed_workers"]) == 3
    assert summary["workers_replaced"] is True
    held = [(hold["stage"], hold["status"], hold["stored"]) for hold in summary["held_saves"]]
    assert held == [("before", None, False), ("after", "302 FOUND", True)]
    assert [hold["pid"] for hold in summary["held_saves"]] == summary["killed_workers"][:2]
    assert summary["requests_cut_off"] >= 2
    assert summary["saves_unacknowledged"] >= 2
    assert summary["problems"] == []
    assert summary["errors"] == []
    assert summary["checks_submitted"] > 0


@pytest.fixture
def checked(app: Flask, client: FlaskClient, sample) -> tuple[Check, str]:
    """A saved check whose acknowledged state matches the database, and the database URL."""
    owner = Respondent(client)
    owner.start()
    data = {"company_name": "Prüf GmbH", "consent_advisors": "y"}
    for question in sample.profile:
        data.update(good_answer(question).to_dict(flat=False))
    assert owner.send(0, data).status_code == 302
    profile = {**EMPTY_PROFILE, "company_name": "Prüf GmbH"}
    profile["consent_advisors"] = True
    check = Check(owner.token, State(answers_of(app, owner.token), profile))
    return check, app.config["SQLALCHEMY_DATABASE_URI"]


def test_the_check_finds_nothing_wrong_with_what_was_acknowledged(
    checked: tuple[Check, str],
) -> None:
    """The stored check is what was acknowledged: no problem."""
    check, url = checked
    assert verify(url, [check], 0) == []


def test_the_check_finds_a_changed_answer(app: Flask, checked: tuple[Check, str]) -> None:
    """An answer stored differently from what was acknowledged is reported with both values."""
    check, url = checked
    with app.app_context():
        answer = find_assessment(check.token).answers[0]
        question = answer.question_id
        answer.value = "verfälscht"
        db.session.commit()
    [problem] = verify(url, [check], 0)
    assert f"{question}: sent" in problem
    assert "stored 'verfälscht'" in problem


def test_the_check_finds_a_half_stored_save(app: Flask, checked: tuple[Check, str]) -> None:
    """An unanswered save may be stored fully or not at all, never in part."""
    check, url = checked
    first, second = sorted(check.acknowledged.answers)[:2]
    after = {**check.acknowledged.answers, first: "neu", second: "neu"}
    check.unacknowledged = replace(check.acknowledged, answers=after)
    assert verify(url, [check], 0) == []
    with app.app_context():
        stored = {a.question_id: a for a in find_assessment(check.token).answers}
        stored[first].value = "neu"
        db.session.commit()
    [problem] = verify(url, [check], 0)
    assert "nor does it match the save that went unanswered" in problem


def test_the_check_finds_a_held_save_stored_against_its_stage(
    app: Flask, checked: tuple[Check, str]
) -> None:
    """A save held before the app must not be stored, one held after it must be."""
    check, url = checked
    acknowledged = check.acknowledged
    check.unacknowledged = acknowledged
    check.acknowledged = replace(acknowledged, profile=EMPTY_PROFILE, answers={})
    path = f"/a/{check.token}/step/0"
    after = {"stage": "after", "status": "302 FOUND", "path": path}
    assert verify(url, [check], 0, [after]) == []
    assert after["stored"] is True
    before = {"stage": "before", "status": None, "path": path}
    [problem] = verify(url, [check], 0, [before])
    assert problem == f"the save held before the app (answer None) at {path} is stored"


def test_the_check_finds_a_lost_submission_and_a_missing_check(
    app: Flask, checked: tuple[Check, str]
) -> None:
    """An acknowledged submission not stored, and a check that is gone, are reported."""
    check, url = checked
    submitted = Check(check.token, replace(check.acknowledged, submitted=True))
    gone = Check("x" * 43)
    problems = verify(url, [submitted, gone], 0)
    assert any("submitted: acknowledged True, stored False" in p for p in problems)
    assert any(p.startswith("check xxxxxxxx…: missing") for p in problems)


def test_the_check_finds_an_assessment_nobody_was_told_of(
    app: Flask, checked: tuple[Check, str]
) -> None:
    """Assessments beyond the unanswered starts, or one with answers, are reported."""
    check, url = checked
    with app.app_context():
        stray = Assessment(
            token_hash="0" * 64,
            questionnaire_version=find_assessment(check.token).questionnaire_version,
            language="de",
        )
        db.session.add(stray)
        db.session.commit()
        stray_id = stray.id
    assert verify(url, [check], 1) == []
    assert any("1 assessments nobody was told of" in p for p in verify(url, [check], 0))
    with app.app_context():
        db.session.add(Answer(assessment_id=stray_id, question_id="sector", value="handel"))
        db.session.commit()
    assert any("never acknowledged, holds answers" in p for p in verify(url, [check], 1))
