"""Migrations build exactly the schema the models describe; the database keeps its promises.

Like every test, these run on SQLite and, with DIGITALCHECK_TEST_DATABASE=postgresql, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Connection, MetaData, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from assessment.extensions import db
from assessment.kernel.models import (
    Answer,
    Assessment,
    DimensionScore,
    QuestionnaireVersion,
    company_key,
)
from assessment.migrating import enable_migrations

from .conftest import serving

#: The schema of the previous release, before the advisor workspace.
PREVIOUS_RELEASE = "d257fea71878"
STARTED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database, to be built by the migrations (as `make run` does)."""
    for app in serving(tmp_path / "migrated.db", schema=False):
        enable_migrations(app)
        yield app


def schema_differences(app: Flask) -> list[Any]:
    """What `flask db migrate` would write: the models' schema against the database's."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(empty_app: Flask) -> None:
    """Upgrading an empty database gives the models' schema: no difference left to migrate."""
    with empty_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert schema_differences(empty_app) == []
    assert {"assessments", "answers", "questionnaire_versions", "alembic_version"} <= tables


def insert_previous_release_data(connection: Connection) -> dict[str, int]:
    """Rows as the previous release wrote them, into its schema as the database has it."""
    old = MetaData()
    old.reflect(connection)
    assert "company_key" not in old.tables["assessments"].c

    def add(table: str, **values: Any) -> Any:
        """Insert one row; its generated id."""
        return connection.execute(insert(old.tables[table]), values).inserted_primary_key[0]

    version = add(
        "questionnaire_versions",
        questionnaire_id="digitalcheck",
        version=1,
        content_hash="e" * 64,
        snapshot={"id": "digitalcheck", "version": 1},
        created_at=STARTED,
    )
    common = {
        "questionnaire_version_id": version,
        "language": "de",
        "consent_benchmark": True,
        "consent_advisors": True,
        "consent_partners": False,
        "created_at": STARTED,
        "updated_at": STARTED,
    }
    submitted = add(
        "assessments",
        **common,
        token_hash="1" * 64,
        status="submitted",
        company_name="  Müller   GmbH ",
        sector="handwerk",
        overall_score=62.5,
        overall_level="advanced",
        submitted_at=STARTED,
    )
    anonymous = add("assessments", **common, token_hash="2" * 64, status="in_progress")
    for assessment, question, value in (
        (submitted, "q1", "yes"),
        (submitted, "q2", ["a", "b"]),
        (anonymous, "q1", 3),
    ):
        add(
            "answers",
            assessment_id=assessment,
            question_id=question,
            value=value,
            updated_at=STARTED,
        )
    for dimension, score, level in (("strategy", 75.0, "advanced"), ("data", 50.0, "basic")):
        add(
            "dimension_scores",
            assessment_id=submitted,
            dimension_id=dimension,
            score=score,
            level=level,
        )
    return {"submitted": submitted, "anonymous": anonymous}


def assert_previous_release_data_kept(ids: dict[str, int]) -> None:
    """The rows written by the previous release are all there, unchanged."""
    submitted = db.session.get(Assessment, ids["submitted"])
    anonymous = db.session.get(Assessment, ids["anonymous"])
    assert submitted is not None and anonymous is not None
    assert submitted.company_name == "  Müller   GmbH "
    assert (submitted.status, submitted.overall_score, submitted.sector) == (
        "submitted",
        62.5,
        "handwerk",
    )
    assert submitted.submitted_at is not None
    assert submitted.submitted_at.replace(tzinfo=submitted.submitted_at.tzinfo or UTC) == STARTED
    answers = db.session.execute(
        select(Answer.assessment_id, Answer.question_id, Answer.value).order_by(Answer.id)
    ).all()
    assert [tuple(row) for row in answers] == [
        (ids["submitted"], "q1", "yes"),
        (ids["submitted"], "q2", ["a", "b"]),
        (ids["anonymous"], "q1", 3),
    ]
    scores = db.session.execute(
        select(DimensionScore.dimension_id, DimensionScore.score).order_by(DimensionScore.score)
    ).all()
    assert [tuple(row) for row in scores] == [("data", 50.0), ("strategy", 75.0)]
    assert db.session.get(QuestionnaireVersion, submitted.questionnaire_version_id) is not None


def test_upgrade_from_the_previous_release_keeps_the_data(empty_app: Flask) -> None:
    """The previous release's database upgrades with its rows; the new columns are filled in.

    Downgrading goes back to that schema without losing the rows, and upgrading again works.
    """
    with empty_app.app_context():
        upgrade(revision=PREVIOUS_RELEASE)
        with db.engine.begin() as connection:
            ids = insert_previous_release_data(connection)
        for _ in range(2):
            upgrade()
            assert_previous_release_data_kept(ids)
            submitted = db.session.get(Assessment, ids["submitted"])
            anonymous = db.session.get(Assessment, ids["anonymous"])
            assert submitted is not None and anonymous is not None
            assert submitted.company_key == company_key("  Müller   GmbH ") == "muller gmbh"
            assert anonymous.company_key is None
            assert [submitted.review_status, anonymous.review_status] == ["new", "new"]
            assert [submitted.actions_in_report, anonymous.actions_in_report] == [False, False]
            assert submitted.assigned_advisor_id is None
            db.session.close()
            downgrade(revision=PREVIOUS_RELEASE)
            columns = {column["name"] for column in inspect(db.engine).get_columns("assessments")}
            assert "company_key" not in columns and "review_status" not in columns
            assert "advisors" not in inspect(db.engine).get_table_names()
        upgrade()
        assert_previous_release_data_kept(ids)
        db.session.execute(db.delete(Assessment))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0, "cascades again"
    assert schema_differences(empty_app) == []


def test_constraints_hold_in_the_database(app) -> None:
    """Status values, unique tokens and one answer per question are enforced by the database."""
    with app.app_context():
        version = QuestionnaireVersion(
            questionnaire_id="q", version=1, content_hash="h" * 64, snapshot={}
        )
        first = Assessment(token_hash="a" * 64, questionnaire_version=version, language="de")
        db.session.add(first)
        db.session.commit()
        for broken in (
            Assessment(
                token_hash="b" * 64, questionnaire_version=version, language="de", status="lost"
            ),
            Assessment(token_hash="a" * 64, questionnaire_version=version, language="de"),
        ):
            db.session.add(broken)
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
        db.session.add_all([Answer(assessment=first, question_id="x", value=1)] * 1)
        db.session.commit()
        db.session.add(Answer(assessment_id=first.id, question_id="x", value=2))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_deleting_an_assessment_deletes_its_answers(app) -> None:
    """ON DELETE CASCADE works, on SQLite too, where foreign keys are switched on per connection."""
    with app.app_context():
        version = QuestionnaireVersion(
            questionnaire_id="q", version=1, content_hash="c" * 64, snapshot={}
        )
        assessment = Assessment(token_hash="d" * 64, questionnaire_version=version, language="de")
        db.session.add(Answer(assessment=assessment, question_id="x", value=1))
        db.session.commit()
        db.session.execute(db.delete(Assessment))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_upgrade_finds_each_checks_firm(empty_app: Flask) -> None:
    """Checks of a repeat chain, and checks of the same name and region, share one firm."""
    with empty_app.app_context():
        upgrade(revision="f2fc875ee085")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            version = connection.execute(
                insert(old.tables["questionnaire_versions"]),
                {
                    "questionnaire_id": "digitalcheck",
                    "version": 1,
                    "content_hash": "f" * 64,
                    "snapshot": {},
                    "created_at": STARTED,
                },
            ).inserted_primary_key[0]

            def add(number: int, **values: Any) -> int:
                row = {
                    "questionnaire_version_id": version,
                    "language": "de",
                    "token_hash": f"{number:064d}",
                    "status": "submitted",
                    "consent_benchmark": True,
                    "consent_advisors": False,
                    "consent_partners": False,
                    "created_at": STARTED,
                    "updated_at": STARTED,
                    "review_status": "new",
                    "actions_in_report": False,
                    **values,
                }
                table = old.tables["assessments"]
                return connection.execute(insert(table), row).inserted_primary_key[0]

            first = add(1, company_key="muller gmbh", region="soest")
            repeat = add(2, previous_id=first)
            namesake = add(3, company_key="muller gmbh", region="soest")
            elsewhere = add(4, company_key="muller gmbh", region="werl")
            alone = add(5)
            repeat_of_namesake = add(6, previous_id=namesake, company_key="neu")
        upgrade()
        firms = dict(db.session.execute(select(Assessment.id, Assessment.firm_id)).all())
    assert firms == {
        first: first,
        repeat: first,
        namesake: first,
        elsewhere: elsewhere,
        alone: alone,
        repeat_of_namesake: first,
    }
