"""Driving the journey like a browser: forms with their CSRF token, answers for every type."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from assessment.kernel.assessments import find_assessment
from assessment.questionnaire import QuestionBase, Questionnaire
from assessment.questionnaire.pages import page_questions, steps
from assessment.questionnaire.questions import (
    MatrixQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
_TOKEN = re.compile(r"/a/([A-Za-z0-9_-]+)/step/0")


def csrf_token(page: TestResponse) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def text(page: TestResponse) -> str:
    """A page's HTML as text."""
    return page.get_data(as_text=True)


def is_checked(html: str, input_id: str) -> bool:
    """Whether the input with this id is checked."""
    tag = re.search(rf'<input[^>]*\bid="{re.escape(input_id)}"[^>]*>', html)
    assert tag, f"no input {input_id}"
    return re.search(r"\schecked\b", tag.group(0)) is not None


class Respondent:
    """An owner answering a questionnaire with a test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def start(self, questionnaire: str = "digitalcheck") -> TestResponse:
        """Open the landing page and start the check; returns step 0."""
        landing = self.client.get("/")
        started = self.client.post(
            "/assessments", data={"questionnaire": questionnaire, "csrf_token": csrf_token(landing)}
        )
        assert started.status_code == 302, text(started)
        match = _TOKEN.search(started.location)
        assert match, started.location
        self.token = match.group(1)
        return self.client.get(started.location)

    def url(self, suffix: str = "") -> str:
        """A URL of this assessment."""
        return f"/a/{self.token}{suffix}"

    def step(self, number: int) -> TestResponse:
        """Open a step."""
        return self.client.get(self.url(f"/step/{number}"))

    def send(
        self, number: int, data: MultiDict | dict[str, Any], action: str = "next"
    ) -> TestResponse:
        """Fill in and send a step with one of its buttons."""
        page = self.step(number)
        form = MultiDict(data)
        form["csrf_token"] = csrf_token(page)
        form["action"] = action
        return self.client.post(self.url(f"/step/{number}"), data=form)

    def submit(self) -> TestResponse:
        """Send the review page."""
        page = self.client.get(self.url("/review"))
        return self.client.post(
            self.url("/review"), data={"csrf_token": csrf_token(page), "action": "submit"}
        )

    def repeat(self) -> TestResponse:
        """Do the check again from the report: the respondent goes on with the new check."""
        report = self.client.get(self.url("/report"))
        started = self.client.post(self.url("/repeat"), data={"csrf_token": csrf_token(report)})
        assert started.status_code == 302, text(started)
        match = _TOKEN.search(started.location)
        assert match, started.location
        self.token = match.group(1)
        return self.client.get(started.location)

    def choose_consents(self, *given: str) -> TestResponse:
        """Save the consent page with only the named consents ticked (benchmark, advisors, ...)."""
        page = self.client.get(self.url("/consent"))
        form = {f"consent_{name}": "y" for name in given}
        return self.client.post(self.url("/consent"), data={**form, "csrf_token": csrf_token(page)})


def good_answer(question: QuestionBase) -> MultiDict:
    """Form data with a valid answer to any question: the second option, a middle number, ..."""
    if isinstance(question, ScaleQuestion):
        return MultiDict({question.id: str(question.min + 1)})
    if isinstance(question, SingleQuestion):
        return MultiDict({question.id: question.options[min(1, len(question.options) - 1)].id})
    if isinstance(question, MultiQuestion):
        plain = [option.id for option in question.options if not option.exclusive]
        return MultiDict([(question.id, option) for option in plain[:2]])
    if isinstance(question, MatrixQuestion):
        return MultiDict(
            {f"{question.id}.{row.id}": question.options[-1].id for row in question.rows}
        )
    if isinstance(question, NumberQuestion):
        low = question.lowest if question.lowest is not None else 0
        value = low + 1 if question.max is None or low + 1 <= question.max else low
        return MultiDict({question.id: str(value).replace(".", ",")})
    assert isinstance(question, TextQuestion)
    return MultiDict({question.id: "Wir planen einen Webshop."})


def merge(*parts: MultiDict) -> MultiDict:
    """Several questions' form data in one."""
    merged: MultiDict = MultiDict()
    for part in parts:
        for key, value in part.items(multi=True):
            merged.add(key, value)
    return merged


def answers_of(app: Flask, token: str) -> dict[str, object]:
    """The stored answers of the assessment that ``token`` opens."""
    with app.app_context():
        assessment = find_assessment(token)
        assert assessment is not None
        return {answer.question_id: answer.value for answer in assessment.answers}


def complete(
    owner: Respondent,
    app: Flask,
    questionnaire: Questionnaire,
    company: str,
    profile: dict,
    *,
    submit: bool = True,
) -> None:
    """Answer every page (the profile as given, a valid answer elsewhere) and submit."""
    answers: dict[str, object] = {}
    for current in steps(questionnaire):
        page = page_questions(current, questionnaire, answers)
        data = merge(*(good_answer(shown.question) for shown in page))
        if current.is_profile:
            for key, value in {**profile, "company_name": company}.items():
                data[key] = value  # replaces the generated answer
        response = owner.send(current.number, data)
        assert response.status_code == 302, text(response)
        answers = answers_of(app, owner.token)
    if submit:
        assert owner.submit().status_code == 302
