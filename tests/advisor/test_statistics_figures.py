"""Every figure of the statistics page and the impact CSV for one known data set, pinned.

The data set mixes what each figure must handle: firms with a repeat check in three sectors
(one of them too small to be shown), scores that differ per topic, checks of several months and
Kommunen, consultations, referrals answered after different times and never, an unshared and an
unfinished check. Scores are whole numbers, so every quartile is exact on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from assessment.extensions import db
from assessment.kernel.models import DimensionScore
from assessment.questionnaire import Questionnaire

from ..survey.helpers import text
from . import test_impact
from .test_impact import CSV, OLDER, PAGE, Check, Refer, on, read_csv
from .test_statistics import _Tables

# the impact tests' fixtures: Ada in English, a check and a referral with what followed them
english, check, refer = test_impact.english, test_impact.check, test_impact.refer

#: The figures as pinned, by view (the JSON of its filters): page tables and CSV lines.
PINNED_FIGURES = Path(__file__).with_name("statistics_figures.json")
#: The sector, size and Kommune of each firm with a single check, in turn.
PROFILES = (
    ("handwerk", "small", "lippstadt"),
    ("handel", "micro", "soest"),
    ("bau", "medium", "werl"),
    (None, None, None),
    ("handwerk", "micro", "soest"),
    ("handel", "small", "lippstadt"),
)


def topic_scores(sample: Questionnaire, seed: int) -> dict[str, float]:
    """Whole-number scores that differ per topic and per firm."""
    return {
        dimension.id: float((seed * 37 + position * 11) % 101)
        for position, dimension in enumerate(sample.dimensions)
    }


@pytest.fixture
def known_data(check: Check, refer: Refer, sample: Questionnaire) -> None:
    """Forty checks of twenty-seven firms over 2023 and 2024, with consultations and referrals."""
    repeats = [("handwerk", 6), ("handel", 5), ("bau", 2)]
    seed = 0
    latest: list[int] = []
    for sector, firms in repeats:
        for _ in range(firms):
            seed += 1
            first_scores = topic_scores(sample, seed)
            first = check(
                on(2023, 1 + seed % 12, 1 + seed),
                sector=sector,
                size="small" if seed % 2 else "micro",
                region="lippstadt" if seed % 3 else "werl",
                scores=first_scores,
                score=sum(first_scores.values()) / len(first_scores),
            )
            later_scores = topic_scores(sample, seed * 7 + 3)
            latest.append(
                check(
                    on(2024, 1 + seed % 12, 2 + seed),
                    firm=first,
                    sector=sector,
                    size="small" if seed % 2 else "micro",
                    region="lippstadt" if seed % 3 else "werl",
                    scores=later_scores,
                    score=sum(later_scores.values()) / len(later_scores),
                    consultation=seed % 4 == 0,
                )
            )
    singles = []
    for number in range(12):
        seed += 1
        sector, size, region = PROFILES[number % len(PROFILES)]
        scores = topic_scores(sample, seed)
        singles.append(
            check(
                on(2024, 1 + number, 10 + number),
                sector=sector,
                size=size,
                region=region,
                scores=scores,
                score=sum(scores.values()) / len(scores),
                consultation=number % 3 == 0,
            )
        )
    check(on(2024, 5, 5), shared=False, score=99, sector="handel")
    check(on(2024, 6, 6), status="in_progress", shared=False, region="soest")
    answers = [
        [("accepted", 1.5), ("project_started", 9)],
        [("declined", 4)],
        [],
        [("in_contact", 0.25)],
        [("accepted", 3), ("no_project", 20)],
        [("accepted", 2)],
        [("withdrawn", 1)],
    ]
    for position, number in enumerate([*latest[:5], *singles[:4]]):
        refer(
            number,
            on(2024, 1 + position, 20),
            answers=answers[position % len(answers)],
        )
    for position, number in enumerate(latest[5:9]):
        refer(
            number,
            on(2024, 6 + position, 25) + timedelta(hours=position),
            partner=OLDER,
            answers=answers[(position + 3) % len(answers)],
        )


def page_tables(client: FlaskClient, **filters: str) -> dict[str, list[list[str]]]:
    """Every table of the statistics page, header rows included, by the table's id."""
    response = client.get(PAGE, query_string=filters)
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(text(response))
    return parser.tables


def csv_lines(client: FlaskClient, **filters: str) -> list[list[str]]:
    """The lines of the impact CSV."""
    return read_csv(client.get(CSV, query_string=filters))


#: The views pinned: plain, by sector, by period and by Kommune with a period.
VIEWS = {
    "plain": {},
    "sector": {"sector": "handwerk"},
    "period": {"submitted_from": "2024-04-01"},
    "region and period": {"region": "lippstadt", "submitted_to": "2024-06-30"},
}


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    """The tables and CSV lines of each view, as the advisor saw them when they were pinned."""
    found = json.loads(PINNED_FIGURES.read_text(encoding="utf-8"))
    return {name: found[json.dumps(view)] for name, view in VIEWS.items()}


@pytest.mark.parametrize("view", VIEWS)
def test_every_table_of_the_page_is_as_pinned(
    english: FlaskClient, known_data: None, pinned: dict[str, Any], view: str
) -> None:
    """Every cell of every table on the page, for each view."""
    found = page_tables(english, **VIEWS[view])
    expected = pinned[view]["tables"]
    assert list(found) == list(expected)
    for table_id, rows in expected.items():
        assert found[table_id] == rows, table_id


@pytest.mark.parametrize("view", VIEWS)
def test_every_line_of_the_impact_csv_is_as_pinned(
    english: FlaskClient, known_data: None, pinned: dict[str, Any], view: str
) -> None:
    """Every line of the impact CSV, withheld cells and notes included, for each view."""
    assert csv_lines(english, **VIEWS[view]) == pinned[view]["csv"]


def test_the_pinned_figures_read_as_expected(english: FlaskClient, known_data: None) -> None:
    """A few of the pinned figures, spelled out: the totals, a quartile, the medians."""
    tables = page_tables(english)
    scores = {row[0]: row[1:] for row in tables["stats-scores"]}
    # checks, lowest, lower quartile, median, upper quartile, highest, mean
    assert scores["Strategy and leadership"] == ["38", "3", "25", "48", "75", "97", "50"]
    assert tables["stats-funnel"][1:4] == [
        ["Started", "40", "27"],
        ["Submitted", "39", "26"],
        ["Shared with the centre", "38", "25"],
    ]
    assert tables["stats-change"][0][1:] == [
        "All firms (13 firms)",
        "Skilled crafts (6 firms)",
        "Trade (wholesale and retail) (5 firms)",
    ]
    assert tables["stats-change"][1][1:] == ["+8.0", "+19.0", "-12.0"]
    partners = {row[0]: row[1:5] for row in tables["stats-partners"]}
    assert partners["All referrals"] == ["13", "10", "77 %", "2.0"]
    # the construction firms with a repeat check (two) are too few to be shown on their own
    assert all("Construction" not in heading for heading in tables["stats-change"][0])


def test_a_firm_without_topics_in_common_counts_among_the_firms(
    english: FlaskClient, check: Check, advisor_app: Flask, sample: Questionnaire
) -> None:
    """A firm whose first check has no topic scores counts as a firm with a repeat check, but
    adds no change to any topic's median."""
    for change in (10, 20, 30, 40, 50):
        test_impact.repeat(check, "handwerk", 40, 40 + change)
    first = check(on(2023, 3), score=40, sector="handwerk", submitted_at=on(2023, 3))
    check(on(2024, 3), firm=first, score=90, sector="handwerk", submitted_at=on(2024, 3))
    with advisor_app.app_context():
        db.session.execute(delete(DimensionScore).where(DimensionScore.assessment_id == first))
        db.session.commit()
    tables = page_tables(english)
    assert tables["stats-change"][0][1:] == ["All firms (6 firms)", "Skilled crafts (6 firms)"]
    topic = sample.dimensions[0].title.get("en")
    assert {row[0]: row[1:] for row in tables["stats-change"]}[topic] == ["+30.0", "+30.0"]
