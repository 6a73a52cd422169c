"""Peer groups kept in memory: each group's sorted scores, read once and shared by its members.

A group (same sector and size, same sector, or everybody) holds the checks that count: of each
firm that consented, its latest submitted check of the questionnaire. A report's medians are
those of its group without the firm's own check, which is taken out by position (see
`benchmark.py`), so one copy of a group serves every firm in it.

A worker reads a group from the database when a report first needs it and keeps it current:

- a check submitted since is applied at the next report: it joins its group and its firm's
  earlier check leaves (whatever group that was in); checks are found by their submission time,
  looked at again for ``MARGIN`` so that a submission committed a little after its time is seen;
- a check that leaves the groups (consent withdrawn or given later, check deleted, a team's
  result stored again) changes the ``peers`` counter (`kernel/peers.py`): every group is read
  again;
- and every group is read again after ``max_age`` seconds at the latest, as the medians kept
  for a report are (BENCHMARK_MAX_AGE_MINUTES). Until then, firms joined under one name
  (`kernel/firms.py`) count apart unless one of them has submitted a check since.

A group is held in arrays of floats (8 bytes a score): the largest group of 100,000 checks,
about 9,300 firms, takes about 1 MB.
"""

from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..kernel.models import Assessment, DimensionScore, QuestionnaireVersion, utcnow

#: How long after its submission time a check is looked for again: its transaction may commit
#: that much later (SQLite lets a writer wait 30 s for the lock).
MARGIN = timedelta(minutes=2)
#: One lock for the groups of every app in the process: the workers' threads share them.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class GroupKey:
    """A peer group: "sector_size", "sector" or "all", of one questionnaire."""

    questionnaire_id: str
    name: str
    sector: str | None = None
    size: str | None = None

    def holds(self, check: Check) -> bool:
        """Whether the check belongs to this group by its profile."""
        if self.name == "all":
            return True
        if self.name == "sector":
            return check.sector == self.sector
        return check.sector == self.sector and check.size == self.size


@dataclass(frozen=True)
class Check:
    """A check that counts, with what the groups need of it."""

    id: int
    firm_id: int
    sector: str | None
    size: str | None
    submitted_at: datetime | None
    overall: float | None
    scores: dict[str, float]


@dataclass
class Group:
    """The checks of one group and their scores, each list sorted."""

    #: The ids of the checks in the group (an array: a tenth of a set's memory).
    members: array = field(default_factory=lambda: array("q"))
    #: The known overall scores.
    overall: array = field(default_factory=lambda: array("d"))
    #: The scores of each dimension.
    dimensions: dict[str, array] = field(default_factory=dict)

    def __len__(self) -> int:
        """How many checks (firms) the group holds."""
        return len(self.members)

    def __contains__(self, check: int) -> bool:
        """Whether the check of that id is in the group."""
        index = bisect_left(self.members, check)
        return index < len(self.members) and self.members[index] == check

    def add(self, check: Check) -> None:
        """Take the check into the group."""
        insort(self.members, check.id)
        if check.overall is not None:
            insort(self.overall, check.overall)
        for dimension, score in check.scores.items():
            insort(self.dimensions.setdefault(dimension, array("d")), score)

    def remove(self, check: Check) -> None:
        """Take the check out of the group; ValueError if its scores are not there."""
        _take_out(self.members, check.id)
        if check.overall is not None:
            _take_out(self.overall, check.overall)
        for dimension, score in check.scores.items():
            _take_out(self.dimensions.get(dimension, array("d")), score)


def _take_out(ordered: array, value: float) -> None:
    """Remove one occurrence of ``value`` from the sorted array."""
    index = bisect_left(ordered, value)
    if index == len(ordered) or ordered[index] != value:
        raise ValueError(f"{value} is not in the group")
    del ordered[index]


@dataclass
class _Kept:
    """One questionnaire's groups in this process, and what they have caught up with."""

    changes: int
    read_at: float
    #: Checks submitted at or after this time are looked for at every report.
    horizon: datetime
    #: The checks already applied that may still be found again, with when they were found.
    seen: dict[int, datetime] = field(default_factory=dict)
    groups: dict[GroupKey, Group] = field(default_factory=dict)


def _benchmarked(questionnaire_id: str, row: type[Assessment] = Assessment) -> list:
    """Conditions for a check (``row``) that may count: submitted, consented, this questionnaire."""
    return [
        row.questionnaire_version_id.in_(
            select(QuestionnaireVersion.id).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id
            )
        ),
        row.status == "submitted",
        row.consent_benchmark.is_(True),
    ]


def _latest(questionnaire_id: str) -> list:
    """Conditions for a check that counts: no later check of its firm may count."""
    later = aliased(Assessment)
    newer = (
        select(later.id)
        .where(
            later.firm_id == Assessment.firm_id,
            *_benchmarked(questionnaire_id, later),
            (later.submitted_at > Assessment.submitted_at)
            | ((later.submitted_at == Assessment.submitted_at) & (later.id > Assessment.id)),
        )
        .exists()
    )
    return [*_benchmarked(questionnaire_id), Assessment.firm_id.is_not(None), ~newer]


def _where(key: GroupKey) -> list[ColumnElement[bool]]:
    """The conditions of the group's profile."""
    if key.name == "all":
        return []
    if key.name == "sector":
        return [Assessment.sector == key.sector]
    return [Assessment.sector == key.sector, Assessment.size == key.size]


def _with_scores(*conditions: ColumnElement[bool]) -> Select:
    """The checks that meet the conditions, a row for each of their scores."""
    return (
        select(
            Assessment.id,
            Assessment.firm_id,
            Assessment.sector,
            Assessment.size,
            Assessment.submitted_at,
            Assessment.overall_score,
            DimensionScore.dimension_id,
            DimensionScore.score,
        )
        .outerjoin(DimensionScore, DimensionScore.assessment_id == Assessment.id)
        .where(*conditions)
    )


# A report runs these statements; built once, they cost nothing to build again.
@cache
def _of_firm(questionnaire_id: str) -> Select:
    """The checks of the firm ``firm`` that may count, with their scores."""
    return _with_scores(*_benchmarked(questionnaire_id), Assessment.firm_id == bindparam("firm"))


@cache
def _of_firms_of(questionnaire_id: str) -> Select:
    """The checks that may count of the firms of the checks ``submitted``, with their scores."""
    firms = select(Assessment.firm_id).where(
        Assessment.id.in_(bindparam("submitted", expanding=True))
    )
    return _with_scores(*_benchmarked(questionnaire_id), Assessment.firm_id.in_(firms))


@cache
def _submitted_since(questionnaire_id: str) -> Select:
    """The ids of the checks that may count, submitted at or after ``since``."""
    return select(Assessment.id).where(
        *_benchmarked(questionnaire_id), Assessment.submitted_at >= bindparam("since")
    )


def _checks(statement: Select, **parameters: object) -> list[Check]:
    """The checks a statement of `_with_scores` finds, with their scores."""
    found: dict[int, Check] = {}
    rows = db.session.connection().execute(statement, parameters)
    for number, firm, sector, size, submitted_at, overall, dimension, score in rows:
        check = found.get(number)
        if check is None:
            check = found[number] = Check(number, firm, sector, size, submitted_at, overall, {})
        if dimension is not None:
            check.scores[dimension] = score
    return list(found.values())


def _read(key: GroupKey) -> Group:
    """The group as the database holds it now (one statement: its rows agree with each other)."""
    rows = db.session.connection().execute(
        select(
            Assessment.id,
            Assessment.overall_score,
            DimensionScore.dimension_id,
            DimensionScore.score,
        )
        .outerjoin(DimensionScore, DimensionScore.assessment_id == Assessment.id)
        .where(*_latest(key.questionnaire_id), *_where(key))
    )
    members: set[int] = set()
    scores: dict[str, list[float]] = defaultdict(list)
    overall: list[float] = []
    for number, overall_score, dimension, score in rows:
        if number not in members:
            members.add(number)
            if overall_score is not None:
                overall.append(overall_score)
        if dimension is not None:
            scores[dimension].append(score)
    return Group(
        array("q", sorted(members)),
        array("d", sorted(overall)),
        {key: array("d", sorted(values)) for key, values in scores.items()},
    )


def firm_checks(firm_id: int, questionnaire_id: str) -> list[Check]:
    """The firm's checks that may count, with their scores."""
    return _checks(_of_firm(questionnaire_id), firm=firm_id)


def _counting(checks: list[Check]) -> set[int]:
    """The ids of the checks that count: those with no later check of their firm among them
    (as `_latest` decides it in the database, where an unknown time is never later)."""

    def newer(later: Check, check: Check) -> bool:
        if later.firm_id != check.firm_id or None in (later.submitted_at, check.submitted_at):
            return False
        return (later.submitted_at, later.id) > (check.submitted_at, check.id)

    return {check.id for check in checks if not any(newer(other, check) for other in checks)}


def _apply(kept: _Kept, submitted: list[int], questionnaire_id: str) -> None:
    """Bring the kept groups up to date with newly submitted checks and their firms."""
    checks = _checks(_of_firms_of(questionnaire_id), submitted=submitted)
    counting = _counting(checks)
    for key, group in list(kept.groups.items()):
        try:
            for check in checks:
                belongs = check.id in counting and key.holds(check)
                if check.id in group and not belongs:
                    group.remove(check)
                elif belongs and check.id not in group:
                    group.add(check)
        except ValueError:  # the group disagrees with the database: read it again when needed
            del kept.groups[key]


def _catch_up(kept: _Kept, questionnaire_id: str) -> None:
    """Apply the checks submitted since the groups were read or last caught up."""
    now = utcnow()
    found = db.session.connection().execute(
        _submitted_since(questionnaire_id), {"since": kept.horizon}
    )
    submitted = [number for (number,) in found if number not in kept.seen]
    if submitted and kept.groups:  # groups read later hold these checks already
        _apply(kept, submitted, questionnaire_id)
    kept.seen.update(dict.fromkeys(submitted, now))
    kept.horizon = now - MARGIN
    # A check found before the new horizon was submitted before it: never found again.
    kept.seen = {number: at for number, at in kept.seen.items() if at >= kept.horizon}


class Groups:
    """The kept groups of one questionnaire, current as of this report."""

    def __init__(self, kept: _Kept, questionnaire_id: str) -> None:
        self._kept = kept
        self._questionnaire_id = questionnaire_id

    def group(
        self, name: str, sector: str | None = None, size: str | None = None, *, again: bool = False
    ) -> Group:
        """The group of that name and profile, read from the database if not kept yet (or if
        ``again``)."""
        key = GroupKey(self._questionnaire_id, name, sector, size)
        found = self._kept.groups.get(key)
        if found is None or again:
            found = self._kept.groups[key] = _read(key)
        return found


@contextmanager
def peer_groups(questionnaire_id: str, changes: int, max_age: float) -> Iterator[Groups]:
    """The questionnaire's peer groups, current, held for this thread while the block runs.

    ``changes`` is the ``peers`` counter now; groups older than ``max_age`` seconds are read
    again.
    """
    with _LOCK:
        kept_by_questionnaire = current_app.extensions.setdefault("peer_groups", {})
        kept = kept_by_questionnaire.get(questionnaire_id)
        if kept is None or kept.changes != changes or time.monotonic() - kept.read_at > max_age:
            kept = kept_by_questionnaire[questionnaire_id] = _Kept(
                changes, time.monotonic(), utcnow() - MARGIN
            )
        _catch_up(kept, questionnaire_id)
        yield Groups(kept, questionnaire_id)
