"""Fixtures for report tests: submitted assessments of the sample, and peers for benchmarks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from assessment.extensions import db
from assessment.kernel.models import Assessment, DimensionScore, company_key
from assessment.kernel.pinning import pin
from assessment.questionnaire import Questionnaire

from ..conftest import serving
from ..survey.helpers import Respondent, complete

CRAFT_FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}
#: When the first peer was submitted (before any check of the tests themselves).
STARTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


#: The day funding programmes are matched on in these tests: the sample's entries age, and a
#: report must not change with the day the suite runs.
FUNDING_DAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def funding_day(monkeypatch: pytest.MonkeyPatch) -> date:
    """Match funding programmes on FUNDING_DAY, at submission and in the report."""
    for module in ("assessment.report.rendering", "assessment.survey.operations"):
        monkeypatch.setattr(f"{module}.local_today", lambda: FUNDING_DAY)
    return FUNDING_DAY


@pytest.fixture
def report_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on the sample questionnaire, rendering PDFs in its own process."""
    yield from serving(tmp_path / "report.db")


@pytest.fixture
def submitted(report_app: Flask, sample: Questionnaire) -> Respondent:
    """A craft firm in Lippstadt that has submitted the sample check."""
    owner = Respondent(report_app.test_client())
    owner.start()
    complete(owner, report_app, sample, "Tischlerei Müller & Söhne", CRAFT_FIRM)
    return owner


PeerFactory = Callable[..., Assessment]


@pytest.fixture
def add_peer(report_app: Flask, sample: Questionnaire) -> PeerFactory:
    """Store a peer check directly: its profile, consent, status, scores and firm.

    Each peer is a firm of its own, unless ``firm_of`` names a check of the firm it belongs to.
    Later peers are submitted later.
    """
    counter = iter(range(10_000))

    def add(
        score: float = 50.0,
        *,
        sector: str = "handwerk",
        size: str = "small",
        consent: bool = True,
        status: str = "submitted",
        firm_of: Assessment | None = None,
        company: str | None = None,
        region: str | None = None,
    ) -> Assessment:
        number = next(counter)
        with report_app.app_context():
            peer = Assessment(
                token_hash=f"{number:064d}",
                questionnaire_version=pin(sample),
                language="de",
                company_name=company,
                company_key=company_key(company),
                sector=sector,
                size=size,
                region=region,
                consent_benchmark=consent,
                status=status,
                overall_score=score,
                overall_level="entdecker",
                submitted_at=STARTED + timedelta(minutes=number) if status == "submitted" else None,
                firm_id=firm_of.firm_id if firm_of is not None else None,
            )
            db.session.add(peer)
            db.session.flush()
            db.session.add_all(
                DimensionScore(
                    assessment_id=peer.id, dimension_id=d.id, score=score, level="entdecker"
                )
                for d in sample.dimensions
            )
            db.session.commit()
            db.session.refresh(peer)
            db.session.expunge(peer)
            return peer

    return add
