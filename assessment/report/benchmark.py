"""Benchmarks: the company against the median of peer firms that consented.

A firm is counted once, with its latest submitted check that consents to the benchmark; the
company's own checks, earlier or later, never count (see `kernel/firms.py` for what a firm is).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, Select, and_, exists, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..kernel.files import own_cache, store
from ..kernel.models import Assessment, DimensionScore, QuestionnaireVersion
from ..kernel.peers import MIN_GROUP, peer_changes


@dataclass(frozen=True)
class Benchmark:
    """Peer medians of one group: "sector_size", "sector" or "all"; ``size`` counts firms."""

    group: str
    size: int
    overall: float | None
    dimensions: dict[str, float]


def _benchmarked(questionnaire_id: str, row: type[Assessment]) -> list:
    """Conditions for a check (``row``) that counts: submitted, consented, this questionnaire."""
    return [
        row.questionnaire_version_id.in_(
            select(QuestionnaireVersion.id).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id
            )
        ),
        row.status == "submitted",
        row.consent_benchmark.is_(True),
    ]


def _peers(assessment: Assessment, questionnaire_id: str) -> Select:
    """The overall scores of the other firms, each by its latest check that counts."""
    later = aliased(Assessment)
    newer = exists().where(
        later.firm_id == Assessment.firm_id,
        *_benchmarked(questionnaire_id, later),
        or_(
            later.submitted_at > Assessment.submitted_at,
            and_(later.submitted_at == Assessment.submitted_at, later.id > Assessment.id),
        ),
    )
    return select(Assessment.overall_score).where(
        *_benchmarked(questionnaire_id, Assessment),
        Assessment.firm_id != assessment.firm_id,
        ~newer,
    )


def benchmark(
    assessment: Assessment, questionnaire_id: str, min_firms: int = MIN_GROUP
) -> Benchmark | None:
    """Medians of the narrowest group of at least ``min_firms`` other firms, or None.

    Groups, narrowest first: same sector and size class, same sector, everybody.
    """
    least = max(MIN_GROUP, min_firms)
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
        if len(overall) >= least:
            return _medians(connection, name, overall, group, least)
    return None


def _medians(
    connection: Connection, name: str, overall: list[float | None], group: Select, least: int
) -> Benchmark:
    """The group's medians: overall, and of each dimension that ``least`` firms have scored."""
    dimension_scores = (
        group.with_only_columns(DimensionScore.dimension_id, DimensionScore.score)
        .select_from(Assessment)
        .join(DimensionScore, DimensionScore.assessment_id == Assessment.id)
    )
    scores: dict[str, list[float]] = defaultdict(list)
    for dimension_id, score in connection.execute(dimension_scores):
        scores[dimension_id].append(score)
    known = [value for value in overall if value is not None]
    return Benchmark(
        group=name,
        size=len(overall),
        overall=statistics.median(known) if len(known) >= least else None,
        dimensions={
            key: statistics.median(values) for key, values in scores.items() if len(values) >= least
        },
    )


def recent_benchmark(
    assessment: Assessment, questionnaire_id: str, max_age: float, min_firms: int = MIN_GROUP
) -> Benchmark | None:
    """The assessment's benchmark as computed at most ``max_age`` seconds ago, else computed now.

    Medians over thousands of peers take tens of milliseconds; the report, its charts and its
    PDF all need them. They are kept beside the assessment's cached report, for every worker,
    and computed again at once when a check has left the peer groups since.
    """
    path = own_cache(assessment.id) / "benchmark.json"
    changes = peer_changes()
    try:
        if time.time() - path.stat().st_mtime < max_age:
            data = json.loads(path.read_bytes())
            if data["changes"] == changes and data["min_firms"] == min_firms:
                found = data["benchmark"]
                return Benchmark(**found) if found is not None else None
    except (OSError, ValueError, TypeError, KeyError):
        pass  # missing, or unreadable: computed afresh
    found = benchmark(assessment, questionnaire_id, min_firms)
    kept = {
        "changes": changes,
        "min_firms": min_firms,
        "benchmark": asdict(found) if found else None,
    }
    store(path.parent, path.name, json.dumps(kept).encode())
    return found
