"""Benchmarks: the company against the median of peer firms that consented.

A firm is counted once, with its latest submitted check that consents to the benchmark; the
company's own checks, earlier or later, never count (see `kernel/firms.py` for what a firm is).
The groups' sorted scores are kept for every firm in them (`peer_groups.py`); a firm's own check
is taken out by position, so the medians are exact without reading the group again.
"""

from __future__ import annotations

import json
import statistics
import time
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from ..kernel.files import own_cache, store
from ..kernel.models import Assessment
from ..kernel.peers import MIN_GROUP, peer_changes
from .peer_groups import Check, Group, firm_checks, peer_groups


@dataclass(frozen=True)
class Benchmark:
    """Peer medians of one group: "sector_size", "sector" or "all"; ``size`` counts firms."""

    group: str
    size: int
    overall: float | None
    dimensions: dict[str, float]


def benchmark(
    assessment: Assessment,
    questionnaire_id: str,
    min_firms: int = MIN_GROUP,
    *,
    max_age: float = 0.0,
    changes: int | None = None,
) -> Benchmark | None:
    """Medians of the narrowest group of at least ``min_firms`` other firms, or None.

    Groups, narrowest first: same sector and size class, same sector, everybody. The groups
    kept in this process serve if younger than ``max_age`` seconds and ``changes`` (the
    ``peers`` counter, read now if not given) has not changed since.
    """
    least = max(MIN_GROUP, min_firms)
    candidates: list[tuple[str, str | None, str | None]] = []
    if assessment.sector and assessment.size:
        candidates.append(("sector_size", assessment.sector, assessment.size))
    if assessment.sector:
        candidates.append(("sector", assessment.sector, None))
    candidates.append(("all", None, None))
    if changes is None:
        changes = peer_changes()
    with peer_groups(questionnaire_id, changes, max_age) as groups:
        own = []
        if assessment.firm_id is not None:
            own = firm_checks(assessment.firm_id, questionnaire_id)
        for name, sector, size in candidates:
            group = groups.group(name, sector, size)
            # The firm's own check in the group (one at most, unless times are unknown).
            taken = [check for check in own if check.id in group]
            if len(group) - len(taken) >= least:
                try:
                    return _medians(name, group, taken, least)
                except ValueError:  # the kept group lacks a score the database has: read again
                    group = groups.group(name, sector, size, again=True)
                    return _medians(name, group, taken, least)
    return None


def _medians(name: str, group: Group, taken: list[Check], least: int) -> Benchmark:
    """The group's medians without the ``taken`` checks: overall, and of each dimension that
    ``least`` firms have scored."""
    removed = [check.overall for check in taken if check.overall is not None]
    overall = None
    if len(group.overall) - len(removed) >= least:
        overall = median_without(group.overall, removed)
    dimensions = {}
    for dimension, ordered in group.dimensions.items():
        removed = [check.scores[dimension] for check in taken if dimension in check.scores]
        if len(ordered) - len(removed) >= least:
            dimensions[dimension] = median_without(ordered, removed)
    return Benchmark(name, len(group) - len(taken), overall, dimensions)


def median_without(ordered: Sequence[float], removed: Iterable[float]) -> float:
    """The median of the sorted values once each of ``removed`` is taken out (one occurrence
    each), as `statistics.median` gives it, read off by position without copying the values."""
    positions = _positions(ordered, removed)
    count = len(ordered) - len(positions)
    if count == 0:
        raise statistics.StatisticsError("no median for empty data")

    def at(rank: int) -> float:
        """The value of that rank among those left."""
        index = rank
        for position in positions:  # ascending: each taken out at or before shifts it on
            if position > index:
                break
            index += 1
        return ordered[index]

    middle = count // 2
    if count % 2:
        return at(middle)
    return (at(middle - 1) + at(middle)) / 2


def _positions(ordered: Sequence[float], removed: Iterable[float]) -> list[int]:
    """Distinct positions of the removed values in the sorted values, ascending."""
    positions: list[int] = []
    for value in sorted(removed):
        # Equal values are interchangeable: take the first one not taken yet.
        index = bisect_left(ordered, value)
        if positions and positions[-1] >= index:
            index = positions[-1] + 1
        if index >= len(ordered) or ordered[index] != value:
            raise ValueError(f"{value} is not among the values")
        positions.append(index)
    return positions


def recent_benchmark(
    assessment: Assessment, questionnaire_id: str, max_age: float, min_firms: int = MIN_GROUP
) -> Benchmark | None:
    """The assessment's benchmark as computed at most ``max_age`` seconds ago, else computed now.

    The report, its charts and its PDF all need them, and a report's figures should not change
    with every check submitted meanwhile: they are kept beside the assessment's cached report,
    for every worker, and computed again at once when a check has left the peer groups since.
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
    found = benchmark(assessment, questionnaire_id, min_firms, max_age=max_age, changes=changes)
    kept = {
        "changes": changes,
        "min_firms": min_firms,
        "benchmark": asdict(found) if found else None,
    }
    store(path.parent, path.name, json.dumps(kept).encode())
    return found
