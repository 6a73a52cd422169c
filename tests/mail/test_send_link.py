"""The owner has the personal link sent by e-mail: from the profile step and the saved page, to
the address of the profile or one typed; bad addresses and too many requests send nothing."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.extensions import db
from assessment.mail.models import OutboxMessage

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, csrf_token, text

PROFILE = {"company_name": "Bäckerei Korn", "contact_email": "inhaberin@baeckerei-korn.example"}


def queued(app: Flask) -> int:
    """How many messages the outbox holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def saved_owner(client: FlaskClient, language: str = "de") -> Respondent:
    """An owner who saved the profile (with a contact address) and then "save and continue
    later"."""
    owner = Respondent(client)
    owner.start()
    if language != "de":
        landing = client.get("/")
        client.post("/language", data={"language": language, "csrf_token": csrf_token(landing)})
    sent = owner.send(0, {**PROFILE, "sector": "handwerk", "size": "micro"}, action="save")
    assert sent.status_code == 302 and sent.location.endswith("/saved")
    return owner


def send_link(owner: Respondent, address: str, back: str = "saved"):
    """Post the saved page's form."""
    page = owner.client.get(owner.url("/saved"))
    return owner.client.post(
        owner.url("/send-link"),
        data={"email": address, "back": back, "csrf_token": csrf_token(page)},
    )


def test_the_saved_page_offers_the_link_by_e_mail_to_the_profile_address(client: FlaskClient):
    """The saved page has the form, filled in with the address the owner gave."""
    owner = saved_owner(client)
    page = text(client.get(owner.url("/saved")))
    assert f'action="/a/{owner.token}/send-link"' in page
    assert 'value="inhaberin@baeckerei-korn.example"' in page
    assert "Link per E-Mail senden" in page


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("de", "Ihr Link zum Digital-Check", "Ihr persönlicher Link"),
        ("en", "Your link to the Digital-Check", "your personal link"),
    ],
)
def test_the_link_arrives_in_the_owners_language(
    mailing_app: Flask,
    client: FlaskClient,
    mail_server: MailServer,
    language: str,
    subject: str,
    words: str,
) -> None:
    """The message reaches the SMTP server: text and HTML, the centre's contact, a resume link
    on the external address that opens the check; its content is not kept once sent."""
    owner = saved_owner(client, language)
    response = send_link(owner, "kollege@baeckerei-korn.example")
    assert response.status_code == 302 and response.location.endswith("/saved")
    assert "kollege@baeckerei-korn.example" in text(client.get(response.location))
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"
    [received] = mail_server.wait_for(1)
    message = received.message
    assert received.recipients == ["kollege@baeckerei-korn.example"]
    assert message["Subject"] == subject and message["Content-Language"] == language
    assert message["Message-ID"] and "Soest" in message["From"]
    assert message["Reply-To"] == "info@dzm-kreis-soest.example", "the centre answers"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:5000/a/{owner.token}"
    assert words in plain and link in plain and f'href="{link}"' in html
    assert "<img" not in html, "no images, no tracking pixels"
    for part in (plain, html):
        assert "check@dzm-kreis-soest.example" in part, "the centre's contact"
        assert "http://127.0.0.1:5000/datenschutz" in part
    assert client.get(f"/a/{owner.token}").status_code == 302, "the link opens the check"
    with mailing_app.app_context():
        entry = db.session.scalars(select(OutboxMessage)).one()
        assert entry.status == "sent" and entry.content is None
        assert entry.message_id == message["Message-ID"]


def test_the_profile_step_offers_the_link_after_the_first_save(client: FlaskClient) -> None:
    """After the profile is first saved, the next step shows the link and the e-mail form, which
    returns there."""
    owner = Respondent(client)
    owner.start()
    firm = {"sector": "handwerk", "size": "micro", "region": "soest", "it_betreuung": "extern"}
    sent = owner.send(0, {**PROFILE, **firm})
    assert sent.status_code == 302, text(sent)
    page = client.get(sent.location)
    assert 'name="back" value="step-1"' in text(page) and "/send-link" in text(page)
    response = client.post(
        owner.url("/send-link"),
        data={"email": PROFILE["contact_email"], "back": "step-1", "csrf_token": csrf_token(page)},
    )
    assert response.location.endswith(owner.url("/step/1"))


@pytest.mark.parametrize(
    "address",
    [
        "keine Adresse",
        "",
        "inhaberin@baeckerei-korn.example\r\nBcc: alle@example.org",
        "inhaberin@baeckerei-korn.example\nSubject: Gewinn",
        "a" * 250 + "@korn.example",
        "inhaberin@korn",
    ],
    ids=["words", "empty", "bcc-injection", "header-injection", "too-long", "no-domain-dot"],
)
def test_a_bad_address_is_refused_and_nothing_is_sent(
    app: Flask, client: FlaskClient, address: str
) -> None:
    """The page says what is wrong, keeps what was typed, and nothing is queued."""
    owner = saved_owner(client)
    response = send_link(owner, address)
    assert response.status_code == 400
    page = text(response)
    assert 'class="error-summary"' in page and 'id="email-error"' in page
    assert queued(app) == 0


def test_more_links_than_the_limit_are_refused(app: Flask, client: FlaskClient) -> None:
    """Three links an hour per check (to any address): the fourth is refused with a message."""
    owner = saved_owner(client)
    for number in range(3):
        assert send_link(owner, f"person{number}@korn.example").status_code == 302
    refused = send_link(owner, "person9@korn.example")
    assert refused.status_code == 429
    assert "so oft" in text(refused) or "as often" in text(refused)
    assert 'value="person9@korn.example"' in text(refused), "what was typed stays"
    assert queued(app) == 3


def test_one_address_gets_at_most_the_limit_from_all_checks(app: Flask) -> None:
    """Nobody can flood an inbox by starting check after check."""
    for number in range(4):
        owner = saved_owner(app.test_client())
        response = send_link(owner, "opfer@korn.example")
        assert response.status_code == (302 if number < 3 else 429)
    assert queued(app) == 3


def test_no_log_line_holds_the_resume_token(
    mailing_app: Flask,
    client: FlaskClient,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sending and delivering log nothing that would open the check."""
    caplog.set_level(logging.DEBUG)
    owner = saved_owner(client)
    send_link(owner, PROFILE["contact_email"])
    deliver(mailing_app)
    mail_server.wait_for(1)
    ours = [r for r in caplog.records if r.name != "mail.log"]  # not the test server's
    assert ours, "the delivery logs what it does"
    assert not [r for r in ours if owner.token in r.getMessage()]
