"""The centre's impact on the statistics page: the funnel, the referrals per partner and topic,
the change between first and latest check, and their CSV and XLSX exports with small figures
withheld."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.questionnaire import Questionnaire
from assessment.referrals.models import Referral, ReferralEvent

from ..survey.helpers import text
from .conftest import SharedFactory, statements
from .test_statistics import chart_sources, svg_words, table

PAGE = "/advisor/statistics"
CSV = "/advisor/statistics/impact.csv"
XLSX = "/advisor/statistics/impact.xlsx"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WITHHELD = "withheld: the figure rests on fewer than 5 firms"
#: A partner pinned with its topics, and one of the directory pinned without them (as
#: referrals sent before topics were pinned are).
PINNED = {"id": "beratung-eins", "name": "Beratung Eins (as sent)", "topics": ["strategie"]}
OLDER = {"id": "wirtschaftsfoerderung-kreis", "name": "Wirtschaftsförderung (as sent)"}


def on(year: int, month: int, day: int = 15) -> datetime:
    """Noon of a day in UTC."""
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.fixture
def english(ada: FlaskClient) -> FlaskClient:
    """Ada's client with the pages in English."""
    with ada.session_transaction() as session:
        session["language"] = "en"
    return ada


Check = Callable[..., int]


@pytest.fixture
def check(advisor_app: Flask, add_assessment: SharedFactory) -> Check:
    """A check started on a day, of a firm (its own unless given), with what followed it."""

    def add(
        started: datetime,
        *,
        firm: int | None = None,
        consultation: bool = False,
        **fields: Any,
    ) -> int:
        fields.setdefault("submitted_at", started + timedelta(hours=1))
        number = add_assessment(**fields)
        with advisor_app.app_context():
            values: dict[str, Any] = {"created_at": started}
            if firm is not None:
                values["firm_id"] = firm
            db.session.execute(update(Assessment).where(Assessment.id == number).values(values))
            if consultation:
                db.session.add(
                    ConsultationRequest(
                        assessment_id=number, way="email", email="a@firma.example", language="de"
                    )
                )
            db.session.commit()
        return number

    return add


Refer = Callable[..., int]


@pytest.fixture
def refer(advisor_app: Flask) -> Refer:
    """A referral sent on a day, with its answers after so many days each (state, days, by an
    advisor or not)."""
    counter = iter(range(10**6))

    def add(
        assessment_id: int,
        sent: datetime,
        partner: dict[str, Any] = PINNED,
        answers: Iterable[tuple[str, float]] = (),
    ) -> int:
        with advisor_app.app_context():
            referral = Referral(
                assessment_id=assessment_id,
                partner_id=partner["id"],
                partner=partner,
                nonce="0" * 64,
                token_hash=f"{next(counter):064d}",
                introduction="Guten Tag",
                shared={},
                created_at=sent,
            )
            for state, days in answers:
                referral.events.append(ReferralEvent(state=state, at=sent + timedelta(days=days)))
                referral.state = state
            db.session.add(referral)
            db.session.commit()
            return referral.id

    return add


# --- the funnel -------------------------------------------------------------------------


@pytest.fixture
def funnel_data(check: Check, refer: Refer) -> None:
    """Six checks over three months: each stage reached by fewer of them."""
    check(on(2024, 1, 5), status="in_progress", shared=False, region="soest")
    check(on(2024, 1, 20), shared=False, region="soest")
    check(on(2024, 2, 3), consultation=True, region="lippstadt")
    referred = check(on(2024, 2, 10), region="lippstadt")
    # a project started, and the referral moved on since: still counted
    refer(
        referred,
        on(2024, 2, 12),
        answers=[("accepted", 1), ("project_started", 5), ("no_project", 9)],
    )
    both = check(on(2024, 3, 1), consultation=True, region="lippstadt", sector="handel")
    refer(both, on(2024, 3, 2))
    check(on(2024, 3, 31), region=None)


STAGES = ["Started", "Submitted", "Shared with the centre", "Consultation requested"]


def test_the_funnel_counts_each_stage(english: FlaskClient, funnel_data: None) -> None:
    """Started counts every check; the later stages count among the shared checks; a project
    reported once counts though the referral moved on."""
    html = text(english.get(PAGE))
    assert table(html, "stats-funnel") == [
        ["Started", "6", "6"],
        ["Submitted", "5", "5"],
        ["Shared with the centre", "4", "4"],
        ["Consultation requested", "2", "2"],
        ["Introduced to a partner", "2", "2"],
        ["Project started", "1", "1"],
    ]
    assert table(html, "stats-funnel-months") == [
        ["January 2024", "2", "1", "0", "0", "0", "0"],
        ["February 2024", "2", "2", "2", "1", "1", "1"],
        ["March 2024", "2", "2", "2", "1", "1", "0"],
        ["Total", "6", "5", "4", "2", "2", "1"],
    ]
    assert table(html, "stats-funnel-regions") == [
        ["Lippstadt", "3", "3", "3", "2", "2", "1"],
        ["Soest", "2", "1", "0", "0", "0", "0"],
        ["\N{EN DASH}", "1", "1", "1", "0", "0", "0"],
        ["Total", "6", "5", "4", "2", "2", "1"],
    ]
    assert "only questionnaire, sector, size and region apply" in html


def test_the_funnel_takes_the_period_by_start_and_the_profile_filters(
    english: FlaskClient, funnel_data: None
) -> None:
    """The period selects checks by the day they were started; the sector narrows the funnel,
    while a filter of shared checks only (the review status) leaves it alone."""
    html = text(english.get(PAGE, query_string={"submitted_from": "2024-02-01"}))
    assert [row[1] for row in table(html, "stats-funnel")] == ["4", "4", "4", "2", "2", "1"]
    assert [row[0] for row in table(html, "stats-funnel-months")] == [
        "February 2024",
        "March 2024",
        "Total",
    ]
    html = text(english.get(PAGE, query_string={"submitted_to": "2024-01-31"}))
    assert [row[1] for row in table(html, "stats-funnel")] == ["2", "1", "0", "0", "0", "0"]
    html = text(english.get(PAGE, query_string={"sector": "handel"}))
    assert [row[1] for row in table(html, "stats-funnel")] == ["1", "1", "1", "1", "1", "0"]
    html = text(english.get(PAGE, query_string={"status": "reviewed"}))
    assert [row[1] for row in table(html, "stats-funnel")] == ["6", "5", "4", "2", "2", "1"]


def test_no_check_started_says_so(english: FlaskClient) -> None:
    """Without checks the funnel says so instead of a chart and a table."""
    html = text(english.get(PAGE))
    assert "No check was started in the period with these filters." in html
    assert "No introduction to a partner matches these filters." in html


# --- referrals --------------------------------------------------------------------------


@pytest.fixture
def referral_data(check: Check, refer: Refer) -> None:
    """Three firms introduced to one partner (answered after 2 and 5 days, one not at all)
    and one to a partner whose referral was withdrawn before any answer."""
    firms = [check(on(2024, 1, day)) for day in (1, 2, 3, 4)]
    refer(firms[0], on(2024, 2, 1), answers=[("accepted", 2), ("project_started", 10)])
    refer(firms[1], on(2024, 2, 2), answers=[("declined", 5)])
    refer(firms[2], on(2024, 2, 3))
    refer(firms[3], on(2024, 3, 1), partner=OLDER, answers=[("withdrawn", 1)])


def referral_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """A referrals table's lines by their first cell."""
    return {row[0]: row[1:] for row in table(html, table_id)}


def test_referrals_per_partner(english: FlaskClient, referral_data: None) -> None:
    """Count, answered, answer rate, median days to the first answer and the states now; the
    name as pinned when sent; a withdrawal is no answer."""
    rows = referral_rows(text(english.get(PAGE)), "stats-partners")
    # states: sent, accepted, declined, in contact, project started, no project, withdrawn
    assert rows["Beratung Eins (as sent)"] == [
        *["3", "2", "67 %", "3.5"],
        *["1", "0", "1", "0", "1", "0", "0"],
    ]
    assert rows["Wirtschaftsförderung (as sent)"] == [
        *["1", "0", "0 %", "\N{EN DASH}"],
        *["0", "0", "0", "0", "0", "0", "1"],
    ]
    assert rows["All referrals"] == [
        *["4", "2", "50 %", "3.5"],
        *["1", "0", "1", "0", "1", "0", "1"],
    ]
    assert next(iter(rows)) == "Beratung Eins (as sent)"  # most referrals first


@pytest.mark.parametrize("narrowed", [{"referrals": "open"}, {"consultation": "any"}])
def test_referrals_of_the_list_narrowed_by_introductions_or_consultations(
    english: FlaskClient, referral_data: None, narrowed: dict[str, str]
) -> None:
    """The dashboard's filters on introductions and consultations narrow the referral figures
    too: the firm's checks with a referral under way keep theirs; none asked for a consultation."""
    response = english.get(PAGE, query_string=narrowed)
    assert response.status_code == 200
    if "referrals" in narrowed:
        rows = referral_rows(text(response), "stats-partners")
        assert rows["All referrals"][:2] == ["2", "1"], "the declined and withdrawn are closed"
    else:
        assert "No introduction to a partner matches these filters." in text(response)


def test_referrals_per_topic(english: FlaskClient, referral_data: None) -> None:
    """A referral counts under each topic of its partner: as pinned, or for a referral pinned
    without topics as the directory lists them."""
    rows = referral_rows(text(english.get(PAGE)), "stats-topics")
    # the directory's Wirtschaftsförderung: funding, infrastructure, networks, strategy
    assert rows["Digital strategy"][:4] == ["4", "2", "50 %", "3.5"]
    assert rows["Funding"][:4] == ["1", "0", "0 %", "\N{EN DASH}"]
    assert set(rows) == {
        "Digital strategy",
        "Funding",
        "IT infrastructure, broadband and cloud",
        "Peer exchange and networks",
    }


def test_an_answer_recorded_by_an_advisor_counts(
    english: FlaskClient, advisor_app: Flask, check: Check, refer: Refer
) -> None:
    """An answer the advisor recorded is an answer too; the median of one is itself."""
    number = refer(check(on(2024, 1, 1)), on(2024, 1, 2))
    with advisor_app.app_context():
        referral = db.session.get(Referral, number)
        assert referral is not None
        referral.events.append(
            ReferralEvent(state="in_contact", at=on(2024, 1, 2) + timedelta(hours=36))
        )
        referral.state = "in_contact"
        db.session.commit()
    rows = referral_rows(text(english.get(PAGE)), "stats-partners")
    assert rows["All referrals"][:4] == ["1", "1", "100 %", "1.5"]


def test_referrals_take_the_period_by_the_day_sent(
    english: FlaskClient, referral_data: None
) -> None:
    """The period selects referrals by the day they were sent, not the check's dates."""
    html = text(english.get(PAGE, query_string={"submitted_from": "2024-02-02"}))
    rows = referral_rows(html, "stats-partners")
    assert rows["All referrals"][:4] == ["3", "1", "33 %", "5.0"]
    html = text(english.get(PAGE, query_string={"submitted_to": "2024-01-31"}))
    assert "No introduction to a partner matches these filters." in html


# --- change between first and latest check ----------------------------------------------


def repeat(check: Check, sector: str, first: float, latest: float, year: int = 2024) -> None:
    """A firm's first check (2023) and its repeat, with the same score in every topic."""
    number = check(on(2023, 3), score=first, sector=sector, submitted_at=on(2023, 3))
    check(on(year, 3), firm=number, score=latest, sector=sector, submitted_at=on(year, 3))


def test_change_medians_for_groups_of_five_firms(
    english: FlaskClient, check: Check, sample: Questionnaire
) -> None:
    """Five craft firms are shown, four trading firms not (but they count among all firms)."""
    for change in (10, 20, 30, 40, 50):
        repeat(check, "handwerk", 40, 40 + change)
    for change in (-4, 0, 4, 8):
        repeat(check, "handel", 50, 50 + change)
    check(on(2024, 1), score=90, sector="handel")  # one check only: no change
    html = text(english.get(PAGE))
    head = re.search(r'<table class="results" id="stats-change">.*?</thead>', html, re.S)
    assert head
    columns = " ".join(re.sub(r"<[^>]+>", " ", head[0]).split())
    assert columns.endswith("Topic All firms (9 firms) Skilled crafts (5 firms)")
    rows = {row[0]: row[1:] for row in table(html, "stats-change")}
    # all: -4, 0, 4, 8, 10, 20, 30, 40, 50; crafts: 10 ... 50
    assert rows == {
        dimension.title.get("en"): ["+10.0", "+30.0"] for dimension in sample.dimensions
    }
    assert "Sectors with fewer than 5 firms with a repeat check are not shown" in html
    assert "+10.0" in svg_words(english.get(chart_sources(html)["change"]).data)


def test_change_of_four_firms_is_not_shown(english: FlaskClient, check: Check) -> None:
    """Four firms are too few: no chart, no table, and a sentence why."""
    for change in (1, 2, 3, 4):
        repeat(check, "handwerk", 40, 40 + change)
    html = text(english.get(PAGE))
    assert 'id="stats-change"' not in html and "change" not in chart_sources(html)
    assert "4 firms with a repeat check match these filters" in html


def test_change_of_an_even_number_of_firms_and_the_period(
    english: FlaskClient, check: Check, sample: Questionnaire
) -> None:
    """Six firms: the mean of the middle two. The period selects the latest check; the first
    may be older."""
    for change in (-10, -5, 1, 2, 30, 40):
        repeat(check, "bau", 50, 50 + change)
    topic = sample.dimensions[0].title.get("en")
    html = text(english.get(PAGE, query_string={"submitted_from": "2024-01-01"}))
    assert {row[0]: row[1] for row in table(html, "stats-change")}[topic] == "+1.5"
    html = text(english.get(PAGE, query_string={"submitted_to": "2023-12-31"}))
    assert "0 firms with a repeat check match these filters" in html


# --- exports ----------------------------------------------------------------------------


def read_csv(response: TestResponse) -> list[list[str]]:
    """The lines of a CSV download (RFC 4180), after its byte order mark."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\N{BYTE ORDER MARK}")
    return list(csv.reader(io.StringIO(body[1:])))


def cell(lines: list[list[str]], figure: str, group: str, measure: str) -> tuple[str, str]:
    """The value and note of one figure's cell in the CSV."""
    found = [line for line in lines if line[:3] == [figure, group, measure]]
    assert len(found) == 1, (figure, group, measure)
    return found[0][3], found[0][4]


@pytest.fixture
def export_data(check: Check, refer: Refer) -> None:
    """Six firms in January (five introduced to a partner), one started in February."""
    firms = [check(on(2024, 1, day), consultation=day == 1) for day in range(1, 7)]
    for number, days in zip(firms[:5], (1, 2, 3, 4, 5), strict=True):
        refer(number, on(2024, 1, 10), answers=[("accepted", days)])
    check(on(2024, 2, 1), status="in_progress", shared=False)


def test_csv_export_withholds_figures_of_fewer_than_five_firms(
    english: FlaskClient, export_data: None
) -> None:
    """Counts of five firms or more are given; of one to four firms withheld with a note; a lone
    withheld count takes the smallest other count of its line with it."""
    page = text(english.get(PAGE, query_string={"sector": "handwerk"}))
    link = re.search(r'href="(/advisor/statistics/impact\.csv\?[^"]*)"', page)
    assert link and "sector=handwerk" in link[1]
    lines = read_csv(english.get(CSV, query_string={"sector": "handwerk"}))
    assert lines[0] == ["Figure", "Group", "Measure", "Value", "Note"]
    assert ["Filters", "Sector", "Value", "Skilled crafts", ""] in lines
    assert cell(lines, "Funnel", "Started", "Checks") == ("7", "")
    assert cell(lines, "Funnel", "Shared with the centre", "Checks") == ("6", "")
    assert cell(lines, "Funnel", "Introduced to a partner", "Firms") == ("5", "")
    value, note = cell(lines, "Funnel", "Consultation requested", "Checks")
    assert value == "" and note.startswith(WITHHELD)
    # February's one started check is withheld, and with it January's count of the column
    assert cell(lines, "Funnel per month", "2024-02", "Started")[0] == ""
    assert cell(lines, "Funnel per month", "2024-01", "Started")[0] == ""
    assert cell(lines, "Funnel per month", "2024-01", "Submitted") == ("6", "")
    partner = "Beratung Eins (as sent)"
    assert cell(lines, "Referrals per partner", partner, "Referrals") == ("5", "")
    assert cell(lines, "Referrals per partner", partner, "Answer rate (%)") == ("100.0", "")
    assert cell(lines, "Referrals per partner", partner, "Median days to the first answer") == (
        "3.0",
        "",
    )
    assert cell(lines, "Referrals per partner", partner, "accepted") == ("5", "")
    assert cell(lines, "Referrals per topic", "Digital strategy", "Referrals") == ("5", "")


def test_csv_export_withholds_a_small_partner_and_the_change(
    english: FlaskClient, referral_data: None, check: Check
) -> None:
    """Three firms introduced to a partner: all its figures withheld; four firms with a repeat
    check: no change column at all."""
    for change in (1, 2, 3, 4):
        repeat(check, "handwerk", 40, 40 + change)
    lines = read_csv(english.get(CSV))
    partner = "Beratung Eins (as sent)"
    for measure in ("Referrals", "Answered", "Answer rate (%)", "Median days to the first answer"):
        value, note = cell(lines, "Referrals per partner", partner, measure)
        assert value == "" and note.startswith(WITHHELD), measure
    assert cell(lines, "Referrals per partner", partner, "in contact with the company") == ("0", "")
    change = [line for line in lines if line[0] == "Change per topic"]
    assert all(line[2] != "All firms" for line in change)


def test_csv_for_excel_and_bad_filters(english: FlaskClient, export_data: None) -> None:
    """The Excel dialect uses semicolons; an unknown dialect or a bad date is a 400 that says
    why."""
    response = english.get(CSV, query_string={"format": "excel"})
    assert response.status_code == 200
    assert '"Figure";"Group";"Measure";"Value";"Note"' in response.get_data(as_text=True)
    assert english.get(CSV, query_string={"format": "tsv"}).status_code == 400
    for url in (CSV, XLSX):
        response = english.get(url, query_string={"submitted_from": "2024-13-01"})
        assert response.status_code == 400
        assert "The figures could not be exported" in text(response)


def xlsx_sheets(response: TestResponse) -> dict[str, dict[str, str]]:
    """Every worksheet's cells by reference (A1, B2, ...), by the sheet's name."""
    assert response.status_code == 200
    with response:
        data = response.get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        names = [
            sheet.get("name", "")
            for sheet in ElementTree.fromstring(workbook.read("xl/workbook.xml")).iter(
                f"{SHEET}sheet"
            )
        ]
        shared = [
            t.text or ""
            for t in ElementTree.fromstring(workbook.read("xl/sharedStrings.xml")).iter(f"{SHEET}t")
        ]
        sheets = {}
        for number, name in enumerate(names, start=1):
            xml = workbook.read(f"xl/worksheets/sheet{number}.xml")
            cells = {}
            for found in ElementTree.fromstring(xml).iter(f"{SHEET}c"):
                value = found.find(f"{SHEET}v")
                if value is not None:
                    text_ = shared[int(value.text or 0)] if found.get("t") == "s" else value.text
                    cells[found.get("r", "")] = text_ or ""
            sheets[name] = cells
    return sheets


def test_xlsx_export_has_a_sheet_per_figure(english: FlaskClient, export_data: None) -> None:
    """Numbers as numbers, withheld cells say so, and the note below the table says why."""
    sheets = xlsx_sheets(english.get(XLSX))
    assert list(sheets) == [
        "Filters",
        "Funnel",
        "Funnel per month",
        "Funnel per municipality",
        "Referrals per partner",
        "Referrals per topic",
        "Change per topic",
    ]
    funnel = sheets["Funnel"]
    assert (funnel["A1"], funnel["B1"], funnel["C1"]) == ("Stage", "Checks", "Firms")
    assert (funnel["A2"], funnel["B2"], funnel["C2"]) == ("Started", "7", "7")
    assert (funnel["A5"], funnel["B5"]) == ("Consultation requested", "withheld")
    assert any(value.startswith(WITHHELD) for value in funnel.values())
    partners = sheets["Referrals per partner"]
    assert (partners["A2"], partners["B2"], partners["E2"]) == ("Beratung Eins (as sent)", "5", "3")


def test_exports_need_a_login(advisor_app: Flask) -> None:
    """Anonymous visitors are sent to the login page."""
    client = advisor_app.test_client()
    for url in (CSV, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and "/advisor/login" in response.location


# --- queries ----------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_with_more_data(
    advisor_app: Flask, english: FlaskClient, check: Check, refer: Refer
) -> None:
    """More checks, months, firms with repeat checks and referrals: no more statements."""
    for change in range(5):
        repeat(check, "handwerk", 40, 40 + change)
    refer(check(on(2024, 1, 1)), on(2024, 1, 2), answers=[("accepted", 1)])
    english.get(PAGE)  # the first request parses the pinned questionnaire
    few = statements(advisor_app, english, PAGE)
    for change in range(10):
        repeat(check, "bau", 30, 30 + change, year=2025)
    for month in range(1, 13):
        number = check(on(2022, month), consultation=True, region="werl")
        refer(number, on(2022, month, 20), answers=[("accepted", 2), ("project_started", 9)])
        refer(number, on(2022, month, 21), partner=OLDER)
    many = statements(advisor_app, english, PAGE)
    assert few == many, "the impact figures cost queries per row"
