"""Who may open which advisor URL: every route under /advisor, for every method it accepts.

The routes are read from the app's URL map, so a new advisor page is checked as soon as it
exists. Its URL parameters are filled from the tables below; a parameter they do not know
fails the matrix, so that a new page is never silently left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import product
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from assessment import create_app
from assessment.advisor.accounts import create_advisor, find_advisor
from assessment.advisor.models import ActionItem, Advisor, Note
from assessment.advisor.statistics import CHART_BUILDERS
from assessment.consultation.models import ConsultationRequest
from assessment.extensions import db
from assessment.kernel.models import Answer, Assessment
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.questions import ScaleQuestion, SingleQuestion
from assessment.referrals.models import Referral
from assessment.report import rendering as report_rendering
from assessment.report.rendering import CHART_KINDS

from ..conftest import SAMPLE_DIR
from ..survey.helpers import csrf_token, text
from .conftest import ADA, PASSWORD, SharedFactory, login

LOGIN = "/advisor/login"
#: Endpoints anonymous visitors may use.
PUBLIC = {"advisor.login"}
#: Endpoints only administrators may use; other advisors get 403.
ADMIN = {
    "advisor.accounts",
    "advisor.deactivate",
    "advisor.reactivate",
    "advisor.logins",
    "advisor.outbox",
}
#: Integer parameters naming an advisor's work on an assessment, and the model they name.
SUB_OBJECTS: dict[str, type[Any]] = {
    "item_id": ActionItem,
    "action_id": ActionItem,
    "note_id": Note,
    "advisor_id": Advisor,
    "request_id": ConsultationRequest,
    "referral_id": Referral,
}
#: Valid values of the other parameters, by endpoint and parameter name.
STRING_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("advisor.chart", "kind"): CHART_KINDS,
    ("advisor.statistics_chart", "kind"): tuple(CHART_BUILDERS),
}
#: The prefixes of the forms on the assessment page; each sends its own CSRF token.
FORM_PREFIXES = (
    "review",
    "assign",
    "note",
    "action",
    "share",
    "remove",
    "consultation",
    "introduction",
    "referral",
    "progress",
)
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """One method of one advisor URL rule, with fixed values for its non-id parameters."""

    rule: str
    endpoint: str
    method: str
    fixed: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        values = "".join(f" {name}={value}" for name, value in self.fixed.items())
        return f"{self.method} {self.rule}{values}"

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """The rule's parameters as (converter, name); the converter is "default" for strings."""
        return [
            (match["converter"] or "default", match["name"])
            for match in _VARIABLE.finditer(self.rule)
        ]

    @property
    def about_an_assessment(self) -> bool:
        """Whether the URL names an assessment."""
        return any(name == "assessment_id" for _converter, name in self.parameters)


def _choices(rule: str, endpoint: str) -> Iterator[dict[str, str]]:
    """Every combination of known values of a rule's string parameters."""
    options: dict[str, tuple[str, ...]] = {}
    for match in _VARIABLE.finditer(rule):
        name = match["name"]
        if match["converter"] == "any":
            options[name] = tuple(v.strip(" '\"") for v in (match["args"] or "").split(","))
        elif (endpoint, name) in STRING_VALUES:
            options[name] = STRING_VALUES[endpoint, name]
    for values in product(*options.values()):
        yield dict(zip(options, values, strict=True))


def advisor_routes(app: Flask) -> list[Route]:
    """Every method (but HEAD and OPTIONS) of every rule under /advisor."""
    return [
        Route(rule.rule, rule.endpoint, method, fixed)
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
        if rule.rule.startswith("/advisor")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for fixed in _choices(rule.rule, rule.endpoint)
    ]


ROUTES = advisor_routes(
    create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "QUESTIONNAIRE_DIR": str(SAMPLE_DIR),
            "SERVER_NAME": "localhost",
        }
    )
)
PROTECTED = [route for route in ROUTES if route.endpoint not in PUBLIC]
ABOUT_AN_ASSESSMENT = [route for route in ROUTES if route.about_an_assessment]


@dataclass(frozen=True)
class Target:
    """The ids a URL is filled with: an assessment and the advisor's work on it."""

    assessment: int
    objects: dict[type[Any], int]


def url_of(route: Route, target: Target) -> str:
    """The route's URL for the target; fails the test for a parameter it cannot fill."""
    values: dict[str, object] = {}
    for converter, name in route.parameters:
        if name == "assessment_id":
            values[name] = target.assessment
        elif converter == "int" and name in SUB_OBJECTS:
            values[name] = target.objects[SUB_OBJECTS[name]]
        elif name in route.fixed:
            values[name] = route.fixed[name]
        else:
            pytest.fail(
                f"{route}: the access matrix cannot fill <{converter}:{name}>; "
                "add it to SUB_OBJECTS or STRING_VALUES in tests/advisor/test_access.py"
            )
    return _VARIABLE.sub(lambda match: str(values[match["name"]]), route.rule)


# --- fixtures ---------------------------------------------------------------------------


def _work_on(app: Flask, sample: Questionnaire, assessment_id: int) -> Target:
    """Give an assessment answers (so that its charts exist), a note and an action item."""
    questions = [
        question
        for dimension in sample.dimensions
        for question in dimension.questions
        if isinstance(question, ScaleQuestion | SingleQuestion)
    ]
    with app.app_context():
        advisor = find_advisor(ADA)
        assert advisor is not None
        db.session.add_all(
            Answer(
                assessment_id=assessment_id,
                question_id=question.id,
                value=question.read_answer(question.choices[-1].id),
            )
            for question in questions
        )
        item = ActionItem(assessment_id=assessment_id, advisor_id=advisor.id, text="Anrufen")
        note = Note(assessment_id=assessment_id, advisor_id=advisor.id, text="Notiz")
        request = ConsultationRequest(
            assessment_id=assessment_id, way="email", email="a@firma.example", language="de"
        )
        referral = Referral(
            assessment_id=assessment_id,
            partner_id="dzm-kreis-soest",
            partner={"id": "dzm-kreis-soest", "name": "DZM"},
            nonce="0" * 64,
            token_hash=f"{assessment_id:064d}",
            introduction="Vorstellung",
            shared={},
        )
        db.session.add_all([item, note, request, referral])
        db.session.get(Assessment, assessment_id).consent_partners = True
        db.session.commit()
        objects = {ActionItem: item.id, Note: note.id, Advisor: advisor.id}
        requests = {ConsultationRequest: request.id, Referral: referral.id}
        return Target(assessment_id, {**objects, **requests})


@pytest.fixture
def targets(
    advisor_app: Flask, add_assessment: SharedFactory, sample: Questionnaire
) -> dict[str, Target]:
    """A shared assessment and three an advisor must not see, each with answers and work."""
    shared = _work_on(advisor_app, sample, add_assessment("Geteilt GmbH"))
    hidden = {
        "not shared": _work_on(advisor_app, sample, add_assessment("Privat KG", shared=False)),
        "in progress": _work_on(
            advisor_app, sample, add_assessment("Halbfertig AG", status="in_progress")
        ),
        "missing": Target(shared.assessment + 1000, shared.objects),
    }
    _repeat_firms(advisor_app, add_assessment)
    return {"shared": shared, **hidden}


def _repeat_firms(app: Flask, add_assessment: SharedFactory) -> None:
    """Five firms with a repeat check, so that every statistics chart has something to show."""
    for number in range(5):
        first = add_assessment(f"Wiederholt {number}", score=40, submitted_at=datetime(2023, 1, 1))
        repeat = add_assessment(f"Wiederholt {number}", score=60)
        with app.app_context():
            db.session.execute(
                update(Assessment).where(Assessment.id == repeat).values(firm_id=first)
            )
            db.session.commit()


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every table, to show that a request changed nothing."""
    with app.app_context():
        return {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in db.metadata.sorted_tables
        }


def send(client: FlaskClient, route: Route, url: str, token: str, advisor_id: int) -> TestResponse:
    """Request the URL; a POST carries valid tokens and a change that each form would accept."""
    if route.method == "GET":
        return client.get(url)
    data = {"csrf_token": token, **{f"{prefix}-csrf_token": token for prefix in FORM_PREFIXES}}
    data.update(
        {
            "review-status": "reviewed",
            "assign-advisor": str(advisor_id),
            "note-text": "Should not be stored",
            "action-text": "Should not be stored",
            "share-include": "y",
        }
    )
    return client.open(url, method=route.method, data=data)


def sent_to_login(response: TestResponse, url: str) -> None:
    """The response redirects to the login page, which will lead back to the URL."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response.location)
    assert location.path == LOGIN
    assert parse_qs(location.query).get("next") == [url]


def ada_id(app: Flask) -> int:
    """The id of Ada's account."""
    with app.app_context():
        advisor = find_advisor(ADA)
        assert advisor is not None
        return advisor.id


# --- the matrix -------------------------------------------------------------------------


def test_the_matrix_can_fill_every_advisor_route() -> None:
    """Each advisor route's parameters are known here, and the core pages are among them."""
    endpoints = {route.endpoint for route in ROUTES}
    assert {"advisor.login", "advisor.logout", "advisor.dashboard", "advisor.assessment"} <= (
        endpoints
    )
    unknown = [
        f"{route}: <{name}>"
        for route in ROUTES
        for converter, name in route.parameters
        if name != "assessment_id"
        and not (converter == "int" and name in SUB_OBJECTS)
        and name not in route.fixed
    ]
    assert unknown == [], "teach tests/advisor/test_access.py to fill these parameters"


def test_the_login_page_is_public(advisor_app: Flask) -> None:
    """Anonymous visitors see the login form."""
    response = advisor_app.test_client().get(LOGIN)
    assert response.status_code == 200
    assert 'name="password"' in text(response)


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_anonymous_visitors_are_sent_to_login(
    advisor_app: Flask, targets: dict[str, Target], route: Route
) -> None:
    """Without a login every advisor URL leads to the login page, and a POST changes nothing."""
    client = advisor_app.test_client()
    token = csrf_token(client.get(LOGIN))
    url = url_of(route, targets["shared"])
    before = snapshot(advisor_app)
    sent_to_login(send(client, route, url, token, ada_id(advisor_app)), url)
    assert snapshot(advisor_app) == before


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_a_deactivated_advisor_is_sent_to_login(
    advisor_app: Flask, targets: dict[str, Target], route: Route
) -> None:
    """A session of an account deactivated meanwhile opens nothing and changes nothing.

    Only the account's flag is cleared here, its session left open, to show that every
    request checks the account (deactivate_advisor also ends the sessions: see test_login).
    """
    with advisor_app.app_context():
        create_advisor("eve@example.org", PASSWORD, name="Eve")
    client = advisor_app.test_client()
    login(client, "eve@example.org")
    token = csrf_token(client.get("/advisor/"))
    with advisor_app.app_context():
        eve = find_advisor("eve@example.org")
        assert eve is not None
        eve.active = False
        db.session.commit()
    url = url_of(route, targets["shared"])
    before = snapshot(advisor_app)
    sent_to_login(send(client, route, url, token, ada_id(advisor_app)), url)
    assert snapshot(advisor_app) == before


@pytest.mark.parametrize("case", ["not shared", "in progress", "missing"])
@pytest.mark.parametrize("route", ABOUT_AN_ASSESSMENT, ids=str)
def test_assessments_not_shared_are_not_found(
    advisor_app: Flask, ada: FlaskClient, targets: dict[str, Target], route: Route, case: str
) -> None:
    """An assessment that is not shared, not submitted or not there is a friendly 404."""
    token = csrf_token(ada.get("/advisor/"))
    before = snapshot(advisor_app)
    response = send(ada, route, url_of(route, targets[case]), token, ada_id(advisor_app))
    assert response.status_code == 404
    page = text(response)
    assert 'class="site-header"' in page and '<main id="main"' in page
    with advisor_app.test_request_context(), force_locale("de"):
        assert gettext("Page not found") in page
    assert "Privat KG" not in page and "Halbfertig AG" not in page
    assert snapshot(advisor_app) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_logged_in_advisor_reaches_every_route(
    advisor_app: Flask,
    ada: FlaskClient,
    targets: dict[str, Target],
    route: Route,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the shared assessment each URL answers: the 404s above are not from a wrong URL.

    A POST carries only the page's token; what a form then does with its empty data does not
    matter here, only that the URL leads to the page's own answer.
    """
    # Rendering a PDF takes seconds and is tested with the report; here the URL matters.
    monkeypatch.setattr(report_rendering, "render_report_pdf", lambda *_args: b"%PDF-1.7")
    url = url_of(route, targets["shared"])
    token = csrf_token(ada.get("/advisor/"))
    data = {"csrf_token": token} if route.method != "GET" else None
    before = snapshot(advisor_app)
    with ada.open(url, method=route.method, data=data) as response:
        if route.endpoint in ADMIN:  # Ada is no administrator
            assert response.status_code == 403
            assert "Nur Administratorinnen" in text(response) or "administrators" in text(response)
            assert snapshot(advisor_app) == before
        elif route.endpoint == "advisor.login":
            assert response.status_code == 302 and response.location == "/advisor/"
        elif route.endpoint == "advisor.logout":
            assert response.status_code == 302 and response.location == LOGIN
        elif route.method == "GET":
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 400)


def test_company_names_are_escaped_on_the_dashboard(
    ada: FlaskClient, add_assessment: SharedFactory
) -> None:
    """HTML in a company's name or in the search is shown as text, never run."""
    add_assessment("<script>alert(1)</script> GmbH")
    page = text(ada.get("/advisor/"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; GmbH" in page
    assert "<script>alert(1)" not in page
    search = text(ada.get("/advisor/", query_string={"q": '"><script>alert(2)</script>'}))
    assert "<script>alert(2)" not in search
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in search
