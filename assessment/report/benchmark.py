"""Benchmarks: the company against the median of consented, submitted peers."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, Select, select

from ..extensions import db
from ..models import Assessment, DimensionScore, QuestionnaireVersion
from .cache import own_cache, store

#: No group smaller than this is ever shown, so that no single firm can be recognised.
MIN_GROUP = 5


@dataclass(frozen=True)
class Benchmark:
    """Peer medians of one group: "sector_size", "sector" or "all"."""

    group: str
    size: int
    overall: float | None
    dimensions: dict[str, float]


def _peers(assessment: Assessment, questionnaire_id: str) -> Select:
    """The overall scores of the other submitted assessments of the questionnaire with consent."""
    return (
        select(Assessment.overall_score)
        .join(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            Assessment.status == "submitted",
            Assessment.consent_benchmark.is_(True),
            Assessment.id != assessment.id,
        )
    )


def benchmark(assessment: Assessment, questionnaire_id: str) -> Benchmark | None:
    """Medians of the narrowest group with at least MIN_GROUP peers, or None.

    Groups, narrowest first: same sector and size class, same sector, everybody.
    """
    peers = _peers(assessment, questionnaire_id)
    groups = []
    if assessment.sector and assessment.size:
        groups.append(
            (
                "sector_size",
                peers.where(
                    Assessment.sector == assessment.sector, Assessment.size == assessment.size
                ),
            )
        )
    if assessment.sector:
        groups.append(("sector", peers.where(Assessment.sector == assessment.sector)))
    groups.append(("all", peers))
    # Plain rows from the connection: thousands of peers' scores, without the ORM's bookkeeping.
    connection = db.session.connection()
    for name, group in groups:
        overall = connection.execute(group).scalars().all()
        if len(overall) >= MIN_GROUP:
            return _medians(connection, name, overall, group)
    return None


def _medians(
    connection: Connection, name: str, overall: list[float | None], group: Select
) -> Benchmark:
    """The group's medians: overall, and of each dimension with at least MIN_GROUP scores."""
    dimension_scores = group.with_only_columns(
        DimensionScore.dimension_id, DimensionScore.score
    ).join(DimensionScore, DimensionScore.assessment_id == Assessment.id)
    scores: dict[str, list[float]] = defaultdict(list)
    for dimension_id, score in connection.execute(dimension_scores):
        scores[dimension_id].append(score)
    known = [value for value in overall if value is not None]
    return Benchmark(
        group=name,
        size=len(overall),
        overall=statistics.median(known) if len(known) >= MIN_GROUP else None,
        dimensions={
            key: statistics.median(values)
            for key, values in scores.items()
            if len(values) >= MIN_GROUP
        },
    )


def recent_benchmark(
    assessment: Assessment, questionnaire_id: str, max_age: float
) -> Benchmark | None:
    """The assessment's benchmark as computed at most ``max_age`` seconds ago, else computed now.

    Medians over thousands of peers take tens of milliseconds; the report, its charts and its
    PDF all need them. They are kept beside the assessment's cached report, for every worker.
    """
    path = own_cache(assessment.id) / "benchmark.json"
    try:
        if time.time() - path.stat().st_mtime < max_age:
            data = json.loads(path.read_bytes())
            return Benchmark(**data) if data is not None else None
    except (OSError, ValueError, TypeError):
        pass  # missing, or unreadable: computed afresh
    found = benchmark(assessment, questionnaire_id)
    store(path.parent, path.name, json.dumps(asdict(found) if found else None).encode())
    return found
