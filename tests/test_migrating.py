"""`flask db`: Flask-Migrate's commands work, and serving the app never imports Alembic."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from assessment import PROJECT_ROOT
from assessment.extensions import db
from assessment.questionnaire import Questionnaire

from .conftest import serving


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database."""
    yield from serving(tmp_path / "empty.db", schema=False)


def test_db_upgrade_builds_the_schema(empty_app: Flask) -> None:
    """`flask db upgrade` builds the schema and records the revision it reached."""
    upgraded = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with empty_app.app_context():
        assert "assessments" in inspect(db.engine).get_table_names()
        revisions = db.session.execute(text("SELECT version_num FROM alembic_version")).all()
    assert len(revisions) == 1


def test_db_group_lists_the_migration_commands(empty_app: Flask) -> None:
    """`flask db --help` lists Flask-Migrate's commands and its options."""
    shown = empty_app.test_cli_runner().invoke(args=["db", "--help"])
    assert shown.exit_code == 0, shown.output
    for name in ("upgrade", "downgrade", "migrate", "current", "--directory"):
        assert name in shown.output


def test_serving_the_app_does_not_import_alembic(tmp_path: Path) -> None:
    """The WSGI app loads without Alembic, which only the `db` commands need."""
    code = "import sys, wsgi; print('alembic' in sys.modules, 'flask_migrate' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == ["False", "False"]


def test_upgrading_gives_earlier_checks_the_urgency_they_answered(
    empty_app: Flask, sample: Questionnaire
) -> None:
    """Checks answered before questionnaires named an urgency question get their answer's
    urgency from the question the served questionnaire names now; others stay without."""
    runner = empty_app.test_cli_runner()
    before = runner.invoke(args=["db", "upgrade", "c5e1f08d7a24"])
    assert before.exit_code == 0, before.output
    older = sample.model_dump(mode="json", by_alias=True, exclude_unset=True)
    older.pop("urgency")
    with empty_app.app_context():
        db.session.execute(
            text(
                "INSERT INTO questionnaire_versions (id, questionnaire_id, version, content_hash,"
                " snapshot, created_at) VALUES (1, :id, 1, :hash, :snapshot, :now)"
            ),
            {
                "id": sample.id,
                "hash": "0" * 64,
                "snapshot": json.dumps({"questionnaire": older, "partners": None}),
                "now": datetime(2026, 1, 1, tzinfo=UTC),
            },
        )
        for number, answer in ((1, "hoch"), (2, "gering"), (3, None)):
            db.session.execute(
                text(
                    "INSERT INTO assessments (id, token_hash, questionnaire_version_id, status,"
                    " language, consent_benchmark, consent_advisors, consent_partners,"
                    " created_at, updated_at, review_status, actions_in_report)"
                    " VALUES (:id, :hash, 1, 'submitted', 'de', :no, :yes, :no, :now, :now, 'new',"
                    " :no)"
                ),
                {
                    "id": number,
                    "hash": f"{number:064d}",
                    "now": datetime(2026, 1, 1, tzinfo=UTC),
                    "yes": True,
                    "no": False,
                },
            )
            if answer is not None:
                db.session.execute(
                    text(
                        "INSERT INTO answers (assessment_id, question_id, value, updated_at)"
                        " VALUES (:id, 'strategie_dringlichkeit', :value, :now)"
                    ),
                    {
                        "id": number,
                        "value": json.dumps(answer),
                        "now": datetime(2026, 1, 1, tzinfo=UTC),
                    },
                )
        db.session.commit()
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with empty_app.app_context():
        rows = db.session.execute(
            text("SELECT id, urgency, urgency_rank, follow_up_on FROM assessments ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "hoch", 2, None),
        (2, "gering", 0, None),
        (3, None, None, None),
    ]
