"""The owner's consents: none in advance, changed at any time through the resume link, recorded.

Each change is kept with its time (what and when, never who) and is part of the owner's data
export. A repeat check asks for the consents again.
"""

from __future__ import annotations

import json
import re

from flask import Flask

from assessment.extensions import db
from assessment.kernel.models import ConsentChange

from .conftest import the_assessment
from .helpers import Respondent, complete, csrf_token, is_checked, text

PROFILE = {"sector": "craft", "size": "small", "company_name": "Tischlerei Beispiel"}


def consents_of(app: Flask) -> dict[str, bool]:
    """The only assessment's consents as stored."""
    assessment = the_assessment(app)
    return {
        name: getattr(assessment, f"consent_{name}")
        for name in ("benchmark", "advisors", "partners")
    }


def recorded(app: Flask) -> list[tuple[str, bool]]:
    """Every recorded change: (consent, given), oldest first."""
    with app.app_context():
        changes = db.session.scalars(db.select(ConsentChange).order_by(ConsentChange.id))
        return [(change.consent, change.granted) for change in changes]


def submit_small_check(owner: Respondent, app: Flask, **profile: str) -> None:
    """Answer the small check with this profile and submit it."""
    questionnaire = app.extensions["questionnaires"]["webcheck"]
    complete(owner, app, questionnaire, PROFILE["company_name"], {**PROFILE, **profile})


def test_the_profile_page_records_what_changes(owner: Respondent, small_app: Flask) -> None:
    """The first save records the consents ticked; saving again records only what changed."""
    assert owner.send(0, {**PROFILE, "consent_benchmark": "y"}).status_code == 302
    assert recorded(small_app) == [("benchmark", True)]
    assert owner.send(0, {**PROFILE, "consent_benchmark": "y"}).status_code == 302
    assert recorded(small_app) == [("benchmark", True)], "nothing changed, nothing recorded"
    assert owner.send(0, {**PROFILE, "consent_advisors": "y"}).status_code == 302
    assert recorded(small_app) == [("benchmark", True), ("benchmark", False), ("advisors", True)]
    assert consents_of(small_app) == {"benchmark": False, "advisors": True, "partners": False}


def test_consents_change_after_submitting(owner: Respondent, small_app: Flask) -> None:
    """The consent page shows the choices as stored and saves new ones, with their history."""
    submit_small_check(owner, small_app, consent_benchmark="y", consent_advisors="y")
    report = text(owner.client.get(owner.url("/report")))
    assert f'href="{owner.url("/consent")}"' in report, "the report links to the consent page"
    page = text(owner.client.get(owner.url("/consent")))
    assert is_checked(page, "consent_benchmark") and is_checked(page, "consent_advisors")
    assert not is_checked(page, "consent_partners")
    assert page.count('href="/datenschutz"') >= 3, "each consent links to the privacy notice"

    saved = owner.choose_consents("partners")
    assert saved.status_code == 302 and saved.location.endswith(owner.url("/consent"))
    assert consents_of(small_app) == {"benchmark": False, "advisors": False, "partners": True}
    page = text(owner.client.get(saved.location))
    assert "Ihre Freigaben sind gespeichert." in page
    history = page.split('id="history-title"', 1)[1]
    rows = re.findall(r"<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*</tr>", history)
    assert rows == [
        ("Vergleich mit anderen Unternehmen", "erteilt"),
        ("Teilen mit der Beratung des Zentrums", "erteilt"),
        ("Vergleich mit anderen Unternehmen", "widerrufen"),
        ("Teilen mit der Beratung des Zentrums", "widerrufen"),
        ("Vorstellung bei Netzwerkpartnern", "erteilt"),
    ]


def test_the_export_holds_the_history(owner: Respondent, small_app: Flask) -> None:
    """The owner's data download lists every change with its time, and nobody's name."""
    submit_small_check(owner, small_app, consent_advisors="y")
    owner.choose_consents()
    data = json.loads(owner.client.get(owner.url("/export.json")).get_data(as_text=True))
    assert data["consents"] == {"benchmark": False, "advisors": False, "partners": False}
    history = data["consent_history"]
    assert [(h["consent"], h["granted"]) for h in history] == [
        ("advisors", True),
        ("advisors", False),
    ]
    assert all(set(h) == {"consent", "granted", "changed_at"} for h in history)
    assert history[0]["changed_at"] <= history[1]["changed_at"]


def test_a_consent_form_without_its_token_changes_nothing(
    owner: Respondent, small_app: Flask
) -> None:
    """A forged or stale form gets the friendly 400 page, and the consents stay as they were."""
    submit_small_check(owner, small_app, consent_benchmark="y")
    forged = owner.client.post(owner.url("/consent"), data={"consent_partners": "y"})
    assert forged.status_code == 400
    assert "<footer" in text(forged), "the error page is in the site's layout"
    assert consents_of(small_app) == {"benchmark": True, "advisors": False, "partners": False}


def test_an_unknown_link_opens_no_consent_page(small_app: Flask) -> None:
    """A token that opens no check answers 404, for the page and for a sent form."""
    client = small_app.test_client()
    assert client.get("/a/" + "x" * 43 + "/consent").status_code == 404
    landing = client.get("/")
    sent = client.post("/a/" + "x" * 43 + "/consent", data={"csrf_token": csrf_token(landing)})
    assert sent.status_code == 404


def test_a_repeat_check_asks_for_the_consents_again(owner: Respondent, small_app: Flask) -> None:
    """The repeat check keeps the company's name but no consent: each is given per check."""
    submit_small_check(owner, small_app, consent_benchmark="y", consent_advisors="y")
    owner.repeat()
    page = text(owner.step(0))
    assert 'value="Tischlerei Beispiel"' in page
    for consent in ("consent_benchmark", "consent_advisors", "consent_partners"):
        assert not is_checked(page, consent)


def test_the_consent_page_in_english(owner: Respondent, small_app: Flask) -> None:
    """The page, its explanations and its history read in English when English is chosen."""
    submit_small_check(owner, small_app, consent_partners="y")
    landing = owner.client.get("/")
    owner.client.post("/language", data={"language": "en", "csrf_token": csrf_token(landing)})
    page = text(owner.client.get(owner.url("/consent")))
    assert "<h1>Your consents</h1>" in page
    assert "What: your scores, never your company" in page
    assert "Introduction to network partners" in page and "given" in page
