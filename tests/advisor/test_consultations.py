"""Consultation requests for advisors: a filter and a column on the dashboard, a panel on the
assessment page (taken on by whom, done), the choice of e-mails, the daily digest and, for
administrators, the outbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.advisor.accounts import create_advisor
from assessment.advisor.models import Advisor
from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.models import utcnow
from assessment.mail.cli import mail_cli
from assessment.mail.models import OutboxMessage

from ..survey.helpers import csrf_token, text
from .conftest import PASSWORD, SharedFactory, login


def ask(app: Flask, assessment_id: int, status: str = "open") -> int:
    """Store a consultation request of the check; its id."""
    with app.app_context():
        request = ConsultationRequest(
            assessment_id=assessment_id,
            way="phone",
            phone="02941 123456",
            email="chef@firma.example",
            preferred_time="montags",
            message="Bitte rufen Sie an.",
            language="de",
            status=status,
        )
        db.session.add(request)
        db.session.commit()
        return request.id


def rows(page: str) -> list[str]:
    """The company names in the dashboard's list."""
    return re.findall(r'<th scope="row"><a href="/advisor/assessments/\d+">([^<]+)</a>', page)


def test_the_dashboard_filters_and_shows_consultation_requests(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """ "Requested, not yet done" lists the checks with an open request; the column names the
    state of each one's latest request."""
    waiting = add_assessment("Wartet GmbH")
    handled = add_assessment("Erledigt KG")
    add_assessment("Ohne Anfrage AG")
    ask(advisor_app, waiting)
    ask(advisor_app, handled, status="done")
    everything = text(ada.get("/advisor/"))
    assert sorted(rows(everything)) == ["Erledigt KG", "Ohne Anfrage AG", "Wartet GmbH"]
    assert "angefragt</span>" in everything and "erledigt</span>" in everything
    assert rows(text(ada.get("/advisor/?consultation=open"))) == ["Wartet GmbH"]
    assert sorted(rows(text(ada.get("/advisor/?consultation=any")))) == [
        "Erledigt KG",
        "Wartet GmbH",
    ]
    assert ada.get("/advisor/?consultation=bald").status_code == 400


def test_an_advisor_takes_a_request_on_and_marks_it_done(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """The panel shows the request; taking it on and finishing it are recorded with who."""
    number = add_assessment("Wartet GmbH")
    request_id = ask(advisor_app, number)
    page = ada.get(f"/advisor/assessments/{number}")
    html = text(page)
    assert "Beratungsanfragen" in html and "Per Telefon, montags" in html
    assert "02941 123456" in html and "Bitte rufen Sie an." in html and "noch niemand" in html
    base = f"/advisor/assessments/{number}/consultations/{request_id}"
    taken = ada.post(f"{base}/take", data={"consultation-csrf_token": csrf_token(page)})
    assert taken.status_code == 302
    html = text(ada.get(taken.location))
    assert "in Bearbeitung" in html and "Ada Lovelace, seit" in html
    assert f"Beratungsanfrage Nr. {request_id} übernommen" in html
    done = ada.post(f"{base}/done", data={"consultation-csrf_token": csrf_token(page)})
    html = text(ada.get(done.location))
    assert "erledigt am" in html and "Als erledigt markieren" not in html
    with advisor_app.app_context():
        stored = db.session.get(ConsultationRequest, request_id)
        assert stored.status == "done" and stored.advisor.name == "Ada Lovelace"


def test_a_request_of_another_check_cannot_be_moved(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """The request's number must belong to the page's check."""
    first, second = add_assessment("Eins"), add_assessment("Zwei")
    request_id = ask(advisor_app, first)
    page = ada.get(f"/advisor/assessments/{second}")
    ada.post(
        f"/advisor/assessments/{second}/consultations/{request_id}/done",
        data={"consultation-csrf_token": csrf_token(page)},
    )
    with advisor_app.app_context():
        assert db.session.get(ConsultationRequest, request_id).status == "open"


def test_an_advisor_chooses_the_e_mails_in_the_language_of_the_page(
    advisor_app: Flask, ada: FlaskClient
) -> None:
    """Both choices are saved, with the page's language for the e-mails."""
    page = ada.get("/advisor/settings")
    assert "Meine E-Mails" in text(page)
    ada.post("/language", data={"language": "en", "csrf_token": csrf_token(page)})
    saved = ada.post(
        "/advisor/settings",
        data={"notify_requests": "y", "daily_digest": "y", "csrf_token": csrf_token(page)},
    )
    assert saved.status_code == 302
    with advisor_app.app_context():
        advisor = db.session.scalars(select(Advisor)).one()
        assert (advisor.notify_requests, advisor.daily_digest, advisor.language) == (
            True,
            True,
            "en",
        )


def test_the_digest_lists_newly_shared_checks_for_those_who_want_it(
    advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """Checks shared in the last day go to advisors who chose the digest, nobody else."""
    new = add_assessment("Neu GmbH")
    ask(advisor_app, new)
    add_assessment("Alt AG", submitted_at=datetime.now(UTC) - timedelta(days=3))
    add_assessment("Privat KG", shared=False)
    with advisor_app.app_context():
        create_advisor("bea@example.org", PASSWORD, name="Bea")
        bea = db.session.scalars(select(Advisor).filter_by(email="bea@example.org")).one()
        bea.daily_digest = True
        db.session.commit()
    result = advisor_app.test_cli_runner().invoke(mail_cli, ["digest"])
    summary = result.output.strip().splitlines()[-1]
    assert summary == "1 digests queued, listing 1 newly shared checks"
    with advisor_app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.recipient == "bea@example.org"
        content = message.content.decode()
    assert "Neu GmbH" in content and "Alt AG" not in content and "Privat KG" not in content
    assert f"http://127.0.0.1:5000/advisor/assessments/{new}" in content
    assert "Beratung angefragt" in content


def test_only_administrators_see_the_outbox(
    advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """The outbox lists failed messages with the reason; other advisors get 403."""
    with advisor_app.app_context():
        db.session.add(
            OutboxMessage(
                kind="resume_link",
                message_id="<1@test>",
                recipient="weg@firma.example",
                subject="Link",
                status="failed",
                attempts=1,
                last_error="550 5.1.1 Unbekannter Empfänger",
                next_attempt_at=utcnow(),
            )
        )
        db.session.commit()
        create_advisor("chef@example.org", PASSWORD, name="Chef", admin=True)
    assert ada.get("/advisor/outbox").status_code == 403
    admin = advisor_app.test_client()
    login(admin, "chef@example.org")
    page = text(admin.get("/advisor/outbox"))
    assert "weg@firma.example" in page and "550 5.1.1 Unbekannter Empfänger" in page
    assert "Keine Nachricht wartet." in page
