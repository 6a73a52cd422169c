"""Peer medians from the groups kept in memory are exactly those computed from scratch.

A firm's own check is taken out of its group's sorted scores by position; the groups are kept
current as checks are submitted, and read again when a check leaves them. Every result here is
compared with the plain definition: the median of the other firms' latest consented checks.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import combinations
from random import Random

import pytest
from flask import Flask
from sqlalchemy import delete, select, update

from assessment.extensions import db
from assessment.kernel.models import Assessment, DimensionScore, utcnow
from assessment.kernel.peers import MIN_GROUP, peers_changed
from assessment.kernel.pinning import pin
from assessment.questionnaire import Questionnaire
from assessment.report.benchmark import Benchmark, benchmark, median_without

from .conftest import STARTED

#: Groups kept as long as in production: every report below uses the groups kept in memory.
KEPT = 600.0

CheckFactory = Callable[..., int]


@pytest.fixture
def dimensions(sample: Questionnaire) -> list[str]:
    """The ids of the sample's dimensions."""
    return [dimension.id for dimension in sample.dimensions]


@pytest.fixture
def add_check(report_app: Flask, sample: Questionnaire, dimensions: list[str]) -> CheckFactory:
    """Store a check directly; its id. Scores default to ``overall`` in every dimension."""
    numbers = iter(range(10_000))

    def add(
        overall: float | None = 50.0,
        scores: dict[str, float] | None = None,
        *,
        sector: str = "handwerk",
        size: str = "small",
        consent: bool = True,
        status: str = "submitted",
        firm: int | None = None,
        now: bool = False,
    ) -> int:
        number = next(numbers)
        if scores is None:
            scores = dict.fromkeys(dimensions, overall) if overall is not None else {}
        submitted_at = utcnow() if now else STARTED + timedelta(minutes=number)
        with report_app.app_context():
            check = Assessment(
                token_hash=f"{number:064d}",
                questionnaire_version=pin(sample),
                language="de",
                sector=sector,
                size=size,
                consent_benchmark=consent,
                status=status,
                overall_score=overall,
                submitted_at=submitted_at if status == "submitted" else None,
                firm_id=firm,
            )
            db.session.add(check)
            db.session.flush()
            db.session.add_all(
                DimensionScore(assessment_id=check.id, dimension_id=key, score=value, level="x")
                for key, value in scores.items()
            )
            db.session.commit()
            return check.id

    return add


def expected(own: Assessment, least: int = MIN_GROUP) -> Benchmark | None:
    """The benchmark by its definition, from every stored check (no kept groups)."""
    latest: dict[int, Assessment] = {}
    for check in db.session.scalars(
        select(Assessment).where(Assessment.status == "submitted", Assessment.consent_benchmark)
    ):
        known = latest.get(check.firm_id)
        if known is None or (check.submitted_at, check.id) > (known.submitted_at, known.id):
            latest[check.firm_id] = check
    peers = [check for check in latest.values() if check.firm_id != own.firm_id]
    groups = []
    if own.sector and own.size:
        groups.append(("sector_size", lambda c: (c.sector, c.size) == (own.sector, own.size)))
    if own.sector:
        groups.append(("sector", lambda c: c.sector == own.sector))
    groups.append(("all", lambda c: True))
    for name, holds in groups:
        members = [check for check in peers if holds(check)]
        if len(members) < least:
            continue
        overall = [c.overall_score for c in members if c.overall_score is not None]
        scores = defaultdict(list)
        for row in db.session.scalars(
            select(DimensionScore).where(DimensionScore.assessment_id.in_(c.id for c in members))
        ):
            scores[row.dimension_id].append(row.score)
        return Benchmark(
            group=name,
            size=len(members),
            overall=statistics.median(overall) if len(overall) >= least else None,
            dimensions={k: statistics.median(v) for k, v in scores.items() if len(v) >= least},
        )
    return None


def kept_benchmark(app: Flask, number: int, least: int = MIN_GROUP) -> Benchmark | None:
    """The check's benchmark from the kept groups, after checking it against its definition."""
    with app.app_context():
        own = db.session.get(Assessment, number)
        found = benchmark(own, "digitalcheck", least, max_age=KEPT)
        assert found == expected(own, least)
        return found


# --- the median without one's own values ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "removed", "median"),
    [
        ([10, 20, 30, 40, 50, 60], [10], 40),  # own below the median: odd group left
        ([10, 20, 30, 40, 50, 60], [60], 30),  # own above the median
        ([10, 20, 30, 40, 50], [30], 30),  # own at the median: even group left, 20 and 40
        ([10, 20, 30, 40, 50], [10], 35),  # even group left, below
        ([10, 20, 30, 40, 50], [50], 25),  # even group left, above
        ([30, 30, 30, 40, 50], [30], 35),  # ties: one occurrence leaves
        ([30, 30, 30, 30, 30], [30, 30], 30),
        ([10, 20, 30, 40, 50, 60], [], 35),
        ([10, 20, 30, 40, 50, 60, 70], [20, 60], 40),
    ],
)
def test_the_median_without_some_values(values: list, removed: list, median: float) -> None:
    """The median of the values left, as `statistics.median` gives it."""
    assert median_without(values, removed) == median


def test_the_median_without_values_agrees_with_statistics() -> None:
    """For every way of taking one or two values out of small sorted lists with ties."""
    rng = Random(7)
    for size in range(1, 12):
        values = sorted(
            rng.choice([0.0, 12.5, 33.33, 50.0, 50.0, 71.4, 100.0]) for _ in range(size)
        )
        for count in (0, 1, 2):
            for taken in combinations(range(size), count):
                if count == size:
                    continue
                left = [value for index, value in enumerate(values) if index not in taken]
                removed = [values[index] for index in reversed(taken)]
                assert median_without(values, removed) == statistics.median(left)


def test_a_value_not_among_the_values_is_refused() -> None:
    """Taking out a value the group does not hold is an error, never a wrong median."""
    with pytest.raises(ValueError, match="not among"):
        median_without([10.0, 20.0, 30.0], [25.0])
    with pytest.raises(ValueError, match="not among"):
        median_without([10.0, 20.0, 30.0], [20.0, 20.0])


# --- through the kept groups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("own", "peers", "median"),
    [
        (10, (20, 30, 40, 50, 60), 40),
        (40, (20, 30, 40, 50, 60), 40),
        (90, (20, 30, 40, 50, 60), 40),
        (10, (20, 30, 40, 50, 60, 70), 45),
        (45, (20, 30, 40, 50, 60, 70), 45),
        (90, (20, 30, 40, 50, 60, 70), 45),
        (30, (30, 30, 30, 40, 40), 30),
    ],
    ids=["odd-below", "odd-at", "odd-above", "even-below", "even-at", "even-above", "ties"],
)
def test_the_firms_own_score_below_at_or_above_the_median(
    report_app: Flask, add_check: CheckFactory, own: float, peers: tuple, median: float
) -> None:
    """Wherever the firm's own score lies, the median is that of the others alone."""
    numbers = [add_check(score) for score in peers]
    mine = add_check(own)
    found = kept_benchmark(report_app, mine)
    assert (found.group, found.size, found.overall) == ("sector_size", len(peers), median)
    assert set(found.dimensions.values()) == {median}
    # the same group serves a peer's report, with the firm counted there
    assert kept_benchmark(report_app, numbers[0]).size == len(peers)


def test_a_dimension_the_firm_did_not_assess(
    report_app: Flask, add_check: CheckFactory, dimensions: list[str]
) -> None:
    """A firm without a dimension's score (or an overall score) takes nothing out of it; a
    dimension fewer than five others scored is not shown, though the group holds five scores."""
    first, second = dimensions[:2]
    for score in (10, 20, 30, 40):
        add_check(score, {first: score, second: score})
    for score in (50, 60):
        add_check(score, {first: score})
    mine = add_check(None, {second: 90})
    found = kept_benchmark(report_app, mine)
    assert (found.size, found.overall, found.dimensions) == (6, 35, {first: 35})
    other = add_check(70, {first: 70})
    found = kept_benchmark(report_app, other)
    assert (found.size, found.overall) == (7, 35), "six known overall scores of seven firms"
    assert found.dimensions == {first: 35, second: 30}, "the firm's 90 counts for the others"


def test_the_narrowest_group_with_enough_other_firms(
    report_app: Flask, add_check: CheckFactory
) -> None:
    """With the firm itself the group has five checks: four others are too few, the sector
    serves; another firm of the same size brings the narrow group back."""
    for score in (10, 20, 30, 40):
        add_check(score)
    add_check(80, size="medium")
    mine = add_check(50)
    assert kept_benchmark(report_app, mine).group == "sector"
    add_check(60, now=True)
    assert kept_benchmark(report_app, mine).group == "sector_size"
    assert kept_benchmark(report_app, mine, least=6).group == "sector"


def test_new_submissions_count_at_the_next_report(
    report_app: Flask, add_check: CheckFactory
) -> None:
    """A check submitted after the group was read joins it, and its firm's earlier check
    leaves, whichever group that was in."""
    firms = [add_check(score) for score in (10, 20, 30, 40, 50)]
    mine = add_check(35)
    assert kept_benchmark(report_app, mine).overall == 30
    add_check(70, firm=firms[0], now=True)  # the firm of 10 now has 70
    assert kept_benchmark(report_app, mine).overall == 40
    add_check(90, firm=firms[1], sector="handel", now=True)  # the firm of 20 moved away
    found = kept_benchmark(report_app, mine)
    assert (found.group, found.size) == ("all", 5), "four crafts firms are too few"
    found = kept_benchmark(report_app, firms[1])
    assert (found.group, found.size) == ("sector_size", 5), "its earlier check: 70 to 50 and 35"
    add_check(15, now=True)
    found = kept_benchmark(report_app, mine)
    assert (found.group, found.size, found.overall) == ("sector_size", 5, 40)


def test_a_check_submitted_later_and_the_firms_own_new_check(
    report_app: Flask, add_check: CheckFactory
) -> None:
    """A check that was open when the group was read counts once submitted; the firm's own
    newer check is never its peer."""
    for score in (10, 20, 30, 40, 50):
        add_check(score)
    mine = add_check(60)
    waiting = add_check(25, status="in_progress")
    assert kept_benchmark(report_app, mine).size == 5
    with report_app.app_context():
        db.session.execute(
            update(Assessment)
            .where(Assessment.id == waiting)
            .values(status="submitted", submitted_at=utcnow())
        )
        db.session.commit()
    assert kept_benchmark(report_app, mine).overall == 27.5
    newer = add_check(5, firm=mine, now=True)
    assert kept_benchmark(report_app, mine).size == 6
    assert kept_benchmark(report_app, newer).overall == 27.5


def test_consent_withdrawn_or_check_deleted(report_app: Flask, add_check: CheckFactory) -> None:
    """A check that leaves the groups is gone from the next report; so is a deleted one."""
    firms = [add_check(score) for score in (10, 20, 30, 40, 50, 60)]
    mine = add_check(35)
    assert kept_benchmark(report_app, mine).overall == 35
    with report_app.app_context():
        db.session.execute(
            update(Assessment).where(Assessment.id == firms[5]).values(consent_benchmark=False)
        )
        peers_changed()
        db.session.commit()
    assert kept_benchmark(report_app, mine).overall == 30
    with report_app.app_context():
        db.session.execute(delete(Assessment).where(Assessment.id == firms[0]))
        peers_changed()
        db.session.commit()
    assert kept_benchmark(report_app, mine) is None


def test_many_changes_against_the_definition(
    report_app: Flask, add_check: CheckFactory, dimensions: list[str]
) -> None:
    """Random firms, groups, ties and missing scores: after every change each firm's report
    from the kept groups is the benchmark by its definition."""
    rng = Random(3)

    def random_check(*, now: bool, firm: int | None = None) -> int:
        scores = {key: rng.choice([10.0, 20.0, 25.5, 50.0]) for key in dimensions}
        for key in rng.sample(dimensions, rng.randint(0, 2)):
            del scores[key]
        return add_check(
            rng.choice([None, 30.0, 40.0, 40.0, 55.5]),
            scores,
            sector=rng.choice(["handwerk", "handel"]),
            size=rng.choice(["small", "micro"]),
            consent=rng.random() < 0.9,
            firm=firm,
            now=now,
        )

    checks = [random_check(now=False) for _ in range(24)]
    checks += [random_check(now=False, firm=rng.choice(checks)) for _ in range(6)]
    for _ in range(6):
        for number in checks:
            kept_benchmark(report_app, number)
        checks.append(random_check(now=True, firm=rng.choice([None, rng.choice(checks)])))


def test_a_group_read_before_a_check_committed_late(
    report_app: Flask, add_check: CheckFactory
) -> None:
    """A check stored with a submission time a minute ago is still found."""
    for score in (10, 20, 30, 40, 50):
        add_check(score)
    mine = add_check(35)
    assert kept_benchmark(report_app, mine).size == 5
    late = add_check(90, now=True)
    with report_app.app_context():
        moment: datetime = utcnow() - timedelta(minutes=1)
        db.session.execute(
            update(Assessment).where(Assessment.id == late).values(submitted_at=moment)
        )
        db.session.commit()
    assert kept_benchmark(report_app, mine).size == 6


def test_a_kept_group_that_disagrees_with_the_database_is_read_again(
    report_app: Flask, add_check: CheckFactory, dimensions: list[str]
) -> None:
    """Scores changed behind the groups' back do not break a report: its group is read again."""
    for score in (10, 20, 30, 40, 50):
        add_check(score)
    mine = add_check(35)
    assert kept_benchmark(report_app, mine).overall == 30
    with report_app.app_context():
        db.session.execute(
            update(DimensionScore)
            .where(
                DimensionScore.assessment_id == mine, DimensionScore.dimension_id == dimensions[0]
            )
            .values(score=99.0)
        )
        db.session.commit()
    assert kept_benchmark(report_app, mine).dimensions[dimensions[0]] == 30
