"""The advisors' dashboard: what is listed, search, filters, sorting, pages, counts, errors."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from werkzeug.test import TestResponse

from assessment.advisor.accounts import create_advisor, find_advisor
from assessment.advisor.listing import PER_PAGE
from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.kernel.pinning import pin
from assessment.questionnaire import load_questionnaire

from ..survey.conftest import DATA
from ..survey.helpers import csrf_token, text
from .conftest import ADA, PASSWORD, SharedFactory, statements

DASHBOARD = "/advisor/"
GRACE = "grace@example.org"
#: The shared assessments of the `firms` fixture.
FOUR = ("Alpha Bau", "Beta Metall", "Gamma Elektro", "Delta Handel")


# --- reading the page -------------------------------------------------------------------


def cells(response: TestResponse) -> list[list[str]]:
    """The list's lines as the text of their cells (company first)."""
    body = re.search(r"<tbody>(.*?)</tbody>", text(response), re.DOTALL)
    if body is None:
        return []
    lines = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", line, re.DOTALL)
        ]
        for line in lines
    ]


def companies(response: TestResponse) -> list[str]:
    """The companies listed, in the order shown."""
    return [line[0] for line in cells(response)]


def counts(response: TestResponse) -> tuple[int, dict[str, int]]:
    """The total and the count per review status shown above the list."""
    page = text(response)
    total = re.search(r'<p class="counts" role="status">\s*<strong>(\d+) ', page)
    assert total, "no total above the list"
    chips = re.findall(r'class="count-chip status-(\w+)">[^<]*: (\d+)</span>', page)
    return int(total.group(1)), {status: int(count) for status, count in chips}


def error_summary(response: TestResponse) -> str:
    """The text of the filters' error summary (empty when there is none)."""
    found = re.search(r'<div class="error-summary".*?</div>', text(response), re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))) if found else ""


def german(app: Flask, message: str, **values: Any) -> str:
    """A message as the German pages show it (the English text while it is untranslated)."""
    with app.test_request_context(), force_locale("de"):
        return gettext(message, **values)


def to_english(client: FlaskClient) -> None:
    """Switch the client's pages to English with the language switch."""
    token = csrf_token(client.get(DASHBOARD))
    client.post("/language", data={"csrf_token": token, "language": "en", "next": DASHBOARD})


@pytest.fixture
def ada_en(ada: FlaskClient) -> FlaskClient:
    """Ada's client, reading the pages in English."""
    to_english(ada)
    return ada


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in March 2024 in the centre's time zone (the date filters read its days), in
    UTC as the application stores its times."""
    return datetime(2024, 3, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def assign(app: Flask, assessment_id: int, email: str | None) -> None:
    """Assign an assessment to the advisor with this address (or to nobody)."""
    with app.app_context():
        advisor = find_advisor(email) if email else None
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        assessment.assigned_advisor_id = advisor.id if advisor else None
        db.session.commit()


def answered_with_the_small_check(app: Flask, add_assessment: SharedFactory, name: str) -> int:
    """A shared assessment of the small web check instead of the sample."""
    assessment_id = add_assessment(name, sector="craft", region=None, level="low")
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        assessment.questionnaire_version = pin(load_questionnaire(DATA / "check.yaml"))
        db.session.commit()
    return assessment_id


@pytest.fixture
def firms(advisor_app: Flask, add_assessment: SharedFactory) -> dict[str, int]:
    """Four shared assessments that differ in every filter, and two that must never show."""
    with advisor_app.app_context():
        create_advisor(GRACE, PASSWORD, name="Grace Hopper")
    found = {
        "Alpha Bau": add_assessment(
            "Alpha Bau",
            score=40,
            sector="handwerk",
            size="small",
            region="lippstadt",
            level="entdecker",
            review_status="new",
            submitted_at=at(10, 0, 0),
        ),
        "Beta Metall": add_assessment(
            "Beta Metall",
            score=80,
            sector="produktion",
            size="medium",
            region="soest",
            level="vorreiter",
            review_status="in_review",
            submitted_at=at(12, 23, 59),
        ),
        "Gamma Elektro": add_assessment(
            "Gamma Elektro",
            score=20,
            sector="handwerk",
            size="micro",
            region="soest",
            level="einsteiger",
            review_status="reviewed",
            submitted_at=at(13, 0, 0),
        ),
        "Delta Handel": add_assessment(
            "Delta Handel",
            score=60,
            sector="handel",
            size="small",
            region="werl",
            level="fortgeschritten",
            review_status="in_review",
            submitted_at=at(20),
        ),
    }
    assign(advisor_app, found["Gamma Elektro"], ADA)
    assign(advisor_app, found["Delta Handel"], GRACE)
    add_assessment("Verborgen GmbH", shared=False, submitted_at=at(15))
    add_assessment("Entwurf AG", status="in_progress")
    return found


# --- what is listed ---------------------------------------------------------------------


def test_only_shared_submitted_assessments_are_listed(
    ada: FlaskClient, firms: dict[str, int]
) -> None:
    """Assessments not shared, or not yet submitted, never appear."""
    response = ada.get(DASHBOARD)
    assert response.status_code == 200
    assert companies(response) == ["Delta Handel", "Gamma Elektro", "Beta Metall", "Alpha Bau"]
    assert "Verborgen" not in text(response) and "Entwurf" not in text(response)


def test_labels_are_shown_instead_of_ids(ada: FlaskClient, firms: dict[str, int]) -> None:
    """Sector, size, region, level and assignee appear in words, in the page's language."""
    line = next(line for line in cells(ada.get(DASHBOARD)) if line[0] == "Alpha Bau")
    assert line[2:5] == ["Handwerk", "Kleines Unternehmen (10 bis 49 Beschäftigte)", "Lippstadt"]
    assert line[5] == "40"
    assert line[6] == "Entdecker"
    gamma = next(line for line in cells(ada.get(DASHBOARD)) if line[0] == "Gamma Elektro")
    assert gamma[-5] == "Ada Lovelace" and gamma[-3] == "\u2013", "assigned; no consultation"
    assert gamma[7] == gamma[-4] == "\u2013", "no urgency given; no follow-up planned"
    assert gamma[-2:] == ["Nein", "0"], "no consent (c), no introduction under way"


def test_labels_in_english(ada_en: FlaskClient, firms: dict[str, int]) -> None:
    """After switching to English the labels are English."""
    line = next(line for line in cells(ada_en.get(DASHBOARD)) if line[0] == "Alpha Bau")
    assert line[2:5] == ["Skilled crafts", "Small enterprise (10 to 49 employees)", "Lippstadt"]
    assert line[6] == "Explorer"
    assert line[8] == "New"
    assert line[9] == "nobody"


def test_a_company_without_a_name_in_english(
    ada_en: FlaskClient, add_assessment: SharedFactory
) -> None:
    """A company that gave no name is listed by its number."""
    number = add_assessment(None)
    assert companies(ada_en.get(DASHBOARD)) == [f"Company without a name (no. {number})"]


def test_a_company_without_a_name_in_german(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """The German page names a nameless company in German."""
    number = add_assessment(None)
    message = "Company without a name (no. %(id)d)"
    expected = german(advisor_app, message, id=number)
    assert expected != message % {"id": number}, "not translated"
    assert companies(ada.get(DASHBOARD)) == [expected]


# --- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("müller", ["MÜLLER GmbH"]),
        ("  Müller  ", ["MÜLLER GmbH"]),
        ("MÜLLER", ["MÜLLER GmbH"]),
        ("mueller", ["Mueller & Co"]),
        ("STRASSENBAU", ["Straßenbau Kühn"]),
        ("kühn", ["Straßenbau Kühn"]),
        ("100%", ["100% Digital"]),
        ("%", ["100% Digital"]),
        ("a_b", ["A_B Werke"]),
        ("_", ["A_B Werke"]),
        ("nichts davon", []),
    ],
)
def test_search_by_company(
    ada: FlaskClient, add_assessment: SharedFactory, search: str, expected: list[str]
) -> None:
    """The search ignores case (umlauts too) and takes % and _ literally."""
    names = ["MÜLLER GmbH", "Mueller & Co", "Straßenbau Kühn", "100% Digital", "AxB Werke"]
    for name in [*names, "A_B Werke", "1000 Digital"]:
        add_assessment(name)
    response = ada.get(DASHBOARD, query_string={"q": search})
    assert response.status_code == 200
    assert sorted(companies(response)) == sorted(expected)


def test_search_ignores_the_unicode_form(ada: FlaskClient, add_assessment: SharedFactory) -> None:
    """A search typed in decomposed form finds the name stored in composed form."""
    add_assessment("MÜLLER GmbH")
    decomposed = unicodedata.normalize("NFD", "müller")
    assert decomposed != "müller"
    assert companies(ada.get(DASHBOARD, query_string={"q": decomposed})) == ["MÜLLER GmbH"]


# --- filters ----------------------------------------------------------------------------


def case(query: dict[str, str], *expected: str) -> Any:
    """A filter case named after its query string."""
    return pytest.param(query, set(expected), id=urlencode(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        case({"sector": "handwerk"}, "Alpha Bau", "Gamma Elektro"),
        case({"size": "small"}, "Alpha Bau", "Delta Handel"),
        case({"region": "soest"}, "Beta Metall", "Gamma Elektro"),
        case({"level": "vorreiter"}, "Beta Metall"),
        case({"status": "in_review"}, "Beta Metall", "Delta Handel"),
        case({"status": "reviewed"}, "Gamma Elektro"),
        case({"submitted_from": "2024-03-13"}, "Gamma Elektro", "Delta Handel"),
        case({"submitted_to": "2024-03-12"}, "Alpha Bau", "Beta Metall"),
        case({"submitted_from": "2024-03-12", "submitted_to": "2024-03-12"}, "Beta Metall"),
        case({"submitted_from": "2024-03-10", "submitted_to": "2024-03-10"}, "Alpha Bau"),
        case({"submitted_from": "2024-03-14", "submitted_to": "2024-03-19"}),
        case({"assigned": "me"}, "Gamma Elektro"),
        case({"assigned": "nobody"}, "Alpha Bau", "Beta Metall"),
        case({"sector": "handwerk", "region": "soest"}, "Gamma Elektro"),
        case({"q": "a", "status": "in_review", "size": "medium"}, "Beta Metall"),
        case({"sector": "", "status": "", "sort": "newest"}, *FOUR),
    ],
)
def test_each_filter_narrows_the_list(
    ada: FlaskClient, firms: dict[str, int], query: dict[str, str], expected: set[str]
) -> None:
    """Each filter keeps exactly the matching assessments; date ranges include both days."""
    response = ada.get(DASHBOARD, query_string=query)
    assert response.status_code == 200
    assert set(companies(response)) == expected
    assert error_summary(response) == ""


def test_filter_by_questionnaire(
    advisor_app: Flask, ada: FlaskClient, firms: dict[str, int], add_assessment: SharedFactory
) -> None:
    """The questionnaire filter keeps the assessments of that questionnaire's versions."""
    answered_with_the_small_check(advisor_app, add_assessment, "Kleiner Check KG")
    everything = companies(ada.get(DASHBOARD))
    assert "Kleiner Check KG" in everything and len(everything) == 5
    sample_only = ada.get(DASHBOARD, query_string={"questionnaire": "digitalcheck"})
    assert sample_only.status_code == 200
    assert set(companies(sample_only)) == set(firms)


# --- sorting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Delta Handel", "Gamma Elektro", "Beta Metall", "Alpha Bau"]),
        ("oldest", ["Alpha Bau", "Beta Metall", "Gamma Elektro", "Delta Handel"]),
        ("company", ["Alpha Bau", "Beta Metall", "Delta Handel", "Gamma Elektro"]),
        ("score_high", ["Beta Metall", "Delta Handel", "Alpha Bau", "Gamma Elektro"]),
        ("score_low", ["Gamma Elektro", "Alpha Bau", "Delta Handel", "Beta Metall"]),
    ],
)
def test_sort_orders(
    ada: FlaskClient, firms: dict[str, int], sort: str, expected: list[str]
) -> None:
    """Each sort order lists the assessments in its order."""
    response = ada.get(DASHBOARD, query_string={"sort": sort})
    assert response.status_code == 200
    assert companies(response) == expected


def test_company_order_ignores_case_and_puts_nameless_last(
    ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Upper and lower case sort together; companies without a name come last."""
    nameless = add_assessment(None)
    for name in ("zimmerei Zorn", "Bäckerei Beck", "autohaus Abel"):
        add_assessment(name)
    listed = companies(ada.get(DASHBOARD, query_string={"sort": "company"}))
    assert listed[:3] == ["autohaus Abel", "Bäckerei Beck", "zimmerei Zorn"]
    assert listed[3].endswith(f"{nameless})")


def test_company_order_puts_umlauts_with_their_letters(
    ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """ "Ärztehaus" is listed among the A's, not after "Zimmerei"."""
    for name in ("Zimmerei Zorn", "Ärztehaus Am Markt", "Bäckerei Beck", "Öko-Hof Ohm"):
        add_assessment(name)
    assert companies(ada.get(DASHBOARD, query_string={"sort": "company"})) == [
        "Ärztehaus Am Markt",
        "Bäckerei Beck",
        "Öko-Hof Ohm",
        "Zimmerei Zorn",
    ]


# --- pages and counts -------------------------------------------------------------------


@pytest.fixture
def series(add_assessment: SharedFactory) -> list[str]:
    """Thirty shared assessments, "Serie 01" to "Serie 30", and one other company."""
    names = [f"Serie {number:02d}" for number in range(1, 31)]
    for name in names:
        add_assessment(name, review_status="reviewed" if name.endswith("5") else "new")
    add_assessment("Andere GmbH")
    return names


def links(response: TestResponse, rel: str) -> list[str]:
    """The targets of the page's links with this rel (prev, next)."""
    return [
        html.unescape(href)
        for href in re.findall(rf'<a href="([^"]+)" rel="{rel}">', text(response))
    ]


def test_pages_of_the_list(ada: FlaskClient, series: list[str]) -> None:
    """PER_PAGE lines a page; page 2 shows the rest; the links keep the filters."""
    assert PER_PAGE == 25
    query = {"q": "serie", "sort": "company"}
    first = ada.get(DASHBOARD, query_string=query)
    assert companies(first) == series[:PER_PAGE]
    assert links(first, "prev") == []
    (following,) = links(first, "next")
    assert following == "/advisor/?q=serie&sort=company&page=2"
    second = ada.get(following)
    assert companies(second) == series[PER_PAGE:]
    assert links(second, "next") == []
    assert links(second, "prev") == ["/advisor/?q=serie&sort=company&page=1"]


@pytest.mark.parametrize("page", ["3", "99", "1000000"])
def test_a_page_beyond_the_end_shows_the_last(
    ada: FlaskClient, series: list[str], page: str
) -> None:
    """Asking for a page after the last shows the last page."""
    response = ada.get(DASHBOARD, query_string={"q": "serie", "sort": "company", "page": page})
    assert response.status_code == 200
    assert companies(response) == series[PER_PAGE:]


def test_an_empty_list(ada: FlaskClient) -> None:
    """Without shared assessments the page says so, with zero counts and no page links."""
    response = ada.get(DASHBOARD, query_string={"page": "2"})
    assert response.status_code == 200
    assert companies(response) == []
    assert counts(response) == (0, {"new": 0, "in_review": 0, "reviewed": 0})
    assert 'class="panel"' in text(response)


def test_counts_above_the_list(ada: FlaskClient, firms: dict[str, int]) -> None:
    """The total and the count of each review status, for the other filters set."""
    assert counts(ada.get(DASHBOARD)) == (4, {"new": 1, "in_review": 2, "reviewed": 1})
    soest = ada.get(DASHBOARD, query_string={"region": "soest"})
    assert counts(soest) == (2, {"new": 0, "in_review": 1, "reviewed": 1})
    in_review = ada.get(DASHBOARD, query_string={"status": "in_review"})
    assert counts(in_review) == (2, {"new": 1, "in_review": 2, "reviewed": 1})


def test_counts_cover_every_page(ada: FlaskClient, series: list[str]) -> None:
    """The counts are of the whole filtered list, not of the page shown."""
    response = ada.get(DASHBOARD, query_string={"q": "serie", "page": "2"})
    assert counts(response) == (30, {"new": 27, "in_review": 0, "reviewed": 3})


# --- invalid filters --------------------------------------------------------------------

INVALID = [
    pytest.param({"submitted_from": "2024-13-45"}, "Submitted from", id="bad-date"),
    pytest.param({"submitted_to": "gestern"}, "Submitted until", id="bad-end-date"),
    pytest.param(
        {"submitted_from": "2024-03-13", "submitted_to": "2024-03-12"},
        "Submitted until: The end date must not be before the start date.",
        id="end-before-start",
    ),
    pytest.param({"sort": "cheapest"}, "Sort by", id="unknown-sort"),
    pytest.param({"sector": "bergbau"}, "Sector", id="unknown-sector"),
    pytest.param({"level": "guru"}, "Level", id="unknown-level"),
    pytest.param({"status": "done"}, "Status", id="unknown-status"),
    pytest.param({"assigned": "everyone"}, "Assigned to", id="unknown-assignee"),
    pytest.param({"questionnaire": "nope"}, "Questionnaire", id="unknown-questionnaire"),
    pytest.param({"urgency": "sofort"}, "Urgency", id="unknown-urgency"),
    pytest.param({"follow_up": "someday"}, "Follow-up", id="unknown-follow-up"),
    pytest.param({"page": "abc"}, "Page", id="page-not-a-number"),
    pytest.param({"page": "0"}, "Page", id="page-zero"),
    pytest.param({"q": "x" * 201}, "Company", id="search-too-long"),
]


@pytest.mark.parametrize(("invalid", "named"), INVALID)
def test_invalid_filters_are_named_and_the_rest_applies(
    ada_en: FlaskClient, firms: dict[str, int], invalid: dict[str, str], named: str
) -> None:
    """A bad value: status 400, the field named, the other filters applied and re-shown."""
    response = ada_en.get(DASHBOARD, query_string={"region": "soest", "size": "micro", **invalid})
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Some filters could not be used" in summary
    assert named in summary
    assert companies(response) == ["Gamma Elektro"]
    page = text(response)
    assert '<option selected value="soest">' in page
    assert '<option selected value="micro">' in page
    for name, value in invalid.items():
        if name in ("submitted_from", "submitted_to", "q"):
            assert f'name="{name}" type="{"text" if name == "q" else "date"}" value="{value}"' in (
                page
            ), f"{name} is not shown again"


def test_valid_dates_are_shown_again(ada: FlaskClient, firms: dict[str, int]) -> None:
    """The chosen dates stay in the form."""
    query = {"submitted_from": "2024-03-12", "submitted_to": "2024-03-13"}
    page = text(ada.get(DASHBOARD, query_string=query))
    assert 'name="submitted_from" type="date" value="2024-03-12"' in page
    assert 'name="submitted_to" type="date" value="2024-03-13"' in page


def test_filter_errors_are_german_on_german_pages(ada: FlaskClient, firms: dict[str, int]) -> None:
    """The error messages of the filters are in the page's language."""
    response = ada.get(DASHBOARD, query_string={"submitted_from": "bad", "sector": "bergbau"})
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Not a valid date value" not in summary
    assert "Not a valid choice" not in summary


@pytest.mark.parametrize("query", ["endpoint=x", "_method=POST"])
def test_unknown_parameters_are_ignored(
    advisor_app: Flask, ada: FlaskClient, firms: dict[str, int], query: str
) -> None:
    """A parameter the list does not know is ignored, whatever its name."""
    advisor_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = ada.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 200
    assert len(companies(response)) == 4


@pytest.mark.parametrize("query", ["kind=x", "endpoint=x", "_method=POST"])
def test_unknown_parameters_are_ignored_by_the_statistics(
    advisor_app: Flask, ada: FlaskClient, firms: dict[str, int], query: str
) -> None:
    """The statistics read the same filters and ignore other parameters too."""
    advisor_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert ada.get("/advisor/statistics").status_code == 200
    assert ada.get(f"/advisor/statistics?{query}").status_code == 200


# --- queries ----------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_rows(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """A page of 25 lines takes as many SQL statements as a page of 5 (no query per line)."""
    for number in range(5):
        assign(advisor_app, add_assessment(f"Firma {number}"), ADA)
    ada.get(DASHBOARD)  # the first request parses the pinned questionnaire
    few = statements(advisor_app, ada, DASHBOARD)
    for number in range(25):
        assign(advisor_app, add_assessment(f"Betrieb {number}"), ADA)
    many = statements(advisor_app, ada, DASHBOARD)
    assert len(companies(ada.get(DASHBOARD))) == PER_PAGE
    assert few == many, "each line of the list costs queries"
    assert many <= 5, many
