"""After submitting, the owner has the report's link sent by e-mail, with the PDF if asked."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from assessment.questionnaire import Questionnaire

from ..conftest import deliver, require_pdf
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token, text
from .test_send_link import queued

FIRM = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


@pytest.fixture
def owner(app: Flask, client: FlaskClient, sample: Questionnaire) -> Respondent:
    """An owner who submitted the sample check, with a contact address."""
    respondent = Respondent(client)
    respondent.start()
    profile = {**FIRM, "contact_email": "post@t.example"}
    complete(respondent, app, sample, "Tischlerei Post", profile)
    return respondent


def send_report(owner: Respondent, address: str, *, attach: bool) -> object:
    """Post the report page's e-mail form."""
    page = owner.client.get(owner.url("/report"))
    data = {"email": address, "csrf_token": csrf_token(page)}
    if attach:
        data["attach_pdf"] = "y"
    return owner.client.post(owner.url("/send-report"), data=data)


def test_the_report_page_offers_the_report_by_e_mail(owner: Respondent) -> None:
    """The form is on the report, filled in with the profile's address."""
    page = text(owner.client.get(owner.url("/report")))
    assert f'action="/a/{owner.token}/send-report"' in page
    assert 'value="post@t.example"' in page and "Den Bericht als PDF anhängen" in page


def test_the_report_link_arrives_with_the_pdf(
    mailing_app: Flask, owner: Respondent, mail_server: MailServer
) -> None:
    """The link opens the report on the external address; the PDF is attached and readable."""
    require_pdf()
    response = send_report(owner, "chefin@t.example", attach=True)
    assert response.status_code == 302 and response.location.endswith("/report")
    assert deliver(mailing_app) == "1 sent, 0 to try again later, 0 failed"
    [received] = mail_server.wait_for(1)
    message = received.message
    assert message["Subject"] == "Ihr Bericht zum Digital-Check"
    plain = message.get_body(("plain",)).get_content()
    report_url = f"http://127.0.0.1:5000/a/{owner.token}/report"
    assert report_url in plain and "von 100 Punkten" in plain
    assert f'href="{report_url}"' in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().startswith("digital-check-tischlerei-post-")
    pages = PdfReader(io.BytesIO(attachment.get_content())).pages
    assert "Tischlerei Post" in pages[0].extract_text()


def test_without_the_pdf_only_the_link_is_sent(
    mailing_app: Flask, owner: Respondent, mail_server: MailServer
) -> None:
    """Unticked, the message has no attachment."""
    send_report(owner, "chefin@t.example", attach=False)
    deliver(mailing_app)
    [received] = mail_server.wait_for(1)
    assert list(received.message.iter_attachments()) == []
    assert "hängt als PDF an" not in received.message.get_body(("plain",)).get_content()


def test_a_bad_address_sends_nothing(app: Flask, owner: Respondent) -> None:
    """The form page says what is wrong and keeps the choice."""
    response = send_report(owner, "chefin at t.example", attach=True)
    assert response.status_code == 400
    page = text(response)
    assert 'class="error-summary"' in page and 'value="chefin at t.example"' in page
    assert queued(app) == 0


def test_a_check_not_yet_submitted_has_no_report_to_send(client: FlaskClient) -> None:
    """The address of an unsubmitted check's report form is not found."""
    owner = Respondent(client)
    owner.start()
    assert client.get(owner.url("/send-report")).status_code == 404
