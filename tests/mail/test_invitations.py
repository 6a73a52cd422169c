"""Months after a submitted check, owners who agreed to be contacted get one invitation to
repeat it; its link starts the repeat check with the profile carried over, once."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.models import Assessment, utcnow
from assessment.mail.cli import mail_cli
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token, text

FIRM = {"sector": "handwerk", "size": "small", "region": "soest", "contact_email": "chef@t.example"}


def submitted(
    app: Flask, sample: Questionnaire, company: str, *, months: int, shared: bool = True
) -> Respondent:
    """A check submitted ``months`` ago, shared with the advisors or not."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, sample, company, {**FIRM, **({"consent_advisors": "y"} if shared else {})})
    with app.app_context():
        found = find_assessment(owner.token)
        found.submitted_at = utcnow() - timedelta(days=31 * months)
        db.session.commit()
    return owner


def invite(app: Flask) -> str:
    """Run `flask mail invite`; its summary."""
    return app.test_cli_runner().invoke(mail_cli, ["invite"]).output.strip().splitlines()[-1]


def test_an_invitation_goes_once_and_starts_the_repeat_check(
    mailing_app: Flask, client: FlaskClient, mail_server: MailServer, sample: Questionnaire
) -> None:
    """Only the check that is old enough and whose owner agreed is invited, once; the link shows
    a page with a button that starts the repeat check with the company's name, only once."""
    submitted(mailing_app, sample, "Alt und geteilt", months=13)
    submitted(mailing_app, sample, "Zu jung", months=6)
    submitted(mailing_app, sample, "Nicht geteilt", months=13, shared=False)
    assert invite(mailing_app) == "1 invitations queued"
    assert invite(mailing_app) == "0 invitations queued"
    deliver(mailing_app)
    [received] = mail_server.wait_for(1)
    assert received.recipients == ["chef@t.example"]
    assert received.message["Subject"] == "Zeit für Ihren nächsten Digital-Check"
    path = re.search(r"http://127\.0\.0\.1:5000(/again/[\w-]+)", received.content.decode())
    assert path
    page = client.get(path[1])
    assert page.status_code == 200 and "Den erneuten Check beginnen" in text(page)
    started = client.post(path[1], data={"csrf_token": csrf_token(page)})
    assert started.status_code == 302 and "/step/0" in started.location
    step = text(client.get(started.location))
    assert 'value="Alt und geteilt"' in step and "Ihr erneuter Check hat begonnen" in step
    with mailing_app.app_context():
        checks = db.session.scalars(select(Assessment).filter_by(company_name="Alt und geteilt"))
        first, repeat = sorted(checks, key=lambda a: a.id)
        assert repeat.previous_id == first.id
    again = client.post(path[1], data={"csrf_token": csrf_token(page)})
    assert again.status_code == 200 and "bereits ein erneuter Check begonnen" in text(again)
    with mailing_app.app_context():
        count = db.session.scalars(select(Assessment).filter_by(company_name="Alt und geteilt"))
        assert len(list(count)) == 2, "the link starts one check only"


def test_a_check_repeated_already_is_not_invited(app: Flask, sample: Questionnaire) -> None:
    """Who did the check again needs no invitation."""
    owner = submitted(app, sample, "Wiederholt", months=13)
    owner.repeat()
    assert invite(app) == "0 invitations queued"


def test_a_wrong_invitation_link_reveals_nothing(client: FlaskClient) -> None:
    """Any token that opens no invitation gets the friendly 404."""
    assert client.get("/again/" + "x" * 43).status_code == 404
