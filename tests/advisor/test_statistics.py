"""Cohort statistics: the numbers in the tables, the filters, the charts and their cache."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.advisor import statistics
from assessment.advisor.labels import MISSING
from assessment.kernel import charts
from assessment.questionnaire import Questionnaire

from ..survey.helpers import csrf_token, text
from .conftest import SharedFactory

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "/advisor/statistics"
KINDS = ("months", "scores", "sectors", "sizes")


class _Tables(HTMLParser):
    """The cells of every table on a page, by the table's id, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("th", "td") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._table is not None and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, table_id: str) -> list[list[str]]:
    """The body and footer rows of a table (the header row left out)."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables[table_id][1:]


def on(year: int, month: int, day: int = 15, hour: int = 12) -> datetime:
    """A moment in UTC."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def chart_sources(html: str) -> dict[str, str]:
    """The chart URLs of a page by kind."""
    found = re.findall(r'<img src="(/advisor/statistics/(\w+)\.svg\?[^"]*)"', html)
    return {kind: source.replace("&amp;", "&") for source, kind in found}


def svg_words(data: bytes) -> str:
    """The text of an SVG, after checking that it parses as SVG."""
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return " ".join(" ".join(node.itertext()) for node in root.iter(f"{SVG}text"))


@pytest.fixture
def cohort(add_assessment: SharedFactory) -> None:
    """Four shared checks in two sectors and sizes over three months, plus two never counted."""
    add_assessment(score=40, sector="handwerk", size="small", submitted_at=on(2023, 12, 31, 23))
    add_assessment(score=60, sector="handwerk", size="micro", submitted_at=on(2024, 2, 1, 0))
    add_assessment(score=80, sector="handel", size="small", submitted_at=on(2024, 2, 20))
    add_assessment(score=21, sector=None, size=None, submitted_at=on(2024, 2, 28))
    add_assessment(score=99, sector="handel", shared=False, submitted_at=on(2024, 2, 3))
    add_assessment(sector="handel", status="in_progress")


def test_checks_per_month(ada: FlaskClient, cohort: None) -> None:
    """Each calendar month (UTC) from the first check to the last, empty ones included."""
    html = text(ada.get(PAGE))
    assert table(html, "stats-months") == [
        ["Dezember 2023", "1"],
        ["Januar 2024", "0"],
        ["Februar 2024", "3"],
        ["Gesamt", "4"],
    ]
    assert "4 Digital-Checks" in html


def test_unshared_and_unfinished_checks_are_not_counted(
    ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Only submitted checks shared with the advisors count."""
    add_assessment(score=70, sector="handel", submitted_at=on(2024, 5, 2))
    add_assessment(score=10, sector="handel", shared=False, submitted_at=on(2024, 5, 3))
    add_assessment(sector="handel", status="in_progress")
    html = text(ada.get(PAGE))
    assert table(html, "stats-months") == [["Mai 2024", "1"], ["Gesamt", "1"]]
    assert table(html, "stats-sectors") == [["Handel (Groß- und Einzelhandel)", "1", "1", "70"]]


def test_means_by_sector_and_size_in_questionnaire_order(ada: FlaskClient, cohort: None) -> None:
    """Checks, firms and mean overall score per sector and size class; unanswered last."""
    html = text(ada.get(PAGE))
    assert table(html, "stats-sectors") == [
        ["Handwerk", "2", "2", "50"],
        ["Handel (Groß- und Einzelhandel)", "1", "1", "80"],
        [MISSING, "1", "1", "21"],
    ]
    assert table(html, "stats-sizes") == [
        ["Kleinstunternehmen (unter 10 Beschäftigte)", "1", "1", "60"],
        ["Kleines Unternehmen (10 bis 49 Beschäftigte)", "2", "2", "60"],
        [MISSING, "1", "1", "21"],
    ]


def test_score_distribution_per_topic(
    ada: FlaskClient, add_assessment: SharedFactory, sample: Questionnaire
) -> None:
    """Count, lowest, quartiles, median, highest and mean of each topic, interpolated."""
    first, second = sample.dimensions[0], sample.dimensions[1]
    for value in (10, 20, 30, 40):
        add_assessment(score=50, scores={first.id: value, second.id: value + 0.4})
    add_assessment(score=50, scores={first.id: 90, second.id: 90.2})
    rows = {row[0]: row[1:] for row in table(text(ada.get(PAGE)), "stats-scores")}
    # 10, 20, 30, 40, 90: quartiles at ranks 2, 3 and 4
    assert rows[first.title.get("de")] == ["5", "10", "20", "30", "40", "90", "38"]
    # 10.4, 20.4, 30.4, 40.4, 90.2: mean 38.36
    assert rows[second.title.get("de")] == ["5", "10", "20", "30", "40", "90", "38"]
    assert rows[sample.dimensions[2].title.get("de")] == ["5", *["50"] * 6]
    assert list(rows) == [dimension.title.get("de") for dimension in sample.dimensions]


def test_quartiles_between_two_scores(
    ada: FlaskClient, add_assessment: SharedFactory, sample: Questionnaire
) -> None:
    """With four scores the quartiles lie between neighbours, as percentile_cont has them."""
    first = sample.dimensions[0]
    for value in (10, 20, 30, 40):
        add_assessment(scores={first.id: value})
    rows = {row[0]: row[1:] for row in table(text(ada.get(PAGE)), "stats-scores")}
    # 17.5, 25 and 32.5, shown rounded half up
    assert rows[first.title.get("de")] == ["4", "10", "18", "25", "33", "40", "25"]


def test_filters_narrow_the_statistics(ada: FlaskClient, cohort: None) -> None:
    """A sector and a date range narrow every table; the page has no sort order to offer."""
    html = text(ada.get(PAGE, query_string={"sector": "handwerk"}))
    assert table(html, "stats-sectors") == [["Handwerk", "2", "2", "50"]]
    assert table(html, "stats-months")[-1] == ["Gesamt", "2"]
    assert 'name="sort"' not in html
    html = text(ada.get(PAGE, query_string={"submitted_from": "2024-02-01"}))
    assert table(html, "stats-months") == [["Februar 2024", "3"], ["Gesamt", "3"]]


def test_bad_filters_are_refused_with_a_message(ada: FlaskClient, cohort: None) -> None:
    """A reversed date range gives 400 and the error summary; the other filters still apply."""
    response = ada.get(
        PAGE,
        query_string={
            "sector": "handel",
            "submitted_from": "2024-03-01",
            "submitted_to": "2024-01-01",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert "Einige Filter konnten nicht angewendet werden" in html
    assert "Das Enddatum darf nicht vor dem Anfangsdatum liegen." in html
    assert table(html, "stats-sectors") == [["Handel (Groß- und Einzelhandel)", "1", "1", "80"]]


def test_every_chart_is_svg_and_cached(
    ada: FlaskClient, cohort: None, advisor_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chart parses as SVG with text (no embedded font); the page drew it into the cache."""
    html = text(ada.get(PAGE, query_string={"region": "lippstadt"}))
    every = chart_sources(html)
    sources = {kind: source for kind, source in every.items() if kind in KINDS}
    assert set(sources) == set(KINDS)
    assert all("region=lippstadt" in source for source in every.values())
    cohort_part = html.split('id="impact-title"', 1)[0]
    assert cohort_part.count("Die Tabelle daneben enthält die Zahlen.") == len(KINDS)
    assert len(re.findall(r'<img src="[^"]+" width="\d+" height="\d+" alt="', html)) == len(every)

    def not_again(*args: object) -> None:
        raise AssertionError("the chart should come from the cache")

    monkeypatch.setattr(charts, "draw", not_again)
    monkeypatch.setattr(statistics, "CHART_BUILDERS", dict.fromkeys(KINDS, not_again))
    first = {kind: ada.get(source) for kind, source in sources.items()}
    for response in first.values():
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "private" in response.headers["Cache-Control"]
        assert b"font-face" not in response.data and b"<text" in response.data
    assert "n = 2" in svg_words(first["sectors"].data)
    assert "Dez. 2023" in svg_words(first["months"].data)
    for kind, source in sources.items():
        again = ada.get(source)
        assert again.data == first[kind].data
        assert again.headers["ETag"] == first[kind].headers["ETag"]
        unchanged = ada.get(source, headers={"If-None-Match": again.headers["ETag"]})
        assert unchanged.status_code == 304
    cached = list((Path(advisor_app.config["CACHE_DIR"]) / "charts").glob("cohort-*.svg"))
    assert len(cached) == len(KINDS)


def test_chart_missing_from_the_cache_is_drawn_for_the_filters(
    ada: FlaskClient, cohort: None, advisor_app: Flask
) -> None:
    """Without its cached file (or with a made-up hash) a chart is drawn anew, the same."""
    source = chart_sources(text(ada.get(PAGE)))["scores"]
    before = ada.get(source)
    for path in (Path(advisor_app.config["CACHE_DIR"]) / "charts").glob("cohort-*.svg"):
        path.unlink()
    after = ada.get(source)
    assert after.status_code == 200 and after.data == before.data
    assert after.headers["ETag"] == before.headers["ETag"]
    made_up = ada.get("/advisor/statistics/scores.svg?v=../../secret")
    assert made_up.status_code == 200 and made_up.headers["ETag"] == before.headers["ETag"]


def test_chart_follows_the_filters(ada: FlaskClient, cohort: None) -> None:
    """A chart's URL carries the filters, so the chart shows the filtered groups only."""
    words = svg_words(ada.get("/advisor/statistics/sectors.svg?sector=handel").data)
    assert "n = 1" in words and "Handel (Groß- und" in words
    assert "Handwerk" not in words


def test_unknown_chart_and_chart_without_data_are_not_found(ada: FlaskClient, cohort: None) -> None:
    """An unknown kind is 404, and so is a chart that nothing matches."""
    assert ada.get("/advisor/statistics/pie.svg").status_code == 404
    assert ada.get("/advisor/statistics/months.svg?sector=bau").status_code == 404


def test_no_data_says_so_without_charts(ada: FlaskClient, add_assessment: SharedFactory) -> None:
    """Without matching checks the page says so and shows no cohort chart and no table; the
    impact funnel still counts the unshared check as started and submitted."""
    add_assessment(shared=False)
    html = text(ada.get(PAGE))
    assert "Zu diesen Filtern passt kein freigegebener Digital-Check" in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    cohort_part = main.split('id="impact-title"', 1)[0]
    assert "<img" not in cohort_part and "<table" not in cohort_part
    assert [row[1] for row in table(html, "stats-funnel")] == ["1", "1", "0", "0", "0", "0"]


def test_statistics_need_a_login(advisor_app: Flask, cohort: None) -> None:
    """Anonymous visitors are sent to the login page, for the page and its charts."""
    client = advisor_app.test_client()
    for url in (PAGE, "/advisor/statistics/months.svg"):
        response = client.get(url)
        assert response.status_code == 302 and "/advisor/login" in response.location


def test_english_page_and_charts(ada: FlaskClient, cohort: None, sample: Questionnaire) -> None:
    """After switching to English, months, topics, sectors and charts are English."""
    page = ada.get(PAGE)
    ada.post("/language", data={"csrf_token": csrf_token(page), "language": "en", "next": PAGE})
    html = text(ada.get(PAGE))
    assert '<html lang="en">' in html
    assert table(html, "stats-months")[0] == ["December 2023", "1"]
    assert table(html, "stats-sectors")[0] == ["Skilled crafts", "2", "2", "50"]
    assert sample.dimensions[0].title.get("en") in html
    sources = chart_sources(html)
    assert "Skilled crafts" in svg_words(ada.get(sources["sectors"]).data)
    assert "Dec 2023" in svg_words(ada.get(sources["months"]).data)


def test_german_page(ada: FlaskClient, cohort: None, sample: Questionnaire) -> None:
    """By default the page is German, with the questionnaire's German words."""
    html = text(ada.get(PAGE))
    assert '<html lang="de">' in html
    assert sample.dimensions[0].title.get("de") in html
    assert table(html, "stats-sectors")[0][0] == "Handwerk"
