"""Shared fixtures: the application, its clients, and the sample questionnaire."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from assessment import PROJECT_ROOT, create_app
from assessment.questionnaire import Questionnaire, load_questionnaire

pytest_plugins = ["pytester", "tests.ci_plugin"]

SAMPLE_DIR = PROJECT_ROOT / "questionnaires"
SAMPLE = SAMPLE_DIR / "digitalcheck.yaml"
PARTNERS = SAMPLE_DIR / "partners.yaml"


@pytest.fixture
def app() -> Flask:
    """The application serving the sample questionnaires."""
    return create_app({"TESTING": True, "QUESTIONNAIRE_DIR": str(SAMPLE_DIR)})


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
