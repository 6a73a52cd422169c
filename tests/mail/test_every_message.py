"""Every kind of message, in German and in English, as the SMTP server receives it: plain text
and HTML, the recipient's language, the centre's contact, and links that work."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.advisor.accounts import create_advisor
from assessment.advisor.models import Advisor
from assessment.extensions import db
from assessment.mail.cli import mail_cli
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token
from .test_consultation import WISH

FIRM = {"sector": "handwerk", "size": "small", "region": "soest", "consent_advisors": "y"}
KINDS = {
    "resume_link",
    "report_link",
    "consultation_confirmation",
    "consultation_notice",
    "advisor_digest",
}
EXTERNAL = "http://127.0.0.1:5000"


def post(owner: Respondent, path: str, data: dict[str, str]) -> None:
    """Send a form of the owner's pages; it must be accepted."""
    page = owner.client.get(owner.url(path))
    response = owner.client.post(owner.url(path), data={**data, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)


def every_kind(app: Flask, client: FlaskClient, sample: Questionnaire, language: str) -> None:
    """An owner in ``language`` asks for each message; an advisor in it wants both e-mails."""
    with app.app_context():
        create_advisor("beraterin@zentrum.example", "ein sicheres Passwort 42", name="Bea")
        advisor = db.session.scalars(select(Advisor)).one()
        advisor.notify_requests = advisor.daily_digest = True
        advisor.language = language
        db.session.commit()
    owner = Respondent(client)
    owner.start()
    if language != "de":
        landing = client.get("/")
        client.post("/language", data={"language": language, "csrf_token": csrf_token(landing)})
    complete(owner, app, sample, "Tischlerei Post", FIRM, submit=False)
    post(owner, "/send-link", {"email": "chef@t.example", "back": "saved"})
    assert owner.submit().status_code == 302
    post(owner, "/send-report", {"email": "chef@t.example"})
    post(owner, "/consultation", {**WISH, "email": "chef@t.example"})
    assert app.test_cli_runner().invoke(mail_cli, ["digest"]).exit_code == 0


def links(message: EmailMessage) -> set[str]:
    """Every web address in the message's two parts."""
    found = set()
    for kind in ("plain", "html"):
        found |= set(re.findall(r"https?://[^\s\"<>]+", message.get_body((kind,)).get_content()))
    return found


@pytest.mark.parametrize(
    ("language", "subjects"),
    [
        ("de", {"Ihr Link zum Digital-Check", "Ihr Bericht zum Digital-Check"}),
        ("en", {"Your link to the Digital-Check", "Your Digital-Check report"}),
    ],
)
def test_every_message_in_both_languages_with_working_links(
    mailing_app: Flask,
    client: FlaskClient,
    mail_server: MailServer,
    sample: Questionnaire,
    language: str,
    subjects: set[str],
) -> None:
    """Five kinds of message reach the server; each has both parts in the right language, the
    centre's contact, and only links on the external address that open a page."""
    every_kind(mailing_app, client, sample, language)
    summary = deliver(mailing_app)
    assert summary == "6 sent, 0 to try again later, 0 failed", "the centre's notice too"
    received = mail_server.wait_for(6)
    assert {r.message["Subject"] for r in received} >= subjects
    visitor = mailing_app.test_client()
    for item in received:
        message = item.message
        to_centre = item.recipients == ["info@dzm-kreis-soest.example"]
        assert message["Content-Language"] == ("de" if to_centre else language)
        assert message.get_body(("plain",)) and message.get_body(("html",))
        assert "check@dzm-kreis-soest.example" in message.get_body(("plain",)).get_content()
        for address in links(message):
            assert address.startswith(EXTERNAL), address
            response = visitor.get(address.removeprefix(EXTERNAL))
            assert response.status_code in (200, 302), f"{address}: {response.status_code}"
