"""The advisor's page of one assessment: what it shows, the review, notes, action items, audit."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from xml.etree import ElementTree

import flask
import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_datetime
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assessment import PROJECT_ROOT
from assessment.advisor.accounts import create_advisor, deactivate_advisor
from assessment.advisor.models import ActionItem, Advisor, AuditEvent, Note
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment
from assessment.kernel.models import Assessment
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.questions import SingleQuestion

from ..conftest import require_pdf, serving
from ..survey.helpers import Respondent, answers_of, complete, csrf_token, is_checked, text
from .conftest import ADA, CRAFT_FIRM, PASSWORD, SharedFactory, login

COMPANY = "Tischlerei Müller & Söhne"
SHARED = {**CRAFT_FIRM, "consent_advisors": "y"}
SCRIPT = "<script>alert(1)</script>"
#: An action item that no report holds by itself.
STEP = "Datensicherung mit Frau Kaya einrichten"
GRACE = "grace@example.org"
SVG = "{http://www.w3.org/2000/svg}"
#: The ids of the headings of the page's parts.
PARTS = (
    "review-title",
    "actions-title",
    "notes-title",
    "profile-title",
    "report-title",
    "answers-title",
    "history-title",
)
GERMAN = Translations.load(str(PROJECT_ROOT / "assessment" / "translations"), ["de"])


# --- helpers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    """A company that answered the sample on the web: its browser (which knows the token)."""

    owner: Respondent
    id: int

    def report(self) -> str:
        """The company's own report page."""
        response = self.owner.client.get(self.owner.url("/report"))
        assert response.status_code == 200
        return text(response)


def answer_as_company(
    app: Flask, sample: Questionnaire, profile: dict[str, str] = SHARED
) -> Company:
    """Let a company answer the whole sample through the web and submit it."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, sample, COMPANY, profile)
    return Company(owner, assessment_id(app, owner.token))


def repeat_check(
    earlier: Company, app: Flask, sample: Questionnaire, profile: dict[str, str] = SHARED
) -> Company:
    """Start the check again from the earlier report, answer it and submit it."""
    owner = earlier.owner
    report = owner.client.get(owner.url("/report"))
    started = owner.client.post(owner.url("/repeat"), data={"csrf_token": csrf_token(report)})
    assert started.status_code == 302
    match = re.search(r"/a/([\w-]+)/step/0", started.location)
    assert match, started.location
    again = Respondent(owner.client)
    again.token = match.group(1)
    complete(again, app, sample, COMPANY, profile)
    return Company(again, assessment_id(app, again.token))


def assessment_id(app: Flask, token: str) -> int:
    """The id of the assessment that a token opens."""
    with app.app_context():
        found = find_assessment(token)
        assert found is not None
        return found.id


class Reviewer:
    """An advisor's browser on the assessment pages: opens them and sends their forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token = ""

    @property
    def token(self) -> str:
        """The session's CSRF token (the same for every form of the session)."""
        if not self._token:
            self._token = csrf_token(self.client.get("/advisor/"))
        return self._token

    def page(self, assessment_id: int) -> TestResponse:
        """The assessment's page."""
        return self.client.get(f"/advisor/assessments/{assessment_id}")

    def send(
        self, assessment_id: int, path: str, prefix: str, follow: bool = False, **fields: str
    ) -> TestResponse:
        """Send one of the page's forms: ``fields`` without the form's prefix."""
        data = {f"{prefix}-{name}": value for name, value in fields.items()}
        data[f"{prefix}-csrf_token"] = self.token
        return self.client.post(
            f"/advisor/assessments/{assessment_id}/{path}", data=data, follow_redirects=follow
        )

    def set_status(self, assessment_id: int, status: str) -> TestResponse:
        """Change the review status; the page the browser is sent back to."""
        return self.send(assessment_id, "status", "review", follow=True, status=status)

    def assign(self, assessment_id: int, advisor: str) -> TestResponse:
        """Assign the assessment (an advisor's id, or "" for nobody)."""
        return self.send(assessment_id, "assign", "assign", follow=True, advisor=advisor)

    def note(self, assessment_id: int, note: str, follow: bool = True) -> TestResponse:
        """Add a note."""
        return self.send(assessment_id, "notes", "note", follow=follow, text=note)

    def add_action(self, assessment_id: int, step: str, follow: bool = True) -> TestResponse:
        """Add an action item."""
        return self.send(assessment_id, "actions", "action", follow=follow, text=step)

    def remove_action(self, assessment_id: int, item_id: int) -> TestResponse:
        """Remove an action item (the page's remove button)."""
        return self.send(assessment_id, f"actions/{item_id}/delete", "remove", follow=True)

    def show_actions(self, assessment_id: int, shown: bool) -> TestResponse:
        """Choose whether the action items appear in the company's report."""
        fields = {"include": "y"} if shown else {}
        return self.send(assessment_id, "actions/report", "share", follow=True, **fields)


def section(html: str, title_id: str) -> str:
    """The HTML of the page's part headed by the heading with this id, up to the next part."""
    start = html.index(f'<h2 id="{title_id}">')
    ends = [html.find(f'<h2 id="{other}">', start + 1) for other in PARTS if other != title_id]
    return html[start : min([end for end in ends if end > start] or [len(html)])]


def flashes(html: str) -> list[str]:
    """The flash messages shown at the top of a page."""
    found = re.findall(r'<div class="notice notice-\w+" role="status"><p>(.*?)</p></div>', html)
    return [unescape(message) for message in found]


def items(html: str, title_id: str) -> list[tuple[str, str]]:
    """The notes or action items of a section: (text, author and date)."""
    found = re.findall(
        r'<p class="item-text">(.*?)</p>\s*<p class="item-meta">(.*?)</p>',
        section(html, title_id),
        re.S,
    )
    return [(unescape(t), unescape(m)) for t, m in found]


def changes(html: str) -> list[tuple[str, str]]:
    """The rows of the "Changes" table: (who, what), newest first."""
    rows = re.findall(
        r"<tr><td>[^<]*</td><td>(.*?)</td><td>(.*?)</td></tr>", section(html, "history-title")
    )
    return [(unescape(who), unescape(what)) for who, what in rows]


def company_actions(report: str) -> list[str]:
    """The steps listed under "Agreed with your advisor" on a report page."""
    plan = re.search(r'<ol class="action-plan advisor-plan"[^>]*>(.*?)</ol>', report, re.S)
    if plan is None:
        return []
    return [unescape(t) for t in re.findall(r'<span class="step-text">(.*?)</span>', plan.group(1))]


def half_up(score: float) -> int:
    """A score rounded half up to a whole number, by decimal arithmetic."""
    return int(Decimal(str(score)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def switch_language(client: FlaskClient, language: str) -> None:
    """Switch the pages' language with the switch in the header."""
    token = csrf_token(client.get("/"))
    switched = client.post("/language", data={"csrf_token": token, "language": language})
    assert switched.status_code == 302


def pdf_text(document: bytes) -> str:
    """The text of a PDF, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def count(app: Flask, model: type[Note | ActionItem | AuditEvent], assessment_id: int) -> int:
    """How many rows of a model belong to an assessment."""
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(assessment_id=assessment_id)
        return db.session.scalar(query) or 0


def events(app: Flask, assessment_id: int) -> list[tuple[str, int, int]]:
    """An assessment's stored audit events, oldest first: (action, advisor id, assessment id)."""
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).filter_by(assessment_id=assessment_id).order_by(AuditEvent.id)
        )
        return [(e.action, e.advisor_id, e.assessment_id) for e in rows]


def german(message: str) -> str:
    """A message of the interface as the German pages show it (the message if untranslated)."""
    return GERMAN.gettext(message)


# --- fixtures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """One app shared by the read-only tests: a company that did the check three times.

    The first check was not shared with advisors; the second and third were.
    """

    app: Flask
    unshared: Company
    earlier: Company
    later: Company


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sample: Questionnaire) -> Iterator[World]:
    """Answering the sample takes seconds, so the tests that only read share these checks."""
    for app in serving(tmp_path_factory.mktemp("review") / "advisor.db"):
        with app.app_context():
            create_advisor(ADA, PASSWORD, name="Ada Lovelace")
        unshared = answer_as_company(app, sample, CRAFT_FIRM)
        earlier = repeat_check(unshared, app, sample)
        later = repeat_check(earlier, app, sample)
        yield World(app, unshared, earlier, later)


@pytest.fixture
def reader(world: World) -> Reviewer:
    """Ada, logged in on the shared app (German pages, the default)."""
    client = world.app.test_client()
    assert login(client).status_code == 302
    return Reviewer(client)


@pytest.fixture
def reviewer(ada: FlaskClient) -> Reviewer:
    """Ada, logged in on a fresh app of her own, reading English pages."""
    switch_language(ada, "en")
    return Reviewer(ada)


@pytest.fixture
def grace(advisor_app: Flask) -> int:
    """A second advisor, Grace; returns her id."""
    with advisor_app.app_context():
        return create_advisor(GRACE, PASSWORD, name="Grace Hopper").id


@pytest.fixture
def company(advisor_app: Flask, sample: Questionnaire) -> Company:
    """A craft firm that answered the sample on the web and shared it with advisors."""
    return answer_as_company(advisor_app, sample)


# --- what the page shows -------------------------------------------------------------------------


def test_page_shows_company_profile_and_answers(
    world: World, reader: Reviewer, sample: Questionnaire
) -> None:
    """The company's name, its profile in words and every question with the answer given."""
    response = reader.page(world.later.id)
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Tischlerei Müller &amp; Söhne</h1>" in html
    profile = section(html, "profile-title")
    for question, answer in (("Branche", "Handwerk"), ("Kommune", "Lippstadt")):
        assert re.search(rf"<dt>[^<]*{question}[^<]*</dt>\s*<dd>\s*{answer}\s*</dd>", profile)
    assert "Kleines Unternehmen (10 bis 49 Beschäftigte)" in profile
    answers = section(html, "answers-title")
    given = answers_of(world.app, world.later.owner.token)
    assert len(given) > 40
    for dimension in sample.dimensions:
        assert f"<h3>{escape(dimension.title.get('de'))}</h3>" in answers
        for question in dimension.questions:
            if question.id in given:
                assert f"<dt>{escape(question.text.get('de'))}</dt>" in answers, question.id
    assert "Antwort fehlt" not in answers
    unconditional = [
        question
        for dimension in sample.dimensions
        for question in dimension.questions
        if type(question) is SingleQuestion and question.show_if is None
    ]
    assert len(unconditional) >= 3
    for question in unconditional[:3]:
        # the web helper answers every single-choice question with its second option
        asked = re.escape(escape(question.text.get("de")))
        label = re.escape(escape(question.options[1].label.get("de")))
        assert re.search(rf"<dt>{asked}</dt>\s*<dd>\s*{label}\s*</dd>", answers), question.id


def test_page_shows_the_report_with_the_stored_score(world: World, reader: Reviewer) -> None:
    """The company's report is on the page; its overall score is the stored one, rounded half up."""
    with world.app.app_context():
        stored = db.session.get(Assessment, world.later.id)
        assert stored is not None and stored.overall_score is not None
        score = half_up(stored.overall_score)
    html = text(reader.page(world.later.id))
    report = section(html, "report-title")
    assert f'<span class="score-number">{score}</span>' in report
    assert re.search(rf"<dd>{score} / 100 \W \w+</dd>", section(html, "review-title"))
    assert f'<span class="score-number">{score}</span>' in world.later.report()


def test_charts_are_svg(world: World, reader: Reviewer) -> None:
    """Both charts linked from the page are SVG images; another kind of chart is not found."""
    html = text(reader.page(world.later.id))
    base = f"/advisor/assessments/{world.later.id}/charts/"
    sources = re.findall(rf'<img src="({re.escape(base)}(\w+)\.svg\?v=\w+)"', html)
    assert {kind for _src, kind in sources} == {"radar", "bars"}
    for source, _kind in sources:
        response = reader.client.get(source)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert ElementTree.fromstring(response.data).tag == f"{SVG}svg"
    assert reader.client.get(base + "pie.svg").status_code == 404


def test_pdf_link_gives_the_companys_pdf(world: World, reader: Reviewer) -> None:
    """The page links to the company's report as a PDF, which holds the company's name."""
    require_pdf()
    html = text(reader.page(world.later.id))
    link = f"/advisor/assessments/{world.later.id}/report.pdf"
    assert f'href="{link}"' in html
    response = reader.client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert COMPANY in pdf_text(response.data)


def test_unshared_or_unknown_assessment_is_not_found(world: World, reader: Reviewer) -> None:
    """An assessment the company did not share, or no assessment at all, is a 404."""
    for unknown in (world.unshared.id, 999_999):
        assert reader.page(unknown).status_code == 404
        assert reader.client.get(f"/advisor/assessments/{unknown}/report.pdf").status_code == 404
        assert reader.set_status(unknown, "reviewed").status_code == 404


def test_page_in_german(world: World, reader: Reviewer) -> None:
    """By default the page, the questionnaire's texts and the report are German."""
    html = text(reader.page(world.later.id))
    assert '<html lang="de">' in html
    assert "Branche" in html and "Handwerk" in html and "Strategie und Führung" in html
    assert "Gesamtergebnis" in html and "von 100 Punkten" in html


def test_advisors_own_labels_in_german(world: World, reader: Reviewer) -> None:
    """The advisor's own headings and labels are German on the German page, too."""
    html = text(reader.page(world.later.id))
    for message in ("Review status", "Action items", "Notes", "Changes", "Save the note"):
        assert german(message) != message, f"{message!r} is not translated"
        assert german(message) in html


def test_page_in_english(world: World, reader: Reviewer) -> None:
    """After switching, the page, the questionnaire's texts and the report are English."""
    switch_language(reader.client, "en")
    html = text(reader.page(world.later.id))
    assert '<html lang="en">' in html
    for shown in ("Review status", "Sector", "Skilled crafts", "Lippstadt", "Overall result"):
        assert shown in html
    assert "Strategy and leadership" in html and "of 100 points" in html
    assert "Handwerk" not in section(html, "profile-title") and "Gesamtergebnis" not in html


# --- earlier checks ------------------------------------------------------------------------------


def test_later_check_links_the_earlier_one(world: World, reader: Reviewer) -> None:
    """A repeated check lists the shared earlier check with a link, but not the unshared one."""
    profile = section(text(reader.page(world.later.id)), "profile-title")
    assert f'href="/advisor/assessments/{world.earlier.id}"' in profile
    assert (
        german("Earlier check of %(date)s").split("%")[0] in profile
        and german("This check, %(date)s").split(",")[0] in profile
    )
    assert f'href="/advisor/assessments/{world.unshared.id}"' not in profile
    assert profile.count(german("Earlier check of %(date)s").split("%")[0]) == 1
    assert german("Later check of %(date)s").split("%")[0] not in profile


def test_earlier_check_links_the_later_one(world: World, reader: Reviewer) -> None:
    """The earlier check links the later one; the unshared check before it is left out."""
    profile = section(text(reader.page(world.earlier.id)), "profile-title")
    assert f'href="/advisor/assessments/{world.later.id}"' in profile
    assert profile.count(german("Later check of %(date)s").split("%")[0]) == 1
    assert german("Earlier check of %(date)s").split("%")[0] not in profile
    assert f'href="/advisor/assessments/{world.unshared.id}"' not in profile


def test_single_check_says_so(reviewer: Reviewer, add_assessment: SharedFactory) -> None:
    """A company's only shared check says so instead of listing other checks."""
    html = text(reviewer.page(add_assessment()))
    assert "This is the company's only shared check." in unescape(html)


# --- review status -------------------------------------------------------------------------------


def test_status_moves_along_and_back(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """New, in review, reviewed and back: each change is confirmed; the list's filter finds it."""
    found = add_assessment()
    link = f'href="/advisor/assessments/{found}"'
    for status, name in (("in_review", "In review"), ("reviewed", "Reviewed"), ("new", "New")):
        html = text(reviewer.set_status(found, status))
        assert flashes(html) == [f"The review status is now: {name}."]
        assert f'<option selected value="{status}">{name}</option>' in html
        for other in ("new", "in_review", "reviewed"):
            listed = text(reviewer.client.get(f"/advisor/?status={other}"))
            assert (link in listed) == (other == status), (status, other)
    with advisor_app.app_context():
        assert db.session.get(Assessment, found).review_status == "new"  # type: ignore[union-attr]


def test_unknown_status_is_refused(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """A status that does not exist: 400 with the error summary, and nothing changes."""
    found = add_assessment(review_status="in_review")
    response = reviewer.set_status(found, "closed")
    assert response.status_code == 400
    html = text(response)
    assert 'id="error-summary"' in html
    assert re.search(r'<li><a href="#review-status">Review status: [^<]+</a></li>', html)
    assert 'id="review-status-error"' in html
    with advisor_app.app_context():
        assert db.session.get(Assessment, found).review_status == "in_review"  # type: ignore[union-attr]
    assert events(advisor_app, found) == []


def test_same_status_again_records_nothing(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """Sending the status the assessment already has records no change and says nothing."""
    found = add_assessment()
    reviewer.set_status(found, "in_review")
    again = reviewer.set_status(found, "in_review")
    assert again.status_code == 200
    assert flashes(text(again)) == []
    assert len(events(advisor_app, found)) == 1
    assert len(changes(text(again))) == 1


# --- assignment ----------------------------------------------------------------------------------


def test_assign_to_an_advisor_and_to_nobody(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask, grace: int
) -> None:
    """The assessment goes to Grace, then to nobody; the page and the list say so."""
    found = add_assessment()
    html = text(reviewer.assign(found, str(grace)))
    assert flashes(html) == ["The assessment is assigned to Grace Hopper now."]
    assert f'<option selected value="{grace}">Grace Hopper</option>' in html
    with advisor_app.app_context():
        assert db.session.get(Assessment, found).assigned_advisor_id == grace  # type: ignore[union-attr]
    html = text(reviewer.assign(found, ""))
    assert flashes(html) == ["The assessment is assigned to nobody now."]
    assert '<option selected value="">Nobody</option>' in html
    with advisor_app.app_context():
        assert db.session.get(Assessment, found).assigned_advisor_id is None  # type: ignore[union-attr]
    again = text(reviewer.assign(found, ""))
    assert flashes(again) == []
    assert [action for action, _who, _what in events(advisor_app, found)] == ["assign", "assign"]


@pytest.mark.parametrize("who", ["unknown", "deactivated"])
def test_assign_to_unknown_or_deactivated_advisor_is_refused(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask, grace: int, who: str
) -> None:
    """An advisor id that does not exist, or a deactivated advisor: 400, and nothing changes."""
    found = add_assessment()
    reviewer.assign(found, str(grace))
    if who == "deactivated":
        with advisor_app.app_context():
            bob = create_advisor("bob@example.org", PASSWORD, name="Bob Bobson").id
            deactivate_advisor("bob@example.org")
        target = str(bob)
    else:
        target = "4711"
    response = reviewer.assign(found, target)
    assert response.status_code == 400
    html = text(response)
    assert 'id="error-summary"' in html and 'href="#assign-advisor"' in html
    assert "Bob Bobson" not in html
    with advisor_app.app_context():
        assert db.session.get(Assessment, found).assigned_advisor_id == grace  # type: ignore[union-attr]
    assert len(events(advisor_app, found)) == 1


def test_deactivated_assignee_is_still_shown(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask, grace: int
) -> None:
    """After the assigned advisor is deactivated, the page still says who has the assessment."""
    found = add_assessment()
    reviewer.assign(found, str(grace))
    with advisor_app.app_context():
        deactivate_advisor(GRACE)
    assert "<td>Grace Hopper</td>" in text(reviewer.client.get("/advisor/"))
    assert "Grace Hopper" in section(text(reviewer.page(found)), "review-title")


# --- notes ---------------------------------------------------------------------------------------


def test_notes_have_author_and_time_oldest_first(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """Each note shows who wrote it and when; the oldest comes first."""
    found = add_assessment()
    assert "No notes yet." in text(reviewer.page(found))
    response = reviewer.note(found, "  Rückruf vereinbart  ")
    assert flashes(text(response)) == ["The note has been saved."]
    reviewer.note(found, "Termin vor Ort am Dienstag")
    html = text(reviewer.note(found, "Förderung go-digital prüfen", follow=True))
    with advisor_app.test_request_context(headers={"Accept-Language": "en"}):
        flask.session["language"] = "en"
        stored = db.session.scalars(select(Note).order_by(Note.id)).all()
        expected = [
            (n.text, f"Ada Lovelace, {format_datetime(n.created_at, 'short')}") for n in stored
        ]
    assert [n for n, _meta in expected] == [
        "Rückruf vereinbart",
        "Termin vor Ort am Dienstag",
        "Förderung go-digital prüfen",
    ]
    assert items(html, "notes-title") == expected
    assert "No notes yet." not in html


def test_invisible_characters_leave_a_note_with_a_message(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """A note loses control and direction-override characters, and the page says so."""
    found = add_assessment()
    response = reviewer.note(found, "Rückruf \u202eam Dienstag\x1b[0m")
    assert flashes(text(response)) == [
        "The note has been saved.",
        "Invisible control or text-direction characters were removed from what you wrote.",
    ]
    with advisor_app.app_context():
        assert db.session.scalars(select(Note.text)).all() == ["Rückruf am Dienstag[0m"]


def test_empty_note_is_refused_at_the_field(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """An empty (or blank) note: 400, the message at the field and in the summary, nothing saved."""
    found = add_assessment()
    for empty in ("", "   \r\n  "):
        response = reviewer.note(found, empty, follow=False)
        assert response.status_code == 400
        html = text(response)
        assert re.search(
            r'<p class="error-message" id="note-text-error">'
            r'<span class="visually-hidden">Error:</span> Please write the note.</p>',
            html,
        )
        assert 'aria-describedby="note-text-error"' in html
        assert '<li><a href="#note-text">Note: Please write the note.</a></li>' in html
        assert html.count('class="error-message"') == 1
    assert count(advisor_app, Note, found) == 0
    assert events(advisor_app, found) == []


def test_too_long_note_is_refused_and_kept(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """A note over 5000 characters: 400 with the message, and the text is still in the field."""
    found = add_assessment()
    typed = "Gespräch mit der Inhaberin & dem Meister. " * 120 + "Ende"
    assert len(typed) > 5000
    response = reviewer.note(found, typed, follow=False)
    assert response.status_code == 400
    html = text(response)
    assert "A note may have at most 5000 characters." in html
    field = re.search(r'<textarea[^>]*id="note-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert field is not None
    assert unescape(field.group(1)).strip() == typed
    assert count(advisor_app, Note, found) == 0
    assert reviewer.note(found, "x" * 5000, follow=False).status_code == 302


def test_note_the_browser_accepts_is_saved(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """A note of 5000 characters with line breaks, sent as browsers send it (CRLF), is saved."""
    found = add_assessment()
    # lines of ten characters with their line break, as typed in the browser
    lines = [f"Punkt {n:03d}" for n in range(500)]
    typed = "\n".join(lines)[:5000]
    assert len(typed) <= 5000
    response = reviewer.note(found, typed.replace("\n", "\r\n"), follow=False)
    assert response.status_code == 302
    assert count(advisor_app, Note, found) == 1


def test_html_in_a_note_is_shown_as_text(reviewer: Reviewer, add_assessment: SharedFactory) -> None:
    """A note with markup appears as typed, escaped, in the notes and in the changes."""
    found = add_assessment()
    html = text(reviewer.note(found, SCRIPT))
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section(html, "notes-title")
    assert "Note added: &lt;script&gt;alert(1)&lt;/script&gt;" in section(html, "history-title")
    assert items(html, "notes-title")[0][0] == SCRIPT


# --- action items --------------------------------------------------------------------------------


def test_add_and_remove_action_items(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """Steps are added in order with their author, and removed with the button."""
    found = add_assessment()
    assert "No action items yet." in text(reviewer.page(found))
    html = text(reviewer.add_action(found, STEP))
    assert flashes(html) == ["The step has been added to the action plan."]
    html = text(reviewer.add_action(found, "Förderantrag stellen"))
    assert [step for step, _meta in items(html, "actions-title")] == [
        STEP,
        "Förderantrag stellen",
    ]
    assert all("added by Ada Lovelace, " in meta for _step, meta in items(html, "actions-title"))
    with advisor_app.app_context():
        first = db.session.scalars(select(ActionItem.id).order_by(ActionItem.id)).first()
    assert f'action="/advisor/assessments/{found}/actions/{first}/delete"' in html
    html = text(reviewer.remove_action(found, first))  # type: ignore[arg-type]
    assert flashes(html) == ["The step has been removed from the action plan."]
    assert [step for step, _meta in items(html, "actions-title")] == ["Förderantrag stellen"]
    assert reviewer.remove_action(found, first).status_code == 404  # type: ignore[arg-type]
    assert count(advisor_app, ActionItem, found) == 1


def test_empty_action_item_is_refused(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """An empty step: 400 with the message at the field, nothing saved."""
    found = add_assessment()
    response = reviewer.add_action(found, " ", follow=False)
    assert response.status_code == 400
    assert 'id="action-text-error"' in text(response)
    assert "Please describe the step." in text(response)
    assert count(advisor_app, ActionItem, found) == 0


def test_removing_another_assessments_item_is_not_found(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """The remove address of another assessment's step, used on this one: 404, nothing removed."""
    mine, theirs = add_assessment(), add_assessment("Metallbau Schmidt")
    reviewer.add_action(theirs, "Website erneuern")
    with advisor_app.app_context():
        item = db.session.scalars(select(ActionItem.id)).one()
    assert reviewer.remove_action(mine, item).status_code == 404
    assert count(advisor_app, ActionItem, theirs) == 1
    assert [action for action, _who, _where in events(advisor_app, theirs)] == ["action_added"]
    assert events(advisor_app, mine) == []


def test_remove_needs_the_csrf_token(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """A removal without the form's token is refused."""
    found = add_assessment()
    reviewer.add_action(found, "Website erneuern")
    with advisor_app.app_context():
        item = db.session.scalars(select(ActionItem.id)).one()
    response = reviewer.client.post(f"/advisor/assessments/{found}/actions/{item}/delete")
    assert response.status_code == 400
    assert count(advisor_app, ActionItem, found) == 1


def test_html_in_an_action_item_is_shown_as_text(
    reviewer: Reviewer, add_assessment: SharedFactory
) -> None:
    """A step with markup appears as typed, escaped."""
    found = add_assessment()
    html = text(reviewer.add_action(found, SCRIPT))
    assert SCRIPT not in html
    assert items(html, "actions-title")[0][0] == SCRIPT
    assert "Action item added: &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_action_items_in_the_companys_report(
    company: Company, reviewer: Reviewer, advisor_app: Flask
) -> None:
    """Shown under "Agreed with your advisor" only when chosen and present; never a stale report."""
    heading = german("Agreed with your advisor")
    assert company_actions(company.report()) == [] and heading not in company.report()
    html = text(reviewer.show_actions(company.id, True))
    assert flashes(html) == ["The action items now appear in the company's report and PDF."]
    assert "Currently: shown in the company's report." in unescape(html)
    assert is_checked(html, "share-include")
    assert heading not in company.report(), "no items: no heading"
    reviewer.add_action(company.id, STEP)
    report = company.report()
    assert heading in report
    assert company_actions(report) == [STEP]
    reviewer.add_action(company.id, "Förderantrag <go-digital> stellen")
    assert company_actions(company.report()) == [
        STEP,
        "Förderantrag <go-digital> stellen",
    ]
    assert "Förderantrag &lt;go-digital&gt; stellen" in company.report()
    assert company_actions(section(text(reviewer.page(company.id)), "report-title")) == [
        STEP,
        "Förderantrag <go-digital> stellen",
    ]
    html = text(reviewer.show_actions(company.id, False))
    assert flashes(html) == ["The action items no longer appear in the company's report."]
    assert "Currently: not shown in the company's report." in unescape(html)
    report = company.report()
    assert heading not in report and STEP not in report
    reviewer.show_actions(company.id, True)
    assert len(company_actions(company.report())) == 2
    with advisor_app.app_context():
        items_now = db.session.scalars(select(ActionItem.id).order_by(ActionItem.id)).all()
    for item in items_now:
        reviewer.remove_action(company.id, item)
    assert heading not in company.report()


def test_action_items_in_the_companys_pdf(company: Company, reviewer: Reviewer) -> None:
    """When shown, the PDF (the company's and the advisor's copy) holds the steps."""
    require_pdf()
    reviewer.add_action(company.id, STEP)
    owner = company.owner
    before = pdf_text(owner.client.get(owner.url("/report.pdf")).data)
    assert STEP not in before
    reviewer.show_actions(company.id, True)
    response = owner.client.get(owner.url("/report.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    assert german("Agreed with your advisor") in content
    assert STEP in content
    copy = reviewer.client.get(f"/advisor/assessments/{company.id}/report.pdf")
    assert STEP in pdf_text(copy.data)


# --- audit log -----------------------------------------------------------------------------------


def test_every_change_is_in_the_audit_log(
    reviewer: Reviewer,
    add_assessment: SharedFactory,
    advisor_app: Flask,
    grace: int,
) -> None:
    """Each change is listed with the advisor's name, newest first, and stored with both ids."""
    found = add_assessment()
    assert "No changes yet." in text(reviewer.page(found))
    reviewer.set_status(found, "in_review")
    reviewer.assign(found, str(grace))
    reviewer.note(found, "Rückruf vereinbart")
    reviewer.add_action(found, "Website erneuern")
    by_grace = Reviewer(advisor_app.test_client())
    assert login(by_grace.client, GRACE).status_code == 302
    by_grace.show_actions(found, True)
    with advisor_app.app_context():
        item = db.session.scalars(select(ActionItem.id)).one()
    by_grace.remove_action(found, item)
    by_grace.set_status(found, "reviewed")
    assert changes(text(reviewer.page(found))) == [
        ("Grace Hopper", "Status changed from In review to Reviewed"),
        ("Grace Hopper", "Action item removed: Website erneuern"),
        ("Grace Hopper", "Action items shown in the company's report"),
        ("Ada Lovelace", "Action item added: Website erneuern"),
        ("Ada Lovelace", "Note added: Rückruf vereinbart"),
        ("Ada Lovelace", "Assignment changed from nobody to Grace Hopper"),
        ("Ada Lovelace", "Status changed from New to In review"),
    ]
    with advisor_app.app_context():
        ada = db.session.scalars(select(Advisor.id).filter_by(email=ADA)).one()
    assert events(advisor_app, found) == [
        ("status", ada, found),
        ("assign", ada, found),
        ("note", ada, found),
        ("action_added", ada, found),
        ("actions_in_report", grace, found),
        ("action_removed", grace, found),
        ("status", grace, found),
    ]


# --- deleting the assessment ---------------------------------------------------------------------


def test_deleting_the_assessment_deletes_the_advisors_work(
    company: Company, reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """When the company deletes its check, its notes, action items and audit events go too."""
    other = add_assessment("Metallbau Schmidt")
    for found in (company.id, other):
        reviewer.note(found, "Rückruf vereinbart")
        reviewer.add_action(found, "Website erneuern")
        reviewer.set_status(found, "in_review")
    for model in (Note, ActionItem, AuditEvent):
        assert count(advisor_app, model, company.id) >= 1
    owner = company.owner
    confirm = owner.client.get(owner.url("/delete"))
    assert confirm.status_code == 200
    deleted = owner.client.post(owner.url("/delete"), data={"csrf_token": csrf_token(confirm)})
    assert deleted.status_code == 200
    assert reviewer.page(company.id).status_code == 404
    for model in (Note, ActionItem, AuditEvent):
        assert count(advisor_app, model, company.id) == 0, model.__name__
        assert count(advisor_app, model, other) >= 1, model.__name__
    with advisor_app.app_context():
        assert db.session.get(Assessment, company.id) is None


def test_language_switch_returns_to_the_page(world: World, reader: Reviewer) -> None:
    """The switch in the header returns to the assessment's page."""
    page = reader.page(world.later.id)
    switched = reader.client.post(
        "/language",
        data={
            "csrf_token": csrf_token(page),
            "language": "en",
            "next": f"/advisor/assessments/{world.later.id}",
        },
    )
    assert switched.location.endswith(f"/advisor/assessments/{world.later.id}")
