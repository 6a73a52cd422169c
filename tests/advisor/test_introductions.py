"""Introducing a firm to partners: offered only with consent (c); the partner gets an e-mail
with its own page, the owner one naming the partner; the partner answers on that page, in any
order, and the advisor sees (and may record) each answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel.models import Assessment, utcnow
from assessment.mail.cli import mail_cli
from assessment.mail.models import OutboxMessage
from assessment.questionnaire import Questionnaire
from assessment.referrals.models import Referral

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete, csrf_token, text
from .conftest import CRAFT_FIRM

PROFILE = {**CRAFT_FIRM, "contact_email": "chef@tischlerei.example", "consent_advisors": "y"}
#: The resume token of each firm's check, by its id.
OWNERS: dict[int, str] = {}


def firm(app: Flask, sample: Questionnaire, *, partners: bool) -> int:
    """A craft firm that submitted the sample check, shared it, and agreed to introductions or
    not; its id."""
    owner = Respondent(app.test_client())
    owner.start()
    profile = {**PROFILE, **({"consent_partners": "y"} if partners else {})}
    complete(owner, app, sample, "Tischlerei Vermittlung", profile)
    with app.app_context():
        number = db.session.scalars(select(Assessment.id).order_by(Assessment.id.desc())).first()
    OWNERS[number] = owner.token
    return number


def introduce(ada: FlaskClient, number: int, *partners: str, text_: str | None = None):
    """Send the introduction form of the assessment page."""
    page = ada.get(f"/advisor/assessments/{number}")
    data = [("introduction-csrf_token", csrf_token(page)), *(("partner", p) for p in partners)]
    introduction = re.search(r'name="introduction-introduction"[^>]*>([^<]*)<', text(page))
    data.append(("introduction-introduction", text_ if text_ is not None else introduction[1]))
    return ada.post(f"/advisor/assessments/{number}/referrals", data=MultiDict(data))


def test_without_consent_no_introduction_is_offered(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """The panel says why; a forged request is refused and stores nothing."""
    number = firm(advisor_app, sample, partners=False)
    page = text(ada.get(f"/advisor/assessments/{number}"))
    assert "nicht zugestimmt (Einwilligung c)" in page and 'name="partner"' not in page
    assert introduce(ada, number, "dzm-kreis-soest", text_="Hallo").status_code == 403
    with advisor_app.app_context():
        assert db.session.scalars(select(Referral)).all() == []


def test_an_introduction_reaches_partner_and_owner(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire, mail_server: MailServer
) -> None:
    """The partners named in the report come first; the partner's e-mail links its page, which
    shows what the firm shares; the owner learns the partner's contact."""
    advisor_app.config.update(mail_server.settings())
    number = firm(advisor_app, sample, partners=True)
    page = text(ada.get(f"/advisor/assessments/{number}"))
    assert "im Bericht des Unternehmens genannt" in page
    assert "wir möchten Ihnen Tischlerei Vermittlung vorstellen (Handwerk" in page
    response = introduce(ada, number, "handwerkskammer-beratung")
    assert response.status_code == 302
    assert "Die Vorstellung ist unterwegs an" in text(ada.get(response.location))
    assert deliver(advisor_app) == "2 sent, 0 to try again later, 0 failed"
    by_recipient = {r.recipients[0]: r.message for r in mail_server.wait_for(2)}
    owner_mail = by_recipient["chef@tischlerei.example"]
    assert "Handwerkskammer" in owner_mail["Subject"]
    partner_mail = next(m for a, m in by_recipient.items() if a != "chef@tischlerei.example")
    plain = partner_mail.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:5000(/p/[\w-]+)", plain)
    assert link and "Tischlerei Vermittlung" in plain
    partner_page = text(advisor_app.test_client().get(link[1]))
    for shown in ("Tischlerei Vermittlung", "Handwerk", "Lippstadt", "chef@tischlerei.example"):
        assert shown in partner_page
    assert "gesendet, noch keine Antwort" in partner_page


def partner_link(app: Flask, ada: FlaskClient, sample: Questionnaire) -> tuple[int, str]:
    """Introduce a new firm to one partner; the firm's id and the partner page's path."""
    number = firm(app, sample, partners=True)
    introduce(ada, number, "handwerkskammer-beratung")
    with app.app_context():
        content = db.session.scalars(select(OutboxMessage)).all()
        bodies = [m.content.decode() for m in content if m.kind == "referral_partner"]
    path = re.search(r"http://127\.0\.0\.1:5000(/p/[\w-]+)", bodies[-1])
    assert path
    return number, path[1]


def answer(client: FlaskClient, path: str, state: str, reason: str = ""):
    """Send the partner page's answer."""
    page = client.get(path)
    return client.post(
        path, data={"state": state, "reason": reason, "csrf_token": csrf_token(page)}
    )


def test_answers_in_any_order_are_recorded_and_shown(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """A project started before it was accepted is recorded as it came; each answer has its time
    and shows on the advisor's page; the advisor records one too."""
    number, path = partner_link(advisor_app, ada, sample)
    partner = advisor_app.test_client()
    assert answer(partner, path, "project_started").status_code == 302
    assert answer(partner, path, "accepted", "Termin am Montag").status_code == 302
    shown = text(partner.get(path))
    assert "Aktueller Stand: angenommen." in shown and "Termin am Montag" in shown
    page = ada.get(f"/advisor/assessments/{number}")
    html = text(page)
    assert html.index("Projekt begonnen") < html.index("angenommen \u2013 ")
    assert "vom Partner beantwortet" in html
    history = html[html.index('id="history-title"') :]
    assert "Beantwortet: Projekt begonnen" in history and "Termin am Montag" in history
    assert "Vorgestellt bei Handwerkskammer" in history, "who sent it, in the audit log"
    with advisor_app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        referral_id = referral.id
    recorded = ada.post(
        f"/advisor/assessments/{number}/referrals/{referral_id}/answer",
        data={
            "referral-csrf_token": csrf_token(page),
            "referral-state": "in_contact",
            "referral-reason": "Telefonat",
        },
    )
    html = text(ada.get(recorded.location))
    assert "eingetragen von Ada Lovelace" in html and "Antwort von Handwerkskammer" in html
    with advisor_app.app_context():
        assert [e.state for e in db.session.get(Referral, referral_id).events] == [
            "project_started",
            "accepted",
            "in_contact",
        ]


def test_an_answer_without_a_choice_is_named(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """The page says what is missing and records nothing."""
    _number, path = partner_link(advisor_app, ada, sample)
    response = answer(advisor_app.test_client(), path, "")
    assert response.status_code == 400 and "Bitte wählen Sie, wie es steht." in text(response)


def test_the_same_partner_is_introduced_once(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """A second introduction to the same partner (also by a colleague) makes no second
    referral."""
    number, _path = partner_link(advisor_app, ada, sample)
    with advisor_app.app_context():
        before = len(db.session.scalars(select(Referral)).all())
    page = ada.get(f"/advisor/assessments/{number}")
    assert 'value="handwerkskammer-beratung"' not in text(page), "not offered again"
    forged = ada.post(
        f"/advisor/assessments/{number}/referrals",
        data={
            "introduction-csrf_token": csrf_token(page),
            "partner": "handwerkskammer-beratung",
            "introduction-introduction": "Noch einmal",
        },
    )
    assert "bereits vorgestellt" in text(ada.get(forged.location))
    with advisor_app.app_context():
        assert len(db.session.scalars(select(Referral)).all()) == before


@pytest.mark.parametrize(
    "token", ["x", "a" * 43, "a" * 500, "%00"], ids=["short", "wrong", "long", "nul"]
)
def test_a_wrong_partner_link_reveals_nothing(advisor_app: Flask, token: str) -> None:
    """Any token that opens no referral gets the friendly 404."""
    response = advisor_app.test_client().get(f"/p/{token}")
    assert response.status_code in (400, 404)
    assert "Tischlerei" not in text(response)


def test_withdrawing_the_consent_closes_the_open_referrals(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """Through the resume link the owner withdraws consent (c): the referral is closed as
    withdrawn, its page shows nothing of the firm and takes no answer."""
    number, path = partner_link(advisor_app, ada, sample)
    with advisor_app.app_context():
        token_owner = db.session.get(Assessment, number)
        assert token_owner.consent_partners
    owner = Respondent(advisor_app.test_client())
    owner.token = OWNERS[number]
    owner.choose_consents("advisors")  # no longer "partners"
    partner = advisor_app.test_client()
    page = text(partner.get(path))
    assert "widerrufen" in page and "Tischlerei Vermittlung" not in page
    assert "chef@tischlerei.example" not in page
    assert answer(partner, path, "accepted").status_code == 200
    with advisor_app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        assert referral.state == "withdrawn" and [e.state for e in referral.events] == ["withdrawn"]
    page = text(ada.get(f"/advisor/assessments/{number}"))
    assert "vom Unternehmen widerrufen" in page
    assert "Einwilligung widerrufen: Die Vorstellung bei Handwerkskammer" in page


def test_an_unanswered_referral_is_followed_up_and_reminded_once(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """After REFERRAL_FOLLOW_UP_DAYS without an answer the referral is on the follow-up list and
    the partner gets one reminder with the same link; an answer takes it off the list."""
    _number, path = partner_link(advisor_app, ada, sample)
    assert "Tischlerei Vermittlung" not in text(ada.get("/advisor/follow-up")), "too young"
    with advisor_app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        referral.created_at = utcnow() - timedelta(days=15)
        db.session.commit()
    assert "Tischlerei Vermittlung" in text(ada.get("/advisor/follow-up"))
    runner = advisor_app.test_cli_runner()
    assert runner.invoke(mail_cli, ["remind"]).output.strip().endswith("1 reminders queued")
    assert runner.invoke(mail_cli, ["remind"]).output.strip().endswith("0 reminders queued")
    with advisor_app.app_context():
        [reminder] = [
            m for m in db.session.scalars(select(OutboxMessage)) if m.kind == "referral_reminder"
        ]
        assert f"http://127.0.0.1:5000{path}" in reminder.content.decode(), "the same link"
    answer(advisor_app.test_client(), path, "accepted")
    assert "Tischlerei Vermittlung" not in text(ada.get("/advisor/follow-up"))


def test_a_partner_gone_from_the_directory_stays_readable(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """The referral keeps the partner's data as sent: after the directory drops the partner,
    its page and the advisor's panel still name it."""
    number, path = partner_link(advisor_app, ada, sample)
    with advisor_app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        referral.partner_id = "nicht-mehr-im-verzeichnis"
        db.session.commit()
    assert "Handwerkskammer" in text(advisor_app.test_client().get(path))
    assert answer(advisor_app.test_client(), path, "in_contact").status_code == 302
    page = text(ada.get(f"/advisor/assessments/{number}"))
    assert "Handwerkskammer" in page and "in Kontakt mit dem Unternehmen" in page


def test_the_dashboard_filters_by_consent_and_open_referrals(
    advisor_app: Flask, ada: FlaskClient, sample: Questionnaire
) -> None:
    """Consent (c) and the referrals under way are columns and filters of the list."""
    _number, path = partner_link(advisor_app, ada, sample)
    firm(advisor_app, sample, partners=False)
    listed = text(ada.get("/advisor/?referrals=open"))
    assert listed.count("Tischlerei Vermittlung</a>") == 1
    assert re.search(r"<td>Ja</td>\s*<td>1</td>", listed), "consent (c), one under way"
    assert text(ada.get("/advisor/?partners=no")).count("Tischlerei Vermittlung</a>") == 1
    assert text(ada.get("/advisor/?partners=yes")).count("Tischlerei Vermittlung</a>") == 1
    answer(advisor_app.test_client(), path, "declined", "Keine Kapazität")
    assert "Tischlerei Vermittlung</a>" not in text(ada.get("/advisor/?referrals=open"))
    assert "Tischlerei Vermittlung</a>" in text(ada.get("/advisor/?referrals=any"))
