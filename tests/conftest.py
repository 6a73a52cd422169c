"""Shared fixtures: the application, its clients, and the sample questionnaire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from assessment import PROJECT_ROOT, create_app
from assessment.extensions import db
from assessment.questionnaire import Questionnaire, load_questionnaire

pytest_plugins = ["pytester", "tests.ci_plugin"]

SAMPLE_DIR = PROJECT_ROOT / "questionnaires"
SAMPLE = SAMPLE_DIR / "digitalcheck.yaml"
PARTNERS = SAMPLE_DIR / "partners.yaml"


def make_app(database: Path, questionnaire_dir: Path = SAMPLE_DIR) -> Flask:
    """An application on its own SQLite database, with the schema created."""
    app = create_app(
        {
            "TESTING": True,
            "PASSWORD_HASH_PROFILE": "cheapest",
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "CACHE_DIR": str(database.parent / "cache"),
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def serving(database: Path, questionnaire_dir: Path = SAMPLE_DIR) -> Iterator[Flask]:
    """An app on its own database for one test; its connections are closed afterwards."""
    app = make_app(database, questionnaire_dir)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The application serving the sample questionnaires, on a fresh database."""
    yield from serving(tmp_path / "test.db")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the application."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the application's command line."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def sample() -> Questionnaire:
    """The sample questionnaire with its partner directory."""
    return load_questionnaire(SAMPLE)


@pytest.fixture
def sample_path() -> Path:
    """The path of the sample questionnaire."""
    return SAMPLE
