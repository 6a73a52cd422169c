"""`flask db`: Flask-Migrate's commands work, and serving the app never imports Alembic."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from assessment import PROJECT_ROOT
from assessment.extensions import db

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
