"""Migrations build exactly the schema the models describe; the database keeps its promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from assessment import create_app
from assessment.extensions import db
from assessment.models import Answer, Assessment, QuestionnaireVersion

from .conftest import SAMPLE_DIR


def migrated_app(database: Path):
    """An app whose database was built by the migrations (as `make run` does)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "QUESTIONNAIRE_DIR": str(SAMPLE_DIR)}
    )
    with app.app_context():
        upgrade()
    return app


def test_migrations_match_the_models(tmp_path: Path) -> None:
    """Upgrading an empty database gives the models' schema: no difference left to migrate."""
    app = migrated_app(tmp_path / "migrated.db")
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()
    tables = set(inspect(create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")).get_table_names())
    assert {"assessments", "answers", "questionnaire_versions", "alembic_version"} <= tables


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


def test_deleting_an_assessment_deletes_its_answers_in_sqlite_too(app) -> None:
    """Foreign keys are switched on for SQLite, so ON DELETE CASCADE works."""
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
