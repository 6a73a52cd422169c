"""Fixtures for the advisor workspace: accounts, logged-in clients and shared assessments."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

from assessment.advisor.accounts import create_advisor
from assessment.extensions import db
from assessment.kernel.models import Assessment, DimensionScore, company_key
from assessment.kernel.pinning import pin
from assessment.questionnaire import Questionnaire

from ..conftest import serving
from ..survey.helpers import Respondent, complete, csrf_token

PASSWORD = "correct horse battery staple"
ADA = "ada@example.org"
CRAFT_FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for a test module: creating an app parses the questionnaires (about a second)."""
    yield from serving(tmp_path_factory.mktemp("advisor") / "advisor.db")


@pytest.fixture
def advisor_app(module_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The module's app on an emptied database with one advisor account, Ada, and a new cache.

    Emptying the tables takes milliseconds; the configuration is restored after each test.
    """
    config = dict(module_app.config)
    module_app.config["CACHE_DIR"] = str(tmp_path / "cache")
    with module_app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        create_advisor(ADA, PASSWORD, name="Ada Lovelace")
    yield module_app
    module_app.config.clear()
    module_app.config.update(config)


def login(client: FlaskClient, email: str = ADA, password: str = PASSWORD) -> TestResponse:
    """Log in through the login form, as a browser would."""
    form = client.get("/advisor/login")
    return client.post(
        "/advisor/login",
        data={"csrf_token": csrf_token(form), "email": email, "password": password},
    )


@pytest.fixture
def ada(advisor_app: Flask) -> FlaskClient:
    """A client logged in as Ada."""
    client = advisor_app.test_client()
    assert login(client).status_code == 302
    return client


SharedFactory = Callable[..., int]


@pytest.fixture
def add_assessment(advisor_app: Flask, sample: Questionnaire) -> SharedFactory:
    """Store an assessment directly (no answers): profile, consent, scores; returns its id."""
    counter = iter(range(100_000))

    def add(
        company: str | None = "Bäckerei Beispiel",
        *,
        score: float = 50.0,
        scores: dict[str, float] | None = None,
        sector: str | None = "handwerk",
        size: str | None = "small",
        region: str | None = "lippstadt",
        shared: bool = True,
        status: str = "submitted",
        review_status: str = "new",
        level: str = "entdecker",
        submitted_at: datetime | None = None,
    ) -> int:
        with advisor_app.app_context():
            assessment = Assessment(
                token_hash=f"{next(counter):064d}",
                questionnaire_version=pin(sample),
                language="de",
                company_name=company,
                company_key=company_key(company),
                sector=sector,
                size=size,
                region=region,
                consent_advisors=shared,
                status=status,
                review_status=review_status,
                overall_score=score if status == "submitted" else None,
                overall_level=level if status == "submitted" else None,
                submitted_at=(submitted_at or datetime.now(UTC)) if status == "submitted" else None,
            )
            db.session.add(assessment)
            db.session.flush()
            if status == "submitted":
                db.session.add_all(
                    DimensionScore(
                        assessment_id=assessment.id,
                        dimension_id=d.id,
                        score=(scores or {}).get(d.id, score),
                        level=level,
                    )
                    for d in sample.dimensions
                )
            db.session.commit()
            return assessment.id

    return add


@pytest.fixture
def answered(advisor_app: Flask, sample: Questionnaire) -> Callable[..., int]:
    """Let a company answer the whole sample through the web and submit; returns the id."""

    def answer(company: str = "Tischlerei Müller & Söhne", *, shared: bool = True) -> int:
        owner = Respondent(advisor_app.test_client())
        owner.start()
        profile = {**CRAFT_FIRM, **({"consent_advisors": "y"} if shared else {})}
        complete(owner, advisor_app, sample, company, profile)
        with advisor_app.app_context():
            found = db.session.scalars(
                db.select(Assessment.id).order_by(Assessment.id.desc())
            ).first()
        assert found is not None
        return found

    return answer


def statements(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements one request of the URL sends."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)
