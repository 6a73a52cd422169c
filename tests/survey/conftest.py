"""Fixtures for the web tests: an app serving a small questionnaire with every type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import db
from assessment.kernel.models import Assessment

from ..conftest import serving
from .helpers import Respondent

DATA = Path(__file__).parent / "data"


@pytest.fixture
def small_app(tmp_path: Path) -> Iterator[Flask]:
    """The app serving tests/survey/data/check.yaml."""
    yield from serving(tmp_path / "web.db", DATA)


@pytest.fixture
def owner(small_app: Flask) -> Respondent:
    """An owner who has started the small check."""
    respondent = Respondent(small_app.test_client())
    respondent.start("webcheck")
    return respondent


@pytest.fixture
def sample_owner(client: FlaskClient) -> Respondent:
    """An owner who has started the sample check."""
    respondent = Respondent(client)
    respondent.start()
    return respondent


def stored(app: Flask) -> dict[str, object]:
    """The only assessment's answers as stored in the database."""
    with app.app_context():
        assessment = db.session.scalars(db.select(Assessment)).one()
        return {answer.question_id: answer.value for answer in assessment.answers}


def the_assessment(app: Flask) -> Assessment:
    """The only assessment in the database (detached, for reading its columns)."""
    with app.app_context():
        assessment = db.session.scalars(db.select(Assessment)).one()
        db.session.expunge(assessment)
        return assessment
