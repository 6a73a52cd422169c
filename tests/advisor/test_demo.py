"""`flask demo seed|bulk`: sample firms through the real services, bulk rows, never production."""

from __future__ import annotations

import html
from fractions import Fraction
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from assessment import demo
from assessment.advisor.models import Advisor, Note
from assessment.demo import DEMO_EMAIL, DEMO_PASSWORD, FIRMS, demo_cli
from assessment.extensions import db
from assessment.kernel.models import Assessment, DimensionScore
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.conditions import is_shown, visible_answers

from .conftest import SharedFactory, login

#: Every firm's check, and the repeated checks of some.
SEEDED = len(FIRMS) + sum(firm.repeat is not None for firm in FIRMS)


def invoke(app: Flask, *args: str) -> Result:
    """Run `flask demo ARGS` against the app."""
    return app.test_cli_runner().invoke(demo_cli, list(args))


def count(app: Flask, model: type[Any]) -> int:
    """How many rows a table holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def seeded(advisor_app: Flask) -> Flask:
    """The advisor app after `flask demo seed`."""
    result = invoke(advisor_app, "seed")
    assert result.exit_code == 0, result.output
    return advisor_app


def test_seed_creates_the_demo_advisor_and_prints_how_to_log_in(advisor_app: Flask) -> None:
    """The demo account is created with the printed password, beside the existing one."""
    result = invoke(advisor_app, "seed")
    assert result.exit_code == 0, result.output
    assert f"log in at http://127.0.0.1:5000/advisor/login as {DEMO_EMAIL}" in result.output
    assert f"with the password {DEMO_PASSWORD}" in result.output
    assert count(advisor_app, Advisor) == 2
    assert login(advisor_app.test_client(), DEMO_EMAIL, DEMO_PASSWORD).status_code == 302


def test_seed_is_idempotent(seeded: Flask) -> None:
    """A second seed adds nothing and says so."""
    result = invoke(seeded, "seed")
    assert result.exit_code == 0, result.output
    assert "holds assessments already" in result.output
    assert DEMO_PASSWORD in result.output
    assert count(seeded, Assessment) == SEEDED
    assert count(seeded, Advisor) == 2


def test_seed_leaves_existing_assessments_alone(
    advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """A database with assessments gets the demo advisor only."""
    add_assessment("Bestehende Firma GmbH")
    result = invoke(advisor_app, "seed")
    assert result.exit_code == 0, result.output
    assert count(advisor_app, Assessment) == 1
    assert count(advisor_app, Advisor) == 2


def test_dashboard_lists_the_sharing_firms_only(seeded: Flask) -> None:
    """Firms that shared their submitted check appear; the others and unfinished ones do not."""
    client = seeded.test_client()
    assert login(client, DEMO_EMAIL, DEMO_PASSWORD).status_code == 302
    page = client.get("/advisor/").get_data(as_text=True)
    for firm in FIRMS:
        listed = html.escape(firm.name) in page
        assert listed == (firm.shared and not firm.unfinished), firm.name


def test_seeded_checks_are_submitted_with_scores_that_vary(
    seeded: Flask, sample: Questionnaire
) -> None:
    """Submitted checks have every dimension scored, levels of every kind, over months."""
    with seeded.app_context():
        checks = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
        submitted = [a for a in checks if a.status == "submitted"]
        assert len(checks) == SEEDED
        assert len(submitted) == SEEDED - sum(firm.unfinished for firm in FIRMS)
        for check in submitted:
            assert len(check.dimension_scores) == len(sample.dimensions), check.company_name
            assert check.overall_level == sample.level_for(Fraction(check.overall_score)).id
        assert {a.overall_level for a in submitted} == {level.id for level in sample.levels}
        dates = [a.submitted_at for a in submitted if a.submitted_at is not None]
        assert (max(dates) - min(dates)).days > 200
        assert {a.sector for a in submitted} >= {"handwerk", "produktion", "handel", "bau"}


def test_seeded_answers_fit_and_skip_hidden_questions(seeded: Flask, sample: Questionnaire) -> None:
    """Every stored answer is normalised, shown by its conditions, and required ones are there."""
    with seeded.app_context():
        for check in db.session.scalars(select(Assessment).filter_by(status="submitted")):
            answers = {answer.question_id: answer.value for answer in check.answers}
            assert visible_answers(sample, answers) == answers
            for question in sample.questions:
                if question.id in answers:
                    assert question.read_answer(answers[question.id]) is not None
                elif question.required:
                    assert not is_shown(question, answers, sample), question.id


def test_repeated_checks_link_to_the_first_and_score_better(seeded: Flask) -> None:
    """A repeated check points to the earlier one and shows progress."""
    with seeded.app_context():
        repeats = db.session.scalars(select(Assessment).where(Assessment.previous_id.is_not(None)))
        pairs = [(r.previous, r) for r in repeats]
        assert len(pairs) == sum(firm.repeat is not None for firm in FIRMS)
        for earlier, later in pairs:
            assert earlier is not None and earlier.company_name == later.company_name
            assert later.overall_score > earlier.overall_score
            assert later.submitted_at > earlier.submitted_at


def test_some_checks_are_in_review_with_the_demo_advisor(seeded: Flask) -> None:
    """Reviewed and in-review checks are assigned to the demo advisor; one has a note."""
    with seeded.app_context():
        advisor = db.session.scalars(select(Advisor).filter_by(email=DEMO_EMAIL)).one()
        followed = db.session.scalars(
            select(Assessment).where(Assessment.review_status != "new")
        ).all()
        assert {a.review_status for a in followed} == {"in_review", "reviewed"}
        assert all(a.assigned_advisor_id == advisor.id for a in followed)
        assert count(seeded, Note) == 1


@pytest.mark.parametrize("command", [["seed"], ["bulk", "--count", "5"]])
def test_refused_in_production(advisor_app: Flask, command: list[str]) -> None:
    """Sample data never reaches a production database."""
    advisor_app.config["ENVIRONMENT"] = "production"
    result = invoke(advisor_app, *command)
    assert result.exit_code == 1
    assert "refused in production" in result.output
    assert count(advisor_app, Assessment) == 0
    assert count(advisor_app, Advisor) == 1


def test_bulk_inserts_consistent_rows_in_batches(
    advisor_app: Flask, sample: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """N shared, submitted checks of N firms whose levels fit their scores, with every dimension."""
    monkeypatch.setattr(demo, "BULK_BATCH", 40)
    result = invoke(advisor_app, "bulk", "--count", "100", "--seed", "3")
    assert result.exit_code == 0, result.output
    with advisor_app.app_context():
        checks = db.session.scalars(select(Assessment)).all()
        assert len(checks) == 100
        assert len({a.token_hash for a in checks}) == 100
        assert all(len(a.token_hash) == 64 for a in checks)
        assert all(a.consent_advisors and a.status == "submitted" for a in checks)
        assert all(a.firm_id == a.id for a in checks), "each a firm of its own"
        for check in checks:
            assert check.overall_level == sample.level_for(Fraction(check.overall_score)).id
            assert len(check.dimension_scores) == len(sample.dimensions)
        for row in db.session.scalars(select(DimensionScore)):
            assert row.level == sample.level_for(Fraction(row.score)).id
        assert len({a.sector for a in checks}) > 3
        assert len({a.overall_level for a in checks}) > 2


def test_bulk_twice_needs_another_seed(advisor_app: Flask) -> None:
    """The same seed would repeat the tokens: refused; another seed adds more."""
    assert invoke(advisor_app, "bulk", "--count", "10").exit_code == 0
    again = invoke(advisor_app, "bulk", "--count", "10")
    assert again.exit_code == 1
    assert "choose another --seed" in again.output
    assert invoke(advisor_app, "bulk", "--count", "10", "--seed", "2").exit_code == 0
    assert count(advisor_app, Assessment) == 20
