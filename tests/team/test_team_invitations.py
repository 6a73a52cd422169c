"""Inviting colleagues to a team check by e-mail: through the outbox, to a real SMTP server."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assessment.extensions import db
from assessment.mail.models import OutboxMessage
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token, text
from .test_team_check import LINK, PROFILE, Colleague, english, make_link, team_page


@pytest.fixture
def coordinator(mailing_app: Flask, sample: Questionnaire) -> Respondent:
    """An owner of the sample, in English, who answered every page and made a team link."""
    owner = Respondent(english(mailing_app))
    owner.start()
    complete(owner, mailing_app, sample, "Tischlerei Team", PROFILE, submit=False)
    make_link(owner)
    return owner


def invite(owner: Respondent, addresses: str) -> TestResponse:
    """Send the invitation form."""
    page = team_page(owner)
    return owner.client.post(
        owner.url("/team"),
        data={"csrf_token": csrf_token(page), "action": "invite", "invite-addresses": addresses},
    )


def queued(app: Flask) -> int:
    """How many messages the outbox holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_invitations_bring_the_team_link(
    mailing_app: Flask, coordinator: Respondent, mail_server: MailServer, sample: Questionnaire
) -> None:
    """Each address gets one message with the company's name and the team link, which a
    colleague can join with."""
    response = invite(
        coordinator, "it@tischlerei.example,\nvertrieb@tischlerei.example; it@tischlerei.example"
    )
    assert response.status_code == 302
    page = text(coordinator.client.get(response.location))
    assert "The invitations are on their way to 2 colleagues." in page
    assert deliver(mailing_app) == "2 sent, 0 to try again later, 0 failed"
    received = mail_server.wait_for(2)
    assert sorted(r.recipients[0] for r in received) == [
        "it@tischlerei.example",
        "vertrieb@tischlerei.example",
    ]
    message = received[0].message
    assert message["Subject"] == "An invitation to your company's Digital-Check"
    plain = message.get_body(("plain",)).get_content()
    link = LINK.search(page)
    assert link is not None and link.group(1) in plain
    assert "Tischlerei Team" in plain
    colleague = Colleague(english(mailing_app))
    assert colleague.join(link.group(1).removeprefix("http://127.0.0.1:5000")).status_code == 302


@pytest.mark.parametrize(
    ("addresses", "message", "status"),
    [
        ("", "Please enter at least one e-mail address.", 400),
        ("it@tischlerei.example\nkein-at-zeichen", "kein-at-zeichen is not an e-mail address", 400),
        (" ".join(f"p{n}@tischlerei.example" for n in range(21)), "at most 20 addresses", 400),
    ],
)
def test_a_bad_address_sends_nothing_and_keeps_the_input(
    mailing_app: Flask, coordinator: Respondent, addresses: str, message: str, status: int
) -> None:
    """The page says what is wrong at the field, keeps what was typed, and sends nothing."""
    response = invite(coordinator, addresses)
    assert response.status_code == status
    page = text(response)
    assert message in page
    if addresses:
        assert addresses.split()[0] in page
    assert queued(mailing_app) == 0


def test_too_many_invitations_in_an_hour_send_nothing(
    mailing_app: Flask, coordinator: Respondent
) -> None:
    """Past the limit per check and hour: 429 with the message, and the whole batch unsent."""
    mailing_app.config["TEAM_INVITATION_LIMIT"] = 3
    assert invite(coordinator, "a@x.example b@x.example").status_code == 302
    refused = invite(coordinator, "c@x.example d@x.example")
    assert refused.status_code == 429
    assert "Too many invitations in the last hour; nothing was sent." in text(refused)
    assert queued(mailing_app) == 2
