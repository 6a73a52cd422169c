""" "Beratung anfragen": the owner asks from the report; the request is stored with the consent it
needs, the owner gets a confirmation, the centre's inbox and the advisors who want it a notice
without the firm's answers, with a link into the workspace."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.advisor.accounts import create_advisor
from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token, text
from .test_send_link import queued

FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}
FIRM["contact_email"] = "k@t.example"
WISH = {
    "way": "phone",
    "phone": "02941 123456",
    "email": "k@t.example",
    "preferred_time": "dienstags vormittags",
    "message": "Wir möchten mit der E-Rechnung anfangen.",
}


@pytest.fixture
def owner(app: Flask, client: FlaskClient, sample: Questionnaire) -> Respondent:
    """An owner who submitted the sample check without sharing it with the advisors."""
    respondent = Respondent(client)
    respondent.start()
    complete(respondent, app, sample, "Tischlerei Rat", FIRM)
    return respondent


def ask(owner: Respondent, **changes: str | None):
    """Send the consultation form (with the consent ticked unless consent_advisors=None)."""
    page = owner.client.get(owner.url("/consultation"))
    data = {**WISH, "consent_advisors": "y", **changes, "csrf_token": csrf_token(page)}
    return owner.client.post(
        owner.url("/consultation"), data={k: v for k, v in data.items() if v is not None}
    )


def stored(app: Flask) -> list[ConsultationRequest]:
    """Every stored request."""
    with app.app_context():
        return list(db.session.scalars(select(ConsultationRequest)))


def test_the_report_offers_a_consultation(owner: Respondent) -> None:
    """The report links the request form, which asks for the consent the check lacks."""
    report = text(owner.client.get(owner.url("/report")))
    assert f'href="/a/{owner.token}/consultation"' in report and "Beratung anfragen" in report
    form = text(owner.client.get(owner.url("/consultation")))
    assert 'name="consent_advisors"' in form and 'value="k@t.example"' in form


def test_a_request_is_stored_confirmed_and_announced(
    mailing_app: Flask, owner: Respondent, mail_server: MailServer
) -> None:
    """The owner is told by e-mail; the centre's inbox and an advisor who asked for it get a
    notice without the answers or the owner's message, with the workspace link."""
    with mailing_app.app_context():
        create_advisor("beraterin@zentrum.example", "ein sicheres Passwort 42", name="Beate Rat")
        from assessment.advisor.models import Advisor

        advisor = db.session.scalars(select(Advisor)).one()
        advisor.notify_requests, advisor.language = True, "en"
        db.session.commit()
    response = ask(owner)
    assert response.status_code == 302
    page = text(owner.client.get(response.location))
    assert "Wir haben Ihre Anfrage vom" in page and "Per Telefon" in page
    [request] = stored(mailing_app)
    assert (request.way, request.phone, request.status) == ("phone", "02941 123456", "open")
    with mailing_app.app_context():
        assert find_assessment(owner.token).consent_advisors, "the consent given with it"
    assert deliver(mailing_app) == "3 sent, 0 to try again later, 0 failed"
    by_recipient = {r.recipients[0]: r.message for r in mail_server.wait_for(3)}
    confirmation = by_recipient["k@t.example"]
    assert confirmation["Subject"] == "Wir haben Ihre Beratungsanfrage erhalten"
    assert "E-Rechnung anfangen" in confirmation.get_body(("plain",)).get_content()
    workspace = f"http://127.0.0.1:5000/advisor/assessments/{request.assessment_id}"
    for address, subject in (
        ("info@dzm-kreis-soest.example", "Neue Beratungsanfrage: Check Nr."),
        ("beraterin@zentrum.example", "New consultation request: check no."),
    ):
        notice = by_recipient[address]
        assert notice["Subject"].startswith(subject)
        body = notice.get_body(("plain",)).get_content()
        assert workspace in body and "Tischlerei Rat" in body
        assert "E-Rechnung" not in body and "02941" not in body, "nothing the inbox need not see"


def test_without_the_consent_no_request_is_made(app: Flask, owner: Respondent) -> None:
    """The advisors must be allowed to see the result: the page says so, nothing is stored."""
    response = ask(owner, consent_advisors=None)
    assert response.status_code == 400
    assert "müssen unsere Beraterinnen und Berater es sehen können" in text(response)
    assert stored(app) == [] and queued(app) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"way": None}, "Bitte wählen Sie, wie wir Sie kontaktieren sollen."),
        ({"phone": ""}, "Bitte geben Sie die Nummer an, unter der wir Sie anrufen sollen."),
        ({"phone": "ruf mich an"}, "Bitte geben Sie eine Telefonnummer wie"),
        ({"email": "k@t.example\r\nBcc: x@y.example"}, "Bitte geben Sie eine E-Mail-Adresse"),
        ({"message": "x" * 2001}, "höchstens 2000 Zeichen"),
        ({"preferred_time": "y" * 201}, "höchstens 200 Zeichen"),
    ],
    ids=["no-way", "call-without-number", "bad-number", "header-injection", "long", "long-time"],
)
def test_bad_input_is_named_and_kept(
    app: Flask, owner: Respondent, changes: dict[str, str | None], message: str
) -> None:
    """Each mistake is named on the page; what was typed stays; nothing is stored or sent."""
    response = ask(owner, **changes)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'class="error-summary"' in page
    assert "dienstags vormittags" in page or changes.get("preferred_time")
    assert stored(app) == [] and queued(app) == 0


def test_an_open_request_is_shown_instead_of_a_second(app: Flask, owner: Respondent) -> None:
    """Asking again while the first request is open shows it, and stores nothing new."""
    ask(owner)
    again = owner.client.get(owner.url("/consultation"))
    assert "Wir haben Ihre Anfrage vom" in text(again) and 'name="way"' not in text(again)
    assert len(stored(app)) == 1


def test_a_check_not_yet_submitted_cannot_ask(client: FlaskClient) -> None:
    """Before submitting there is no result to talk about."""
    owner = Respondent(client)
    owner.start()
    assert client.get(owner.url("/consultation")).status_code == 404
