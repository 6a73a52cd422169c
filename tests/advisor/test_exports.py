"""Exports of the advisors' list: CSV and XLSX with the same filters, sort and columns."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assessment.advisor import exports
from assessment.advisor.exports import neutralise
from assessment.advisor.listing import versions_by_id
from assessment.advisor.models import Advisor
from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.models import Assessment, DimensionScore
from assessment.kernel.pinning import pin
from assessment.questionnaire import Questionnaire
from assessment.referrals.models import Referral

from .conftest import ADA, SharedFactory

SUBMITTED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
FIXED_COLUMNS = [
    "Assessment ID",
    "Company",
    "Contact e-mail",
    "Questionnaire",
    "Questionnaire version",
    "Language",
    "Sector",
    "Size",
    "Region",
    "Started (UTC)",
    "Submitted (UTC)",
    "Review status",
    "Assigned advisor",
    "Consent (a): counts in benchmarks",
    "Consent (b): shared with the centre",
    "Consent (c): introductions to partners",
    "Urgency",
    "Next follow-up",
    "Consultation request",
    "Introductions to partners",
    "Introductions under way",
    "Introductions: partner and state",
    "Team check: people who answered",
    "Team check: largest spread of a topic",
    "Overall score",
    "Overall level",
]
#: The spreadsheet columns of the fixed columns.
FIXED_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: How OOXML writes control characters in text: _x000D_ for a carriage return.
OOXML_ESCAPE = re.compile(r"_x([0-9A-F]{4})_")


@pytest.fixture
def english(ada: FlaskClient) -> FlaskClient:
    """Ada's client with the pages in English."""
    with ada.session_transaction() as session:
        session["language"] = "en"
    return ada


def half_up(score: float | None) -> float:
    """A score rounded half up to one decimal, by decimal arithmetic."""
    return float(Decimal(str(score)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def read_csv(response: TestResponse) -> list[dict[str, str]]:
    """The CSV download's lines by column name; the file must start with a byte order mark."""
    text = response.get_data(as_text=True)
    assert text.startswith("\N{BYTE ORDER MARK}")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\N{BYTE ORDER MARK}"))))


def csv_header(response: TestResponse) -> list[str]:
    """The CSV download's first line."""
    text = response.get_data(as_text=True).removeprefix("\N{BYTE ORDER MARK}")
    return next(csv.reader(io.StringIO(text)))


def companies(client: FlaskClient, query: str = "") -> list[str]:
    """The company column of the CSV download, in order."""
    response = client.get(f"/advisor/export.csv{query}")
    assert response.status_code == 200
    return [line["Company"] for line in read_csv(response)]


def test_csv_has_profile_dates_status_and_every_score(
    english: FlaskClient, add_assessment: SharedFactory, sample: Questionnaire
) -> None:
    """One line per assessment with labels, UTC times and scores rounded half up to 0.1."""
    number = add_assessment(
        "Bäckerei <b>Korn</b> & Söhne",
        score=62.34,
        scores={"strategie": 80.0, "daten": 12.25},
        review_status="in_review",
        submitted_at=SUBMITTED,
    )
    response = english.get("/advisor/export.csv")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="digital-check-assessments-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    dimensions = [d.title.get("en") for d in sample.dimensions]
    assert csv_header(response) == FIXED_COLUMNS + [
        f"{title}: {part}" for title in dimensions for part in ("score", "level")
    ]
    [line] = read_csv(response)
    assert line["Assessment ID"] == str(number)
    assert line["Company"] == "Bäckerei <b>Korn</b> & Söhne"
    assert (line["Questionnaire"], line["Questionnaire version"]) == ("digitalcheck", "1")
    assert (line["Language"], line["Sector"]) == ("de", "Skilled crafts")
    assert line["Size"] == "Small enterprise (10 to 49 employees)"
    assert line["Region"] == "Lippstadt"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", line["Started (UTC)"])
    assert line["Submitted (UTC)"] == "2025-03-01 09:30:00"
    assert (line["Review status"], line["Assigned advisor"]) == ("In review", "")
    assert [line[name] for name in FIXED_COLUMNS[13:22]] == [
        "No",
        "Yes",
        "No",
        "",
        "",
        "",
        "0",
        "0",
        "",
    ], "consents; no urgency given, no follow-up, no consultation, no introduction"
    assert (line["Overall score"], line["Overall level"]) == ("62.3", "Explorer")
    assert line["Strategy and leadership: score"] == "80.0"
    assert line["Data and analytics: score"] == "12.3"
    assert line["Data and analytics: level"] == "Explorer"
    assert line["Customers, marketing and sales: score"] == "62.3"


def test_csv_shows_an_assessment_answered_on_the_web_as_stored(
    ada: FlaskClient, advisor_app: Flask, answered: object, sample: Questionnaire
) -> None:
    """In German by default: labels and every dimension score match the database."""
    number = answered("Tischlerei Müller", shared=True)  # type: ignore[operator]
    with advisor_app.app_context():
        stored = db.session.get(Assessment, number)
        assert stored is not None
        contact, overall = stored.contact_email, stored.overall_score
        scores = {s.dimension_id: s.score for s in stored.dimension_scores}
    response = ada.get("/advisor/export.csv")
    header = csv_header(response)
    [line] = read_csv(response)

    assert line[header[1]] == "Tischlerei Müller"
    assert line[header[2]] == (contact or "")
    assert "Handwerk" in line.values()
    assert line[header[24]] == str(half_up(overall))
    assert "Strategie und Führung" in header[26]
    written = [float(line[name]) for name in header[26::2]]
    assert written == [half_up(scores[d.id]) for d in sample.dimensions]


def test_only_shared_submitted_assessments_are_exported(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Private and unfinished checks stay out of the file."""
    add_assessment("Geteilt")
    add_assessment("Privat", shared=False)
    add_assessment("Unfertig", status="in_progress")

    assert companies(english) == ["Geteilt"]


def test_filters_and_sort_apply(english: FlaskClient, add_assessment: SharedFactory) -> None:
    """The same query string as the dashboard narrows and orders the export."""
    add_assessment(
        "Zimmerei Zorn", sector="handwerk", submitted_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    add_assessment("Autohaus Adler", sector="handel", submitted_at=datetime(2025, 2, 1, tzinfo=UTC))
    add_assessment("Malerei Mohn", sector="handwerk", submitted_at=datetime(2025, 3, 1, tzinfo=UTC))

    assert companies(english) == ["Malerei Mohn", "Autohaus Adler", "Zimmerei Zorn"]
    assert companies(english, "?sort=company") == [
        "Autohaus Adler",
        "Malerei Mohn",
        "Zimmerei Zorn",
    ]
    assert companies(english, "?sector=handwerk&sort=oldest") == ["Zimmerei Zorn", "Malerei Mohn"]
    assert companies(english, "?q=MOHN") == ["Malerei Mohn"]
    assert companies(english, "?submitted_to=2025-01-31") == ["Zimmerei Zorn"]
    assert companies(english, "?sort=company&page=7") == [
        "Autohaus Adler",
        "Malerei Mohn",
        "Zimmerei Zorn",
    ]


def test_assignment_filter_and_column(
    english: FlaskClient, advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """The assigned advisor's name is a column, and "assigned to me" filters by it."""
    mine = add_assessment("Meins")
    add_assessment("Offen")
    with advisor_app.app_context():
        ada = db.session.scalars(db.select(Advisor).filter_by(email=ADA)).one()
        db.session.get(Assessment, mine).assigned_advisor_id = ada.id  # type: ignore[union-attr]
        db.session.commit()

    [line] = read_csv(english.get("/advisor/export.csv?assigned=me"))

    assert (line["Company"], line["Assigned advisor"]) == ("Meins", "Ada Lovelace")


BAD_FILTERS = {
    "?sector=mond": "Sector",
    "?sort=random": "Sort by",
    "?submitted_from=2025-13-01": "Submitted from",
    "?submitted_from=2025-03-01&submitted_to=2025-01-01": "Submitted until",
}


def test_bad_filters_are_refused_with_the_reason(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Both exports answer 400 with a page that names the filter in error."""
    add_assessment()
    for query, field in BAD_FILTERS.items():
        for path in ("/advisor/export.csv", "/advisor/export.xlsx"):
            response = english.get(path + query)
            assert response.status_code == 400, path + query
            assert response.mimetype == "text/html"
            assert f"{field}: " in response.get_data(as_text=True)


def test_exports_need_a_login(advisor_app: Flask) -> None:
    """Anonymous visitors are sent to the login page."""
    client = advisor_app.test_client()
    for path in ("/advisor/export.csv", "/advisor/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/advisor/login" in response.headers["Location"]


DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"]


def test_csv_neutralises_formulas(english: FlaskClient, add_assessment: SharedFactory) -> None:
    """Text a spreadsheet would run gets a leading apostrophe; numbers stay numbers."""
    for company in DANGEROUS:
        add_assessment(company, score=50.0)

    lines = read_csv(english.get("/advisor/export.csv"))

    assert sorted(line["Company"] for line in lines) == sorted("'" + c for c in DANGEROUS)
    assert {line["Overall score"] for line in lines} == {"50.0"}


def test_neutralise_leaves_ordinary_text_alone() -> None:
    """Only the starts that spreadsheets read as formulas are changed, also after a separator."""
    assert neutralise("Müller & <Söhne>") == "Müller & <Söhne>"
    assert neutralise(" =1") == " =1"
    assert neutralise("") == ""
    assert neutralise("-") == "'-"
    assert neutralise("Bau, Holz; Metall - Glas") == "Bau, Holz; Metall - Glas"
    assert neutralise("a;=1+1,+2;@x") == "a;'=1+1,'+2;'@x"


ATTACK = "Muster GmbH;=1+1;=cmd|' /C calc'!A0"


def test_excel_csv_as_german_excel_reads_it(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Semicolons, decimal commas, times in the centre's zone, every text quoted: a company name
    with semicolons and formulas stays one harmless cell, even read without the quotes."""
    add_assessment(ATTACK, score=62.34, submitted_at=SUBMITTED)
    add_assessment('Tischlerei "Holz", Meier\nund Söhne', score=50.0, submitted_at=SUBMITTED)
    response = english.get("/advisor/export.csv?format=excel")
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    assert raw.startswith("\N{BYTE ORDER MARK}")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\N{BYTE ORDER MARK}")), delimiter=";"))
    header, lines = rows[0], {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header[9:11] == ["Started (Europe/Berlin)", "Submitted (Europe/Berlin)"]
    attack = lines["Muster GmbH;'=1+1;'=cmd|' /C calc'!A0"]
    assert attack["Submitted (Europe/Berlin)"] == "01.03.2025 10:30:00", "09:30 UTC is 10:30 CET"
    assert attack["Overall score"] == "62,3"
    assert 'Tischlerei "Holz", Meier\nund Söhne' in lines
    for line in raw.splitlines():  # a spreadsheet that ignored the quotes would split here
        for piece in line.split(";"):
            assert not piece.strip('"').startswith(("=", "+", "@")), piece


def test_rfc4180_csv_for_other_programs(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """Commas, decimal points and UTC; the same neutralised texts."""
    add_assessment(ATTACK, score=62.34, submitted_at=SUBMITTED)
    [line] = read_csv(english.get("/advisor/export.csv?format=rfc4180"))
    assert line["Company"] == "Muster GmbH;'=1+1;'=cmd|' /C calc'!A0"
    assert (line["Overall score"], line["Submitted (UTC)"]) == ("62.3", "2025-03-01 09:30:00")


def test_an_unknown_csv_format_is_refused(english: FlaskClient) -> None:
    """Only the two formats offered: anything else is a friendly 400 saying so."""
    response = english.get("/advisor/export.csv?format=tsv")
    assert response.status_code == 400
    assert "Please choose one of the CSV formats offered." in response.get_data(as_text=True)


def test_empty_result_gives_the_header_only(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """No match: a file with just the header (the fixed columns, no dimension known)."""
    add_assessment(sector="handwerk")
    response = english.get("/advisor/export.csv?sector=bau")

    assert response.status_code == 200
    assert response.get_data(as_text=True).splitlines() == [
        "\N{BYTE ORDER MARK}" + ",".join(f'"{name}"' for name in FIXED_COLUMNS)
    ]


def test_dimensions_of_every_version_in_the_list_are_columns(
    english: FlaskClient, advisor_app: Flask, add_assessment: SharedFactory, sample: Questionnaire
) -> None:
    """A newer version's extra dimension gets its own columns; older checks leave them empty."""
    add_assessment("Alt", score=40.0)
    newer = add_assessment("Neu", score=60.0)
    data = sample.model_dump(mode="json", by_alias=True, exclude_unset=True)
    extra = {**data["dimensions"][0], "id": "ki", "title": {"de": "KI", "en": "AI"}}
    data = {**data, "version": 2, "dimensions": [*data["dimensions"], extra]}
    with advisor_app.app_context():
        version = pin(Questionnaire.model_validate(data).with_directory(sample.directory))
        db.session.flush()
        db.session.get(Assessment, newer).questionnaire_version_id = version.id  # type: ignore[union-attr]
        db.session.add(DimensionScore(assessment_id=newer, dimension_id="ki", score=75, level="x"))
        db.session.commit()

    response = english.get("/advisor/export.csv?sort=company")
    old, new = read_csv(response)

    assert csv_header(response)[-2:] == ["AI: score", "AI: level"]
    assert (old["Company"], old["AI: score"], old["AI: level"]) == ("Alt", "", "")
    assert (new["Questionnaire version"], new["AI: score"], new["AI: level"]) == ("2", "75.0", "x")


def test_many_dimensions_are_read_in_several_joins(
    english: FlaskClient, add_assessment: SharedFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fewer joins allowed per query than dimensions, the file is the same."""
    add_assessment("Eins", scores={"strategie": 10.0, "nachhaltigkeit": 90.0})
    add_assessment("Zwei", scores={"kunden": 20.0, "daten": 30.0})
    whole = english.get("/advisor/export.csv").get_data()
    monkeypatch.setattr(exports, "JOINED", 2)

    assert english.get("/advisor/export.csv").get_data() == whole


def test_a_version_unknown_when_the_header_was_made_still_gets_labels(
    english: FlaskClient, add_assessment: SharedFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check submitted with a new version while the export starts is written with labels."""
    add_assessment("Spät")
    calls: list[set[int]] = []

    def none_at_first(ids: Iterable[int]) -> dict[int, Questionnaire]:
        calls.append(set(ids))
        return {} if len(calls) == 1 else versions_by_id(calls[-1])

    monkeypatch.setattr(exports, "versions_by_id", none_at_first)
    [line] = read_csv(english.get("/advisor/export.csv"))

    assert (line["Company"], line["Sector"], line["Overall level"]) == (
        "Spät",
        "Skilled crafts",
        "Explorer",
    )
    assert len(calls) == 2


def xlsx_cells(response: TestResponse) -> tuple[str, dict[str, str]]:
    """The first worksheet's XML, and its cells' values by reference (A1, B2, ...)."""
    with response:  # closes the temporary file, as a WSGI server does after sending
        data = response.get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        xml = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
        shared = (
            [t.text or "" for t in ElementTree.fromstring(workbook.read(name)).iter(f"{SHEET}t")]
            if (name := "xl/sharedStrings.xml") in workbook.namelist()
            else []
        )
    cells = {}
    for cell in ElementTree.fromstring(xml).iter(f"{SHEET}c"):
        kind, value = cell.get("t"), cell.find(f"{SHEET}v")
        if kind == "inlineStr":
            text = "".join(t.text or "" for t in cell.iter(f"{SHEET}t"))
            cells[cell.get("r", "")] = OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
        elif kind == "s" and value is not None:
            cells[cell.get("r", "")] = shared[int(value.text or 0)]
        elif value is not None:
            cells[cell.get("r", "")] = value.text or ""
    return xml, cells


def test_xlsx_has_the_same_columns_with_numbers_and_dates(
    english: FlaskClient, add_assessment: SharedFactory
) -> None:
    """A workbook: bold frozen header, text as text, scores as numbers, times as date serials."""
    add_assessment("Bäckerei Korn", score=62.34, submitted_at=SUBMITTED)
    response = english.get("/advisor/export.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="?digital-check-assessments-\d{4}-\d{2}-\d{2}\.xlsx"?',
        response.headers["Content-Disposition"],
    )
    xml, cells = xlsx_cells(response)
    assert [cells[f"{column}1"] for column in FIXED_LETTERS] == FIXED_COLUMNS
    assert cells["AA1"] == "Strategy and leadership: score"
    assert (cells["B2"], cells["G2"], cells["L2"]) == ("Bäckerei Korn", "Skilled crafts", "New")
    assert (cells["N2"], cells["O2"], cells["P2"]) == ("No", "Yes", "No"), "the consents"
    assert float(cells["Y2"]) == 62.3
    assert cells["Z2"] == "Explorer"
    serial = (datetime(2025, 3, 1, 9, 30) - datetime(1899, 12, 30)).total_seconds() / 86400
    assert float(cells["K2"]) == pytest.approx(serial)
    assert '<pane ySplit="1"' in xml


def test_xlsx_never_writes_a_formula(english: FlaskClient, add_assessment: SharedFactory) -> None:
    """Dangerous company names are stored as prefixed text, with no formula element at all."""
    for company in DANGEROUS:
        add_assessment(company)

    xml, cells = xlsx_cells(english.get("/advisor/export.xlsx?sort=company"))

    assert "<f>" not in xml and "<f " not in xml
    assert sorted(cells[f"B{line}"] for line in range(2, 2 + len(DANGEROUS))) == sorted(
        "'" + company for company in DANGEROUS
    )


def test_xlsx_of_an_empty_list_has_the_header_only(english: FlaskClient) -> None:
    """No match: one line of column names."""
    _xml, cells = xlsx_cells(english.get("/advisor/export.xlsx"))

    assert sorted(cells, key=lambda ref: (len(ref), ref)) == [
        f"{column}1" for column in FIXED_LETTERS
    ]


def test_a_workbook_beyond_the_limit_is_refused_with_a_hint(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """An Excel export larger than XLSX_MAX_ROWS is refused, naming the CSV export instead."""
    advisor_app.config["XLSX_MAX_ROWS"] = 2
    for name in ("A", "B", "C"):
        add_assessment(name)
    response = ada.get("/advisor/export.xlsx")
    assert response.status_code == 413
    assert "CSV" in response.get_data(as_text=True)
    with ada.get("/advisor/export.xlsx?q=A") as narrowed:
        assert narrowed.status_code == 200
    with ada.get("/advisor/export.csv") as csv_export:
        assert csv_export.status_code == 200


# --- triage columns ------------------------------------------------------------------------------


def refer(app: Flask, assessment_id: int, partner: str, state: str) -> None:
    """Store a referral of the firm to a partner, in a state."""
    with app.app_context():
        db.session.add(
            Referral(
                assessment_id=assessment_id,
                partner_id=partner.lower().replace(" ", "-"),
                partner={"id": partner.lower(), "name": partner},
                nonce=f"{partner:0>64}"[:64],
                token_hash=f"{partner}{assessment_id}".ljust(64, "0")[:64],
                introduction="Hallo",
                shared={},
                state=state,
            )
        )
        db.session.commit()


def test_the_triage_columns_are_exported(
    english: FlaskClient, advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """Consents, urgency, next follow-up, consultation and each introduction with its state."""
    number = add_assessment("Eilig KG", submitted_at=SUBMITTED)
    with advisor_app.app_context():
        found = db.session.get(Assessment, number)
        assert found is not None
        found.consent_partners, found.consent_benchmark = True, True
        found.urgency, found.urgency_rank = "hoch", 2
        found.follow_up_on = date(2031, 1, 15)
        db.session.add(
            ConsultationRequest(
                assessment_id=number, way="phone", email="a@b.example", language="en", status="open"
            )
        )
        db.session.commit()
    refer(advisor_app, number, "Handwerkskammer", "project_started")
    refer(advisor_app, number, "IT Systemhaus", "declined")
    refer(advisor_app, number, "Hochschule", "sent")

    [line] = read_csv(english.get("/advisor/export.csv"))
    assert [line[name] for name in FIXED_COLUMNS[13:22]] == [
        "Yes",
        "Yes",
        "Yes",
        "Very urgent \N{EN DASH} we want to tackle something concrete",
        "2031-01-15",
        "requested",
        "3",
        "2",
        "Handwerkskammer: project started; IT Systemhaus: declined; "
        "Hochschule: sent, no answer yet",
    ]
    excel = english.get("/advisor/export.csv?format=excel")
    assert excel.status_code == 200
    assert '"Yes";"Yes";"Yes";' in excel.get_data(as_text=True)
    assert ';"15.01.2031";' in excel.get_data(as_text=True)
    _xml, cells = xlsx_cells(english.get("/advisor/export.xlsx"))
    serial = (datetime(2031, 1, 15) - datetime(1899, 12, 30)).days
    assert (cells["Q1"], cells["R1"]) == ("Urgency", "Next follow-up")
    assert float(cells["R2"]) == serial
    assert cells["U2"] == "2"
