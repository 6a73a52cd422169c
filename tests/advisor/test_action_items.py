"""Action items: a due date, who does it (the centre or the firm), open or done, and changes."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.advisor.models import ActionItem
from assessment.extensions import db
from assessment.questionnaire import Questionnaire

from ..survey.helpers import text
from .conftest import SharedFactory
from .test_review import (
    Company,
    Reviewer,
    answer_as_company,
    changes,
    company_actions,
    flashes,
    items,
    section,
    switch_language,
)

DUE = date(2031, 1, 15)


@pytest.fixture
def company(advisor_app: Flask, sample: Questionnaire) -> Company:
    """A craft firm that answered the sample on the web and shared it with advisors."""
    return answer_as_company(advisor_app, sample)


@pytest.fixture
def reviewer(ada: FlaskClient) -> Reviewer:
    """Ada on the assessment pages, in English."""
    switch_language(ada, "en")
    return Reviewer(ada)


def add(reviewer: Reviewer, found: int, step: str, due: str = "", owner: str = "advisor") -> str:
    """Add a step through the page's form; the page the browser lands on."""
    response = reviewer.send(
        found, "actions", "action", follow=True, text=step, due_on=due, owner=owner
    )
    return text(response)


def only_item(app: Flask, found: int) -> ActionItem:
    """The one action item of an assessment, as stored."""
    with app.app_context():
        item = db.session.scalars(select(ActionItem).filter_by(assessment_id=found)).one()
        db.session.expunge(item)
        return item


@pytest.fixture
def step(reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask) -> tuple[int, int]:
    """A shared check with one step, "Website erneuern": the check's id and the step's."""
    found = add_assessment()
    add(reviewer, found, "Website erneuern")
    return found, only_item(advisor_app, found).id


def change(reviewer: Reviewer, found: int, item: int, follow: bool = True, **fields: str):
    """Send an item's change form."""
    return reviewer.send(found, f"actions/{item}", f"item-{item}", follow=follow, **fields)


def test_a_step_with_due_date_and_owner(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """The new-step form takes the due date and who does it; the list shows both."""
    found = add_assessment()
    html = add(reviewer, found, "Angebote vergleichen", DUE.isoformat(), "firm")
    assert flashes(html) == ["The step has been added to the action plan."]
    [(step, meta)] = items(html, "actions-title")
    assert step == "Angebote vergleichen"
    assert "Who does it: The company" in meta and "due on Jan 15, 2031" in meta
    stored = only_item(advisor_app, found)
    assert (stored.due_on, stored.owner, stored.status) == (DUE, "firm", "open")
    assert changes(html)[0] == ("Ada Lovelace", "Action item added: Angebote vergleichen")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": "2031-02-30"}, "Not a valid date value."),
        ({"due_on": "0001-01-01"}, "Please enter a date between 1900 and 2999."),
        ({"owner": "nobody"}, "Not a valid choice."),
    ],
)
def test_a_bad_new_step_is_refused_and_what_was_typed_stays(
    reviewer: Reviewer,
    add_assessment: SharedFactory,
    advisor_app: Flask,
    fields: dict[str, str],
    message: str,
) -> None:
    """400, the message at the field, the text kept in the form, nothing stored."""
    found = add_assessment()
    data = {"text": "Website erneuern", "due_on": "", "owner": "advisor", **fields}
    response = reviewer.send(found, "actions", "action", **data)
    assert response.status_code == 400
    page = unescape(text(response))
    assert message in page
    assert "Website erneuern</textarea>" in page
    with advisor_app.app_context():
        assert db.session.scalars(select(ActionItem)).all() == []


def test_changing_a_step(reviewer: Reviewer, step: tuple[int, int], advisor_app: Flask) -> None:
    """Every field can be changed; the change is in the audit log with old and new values."""
    found, item = step
    html = text(
        change(
            reviewer,
            found,
            item,
            text="Website erneuern lassen",
            due_on=DUE.isoformat(),
            owner="firm",
            status="done",
        )
    )
    assert flashes(html) == ["The step has been saved."]
    stored = only_item(advisor_app, found)
    assert (stored.text, stored.due_on, stored.owner, stored.status) == (
        "Website erneuern lassen",
        DUE,
        "firm",
        "done",
    )
    assert stored.done_at is not None
    who, what = changes(html)[0]
    assert who == "Ada Lovelace"
    assert what == (
        "Action item changed: Website erneuern lassen (text: Website erneuern → "
        "Website erneuern lassen; due on: \N{EN DASH} → Jan 15, 2031; "
        "who does it: The centre's advisor → The company; status: open → done)"
    )
    [(step, _meta)] = items(html, "actions-title")
    assert step == '<span class="count-chip">done</span> Website erneuern lassen'


def test_saving_a_step_unchanged_says_so(
    reviewer: Reviewer, step: tuple[int, int], advisor_app: Flask
) -> None:
    """Nothing changed: nothing logged, and the advisor is told."""
    found, item = step
    html = text(
        change(
            reviewer,
            found,
            item,
            text="Website erneuern",
            due_on="",
            owner="advisor",
            status="open",
        )
    )
    assert flashes(html) == ["Nothing was changed."]
    assert [what for _who, what in changes(html)] == ["Action item added: Website erneuern"]


def test_a_bad_change_is_refused_and_the_form_stays_open_with_the_input(
    reviewer: Reviewer, step: tuple[int, int], advisor_app: Flask
) -> None:
    """400; the step's change form is open, with the message and what was typed; nothing
    changed."""
    found, item = step
    response = change(
        reviewer,
        found,
        item,
        follow=False,
        text="Neu",
        due_on="morgen",
        owner="firm",
        status="open",
    )
    assert response.status_code == 400
    page = unescape(text(response))
    assert '<details class="item-edit" open>' in page
    assert f'id="item-{item}-due_on-error"' in page
    assert re.search(r">\s*Neu</textarea>", page)
    assert 'value="morgen"' in page
    assert only_item(advisor_app, found).text == "Website erneuern"


def test_mark_done_and_open_again(
    reviewer: Reviewer, step: tuple[int, int], advisor_app: Flask
) -> None:
    """One button marks the step done, the same place opens it again."""
    found, item = step
    html = text(reviewer.send(found, f"actions/{item}/status", "progress", True, status="done"))
    assert flashes(html) == ["The step is marked as done."]
    assert "Open again" in section(html, "actions-title")
    assert only_item(advisor_app, found).status == "done"
    html = text(reviewer.send(found, f"actions/{item}/status", "progress", True, status="open"))
    assert flashes(html) == ["The step is open again."]
    assert "Mark as done" in section(html, "actions-title")
    stored = only_item(advisor_app, found)
    assert (stored.status, stored.done_at) == ("open", None)
    bad = reviewer.send(found, f"actions/{item}/status", "progress", status="finished")
    assert bad.status_code == 400


def test_another_assessments_step_cannot_be_changed(
    reviewer: Reviewer, add_assessment: SharedFactory, advisor_app: Flask
) -> None:
    """The change address of another company's step, used on this one: 404, nothing changed."""
    mine, theirs = add_assessment(), add_assessment("Metallbau Schmidt")
    add(reviewer, theirs, "Website erneuern")
    item = only_item(advisor_app, theirs).id
    fields = {"text": "Übernommen", "due_on": "", "owner": "advisor", "status": "done"}
    assert change(reviewer, mine, item, follow=False, **fields).status_code == 404
    assert (
        reviewer.send(mine, f"actions/{item}/status", "progress", status="done").status_code == 404
    )
    bad = change(reviewer, mine, item, follow=False, **{**fields, "due_on": "x"})
    assert bad.status_code == 404
    stored = only_item(advisor_app, theirs)
    assert (stored.text, stored.status) == ("Website erneuern", "open")


def test_the_remove_button_is_a_visible_button(
    reviewer: Reviewer, add_assessment: SharedFactory
) -> None:
    """ "Remove" is drawn as a button with a border and the brand colour, not white on white."""
    found = add_assessment()
    html = add(reviewer, found, "Website erneuern")
    assert '<button type="submit" class="button-secondary">Remove' in section(html, "actions-title")


def test_the_companys_report_shows_who_does_a_step_and_by_when(
    company: Company, reviewer: Reviewer, advisor_app: Flask
) -> None:
    """Shown in the report: whether the firm or the centre does it, the due date, or done."""
    reviewer.show_actions(company.id, True)
    add(reviewer, company.id, "Angebote vergleichen", DUE.isoformat(), "firm")
    add(reviewer, company.id, "Förderberatung vermitteln")
    report = company.report()
    assert company_actions(report) == ["Angebote vergleichen", "Förderberatung vermitteln"]
    plan = unescape(report)
    assert "(Ihr Unternehmen, bis 15.01.2031)" in plan
    assert "(das Zentrum)" in plan
    with advisor_app.app_context():
        second = db.session.scalars(select(ActionItem.id).order_by(ActionItem.id.desc())).first()
    reviewer.send(company.id, f"actions/{second}/status", "progress", status="done")
    assert "(das Zentrum, erledigt)" in unescape(company.report())
