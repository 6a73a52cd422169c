"""Fuzzing the advisor's forms: login, the list's filters and exports, the review.

Whatever is sent, the answer is never a 500, and what is stored keeps to the forms' limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import event, example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from assessment.advisor.accounts import create_advisor, deactivate_advisor, normalise_email
from assessment.advisor.forms import ACTION_LENGTH, FILTER_NAMES, NOTE_LENGTH
from assessment.advisor.listing import SORTS
from assessment.advisor.models import ActionItem, Advisor, Note
from assessment.extensions import db
from assessment.kernel.models import REVIEW_STATUSES, Assessment
from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.cleantext import without_invisible
from assessment.questionnaire.questions import SingleQuestion

from ..advisor.conftest import ADA, PASSWORD, SharedFactory
from ..conftest import SAMPLE
from ..survey.helpers import csrf_token
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
    huge_text,
    next_targets,
    pairs,
    values,
)

CHECK = load_questionnaire(SAMPLE)


def often(value: object, times: int = 3) -> list[st.SearchStrategy[object]]:
    """A fixed value as several branches of `one_of`, so that it is drawn more often."""
    return [st.just(value)] * times


# --- login --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginPost:
    """A post to the login form, with `next` values in the query string."""

    next: tuple[str, ...]
    form: MultiDict[str, str]
    csrf: Csrf

    def data(self, token: str) -> MultiDict[str, str]:
        """The form as sent."""
        return as_sent(self.form, self.csrf, token)


EMAILS = st.one_of(
    *often(ADA),
    st.sampled_from([ADA.upper(), f" {ADA} ", f"{ADA}\n", f"{ADA}\x00", "", " ", ADA + " " * 250]),
    st.emails().map(str),
    ANY_TEXT,
)
PASSWORDS = st.one_of(
    *often(PASSWORD),
    st.sampled_from([f"{PASSWORD} ", PASSWORD.upper(), "", " ", "x" * 129, f"{PASSWORD}\x00"]),
    ANY_TEXT,
)


@st.composite
def login_posts(draw: st.DrawFn) -> LoginPost:
    """Any e-mail address and password (one, several or none), and any `next`."""
    form: MultiDict[str, str] = MultiDict()
    form.setlist("email", draw(st.lists(EMAILS, min_size=draw(st.sampled_from([1, 1, 0])))))
    form.setlist("password", draw(st.lists(PASSWORDS, min_size=draw(st.sampled_from([1, 1, 0])))))
    if draw(st.integers(0, 3)) == 3:
        for key, value in draw(pairs(["email", "password", "remember"], [ADA, ""], 3)).items(
            multi=True
        ):
            form.add(key, value)
    nexts = draw(st.lists(next_targets, max_size=2))
    return LoginPost(tuple(nexts), form, draw(csrf_modes))


def ada_logs_in(target: str) -> LoginPost:
    """Ada's correct login, returning to ``target``."""
    return LoginPost((target,), MultiDict({"email": ADA, "password": PASSWORD}), Csrf("valid"))


@fuzz(100)
@given(post=login_posts())
@example(post=ada_logs_in("//["))
@example(post=ada_logs_in("//\uff0f"))
@example(post=ada_logs_in("/advisor/\n"))
def test_any_login(advisor_app: Flask, post: LoginPost) -> None:
    """Only Ada's address and password with a valid token log in; `next` stays on the site."""
    advisor_app.config.update(LOGIN_LIMIT_PER_ACCOUNT=10**6, LOGIN_LIMIT_PER_ADDRESS=10**6)
    client = advisor_app.test_client()
    data = post.data(csrf_token(client.get("/advisor/login")))
    response = client.post(
        "/advisor/login", query_string=MultiDict([("next", n) for n in post.next]), data=data
    )
    assert_answered(response, data)
    email, password = data.get("email"), data.get("password")
    valid = (
        post.csrf.passes
        and not carries_nul(data, post.next)
        and email is not None
        and len(email) <= 254
        and normalise_email(email) == ADA
        and password == PASSWORD
    )
    if response.status_code != 413:
        assert response.status_code == (302 if valid else 400)
    if response.status_code == 302:
        location = response.headers["Location"]
        assert browser_host(location) == ("http", "localhost"), location
        assert urlsplit(urljoin("http://localhost/", location)).path.startswith("/advisor/")


# --- the list, its statistics and exports -------------------------------------------------------


def options_of(question_id: str) -> list[str]:
    """The option ids of a profile question of the sample."""
    question = CHECK.question_index[question_id]
    assert isinstance(question, SingleQuestion)
    return [option.id for option in question.options]


#: Dates the filters accept: 1900 to 2999 (others are typing errors, refused with a message).
DATES = st.one_of(
    st.sampled_from(["1900-01-01", "1970-01-01", "2024-02-29", "2999-12-31"]),
    st.dates(date(1900, 1, 1), date(2999, 12, 31)).map(lambda day: day.isoformat()),
    st.dates(date(2020, 1, 1), date(2999, 12, 31)).map(lambda day: day.isoformat()),
)
FAR_DATES = st.one_of(
    st.sampled_from(["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-30", "9999-12-31"]),
    st.dates().map(lambda day: day.isoformat()),
)
#: Values each filter accepts.
VALID_FILTERS: dict[str, st.SearchStrategy[str]] = {
    "q": st.one_of(st.text(max_size=30), st.sampled_from(["Bäckerei", "bäckerei", "%", "_"])),
    "questionnaire": st.sampled_from(["", CHECK.id]),
    "sector": st.sampled_from(["", *options_of("sector")]),
    "size": st.sampled_from(["", *options_of("size")]),
    "region": st.sampled_from(["", *options_of("region")]),
    "level": st.sampled_from(["", *(level.id for level in CHECK.levels)]),
    "status": st.sampled_from(["", *REVIEW_STATUSES]),
    "assigned": st.sampled_from(["", "me", "nobody"]),
    "consultation": st.sampled_from(["", "open", "any"]),
    "partners": st.sampled_from(["", "yes", "no"]),
    "referrals": st.sampled_from(["", "open", "any"]),
    "urgency": st.sampled_from(["", *options_of(CHECK.urgency or "")]),
    "follow_up": st.sampled_from(["", "overdue", "planned"]),
    "submitted_from": st.one_of(st.just(""), DATES),
    "submitted_to": st.one_of(st.just(""), DATES),
    "sort": st.sampled_from(list(SORTS)),
    "page": st.one_of(st.integers(1, 3).map(str), st.integers(1, 10**6).map(str)),
}
FILTER_JUNK = st.one_of(
    values(["", "me", "nobody", "newest", "2024-02-30", "31.12.2024", "+10000-01-01"]),
    FAR_DATES,
    NUMBERS,
    st.integers(200, 210).flatmap(lambda size: st.text(min_size=size, max_size=size)),
    st.tuples(AWKWARD, DATES, AWKWARD).map("".join),
)
LIST_PAGES = ["/advisor/", "/advisor/", "/advisor/statistics", "/advisor/export.csv"]
LIST_PAGES += ["/advisor/export.xlsx"]


@dataclass(frozen=True)
class ListQuery:
    """A query of a list page; ``valid`` when every filter was drawn from what it accepts."""

    page: str
    query: MultiDict[str, str] | str
    valid: bool


@st.composite
def list_queries(draw: st.DrawFn) -> ListQuery:
    """Filters with valid, junk, repeated or unknown values, or a raw query string."""
    page = draw(st.sampled_from(LIST_PAGES))
    if draw(st.integers(0, 9)) == 9:
        raw = draw(st.text(st.characters(codec="ascii", exclude_characters="#"), max_size=60))
        return ListQuery(page, raw, False)
    query: MultiDict[str, str] = MultiDict()
    valid = True
    for name in FILTER_NAMES:
        mode = draw(st.sampled_from(["left out"] * 3 + ["valid"] * 3 + ["junk", "twice"]))
        if mode == "left out":
            continue
        if mode != "valid":
            valid = False
        query.add(name, draw(VALID_FILTERS[name] if mode == "valid" else FILTER_JUNK))
        if mode == "twice":
            query.add(name, draw(st.one_of(VALID_FILTERS[name], FILTER_JUNK)))
    if draw(st.integers(0, 3)) == 3:
        valid = False  # a few filters meet the unknown keys in the same query
        for key, value in draw(pairs([*FILTER_NAMES, "v", "next"], ["1"], 3)).items(multi=True):
            query.add(key, value)
    if draw(st.booleans()):  # the CSV export's format; the other pages ignore it
        chosen = draw(st.one_of(st.sampled_from(["excel", "rfc4180"]), FILTER_JUNK))
        query.add("format", chosen)
        if page == "/advisor/export.csv" and chosen not in ("excel", "rfc4180"):
            valid = False
    start, end = query.get("submitted_from"), query.get("submitted_to")
    if (start and end and start > end) or carries_nul(query):
        valid = False
    return ListQuery(page, query, valid)


@pytest.fixture
def listed(add_assessment: SharedFactory) -> None:
    """Shared and unshared assessments of several sectors, sizes, levels and dates."""
    now = datetime.now(UTC)
    for index, (sector, size, level) in enumerate(
        [
            ("handwerk", "small", "entdecker"),
            ("handel", "micro", "einsteiger"),
            ("bau", "large", "vorreiter"),
            ("handwerk", "medium", "fortgeschritten"),
        ]
    ):
        add_assessment(
            f"Bäckerei {index} 100%_",
            sector=sector,
            size=size,
            level=level,
            score=20.0 * index + 5,
            submitted_at=now - timedelta(days=40 * index),
            review_status=REVIEW_STATUSES[index % 3],
        )
    add_assessment(None, sector=None, size=None, region=None)
    add_assessment("Versteckt", shared=False)


@fuzz(150)
@given(query=list_queries())
@example(query=ListQuery("/advisor/", MultiDict({"submitted_to": "9999-12-31"}), valid=False))
@example(query=ListQuery("/advisor/", MultiDict({"submitted_to": "2999-12-31"}), valid=True))
def test_any_query_of_the_list(ada: FlaskClient, listed: None, query: ListQuery) -> None:
    """The list, its statistics and exports answer any query with a page or a download."""
    response = ada.get(query.page, query_string=query.query)
    assert_answered(response)
    assert response.status_code in (200, 400)
    if query.valid:
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]


# --- the review of one assessment ---------------------------------------------------------------


@dataclass(frozen=True)
class Workbench:
    """Ada's client and token, the assessments she may open or not, and the advisors."""

    client: FlaskClient
    token: str
    shared: int
    other: int
    hidden: int
    advisors: dict[str, int]


@pytest.fixture
def workbench(advisor_app: Flask, ada: FlaskClient, add_assessment: SharedFactory) -> Workbench:
    """Ada logged in; Bob (active) and Eve (deactivated); an action item on another assessment."""
    with advisor_app.app_context():
        create_advisor("bob@example.org", PASSWORD, name="Bob")
        create_advisor("eve@example.org", PASSWORD, name="Eve")
        deactivate_advisor("eve@example.org")
        advisors = {a.name.split()[0].lower(): a.id for a in db.session.scalars(db.select(Advisor))}
    shared, other = add_assessment("Bäckerei Beispiel"), add_assessment("Andere GmbH")
    hidden = add_assessment("Nicht geteilt", shared=False)
    token = csrf_token(ada.get(f"/advisor/assessments/{shared}"))
    added = ada.post(
        f"/advisor/assessments/{other}/actions",
        data={"action-csrf_token": token, "action-text": "Fremder Schritt"},
    )
    assert added.status_code == 302
    return Workbench(ada, token, shared, other, hidden, advisors)


#: Each form: its URL below the assessment, its prefix and its field.
FORMS = {
    "status": ("status", "review", "status"),
    "assign": ("assign", "assign", "advisor"),
    "note": ("notes", "note", "text"),
    "action": ("actions", "action", "text"),
    "share": ("actions/report", "share", "include"),
    "remove": ("actions/{item}/delete", "remove", None),
}


@dataclass(frozen=True)
class Advisee:
    """An advisor named in the assign form, by name (their id is known only at run time)."""

    name: str


def long_text(around: int) -> st.SearchStrategy[str]:
    """Text of about ``around`` characters, line breaks and blanks included."""
    piece = st.one_of(st.text(min_size=1, max_size=3), st.sampled_from(["\r\n", " ", "ab\r\n"]))
    return st.tuples(piece, st.integers(around - 10, around + 10)).map(
        lambda parts: (parts[0] * (parts[1] // len(parts[0]) + 1))[: parts[1]]
    )


def texts(limit: int) -> st.SearchStrategy[str]:
    """Notes or steps: short, blank, padded, around the limit, or huge."""
    return st.one_of(
        st.text(max_size=40),
        st.tuples(AWKWARD, st.text(max_size=10), AWKWARD).map("".join),
        long_text(limit),
        st.sampled_from(["", " ", "\r\n", "\x00", "<script>alert(1)</script>"]),
        huge_text(),
    )


FIELD_VALUES: dict[str, st.SearchStrategy[str | Advisee]] = {
    "status": st.one_of(
        *[st.sampled_from(REVIEW_STATUSES)] * 3, values(["New", "in review", " new", ""])
    ),
    "assign": st.one_of(
        *[st.sampled_from(["ada", "bob", "eve", "nobody"]).map(Advisee)] * 2,
        st.sampled_from(["", " ", "\t", "\r\n", "\u00a0"]),
        st.sampled_from(["0", "-1", "1.0", " 1", "99999999999999999999"]),
        values(["", "1", "2", "3"]),
    ),
    "note": texts(NOTE_LENGTH),
    "action": texts(ACTION_LENGTH),
    "share": st.one_of(st.sampled_from(["y", "on", "", "false", "False", "0"]), ANY_TEXT),
}


@dataclass(frozen=True)
class ReviewPost:
    """A post to one of the forms of an assessment's page."""

    form: str
    target: str
    item: str
    fields: tuple[str | Advisee, ...]
    extra: MultiDict[str, str]
    csrf: Csrf
    csrf_name: str


@st.composite
def review_posts(draw: st.DrawFn) -> ReviewPost:
    """Any of the page's forms, for any assessment, with its field's values and more."""
    form = draw(st.sampled_from(list(FORMS)))
    target = draw(st.sampled_from(["shared"] * 6 + ["other", "hidden", "missing"]))
    item = draw(st.sampled_from(["own", "own", "other", "missing"]))
    strategy = FIELD_VALUES.get(form)
    fields: list[str | Advisee] = []
    if strategy is not None:
        fields = draw(st.lists(strategy, min_size=draw(st.sampled_from([1, 1, 1, 0])), max_size=2))
    extra: MultiDict[str, str] = MultiDict()
    if draw(st.integers(0, 3)) == 3:
        names = [f"{prefix}-{field}" for _url, prefix, field in FORMS.values() if field]
        extra = draw(pairs(names, ["y", "new", ""], 3))
    csrf_name = draw(st.sampled_from(["prefixed"] * 5 + ["plain", "other prefix"]))
    return ReviewPost(form, target, item, tuple(fields), extra, draw(csrf_modes), csrf_name)


def resolve(value: str | Advisee, advisors: dict[str, int]) -> str:
    """A field value as sent: an advisor's id for an advisee ("" for nobody)."""
    if isinstance(value, Advisee):
        return str(advisors[value.name]) if value.name in advisors else ""
    return value


@dataclass(frozen=True)
class State:
    """What the forms change about an assessment."""

    review_status: str
    assigned: int | None
    actions_in_report: bool
    notes: tuple[str, ...]
    actions: tuple[tuple[int, str], ...]


def state_of(app: Flask, assessment_id: int) -> State:
    """The assessment's review state."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert assessment is not None
        of_it = {"assessment_id": assessment_id}
        notes = db.session.scalars(db.select(Note).filter_by(**of_it).order_by(Note.id))
        items = db.session.scalars(db.select(ActionItem).filter_by(**of_it).order_by(ActionItem.id))
        return State(
            assessment.review_status,
            assessment.assigned_advisor_id,
            assessment.actions_in_report,
            tuple(note.text for note in notes),
            tuple((item.id, item.text) for item in items),
        )


def assert_review_data_valid(app: Flask) -> None:
    """Every note, step, review status and assignment is one the forms could have stored."""
    with app.app_context():
        for note in db.session.scalars(db.select(Note)):
            assert note.text == note.text.strip() and 0 < len(note.text) <= NOTE_LENGTH
            assert "\x00" not in note.text
        for item in db.session.scalars(db.select(ActionItem)):
            assert item.text == item.text.strip() and 0 < len(item.text) <= ACTION_LENGTH
            assert "\x00" not in item.text
        active = set(db.session.scalars(db.select(Advisor.id).filter_by(active=True)))
        for assessment in db.session.scalars(db.select(Assessment)):
            assert assessment.review_status in REVIEW_STATUSES
            assert assessment.assigned_advisor_id in active | {None}


def item_id(post: ReviewPost, bench: Workbench, before: State, app: Flask) -> int:
    """The action item a removal names: one of this assessment, of another, or none."""
    if post.item == "own" and before.actions:
        return before.actions[0][0]
    others = state_of(app, bench.other).actions
    if post.item == "other" and others:  # unless an earlier example removed it
        return others[0][0]
    return 10**9


def expected_text(raw: str | None, limit: int) -> str | None:
    """The note or step a valid text is stored as (without invisible characters); None for an
    invalid one."""
    text = without_invisible(raw.replace("\r\n", "\n")) if raw else raw
    if not text or not text.strip() or len(text) > limit:
        return None
    return text.strip()


@dataclass(frozen=True)
class Outcome:
    """An accepted post to one of the forms of the shared assessment, and what it changed."""

    status: int
    sent: str | None
    item: int
    before: State
    after: State
    bench: Workbench


def check_status(outcome: Outcome) -> None:
    """Only one of the three statuses is taken."""
    valid = outcome.sent in REVIEW_STATUSES
    assert outcome.status == (302 if valid else 400)
    assert outcome.after.review_status == (outcome.sent if valid else outcome.before.review_status)


def check_assign(outcome: Outcome) -> None:
    """Ada, Bob or nobody; never the deactivated Eve, never anything else."""
    advisors = outcome.bench.advisors
    choices = {"": None, **{str(advisors[name]): advisors[name] for name in ("ada", "bob")}}
    sent = outcome.sent
    if sent is None or sent in choices:
        assert outcome.status == 302
        assert outcome.after.assigned == choices[sent or ""]
    elif not sent.strip():
        assert outcome.status in (302, 400)  # a blank choice: nobody, or refused
    else:
        assert outcome.status == 400
        assert outcome.after.assigned == outcome.before.assigned


def check_text(kind: str, limit: int) -> Callable[[Outcome], None]:
    """A note or step is added, stripped, when it has text within the limit; else nothing."""

    def check(outcome: Outcome) -> None:
        text = expected_text(outcome.sent, limit)
        assert outcome.status == (302 if text is not None else 400)
        if kind == "note":
            earlier, stored = outcome.before.notes, outcome.after.notes
        else:
            earlier = tuple(step for _id, step in outcome.before.actions)
            stored = tuple(step for _id, step in outcome.after.actions)
        assert stored == (earlier if text is None else (*earlier, text))

    return check


def check_share(outcome: Outcome) -> None:
    """The checkbox is on unless it is left out, empty or "false"."""
    assert outcome.status == 302
    assert outcome.after.actions_in_report == (outcome.sent not in (None, "", "false"))


def check_remove(outcome: Outcome) -> None:
    """Only a step of this assessment's plan is removed; any other is not found."""
    if outcome.item in dict(outcome.before.actions):
        assert outcome.status == 302
        kept = tuple(entry for entry in outcome.before.actions if entry[0] != outcome.item)
        assert outcome.after.actions == kept
    else:
        assert outcome.status == 404


CHECKS: dict[str, Callable[[Outcome], None]] = {
    "status": check_status,
    "assign": check_assign,
    "note": check_text("note", NOTE_LENGTH),
    "action": check_text("action", ACTION_LENGTH),
    "share": check_share,
    "remove": check_remove,
}


def review_form_data(post: ReviewPost, bench: Workbench) -> MultiDict[str, str]:
    """The form as sent: the field's values, other fields, and the token under some name."""
    _url, prefix, field = FORMS[post.form]
    data = MultiDict(post.extra)
    if field:
        data.setlist(f"{prefix}-{field}", [resolve(value, bench.advisors) for value in post.fields])
    other = "note" if prefix == "review" else "review"
    names = {"prefixed": prefix, "plain": "", "other prefix": other}
    post.csrf.add(data, bench.token, "-".join(filter(None, [names[post.csrf_name], "csrf_token"])))
    return data


@fuzz(300)
@given(post=review_posts())
@example(post=ReviewPost("assign", "shared", "own", (" ",), MultiDict(), Csrf("valid"), "prefixed"))
def test_any_post_to_the_review(advisor_app: Flask, workbench: Workbench, post: ReviewPost) -> None:
    """Never a 500; a form changes its assessment only with a valid token and valid values."""
    ids = {"shared": workbench.shared, "other": workbench.other, "hidden": workbench.hidden}
    before = state_of(advisor_app, workbench.shared)
    url, prefix, field = FORMS[post.form]
    item = item_id(post, workbench, before, advisor_app)
    data = review_form_data(post, workbench)
    response = workbench.client.post(
        f"/advisor/assessments/{ids.get(post.target, 10**9)}/{url.format(item=item)}", data=data
    )
    assert_answered(response, data)
    assert_review_data_valid(advisor_app)
    after = state_of(advisor_app, workbench.shared)
    if post.target != "shared" or response.status_code != 302:
        assert after == before
    if response.status_code == 413:
        return
    # The app checks the token of every post, whatever the form's prefix; the forms trust that.
    if not post.csrf.passes or carries_nul(data):
        assert response.status_code == 400
    elif post.target in ("hidden", "missing"):
        assert response.status_code == 404
    elif post.target == "shared":
        sent = data.get(f"{prefix}-{field}") if field else None
        event(f"{post.form}: {response.status_code}")
        CHECKS[post.form](Outcome(response.status_code, sent, item, before, after, workbench))
    if response.status_code == 302:
        page = workbench.client.get(f"/advisor/assessments/{workbench.shared}")
        assert page.status_code == 200
