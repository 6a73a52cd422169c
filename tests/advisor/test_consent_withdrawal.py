"""An owner who withdraws the advisors' consent leaves the advisors' pages at once.

The dashboard, the assessment page, the statistics and both exports show only checks whose
owners share them with the centre, and a withdrawal through the resume link takes effect for
the very next request.
"""

from __future__ import annotations

import io
import zipfile

from flask import Flask
from flask.testing import FlaskClient

from assessment.kernel.assessments import find_assessment
from assessment.questionnaire import Questionnaire

from ..survey.helpers import Respondent, complete, text
from .conftest import CRAFT_FIRM

COMPANY = "Schreinerei Widerruf"


def shared_check(app: Flask, sample: Questionnaire) -> tuple[Respondent, int]:
    """An owner who completed the sample check and shared it with the advisors; its id."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, sample, COMPANY, {**CRAFT_FIRM, "consent_advisors": "y"})
    with app.app_context():
        found = find_assessment(owner.token)
        assert found is not None
        return owner, found.id


def workbook_of(client: FlaskClient) -> bytes:
    """Every part of the XLSX export, unpacked, as one run of bytes to search."""
    with client.get("/advisor/export.xlsx") as xlsx:  # closes its file, as a server does
        assert xlsx.status_code == 200
        workbook = xlsx.get_data()
    with zipfile.ZipFile(io.BytesIO(workbook)) as sheets:
        return b"".join(sheets.read(name) for name in sheets.namelist())


def test_withdrawing_the_advisors_consent_hides_the_check(
    ada: FlaskClient, advisor_app: Flask, sample: Questionnaire
) -> None:
    """Before: listed, openable, counted and exported. After: none of these."""
    owner, number = shared_check(advisor_app, sample)
    assert COMPANY in text(ada.get("/advisor/"))
    assert ada.get(f"/advisor/assessments/{number}").status_code == 200
    assert COMPANY in ada.get("/advisor/export.csv").get_data(as_text=True)
    assert b"Schreinerei" in workbook_of(ada)
    assert "1 Digital-Check</strong>" in text(ada.get("/advisor/statistics"))

    assert owner.choose_consents("benchmark").status_code == 302

    assert COMPANY not in text(ada.get("/advisor/"))
    assert ada.get(f"/advisor/assessments/{number}").status_code == 404
    assert COMPANY not in ada.get("/advisor/export.csv").get_data(as_text=True)
    assert b"Schreinerei" not in workbook_of(ada)
    assert "0 Digital-Checks</strong>" in text(ada.get("/advisor/statistics"))


def test_statistics_count_checks_and_firms_apart(
    ada: FlaskClient, advisor_app: Flask, sample: Questionnaire
) -> None:
    """A firm with two shared checks is two checks of one firm, and the page says which is which."""
    owner, _number = shared_check(advisor_app, sample)
    owner.repeat()
    complete(owner, advisor_app, sample, COMPANY, {**CRAFT_FIRM, "consent_advisors": "y"})
    shared_check(advisor_app, sample)  # the same name and town: the same firm
    page = text(ada.get("/advisor/statistics"))
    assert "3 Digital-Checks</strong>\n  von 1 Unternehmen" in page
    row = page.split('id="stats-sectors"', 1)[1].split("</tr>", 2)[1]
    assert "<td>3</td>\n      <td>1</td>" in row, "sector table: 3 checks, 1 firm"
