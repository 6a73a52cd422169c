"""The advisors' funding page: every programme of the served directory with its kind, where it
stands, when it was last checked and who helps apply, and how many firms were shown it in a
period; bad dates are named at their field.

The day is never the real one (`Clock`); the directory is the one of the report's tests, written
into a copy of the sample questionnaire folder.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assessment.advisor.accounts import create_advisor
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.models import Assessment, FundingShown
from assessment.questionnaire import Questionnaire, load_questionnaire

from ..conftest import serving
from ..report.test_funding_report import DAY, FUNDING, SHOWN_ON_DAY, Clock, write_folder
from ..survey.helpers import Respondent, complete, text
from .conftest import ADA, PASSWORD, login

FUNDING_PAGE = "/advisor/funding"
CRAFT_FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The questionnaire folder with the report tests' funding directory."""
    return write_folder(tmp_path_factory.mktemp("funding") / "questionnaires")


@pytest.fixture(scope="module")
def module_app(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, serving that folder."""
    yield from serving(tmp_path_factory.mktemp("funding-db") / "funding.db", folder)


@pytest.fixture
def funding_app(module_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The module's app on an emptied database with Ada's account and a new cache."""
    config = dict(module_app.config)
    module_app.config["CACHE_DIR"] = str(tmp_path / "cache")
    with module_app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        create_advisor(ADA, PASSWORD, name="Ada Lovelace")
    yield module_app
    module_app.config.clear()
    module_app.config.update(config)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Today is DAY until a test moves it."""
    return Clock(monkeypatch)


@pytest.fixture
def questionnaire(folder: Path) -> Questionnaire:
    """The served questionnaire with its directories."""
    return load_questionnaire(folder / "digitalcheck.yaml")


@pytest.fixture
def ada(funding_app: Flask, clock: Clock) -> FlaskClient:
    """Ada, logged in."""
    client = funding_app.test_client()
    assert login(client).status_code == 302
    return client


def submit_check(
    app: Flask, questionnaire: Questionnaire, company: str, at: datetime, region: str = "lippstadt"
) -> int:
    """A firm answers the check through the web and submits it (on the Clock's day); its
    submission time is then set to ``at``. Returns the check's id."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, questionnaire, company, {**CRAFT_FIRM, "region": region})
    with app.app_context():
        found = find_assessment(owner.token)
        assert found is not None
        db.session.execute(
            db.update(Assessment).where(Assessment.id == found.id).values(submitted_at=at)
        )
        db.session.commit()
        return found.id


def rows(response: TestResponse) -> dict[str, list[str]]:
    """The table's rows: the programme's name to its cells (kind, applications, last checked,
    help, firms), as text."""
    assert response.status_code in (200, 400)
    body = re.search(r"<tbody>(.*?)</tbody>", text(response), re.S)
    assert body, "a table of programmes"
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body[1], re.S):
        name = re.search(r'<th scope="row"><a href="[^"]+">(.*?)</a>', row, re.S)
        assert name
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        found[html_module.unescape(name[1])] = [
            " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells
        ]
    return found


def firms(response: TestResponse) -> dict[str, int]:
    """The count of firms shown each programme, by its id (the ids end the source address)."""
    found = {}
    page = text(response)
    for row in re.findall(
        r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", page, re.S)[1], re.S
    ):
        url = re.search(r'<a href="https://([^.]+)\.example\.org/">', row)
        assert url
        found[url[1]] = int(re.findall(r"<td>(.*?)</td>", row, re.S)[-1])
    return found


def german(value: date) -> str:
    """A day as the German pages write it."""
    return format_date(value, format="medium", locale="de")


def english(value: date) -> str:
    """A day as the English pages write it."""
    return format_date(value, format="medium", locale="en")


# --- the programmes --------------------------------------------------------------------------


def test_every_programme_with_kind_state_check_and_helper(
    ada: FlaskClient, questionnaire: Questionnaire
) -> None:
    """Every programme of the served directory, in its order: its kind, closed since / until /
    from / open on the day, the day it was last checked ("erneut prüfen" when longer ago than
    FUNDING_STALE_DAYS), the partner who helps apply (whomever that partner serves)."""
    response = ada.get(FUNDING_PAGE)
    assert response.status_code == 200
    found = rows(response)
    directory = questionnaire.funding_directory
    assert directory is not None
    assert list(found) == [p.name.get("de") for p in directory.programmes]
    by_id = {p.id: found[p.name.get("de")] for p in directory.programmes}
    assert questionnaire.directory is not None
    partner = {p.id: p.name.get("de") for p in questionnaire.directory.partners}
    assert by_id["sicherheit-alt"] == [
        "Zuschuss",
        "offen",
        f"{german(DAY - timedelta(days=181))} (erneut prüfen)",
        partner["ihk-geschaeftsstelle"],
        "0",
    ]
    assert by_id["prozesskredit"] == [
        "Darlehen",
        "offen",
        german(DAY - timedelta(days=180)),
        partner["foerderbank-sprechtag"],
        "0",
    ]
    assert by_id["weiterbildung-bis-heute"][:4] == [
        "Gutschein",
        f"bis {german(DAY)}",
        german(DAY - timedelta(days=10)),
        "\N{EN DASH}",
    ]
    assert by_id["strategie-bald"][:2] == [
        "Geförderte Beratung",
        f"ab {german(DAY + timedelta(days=10))}",
    ]
    assert by_id["foerderung-vorbei"][:2] == [
        "Zuschuss",
        f"abgelaufen seit {german(DAY - timedelta(days=1))}",
    ]
    assert by_id["grossfirmen"][0] == "Steuerliche Förderung"
    page = text(response)
    assert "seit mehr als 180 Tagen nicht an ihrer Quelle geprüft" in page
    assert page.count("(erneut prüfen)") == 1


def test_the_state_follows_the_day_and_the_setting(
    ada: FlaskClient, funding_app: Flask, clock: Clock
) -> None:
    """The day after its last day a programme is closed; the day it opens it is open until
    its last day; a shorter FUNDING_STALE_DAYS marks more entries."""
    clock.day = DAY + timedelta(days=1)
    found = rows(ada.get(FUNDING_PAGE))
    assert found["Weiterbildungsgutschein (de)"][1] == f"abgelaufen seit {german(DAY)}"
    clock.day = DAY + timedelta(days=10)
    found = rows(ada.get(FUNDING_PAGE))
    assert found["Strategieberatung (de)"][1] == f"bis {german(DAY + timedelta(days=100))}"
    clock.day = DAY
    funding_app.config["FUNDING_STALE_DAYS"] = 179
    stale = [name for name, cells in rows(ada.get(FUNDING_PAGE)).items() if "erneut" in cells[2]]
    assert stale == ["Sicherheitszuschuss (de)", "Prozesskredit (de)"]


def test_in_english(ada: FlaskClient) -> None:
    """In English: kinds, states and the stale mark."""
    with ada.session_transaction() as session:
        session["language"] = "en"
    found = rows(ada.get(FUNDING_PAGE))
    assert found["Sicherheitszuschuss (en)"][:3] == [
        "Grant",
        "open",
        f"{english(DAY - timedelta(days=181))} (check again)",
    ]
    assert found["Weiterbildungsgutschein (en)"][:2] == ["Voucher", f"until {english(DAY)}"]
    assert found["Strategieberatung (en)"][:2] == [
        "Subsidised advice",
        f"from {english(DAY + timedelta(days=10))}",
    ]
    assert found["Abgelaufene Förderung (en)"][1] == (
        f"closed since {english(DAY - timedelta(days=1))}"
    )
    assert found["Prozesskredit (en)"][0] == "Loan"
    bad = ada.get(FUNDING_PAGE, query_string={"shown_from": "9999-01-01"})
    assert bad.status_code == 400
    assert (
        '<p class="error-message" id="shown_from-error"><span class="visually-hidden">Error:</span>'
        " Please enter a date between 1900 and 2999.</p>"
    ) in text(bad)


# --- the firms shown to ----------------------------------------------------------------------


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day, in UTC as the application stores its times."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_each_firm_counts_once_and_only_within_the_period(
    ada: FlaskClient, funding_app: Flask, questionnaire: Questionnaire
) -> None:
    """Two checks of the same firm count once; a check submitted before the period is not
    counted in it; the period's last day ends at midnight in the centre's time zone."""
    first = submit_check(funding_app, questionnaire, "Tischlerei Alpha", at(DAY, 9))
    second = submit_check(funding_app, questionnaire, "Tischlerei Alpha", at(DAY, 10))
    earlier = submit_check(funding_app, questionnaire, "Bäckerei Beta", at(DAY, 9) - timedelta(100))
    # 23:30 UTC is already the next day in Berlin
    late = submit_check(funding_app, questionnaire, "Elektro Gamma", at(DAY, 23, 30))
    with funding_app.app_context():
        checks = {a.id: a for a in db.session.scalars(db.select(Assessment))}
        assert checks[first].firm_id == checks[second].firm_id != checks[earlier].firm_id
        for number in (first, second, earlier, late):
            shown = set(
                db.session.scalars(
                    db.select(FundingShown.programme_id).filter_by(assessment_id=number)
                )
            )
            assert shown == SHOWN_ON_DAY

    period = {"shown_from": (DAY - timedelta(days=30)).isoformat(), "shown_to": DAY.isoformat()}
    counts = firms(ada.get(FUNDING_PAGE, query_string=period))
    assert {pid: n for pid, n in counts.items() if n} == dict.fromkeys(SHOWN_ON_DAY, 1)
    assert counts["foerderung-vorbei"] == counts["werl-bonus"] == 0

    next_day = {**period, "shown_to": (DAY + timedelta(days=1)).isoformat()}
    counts = firms(ada.get(FUNDING_PAGE, query_string=next_day))
    assert {pid: n for pid, n in counts.items() if n} == dict.fromkeys(SHOWN_ON_DAY, 2)

    # without a period: the last twelve months up to today (DAY), so not the late one
    counts = firms(ada.get(FUNDING_PAGE))
    assert {pid: n for pid, n in counts.items() if n} == dict.fromkeys(SHOWN_ON_DAY, 2)

    only_earlier = {
        "shown_from": (DAY - timedelta(days=100)).isoformat(),
        "shown_to": (DAY - timedelta(days=100)).isoformat(),
    }
    counts = firms(ada.get(FUNDING_PAGE, query_string=only_earlier))
    assert {pid: n for pid, n in counts.items() if n} == dict.fromkeys(SHOWN_ON_DAY, 1)


def test_a_deleted_check_is_no_longer_counted(
    ada: FlaskClient, funding_app: Flask, questionnaire: Questionnaire
) -> None:
    """A check deleted with its rows is not counted any more."""
    number = submit_check(funding_app, questionnaire, "Tischlerei Delta", at(DAY, 9))
    assert firms(ada.get(FUNDING_PAGE))["prozesskredit"] == 1
    with funding_app.app_context():
        db.session.execute(db.delete(Assessment).where(Assessment.id == number))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(FundingShown)) == 0
    assert firms(ada.get(FUNDING_PAGE))["prozesskredit"] == 0


# --- bad dates -------------------------------------------------------------------------------

NOT_A_DATE = "Kein gültiges Datum."
BAD = [
    pytest.param({"shown_from": "gestern"}, "shown_from", NOT_A_DATE, id="not-a-date"),
    pytest.param({"shown_from": "2026-13-01"}, "shown_from", NOT_A_DATE, id="month-13"),
    pytest.param({"shown_to": "31.12.2026"}, "shown_to", NOT_A_DATE, id="german-order"),
    pytest.param(
        {"shown_from": "2026-12-06", "shown_to": "2026-12-01"},
        "shown_to",
        "Das Ende des Zeitraums darf nicht vor seinem Beginn liegen.",
        id="end-before-start",
    ),
    pytest.param(
        {"shown_from": "9999-01-01"},
        "shown_from",
        "Bitte geben Sie ein Datum zwischen 1900 und 2999 ein.",
        id="year-9999",
    ),
    pytest.param(
        {"shown_to": "9999-12-31"},
        "shown_to",
        "Bitte geben Sie ein Datum zwischen 1900 und 2999 ein.",
        id="end-year-9999",
    ),
]


@pytest.mark.parametrize(("query", "field", "message"), BAD)
def test_a_bad_date_is_named_at_its_field_and_kept(
    ada: FlaskClient, query: dict[str, str], field: str, message: str
) -> None:
    """400, the message at the field (and in the summary, linked to it), the text typed kept
    in the input; the programmes are still listed (for the last twelve months)."""
    response = ada.get(FUNDING_PAGE, query_string=query)
    assert response.status_code == 400
    page = text(response)
    assert "<title>Fehler: " in page
    box = re.search(rf'<div class="filter has-error">\s*<label for="{field}">.*?</div>', page, re.S)
    assert box, f"the field {field} is marked"
    error = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', box[0], re.S)
    assert error
    said = " ".join(re.sub(r"<[^>]+>", " ", error[1]).split())
    assert said == f"Fehler: {message}"
    assert f'aria-describedby="{field}-error"' in box[0]
    for name, value in query.items():
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page), name
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary and f'href="#{field}"' in summary[0]
    assert len(rows(response)) == len(FUNDING.split("\n  - id: ")) - 1
    other = "shown_to" if field == "shown_from" else "shown_from"
    assert f'id="{other}-error"' not in page


# --- access ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(funding_app: Flask, clock: Clock) -> None:
    """Without a login the page sends to the login page, and back after it."""
    client = funding_app.test_client()
    response = client.get(FUNDING_PAGE, query_string={"shown_from": "2026-01-01"})
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == "/advisor/login"
    assert parse_qs(target.query)["next"][0].startswith(FUNDING_PAGE)
    assert "Sicherheitszuschuss" not in text(client.get(response.location))
    assert login(client).status_code == 302
    assert client.get(FUNDING_PAGE).status_code == 200
