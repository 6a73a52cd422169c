"""Advisor login and logout: redirects, new sessions, timeouts, rate limits, the login log."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assessment.advisor import throttle
from assessment.advisor.accounts import create_advisor, deactivate_advisor
from assessment.advisor.models import AdvisorSession, LoginAttempt
from assessment.advisor.throttle import FAILURES
from assessment.extensions import db
from assessment.kernel.models import utcnow
from assessment.logs import log_event

from ..survey.helpers import csrf_token, text
from .conftest import ADA, PASSWORD, login

GRACE = "grace@example.org"
GRACE_PASSWORD = "Kaffeetasse-Wolke-7"
WRONG = "not the right password"
LOGIN = "/advisor/login"
DASHBOARD = "/advisor/"


def log_in(
    client: FlaskClient, email: str, password: str, next_url: str | None = None
) -> TestResponse:
    """Open the login page (with `next` if given) and send the form there, as a browser does."""
    url = LOGIN if next_url is None else f"{LOGIN}?next={quote(next_url, safe='')}"
    form = client.get(url)
    data = {"csrf_token": csrf_token(form), "email": email, "password": password}
    return client.post(url, data=data)


def german(app: Flask, message: str) -> str:
    """A message as the German pages show it (the English text while it is untranslated)."""
    with app.test_request_context(), force_locale("de"):
        return gettext(message)


def to_english(client: FlaskClient) -> None:
    """Switch the client's pages to English with the language switch."""
    token = csrf_token(client.get(LOGIN))
    client.post("/language", data={"csrf_token": token, "language": "en", "next": LOGIN})


def outcomes(app: Flask) -> list[tuple[str, str, str]]:
    """The stored login attempts: e-mail address, client address and outcome, oldest first."""
    with app.app_context():
        attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id))
        return [(a.email, a.address, a.outcome) for a in attempts]


def move_back(app: Flask, model: type[Any], column: str, by: timedelta) -> None:
    """Move a timestamp of every row of a model into the past (or, with a negative `by`, on)."""
    with app.app_context():
        for row in db.session.scalars(select(model)):
            setattr(row, column, getattr(row, column) - by)
        db.session.commit()


def is_sent_to_login(response: TestResponse) -> bool:
    """Whether the response redirects to the login page."""
    return response.status_code == 302 and response.location.startswith(LOGIN)


def failed_login(response: TestResponse) -> bool:
    """Whether the response is the login page saying the login failed."""
    return response.status_code == 400 and 'id="error-summary"' in text(response)


@pytest.fixture
def grace(advisor_app: Flask) -> str:
    """A second advisor, Grace; returns her address."""
    with advisor_app.app_context():
        create_advisor(GRACE, GRACE_PASSWORD, name="Grace Hopper")
    return GRACE


# --- logging in -------------------------------------------------------------------------


def test_login_opens_the_dashboard(advisor_app: Flask) -> None:
    """The right password leads to the dashboard, which names the advisor."""
    client = advisor_app.test_client()
    response = log_in(client, ADA, PASSWORD)
    assert response.status_code == 302 and response.location == DASHBOARD
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert "Ada Lovelace" in text(dashboard)
    assert outcomes(advisor_app) == [(ADA, "127.0.0.1", "ok")]


def test_login_ignores_the_case_of_the_address(advisor_app: Flask) -> None:
    """Ada@Example.ORG logs in to ada@example.org's account."""
    response = log_in(advisor_app.test_client(), " Ada@Example.ORG ", PASSWORD)
    assert response.location == DASHBOARD
    assert outcomes(advisor_app) == [(ADA, "127.0.0.1", "ok")]


def test_a_logged_in_advisor_skips_the_login_page(ada: FlaskClient) -> None:
    """Opening the login page again leads to the dashboard."""
    response = ada.get(LOGIN)
    assert response.status_code == 302 and response.location == DASHBOARD


@pytest.mark.parametrize(
    "target", ["/advisor/statistics", "/advisor/assessments/7", "/advisor/?q=M%C3%BCller&page=2"]
)
def test_login_returns_to_an_advisor_page(advisor_app: Flask, target: str) -> None:
    """A `next` page within the advisor pages is where the login leads."""
    response = log_in(advisor_app.test_client(), ADA, PASSWORD, next_url=target)
    assert response.status_code == 302 and response.location == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "//evil.example/advisor/",
        "https://evil.example/advisor/",
        "http://localhost/advisor/statistics",
        "/\\evil.example",
        "javascript:alert(1)",
        "/a/x",
        "/advisor",
        "advisor/statistics",
        "",
    ],
)
def test_login_never_leaves_the_advisor_pages(advisor_app: Flask, target: str) -> None:
    """Any other `next` (another site, another part of this one) leads to the dashboard."""
    response = log_in(advisor_app.test_client(), ADA, PASSWORD, next_url=target)
    assert response.status_code == 302 and response.location == DASHBOARD


def test_login_returns_to_the_page_first_asked_for(advisor_app: Flask) -> None:
    """A visitor sent to the login page from an advisor page comes back to it."""
    client = advisor_app.test_client()
    sent = client.get("/advisor/statistics")
    assert is_sent_to_login(sent)
    form = client.get(sent.location)
    response = client.post(
        sent.location,
        data={"csrf_token": csrf_token(form), "email": ADA, "password": PASSWORD},
    )
    assert response.location == "/advisor/statistics"


def test_login_starts_a_new_session(advisor_app: Flask) -> None:
    """Nothing from before the login survives it except the language; the old cookie is useless."""
    client = advisor_app.test_client()
    client.get(LOGIN)
    with client.session_transaction() as session:
        session["planted"] = "set before the login"
        session["advisor_session"] = "a token an attacker chose"
        session["language"] = "en"
        token_before = session["csrf_token"]
    cookie_before = client.get_cookie("session")
    assert cookie_before is not None
    assert login(client).location == DASHBOARD
    cookie_after = client.get_cookie("session")
    assert cookie_after is not None and cookie_after.value != cookie_before.value
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != token_before
        assert session["advisor_session"] != "a token an attacker chose"
        assert session["language"] == "en"
    assert client.get(DASHBOARD).status_code == 200
    replayed = advisor_app.test_client()
    replayed.set_cookie("session", cookie_before.value)
    assert is_sent_to_login(replayed.get(DASHBOARD))


def test_login_page_is_german_by_default(advisor_app: Flask) -> None:
    """A first visit shows the login page in German."""
    page = text(advisor_app.test_client().get(LOGIN))
    assert '<html lang="de">' in page
    for message in ("Advisor login", "E-mail address", "Password", "Log in"):
        assert german(advisor_app, message) != message, f"{message!r} is not translated"
        assert german(advisor_app, message) in page


def test_login_page_in_english(advisor_app: Flask) -> None:
    """After switching the language, the login page is English."""
    client = advisor_app.test_client()
    to_english(client)
    page = text(client.get(LOGIN))
    assert '<html lang="en">' in page
    for message in ("Advisor login", "E-mail address", "Password", "Log in"):
        assert message in page


def test_empty_fields_are_named(advisor_app: Flask) -> None:
    """Sending the form empty names both fields, with status 400, and is not a login attempt."""
    client = advisor_app.test_client()
    to_english(client)
    token = csrf_token(client.get(LOGIN))
    response = client.post(LOGIN, data={"csrf_token": token, "email": "", "password": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Please check your entries" in page
    assert "Please enter your e-mail address." in page
    assert "Please enter your password." in page
    assert "You could not be logged in" not in page
    assert outcomes(advisor_app) == []


def test_an_overlong_password_is_a_field_error(advisor_app: Flask) -> None:
    """A password longer than any allowed one is refused before it is hashed."""
    client = advisor_app.test_client()
    to_english(client)
    response = log_in(client, ADA, "x" * 129)
    assert response.status_code == 400
    assert "The password is too long." in text(response)
    assert outcomes(advisor_app) == []


# --- failed logins look alike -----------------------------------------------------------


def visible(response: TestResponse, email: str) -> str:
    """A page without what must differ between two requests: CSRF tokens and the typed address."""
    page = re.sub(r'(name="csrf_token"[^>]*?value=")[^"]*"', r'\1"', text(response))
    return page.replace(email, "EMAIL")


def test_every_failure_gives_the_same_answer(advisor_app: Flask, grace: str) -> None:
    """A wrong password, an unknown and a deactivated account look alike."""
    with advisor_app.app_context():
        deactivate_advisor(grace)
    cases = [(ADA, WRONG), ("nobody@example.org", PASSWORD), (grace, GRACE_PASSWORD)]
    responses = [(email, log_in(advisor_app.test_client(), email, pw)) for email, pw in cases]
    assert [o for _e, _a, o in outcomes(advisor_app)] == ["bad_password", "unknown", "inactive"]
    assert all(failed_login(response) for _email, response in responses)
    pages = {visible(response, email) for email, response in responses}
    assert len(pages) == 1, "the failures can be told apart"


# --- slowing down guesses ---------------------------------------------------------------


@dataclass
class Clock:
    """The throttle's clock: ``offset`` after the latest failed login."""

    offset: timedelta = timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A clock for the throttle that stands ``offset`` after the latest failed login (the real
    time while there is none), so that every wait is exact however fast the machine is."""
    kept = Clock()

    def now() -> datetime:
        latest = db.session.scalar(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.outcome.in_(FAILURES))
        )
        if latest is None:
            return utcnow()
        return (latest if latest.tzinfo else latest.replace(tzinfo=UTC)) + kept.offset

    monkeypatch.setattr(throttle, "utcnow", now)
    return kept


def fail(app: Flask, times: int, email: str = ADA, address: str = "127.0.0.1") -> None:
    """Fail to log in this often from this address (each one a new browser)."""
    for _ in range(times):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert failed_login(log_in(client, email, WRONG))


def waiting(response: TestResponse) -> int | None:
    """The seconds the login page asks to wait before the next attempt, or None."""
    found = re.search(
        r"(?:please try again in|versuchen Sie es in) (\d+) (?:seconds?|Sekunden?)", text(response)
    )
    return int(found.group(1)) if found else None


def test_failures_past_the_limit_delay_the_next_attempt(advisor_app: Flask, clock: Clock) -> None:
    """After five failures the next attempt waits 15 s and is not checked; each further failure
    doubles the wait; waiting lets even the right password through again."""
    client = advisor_app.test_client()
    to_english(client)
    fail(advisor_app, 5)
    refused = log_in(client, ADA, PASSWORD)
    assert refused.status_code == 400 and waiting(refused) == 14, "one second of 15 has passed"
    assert "Your entries were not checked" in text(refused)
    assert outcomes(advisor_app)[-1][2] == "limited"
    clock.offset = timedelta(seconds=16)
    fail(advisor_app, 1)
    clock.offset = timedelta(seconds=1)
    assert waiting(log_in(client, ADA, PASSWORD)) == 29, "the sixth failure doubles the wait"
    clock.offset = timedelta(seconds=31)
    assert log_in(advisor_app.test_client(), ADA, PASSWORD).location == DASHBOARD


def test_refused_attempts_do_not_extend_the_wait(advisor_app: Flask, clock: Clock) -> None:
    """Trying again while waiting changes nothing: refused attempts are not failures."""
    fail(advisor_app, 5)
    for _ in range(10):
        assert waiting(log_in(advisor_app.test_client(), ADA, PASSWORD)) == 14
    clock.offset = timedelta(seconds=16)
    assert log_in(advisor_app.test_client(), ADA, PASSWORD).location == DASHBOARD


def test_nobody_locks_an_advisor_out_of_her_own_browser(advisor_app: Flask, clock: Clock) -> None:
    """A stranger's failures from anywhere slow down new browsers only; the browser in which
    Ada logged in before carries a signed device cookie and logs her in at once."""
    own = advisor_app.test_client()
    assert log_in(own, ADA, PASSWORD).location == DASHBOARD
    cookie = own.get_cookie("dc_device", path="/advisor/")
    assert cookie is not None and cookie.http_only and cookie.max_age == 180 * 86400
    own.post("/advisor/logout", data={"csrf_token": csrf_token(own.get(DASHBOARD))})
    clock.offset = timedelta(minutes=15)  # every guess is evaluated and counted
    for number in range(12):
        fail(advisor_app, 1, address=f"203.0.113.{number}")
    clock.offset = timedelta(seconds=1)
    assert waiting(log_in(advisor_app.test_client(), ADA, PASSWORD)) is not None
    assert log_in(own, ADA, PASSWORD).location == DASHBOARD
    with advisor_app.app_context():
        trusted = db.session.scalars(
            select(LoginAttempt.device).where(LoginAttempt.outcome == "ok")
        ).all()
    assert len(trusted) == 2 and trusted[0] is None and trusted[1] is not None


def test_a_forged_or_foreign_device_cookie_is_not_trusted(
    advisor_app: Flask, grace: str, clock: Clock
) -> None:
    """A cookie that is not signed by the app, or was given to another account, counts for
    nothing: the attempt is throttled like any from a new browser."""
    grace_browser = advisor_app.test_client()
    assert log_in(grace_browser, grace, GRACE_PASSWORD).location == DASHBOARD
    grace_browser.post(
        "/advisor/logout", data={"csrf_token": csrf_token(grace_browser.get(DASHBOARD))}
    )
    fail(advisor_app, 5)
    assert waiting(log_in(grace_browser, ADA, PASSWORD)) == 14, "Grace's cookie, not Ada's"
    forged = advisor_app.test_client()
    forged.set_cookie("dc_device", "eyJlbWFpbCI6ImFkYUBleGFtcGxlLm9yZyJ9.forged", path="/advisor/")
    assert waiting(log_in(forged, ADA, PASSWORD)) == 14


def test_too_many_failures_from_one_address(advisor_app: Flask, clock: Clock) -> None:
    """Guesses spread over many accounts from one client slow that client down, not others."""
    advisor_app.config["LOGIN_LIMIT_PER_ADDRESS"] = 3
    for number in range(3):
        fail(advisor_app, 1, email=f"guess{number}@example.org")
    assert waiting(log_in(advisor_app.test_client(), ADA, PASSWORD)) == 14
    elsewhere = advisor_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert log_in(elsewhere, ADA, PASSWORD).location == DASHBOARD
    assert outcomes(advisor_app)[-2:] == [
        (ADA, "127.0.0.1", "limited"),
        (ADA, "10.0.0.9", "ok"),
    ]


def test_four_failures_do_not_slow_anything_down(advisor_app: Flask, clock: Clock) -> None:
    """Below the limit the right password works at once."""
    fail(advisor_app, advisor_app.config["LOGIN_LIMIT_PER_ACCOUNT"] - 1)
    assert log_in(advisor_app.test_client(), ADA, PASSWORD).location == DASHBOARD


def test_no_wait_outlasts_the_window(advisor_app: Flask, clock: Clock) -> None:
    """Fifteen seconds doubled seven times is more than the window: the wait stops there, and
    failures older than the window are forgotten."""
    window = advisor_app.config["LOGIN_WINDOW_MINUTES"]
    clock.offset = timedelta(minutes=window)  # every guess is evaluated and counted
    fail(advisor_app, 12)
    clock.offset = timedelta(seconds=1)
    assert waiting(log_in(advisor_app.test_client(), ADA, PASSWORD)) == window * 60 - 1
    clock.offset = timedelta(minutes=window, seconds=1)
    assert log_in(advisor_app.test_client(), ADA, PASSWORD).location == DASHBOARD


def test_every_attempt_is_stored_and_logged(
    advisor_app: Flask, grace: str, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    """Each attempt is stored with its outcome and logged; passwords are never logged."""
    caplog.set_level(logging.INFO, logger="assessment.advisor.login")
    with advisor_app.app_context():
        deactivate_advisor(grace)
    log_in(advisor_app.test_client(), ADA, PASSWORD)
    log_in(advisor_app.test_client(), "Ada@Example.org", WRONG)
    log_in(advisor_app.test_client(), "nobody@example.org", WRONG)
    log_in(advisor_app.test_client(), grace, GRACE_PASSWORD)
    advisor_app.config["LOGIN_LIMIT_PER_ADDRESS"] = 3
    assert waiting(log_in(advisor_app.test_client(), ADA, PASSWORD)) is not None
    expected = [
        (ADA, "ok"),
        (ADA, "bad_password"),
        ("nobody@example.org", "unknown"),
        (GRACE, "inactive"),
        (ADA, "limited"),
    ]
    assert [(email, outcome) for email, _address, outcome in outcomes(advisor_app)] == expected
    logged = [
        (r.levelname, r.getMessage(), r.outcome, r.email, r.address)
        for r in caplog.records
        if r.name == "assessment.advisor.login"
    ]
    assert logged == [
        ("INFO" if outcome == "ok" else "WARNING", "login", outcome, email, "127.0.0.1")
        for email, outcome in expected
    ]
    assert PASSWORD not in caplog.text and WRONG not in caplog.text
    assert GRACE_PASSWORD not in caplog.text


def test_the_log_is_one_escaped_line_per_event(
    advisor_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each event is one line of JSON with its time, level, who and from where: successful
    logins and logouts too. A login e-mail with a line break is refused before it is logged."""
    capsys.readouterr()
    forged = 'x@example.org\n{"level": "INFO", "message": "login", "outcome": "ok"}'
    refused = log_in(advisor_app.test_client(), forged, WRONG)
    assert refused.status_code == 400
    client = advisor_app.test_client()
    log_in(client, ADA, PASSWORD)
    page = client.get(DASHBOARD)
    client.post("/advisor/logout", data={"csrf_token": csrf_token(page)})
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    logins = [e for e in events if e["logger"] == "assessment.advisor.login"]
    assert [(e["level"], e["message"], e.get("outcome"), e["email"]) for e in logins] == [
        ("INFO", "login", "ok", ADA),
        ("INFO", "logout", None, ADA),
    ]
    assert all(e["address"] == "127.0.0.1" and e["time"].endswith("+00:00") for e in logins)


def test_log_lines_cannot_be_forged(capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever a value holds (line breaks of any kind, escapes, quotes), an event is one line."""
    capsys.readouterr()
    sneaky = 'a\n{"forged": 1}\r\u2028\u2029\x85\x1b[31m"'
    log_event(logging.getLogger("assessment.test"), logging.WARNING, "probe", email=sneaky)
    written = capsys.readouterr().err
    assert written.count("\n") == 1 and len(written.splitlines()) == 1
    assert json.loads(written)["email"] == sneaky


# --- logging out and the end of sessions ------------------------------------------------


def test_logout_is_a_post_with_a_token(ada: FlaskClient) -> None:
    """A link or a forged form cannot log an advisor out."""
    assert ada.get("/advisor/logout").status_code == 405
    assert ada.post("/advisor/logout").status_code == 400
    assert ada.get(DASHBOARD).status_code == 200


def test_logout_ends_the_session_on_the_server(advisor_app: Flask, ada: FlaskClient) -> None:
    """After logging out, a copy of the old session cookie no longer opens the advisor pages."""
    cookie = ada.get_cookie("session")
    assert cookie is not None
    token = csrf_token(ada.get(DASHBOARD))
    response = ada.post("/advisor/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.location == LOGIN
    assert german(advisor_app, "You have logged out.") in text(ada.get(LOGIN))
    assert is_sent_to_login(ada.get(DASHBOARD))
    replayed = advisor_app.test_client()
    replayed.set_cookie("session", cookie.value)
    assert is_sent_to_login(replayed.get(DASHBOARD))
    with advisor_app.app_context():
        assert all(s.ended_at is not None for s in db.session.scalars(select(AdvisorSession)))


def test_logout_keeps_the_language(advisor_app: Flask) -> None:
    """The language chosen before logging out stays."""
    client = advisor_app.test_client()
    to_english(client)
    login(client)
    client.post("/advisor/logout", data={"csrf_token": csrf_token(client.get(DASHBOARD))})
    assert '<html lang="en">' in text(client.get(LOGIN))


def test_logging_out_ends_only_that_session(advisor_app: Flask, ada: FlaskClient) -> None:
    """Ada's session on another device goes on after she logs out here."""
    other_device = advisor_app.test_client()
    login(other_device)
    ada.post("/advisor/logout", data={"csrf_token": csrf_token(ada.get(DASHBOARD))})
    assert other_device.get(DASHBOARD).status_code == 200


def test_an_idle_session_ends(advisor_app: Flask, ada: FlaskClient) -> None:
    """A session unused for longer than ADVISOR_IDLE_MINUTES leads to the login page."""
    idle = advisor_app.config["ADVISOR_IDLE_MINUTES"]
    move_back(advisor_app, AdvisorSession, "last_seen_at", timedelta(minutes=idle - 1))
    assert ada.get(DASHBOARD).status_code == 200
    move_back(advisor_app, AdvisorSession, "last_seen_at", timedelta(minutes=idle + 1))
    assert is_sent_to_login(ada.get(DASHBOARD))
    move_back(advisor_app, AdvisorSession, "last_seen_at", -timedelta(minutes=idle + 1))
    assert is_sent_to_login(ada.get(DASHBOARD)), "an ended session stays ended"


def test_an_idle_limit_from_the_configuration(advisor_app: Flask, ada: FlaskClient) -> None:
    """The idle limit is read from the configuration."""
    advisor_app.config["ADVISOR_IDLE_MINUTES"] = 2
    move_back(advisor_app, AdvisorSession, "last_seen_at", timedelta(minutes=3))
    assert is_sent_to_login(ada.get(DASHBOARD))


def test_activity_keeps_a_session_alive(advisor_app: Flask, ada: FlaskClient) -> None:
    """Using the pages counts as activity: the idle time starts again."""
    idle = advisor_app.config["ADVISOR_IDLE_MINUTES"]
    move_back(advisor_app, AdvisorSession, "last_seen_at", timedelta(minutes=idle - 1))
    assert ada.get(DASHBOARD).status_code == 200
    move_back(advisor_app, AdvisorSession, "last_seen_at", timedelta(minutes=idle - 1))
    assert ada.get(DASHBOARD).status_code == 200


def test_a_session_ends_after_its_lifetime(advisor_app: Flask, ada: FlaskClient) -> None:
    """However active, a session ends ADVISOR_SESSION_HOURS after the login."""
    hours = advisor_app.config["ADVISOR_SESSION_HOURS"]
    move_back(advisor_app, AdvisorSession, "created_at", timedelta(hours=hours, minutes=-1))
    assert ada.get(DASHBOARD).status_code == 200
    move_back(advisor_app, AdvisorSession, "created_at", timedelta(minutes=2))
    assert is_sent_to_login(ada.get(DASHBOARD))
    assert log_in(ada, ADA, PASSWORD).location == DASHBOARD, "a new login starts afresh"


def test_deactivation_ends_live_sessions(advisor_app: Flask, ada: FlaskClient) -> None:
    """Deactivating an account ends its sessions on every device at once."""
    other_device = advisor_app.test_client()
    login(other_device)
    with advisor_app.app_context():
        deactivate_advisor(ADA)
    assert is_sent_to_login(ada.get(DASHBOARD))
    assert is_sent_to_login(other_device.get(DASHBOARD))
    with advisor_app.app_context():
        assert all(s.ended_at is not None for s in db.session.scalars(select(AdvisorSession)))
