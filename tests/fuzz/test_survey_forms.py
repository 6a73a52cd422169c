"""Fuzzing the respondent's forms: steps, review, start and the language switch.

Whatever is posted, the answer is never a 500, and nothing is stored that does not validate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import chain
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import event, example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel.assessments import find_assessment, questionnaire_of, stored_answers
from assessment.kernel.models import Assessment, ConsentChange, company_key
from assessment.questionnaire import QuestionBase, load_questionnaire
from assessment.questionnaire.conditions import visible_answers
from assessment.questionnaire.pages import first_open_step, is_missing, steps
from assessment.questionnaire.questions import MatrixQuestion, MultiQuestion, NumberQuestion
from assessment.questionnaire.questions.choice import ChoiceQuestion
from assessment.survey.fields import adapter_for, row_input
from assessment.survey.forms import PROFILE_FIELDS
from assessment.survey.operations import PROFILE_COLUMNS
from assessment.survey.views import ACTIONS
from assessment.textfields import EMAIL_PATTERN

from ..survey.conftest import DATA
from ..survey.helpers import csrf_token, good_answer, merge, text
from .conftest import FuzzedRespondent
from .fuzzing import (
    ANY_TEXT,
    AWKWARD,
    NUMBERS,
    Csrf,
    as_sent,
    assert_answered,
    browser_host,
    carries_nul,
    csrf_modes,
    fuzz,
    next_targets,
    pairs,
    values,
)

CHECK = load_questionnaire(DATA / "check.yaml")
PAGES = steps(CHECK)


def input_names(question: QuestionBase) -> list[str]:
    """The inputs of a question, and for a matrix names that nearly match them."""
    names = adapter_for(question).input_names(question)
    if isinstance(question, MatrixQuestion):
        names = [*names, question.id, *(f"{question.id}-{row.id}" for row in question.rows)]
    return names


def option_ids(question: QuestionBase) -> list[str]:
    """Every option id (and scale point) a question knows."""
    if isinstance(question, ChoiceQuestion):
        return list(question.choice_index)
    if isinstance(question, MatrixQuestion):
        return list(question.option_index)
    return []


#: The input names of each step, as its page has them.
STEP_INPUTS = [
    [name for question in page.questions for name in input_names(question)]
    + (list(PROFILE_FIELDS) if page.is_profile else [])
    for page in PAGES
]
ALL_INPUTS = sorted(set(chain.from_iterable(STEP_INPUTS)))
KNOWN_VALUES = sorted(
    {option for question in CHECK.questions for option in option_ids(question)}
    | {"y", "on", "true", "false", "1", "", "Bäckerei", "name@example.org", *ACTIONS}
)
ACTION_VALUES = st.one_of(
    st.sampled_from([*ACTIONS, "submit", "Next", "next ", "", "delete"]), ANY_TEXT
)


# --- what is stored -----------------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """A value as the JSON column gives it back."""
    return json.loads(json.dumps(value))


def snapshot(app: Flask, token: str) -> dict[str, Any]:
    """Everything a post may change about the assessment (its time stamps aside)."""
    with app.app_context():
        assessment = find_assessment(token)
        assert assessment is not None
        columns = (*PROFILE_COLUMNS, *PROFILE_FIELDS, "status", "profile_saved_at")
        return {
            "answers": stored_answers(assessment),
            **{name: getattr(assessment, name) for name in columns},
        }


def assert_stored_data_valid(app: Flask, token: str) -> None:
    """Every stored answer is normalised, valid and visible; the profile columns agree."""
    with app.app_context():
        assessment = find_assessment(token)
        assert assessment is not None
        questionnaire = questionnaire_of(assessment)
        answers = stored_answers(assessment)
        for question_id, value in answers.items():
            question = questionnaire.question_index.get(question_id)
            assert question is not None, f"an answer to no question: {question_id!r}"
            assert value is not None, f"an empty answer is stored for {question_id!r}"
            assert as_json(question.read_answer(value)) == value, f"{question_id}: {value!r}"
            assert "\\u0000" not in json.dumps(value), "PostgreSQL cannot store U+0000"
        assert visible_answers(questionnaire, answers) == answers, "a hidden answer is stored"
        for column in PROFILE_COLUMNS:
            answer = answers.get(column)
            assert getattr(assessment, column) == (answer if isinstance(answer, str) else None)
        name = assessment.company_name
        assert "\x00" not in (name or "") + (assessment.contact_email or "")
        assert name is None or (0 < len(name) <= 200 and name == name.strip()), repr(name)
        key = assessment.company_key
        if key is not None:  # the search key of the name (a prefix, should it be cut)
            assert len(key) <= Assessment.__table__.c.company_key.type.length, repr(key)
            assert (company_key(name) or "").startswith(key), repr(key)
        email = assessment.contact_email
        assert email is None or (
            len(email) <= 254 and email == email.strip() and re.match(EMAIL_PATTERN, email)
        ), repr(email)
        for consent in PROFILE_FIELDS[2:]:
            assert isinstance(getattr(assessment, consent), bool)
        if assessment.profile_saved_at is None:
            assert name is None and email is None


# --- the steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPost:
    """A post to a step: its number, the form data, the buttons pressed and the CSRF token."""

    number: int
    form: MultiDict[str, str]
    actions: tuple[str, ...]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The form as sent: `action` left out when no button is given."""
        return as_sent(self.form, self.csrf, token, self.actions)


BLANKS = st.sampled_from(["", "", " ", "\t", "\r\n", "\u00a0"])


def padded(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values with blanks around them now and then (a browser never sends those)."""
    return st.tuples(BLANKS, strategy, BLANKS).map("".join)


def fitting_values(question: QuestionBase) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Values that fit the question (or leave it out), as a browser sends them."""
    name, options = question.id, option_ids(question)
    if isinstance(question, MatrixQuestion):
        rows = [row_input(question, row.id) for row in question.rows]
        every_row = st.lists(st.sampled_from(options), min_size=len(rows), max_size=len(rows))
        cells = every_row.map(lambda chosen: list(zip(rows, chosen, strict=True)))
        return st.one_of(
            cells, cells, cells.flatmap(lambda cells: st.lists(st.sampled_from(cells)))
        )
    if isinstance(question, MultiQuestion):
        plain = [option.id for option in question.options if not option.exclusive]
        alone = [[option.id] for option in question.options if option.exclusive]
        chosen = st.one_of(
            st.lists(st.sampled_from(plain), min_size=1, unique=True), st.sampled_from(alone)
        )
        return chosen.map(lambda chosen: [(name, value) for value in chosen])
    if isinstance(question, ChoiceQuestion):
        value = padded(st.sampled_from(options))
    elif isinstance(question, NumberQuestion):
        low = question.lowest if question.lowest is not None else 0
        high = question.max if question.max is not None else low + 1000
        value = st.one_of(
            st.integers(int(low), int(high)).map(str),
            st.floats(low, high).map(lambda number: f"{number:.6f}".replace(".", ",")),
        )
    else:
        value = st.text(max_size=50)
    return st.one_of(value, value, value, value, value, BLANKS).map(lambda value: [(name, value)])


def typed_values(question: QuestionBase) -> st.SearchStrategy[list[tuple[str, str]]]:
    """What a careless or hostile client sends for one question."""
    name, options = question.id, option_ids(question)
    junk = values(KNOWN_VALUES)
    if isinstance(question, MatrixQuestion):
        row = st.one_of(st.sampled_from([*options, ""]), junk)
        cells = st.tuples(st.sampled_from(input_names(question)), row)
        return st.lists(cells, max_size=len(question.rows) + 2)
    if isinstance(question, MultiQuestion):
        chosen = st.one_of(st.sampled_from([*options, ""]), junk)
        return st.lists(chosen, max_size=len(options) + 1).map(
            lambda chosen: [(name, value) for value in chosen]
        )
    if isinstance(question, ChoiceQuestion):
        choice = st.one_of(
            st.sampled_from(options),
            st.integers(-3, 12).map(str),
            st.tuples(AWKWARD, st.sampled_from(options), AWKWARD).map("".join),
            junk,
        )
    elif isinstance(question, NumberQuestion):
        choice = st.one_of(
            st.integers(-10, 110).map(str),
            st.floats(-1, 101).map(lambda number: str(number).replace(".", ",")),
            NUMBERS,
            junk,
        )
    else:
        choice = st.one_of(st.text(min_size=45, max_size=55), padded(st.text(max_size=50)), junk)
    return st.lists(choice, min_size=1, max_size=2).map(
        lambda chosen: [(name, value) for value in chosen]
    )


#: Values of the fixed profile fields.
PROFILE_VALUES: dict[str, st.SearchStrategy[str]] = {
    "company_name": st.one_of(
        st.text(max_size=30),
        st.integers(190, 210).flatmap(lambda size: st.text(min_size=size, max_size=size)),
        st.tuples(AWKWARD, st.text(max_size=10), AWKWARD).map("".join),
    ),
    "contact_email": st.one_of(
        st.emails().map(str),
        st.tuples(AWKWARD, st.emails().map(str), AWKWARD).map("".join),
        st.sampled_from(["a@b.c\n", "a@b", "@b.c", "a@@b.c", "a b@c.d", "a@b.c" + "x" * 250]),
        ANY_TEXT,
    ),
    **{
        consent: st.one_of(st.sampled_from(["y", "on", "", "false", "False", "0"]), ANY_TEXT)
        for consent in PROFILE_FIELDS[2:]
    },
}
#: The buttons a post names, most often one of the page's buttons.
STEP_ACTIONS = st.one_of(
    *[st.sampled_from([(), ("next",), ("next",), ("save",), ("back",)])] * 4,
    st.lists(ACTION_VALUES, min_size=1, max_size=2).map(tuple),
)


@st.composite
def step_posts(draw: st.DrawFn) -> StepPost:
    """Data for any step: fitting values, some of them (or all) replaced by junk now and then."""
    number = draw(st.sampled_from([*range(len(PAGES))] * 6 + [len(PAGES), 99]))
    page = PAGES[min(number, len(PAGES) - 1)]
    hostile = draw(st.sampled_from(["none"] * 4 + ["one", "all"]))
    spoilt = draw(st.sampled_from([question.id for question in page.questions]))
    form: MultiDict[str, str] = MultiDict()
    for question in page.questions:
        if hostile == "all" or (hostile == "one" and question.id == spoilt):
            strategy = typed_values(question)
        else:
            strategy = fitting_values(question)
        for key, value in draw(strategy):
            form.add(key, value)
    if page.is_profile:
        for field, strategy in PROFILE_VALUES.items():
            if draw(st.integers(0, 2)) == 2:
                form.add(field, draw(strategy))
    if draw(st.integers(0, 3)) == 3:
        known = [*STEP_INPUTS[min(number, len(PAGES) - 1)], *ALL_INPUTS]
        for key, value in draw(pairs(known, KNOWN_VALUES, max_size=4)).items(multi=True):
            form.add(key, value)
    return StepPost(number, form, draw(STEP_ACTIONS), draw(csrf_modes))


def expected_location(token: str, number: int, action: str) -> str:
    """Where a saved step leads."""
    if action == "save":
        return f"/a/{token}/saved"
    if action == "review":
        return f"/a/{token}/review"
    target = number + 1 if action == "next" else max(number - 1, 0)
    return f"/a/{token}/review" if target >= len(PAGES) else f"/a/{token}/step/{target}"


@fuzz(300)
@given(post=step_posts())
@example(post=StepPost(2, MultiDict({"rating": "0" * 4301}), ("save",), Csrf("valid")))
@example(post=StepPost(0, MultiDict({"company_name": "0" * 198 + "¼ß"}), ("save",), Csrf("valid")))
def test_any_post_to_a_step(respondent: FuzzedRespondent, small_app: Flask, post: StepPost) -> None:
    """Never a 500; a refused post changes nothing; a saved one stores only valid answers."""
    owner = respondent.owner
    before = snapshot(small_app, owner.token)
    data = post.data(respondent.token)
    response = owner.client.post(owner.url(f"/step/{post.number}"), data=data)
    assert_answered(response, data)
    action = data.get("action", "next")
    if response.status_code != 413:
        if not post.csrf.passes or carries_nul(data):
            assert response.status_code == 400
        elif post.number >= len(PAGES):
            assert response.status_code == 404
        elif action not in ACTIONS:
            assert response.status_code == 400
        else:
            assert response.status_code in (302, 400)
            event(f"{action}: {'saved' if response.status_code == 302 else 'refused'}")
    assert_stored_data_valid(small_app, owner.token)
    if response.status_code != 302:
        assert snapshot(small_app, owner.token) == before
        return
    assert response.location == expected_location(owner.token, post.number, action)
    if action in ("next", "review"):
        answers = snapshot(small_app, owner.token)["answers"]
        visible = visible_answers(CHECK, answers)
        missing = [q.id for q in PAGES[post.number].questions if is_missing(q, visible, CHECK)]
        assert not missing, f"moved on with {missing} unanswered"
    assert owner.step(post.number).status_code == 200, "the saved answers are shown again"
    assert owner.client.get(owner.url("/review")).status_code == 200


# --- the review ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPost:
    """Steps to fill in (True) or empty (False) first, then a post to the review page."""

    prepare: tuple[tuple[int, bool], ...]
    sector: str
    form: MultiDict[str, str]
    actions: tuple[str, ...]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The review form as sent."""
        return as_sent(self.form, self.csrf, token, self.actions)


REVIEW_ACTIONS = st.one_of(
    st.sampled_from(["submit", "submit", "Submit", "submit ", "next", "save", ""]), ANY_TEXT
)
SECTORS = option_ids(CHECK.question_index["sector"])


@st.composite
def review_posts(draw: st.DrawFn) -> ReviewPost:
    """Answers filled in or emptied page by page, then any post to the review."""
    prepare = draw(
        st.lists(
            st.tuples(st.integers(0, len(PAGES) - 1), st.sampled_from([True] * 5 + [False])),
            max_size=len(PAGES),
        )
    )
    form: MultiDict[str, str] = MultiDict()
    if draw(st.booleans()):
        form = draw(pairs(["action", "csrf_token", "submit", *ALL_INPUTS], KNOWN_VALUES, 4))
    actions = draw(
        st.one_of(
            *[st.just(("submit",))] * 3,
            st.lists(REVIEW_ACTIONS, max_size=2).map(tuple),
        )
    )
    return ReviewPost(
        tuple(prepare), draw(st.sampled_from(SECTORS)), form, tuple(actions), draw(csrf_modes)
    )


def fill_in(respondent: FuzzedRespondent, number: int, fill: bool, sector: str) -> None:
    """Save a step with valid answers to every question, or with none ("save" allows gaps)."""
    page = PAGES[number]
    form = merge(*(good_answer(question) for question in page.questions)) if fill else MultiDict()
    if fill and page.is_profile:
        form["sector"] = sector
    form["csrf_token"] = respondent.token
    form["action"] = "save"
    owner = respondent.owner
    response = owner.client.post(owner.url(f"/step/{number}"), data=form)
    assert response.status_code == 302, text(response)


def is_complete(app: Flask, token: str) -> bool:
    """Whether the assessment can be submitted: profile saved, no required answer missing."""
    with app.app_context():
        assessment = find_assessment(token)
        assert assessment is not None
        saved = assessment.profile_saved_at is not None
        return first_open_step(CHECK, stored_answers(assessment), saved) is None


@fuzz(200)
@given(post=review_posts())
def test_any_post_to_the_review(
    respondent: FuzzedRespondent, small_app: Flask, post: ReviewPost
) -> None:
    """Submitted only by the submit button with a valid token when nothing is missing."""
    owner = respondent.owner
    for number, fill in post.prepare:
        fill_in(respondent, number, fill, post.sector)
    complete = is_complete(small_app, owner.token)
    before = snapshot(small_app, owner.token)
    data = post.data(respondent.token)
    response = owner.client.post(owner.url("/review"), data=data)
    assert_answered(response, data)
    after = snapshot(small_app, owner.token)
    assert after["answers"] == before["answers"]
    submitted = after["status"] == "submitted"
    if response.status_code == 413:
        assert not submitted
        return
    accepted = post.csrf.passes and not carries_nul(data)
    assert submitted == (accepted and data.get("action") == "submit" and complete)
    assert response.status_code == (302 if submitted else 400)
    assert_stored_data_valid(small_app, owner.token)
    if submitted:
        assert response.location == f"/a/{owner.token}/report"
        with small_app.app_context():
            assessment = find_assessment(owner.token)
            assert assessment is not None and assessment.submitted_at is not None
        owner.start(CHECK.id)  # the next examples need an open assessment


# --- starting and the language switch -----------------------------------------------------------


def fresh_client(app: Flask) -> tuple[FlaskClient, str]:
    """A new visitor and the CSRF token of the landing page."""
    client = app.test_client()
    return client, csrf_token(client.get("/"))


def assessment_count(app: Flask) -> int:
    """How many assessments are stored."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Assessment.id))) or 0


@dataclass(frozen=True)
class StartPost:
    """A post to start an assessment."""

    form: MultiDict[str, str]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The form as sent."""
        return as_sent(self.form, self.csrf, token)


QUESTIONNAIRE_NAMES = [CHECK.id, CHECK.id, CHECK.id.upper(), f" {CHECK.id}", "digitalcheck", ""]


@st.composite
def start_posts(draw: st.DrawFn) -> StartPost:
    """Any questionnaire id (one, several or none) with any other fields."""
    chosen = draw(
        st.lists(
            st.one_of(
                *[st.just(CHECK.id)] * 3,
                st.sampled_from(QUESTIONNAIRE_NAMES),
                st.tuples(st.sampled_from(QUESTIONNAIRE_NAMES), AWKWARD).map("".join),
                ANY_TEXT,
            ),
            max_size=2,
        )
    )
    form = draw(pairs(["language", "next", "action"], ["de", "en", "/"], 4))
    form.setlist("questionnaire", chosen)
    return StartPost(form, draw(csrf_modes))


@fuzz(100)
@given(post=start_posts())
def test_any_post_to_start(small_app: Flask, post: StartPost) -> None:
    """Only a served questionnaire with a valid token starts an assessment, on this site."""
    client, token = fresh_client(small_app)
    before = assessment_count(small_app)
    data = post.data(token)
    response = client.post("/assessments", data=data)
    assert_answered(response, data)
    started = post.csrf.passes and not carries_nul(data) and data.get("questionnaire") == CHECK.id
    if response.status_code != 413:
        assert response.status_code == (302 if started else 400)
    assert assessment_count(small_app) == before + (response.status_code == 302)
    if response.status_code == 302:
        assert re.fullmatch(r"/a/[A-Za-z0-9_-]{43}/step/0", response.location), response.location


@dataclass(frozen=True)
class LanguagePost:
    """A post to the language switch."""

    form: MultiDict[str, str]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The form as sent."""
        return as_sent(self.form, self.csrf, token)


LANGUAGES = st.one_of(
    *[st.sampled_from(["de", "en"])] * 3, st.sampled_from(["EN", "en ", "fr", ""]), ANY_TEXT
)


@st.composite
def language_posts(draw: st.DrawFn) -> LanguagePost:
    """Any language and any return address (one, several or none), with other fields."""
    form = draw(pairs(["questionnaire", "action"], ["de", "en", "/"], 2))
    form.setlist("language", draw(st.lists(LANGUAGES, min_size=1, max_size=2)))
    form.setlist("next", draw(st.lists(next_targets, min_size=1, max_size=2)))
    return LanguagePost(form, draw(csrf_modes))


@fuzz(150)
@given(post=language_posts())
@example(post=LanguagePost(MultiDict({"language": "de", "next": "//["}), Csrf("valid")))
@example(post=LanguagePost(MultiDict({"language": "de", "next": "//\uff0f"}), Csrf("valid")))
@example(post=LanguagePost(MultiDict({"language": "de", "next": "/\n"}), Csrf("valid")))
def test_any_post_to_the_language_switch(small_app: Flask, post: LanguagePost) -> None:
    """A known language with a valid token switches; the redirect never leaves the site."""
    client, token = fresh_client(small_app)
    data = post.data(token)
    response = client.post("/language", data=data)
    assert_answered(response, data)
    accepted = post.csrf.passes and not carries_nul(data)
    switched = accepted and data.get("language", "") in small_app.config["LANGUAGES"]
    if response.status_code != 413:
        assert response.status_code == (302 if switched else 400)
    if response.status_code == 302:
        location = response.headers["Location"]
        assert browser_host(location) == ("http", "localhost"), location


CONSENT_FIELDS = [f"consent_{name}" for name in ("benchmark", "advisors", "partners")]


@dataclass(frozen=True)
class ConsentPost:
    """A post to the consent page."""

    form: MultiDict[str, str]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The form as sent."""
        return as_sent(self.form, self.csrf, token)


@st.composite
def consent_posts(draw: st.DrawFn) -> ConsentPost:
    """Any of the three boxes (ticked, emptied, repeated or with anything in them) and more."""
    form = draw(pairs([*CONSENT_FIELDS, "action", "csrf_token"], ["y", "", "false", "on"], 6))
    return ConsentPost(form, draw(csrf_modes))


def consents_and_history(app: Flask, token: str) -> tuple[dict[str, bool], int]:
    """The assessment's consents as stored, and how many changes are recorded."""
    with app.app_context():
        assessment = find_assessment(token)
        assert assessment is not None
        stored = {name: getattr(assessment, name) for name in CONSENT_FIELDS}
        changes = db.session.scalar(
            db.select(db.func.count(ConsentChange.id)).where(
                ConsentChange.assessment_id == assessment.id
            )
        )
        return stored, changes or 0


@fuzz(100)
@given(post=consent_posts())
def test_any_post_to_the_consent_page(
    respondent: FuzzedRespondent, small_app: Flask, post: ConsentPost
) -> None:
    """With a valid token the consents become what the boxes say (WTForms reads a box as ticked
    unless it is missing, empty or "false"), and each change is recorded; otherwise nothing
    changes."""
    owner = respondent.owner
    before, recorded = consents_and_history(small_app, owner.token)
    data = post.data(respondent.token)
    response = owner.client.post(owner.url("/consent"), data=data)
    assert_answered(response, data)
    accepted = post.csrf.passes and not carries_nul(data)
    if response.status_code == 413:
        accepted = False
    else:
        assert response.status_code == (302 if accepted else 400)
    after, now_recorded = consents_and_history(small_app, owner.token)
    if not accepted:
        assert (after, now_recorded) == (before, recorded)
        return
    expected = {
        name: bool(data.getlist(name)) and data.getlist(name)[0] not in ("", "false")
        for name in CONSENT_FIELDS
    }
    assert after == expected
    assert now_recorded == recorded + sum(after[name] != before[name] for name in CONSENT_FIELDS)
