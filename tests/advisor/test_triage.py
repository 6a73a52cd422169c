"""Triage on the dashboard: the urgency the owner gave, and the next follow-up of the steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.kernel.pinning import pin
from assessment.questionnaire import Questionnaire
from assessment.survey.operations import save_page

from ..survey.helpers import Respondent, complete, good_answer, merge, page_questions, steps, text
from .conftest import CRAFT_FIRM, SharedFactory
from .test_dashboard import cells, companies
from .test_review import Reviewer, switch_language

DASHBOARD = "/advisor/"
URGENCY = "strategie_dringlichkeit"
VERY_URGENT = "Sehr dringend \N{EN DASH} wir wollen konkret etwas angehen"
DASH = "\N{EN DASH}"
NOT_URGENT = "Eher nicht dringend"


def urgency_column(response: object) -> dict[str, str]:
    """The urgency shown per company (the column after the level)."""
    return {line[0]: line[7] for line in cells(response)}  # type: ignore[arg-type]


def follow_up_column(response: object) -> dict[str, str]:
    """The next follow-up shown per company (the column after the assignee)."""
    return {line[0]: line[10] for line in cells(response)}  # type: ignore[arg-type]


def set_urgency(app: Flask, assessment_id: int, value: str | None, rank: int | None) -> None:
    """Give a stored assessment an urgency, as a save of its answers would."""
    with app.app_context():
        found = db.session.get(Assessment, assessment_id)
        assert found is not None
        found.urgency, found.urgency_rank = value, rank
        db.session.commit()


def urgency_of(app: Flask, assessment_id: int) -> tuple[str | None, int | None]:
    """The urgency stored with an assessment."""
    with app.app_context():
        found = db.session.get(Assessment, assessment_id)
        assert found is not None
        return found.urgency, found.urgency_rank


# --- urgency --------------------------------------------------------------------------------


def test_the_urgency_the_owner_gives_is_shown_and_changes_with_the_answer(
    ada: FlaskClient, advisor_app: Flask, sample: Questionnaire
) -> None:
    """The owner answers the urgency question on the web; the dashboard shows the answer's label
    and follows a changed answer."""
    owner = Respondent(advisor_app.test_client())
    owner.start()
    complete(owner, advisor_app, sample, "Tischlerei Eilig", CRAFT_FIRM | {"consent_advisors": "y"})
    assert urgency_column(ada.get(DASHBOARD)) == {
        "Tischlerei Eilig": "Wichtig, aber andere Themen gehen vor"
    }

    second = Respondent(advisor_app.test_client())
    second.start()
    complete(
        second,
        advisor_app,
        sample,
        "Bäckerei Später",
        CRAFT_FIRM | {"consent_advisors": "y"},
        submit=False,
    )
    step = next(s for s in steps(sample) if any(q.id == URGENCY for q in s.questions))
    page = page_questions(step, sample, {})
    data = merge(*(good_answer(shown.question) for shown in page))
    data[URGENCY] = "hoch"
    assert second.send(step.number, data).status_code == 302
    assert second.submit().status_code == 302
    shown = urgency_column(ada.get(DASHBOARD))
    assert shown["Bäckerei Später"] == VERY_URGENT


def test_urgency_filter_and_sort(
    ada: FlaskClient, advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """Filter by the answer; sort most urgent first, checks without an answer last."""
    calm, urgent = add_assessment("Ruhig GmbH"), add_assessment("Eilig KG")
    add_assessment("Ohne Angabe AG")
    set_urgency(advisor_app, calm, "gering", 0)
    set_urgency(advisor_app, urgent, "hoch", 2)
    assert urgency_column(ada.get(DASHBOARD)) == {
        "Ruhig GmbH": NOT_URGENT,
        "Eilig KG": VERY_URGENT,
        "Ohne Angabe AG": DASH,
    }
    assert companies(ada.get(DASHBOARD, query_string={"urgency": "hoch"})) == ["Eilig KG"]
    assert companies(ada.get(DASHBOARD, query_string={"urgency": "gering"})) == ["Ruhig GmbH"]
    assert companies(ada.get(DASHBOARD, query_string={"sort": "urgency"})) == [
        "Eilig KG",
        "Ruhig GmbH",
        "Ohne Angabe AG",
    ]
    page = text(ada.get(DASHBOARD))
    assert '<option value="hoch">' + VERY_URGENT in page, "the filter offers the labels"


def test_a_version_pinned_before_the_urgency_key_reads_the_served_question(
    ada: FlaskClient, advisor_app: Flask, sample: Questionnaire, add_assessment: SharedFactory
) -> None:
    """Checks answered with a version that named no urgency question still get their urgency,
    from the question the served questionnaire names, and its label."""
    assert sample.urgency == URGENCY
    older = sample.model_copy(update={"urgency": None})
    found = add_assessment("Früher Dabei")
    with advisor_app.app_context():
        assessment = db.session.get(Assessment, found)
        assert assessment is not None
        assessment.questionnaire_version = pin(older)
        assessment.status = "in_progress"
        db.session.commit()
        assert assessment.questionnaire_version.snapshot["questionnaire"].get("urgency") is None
        save_page(assessment, older, {URGENCY: "hoch"}, language="de")
        assessment.status = "submitted"
        db.session.commit()
    assert urgency_of(advisor_app, found) == ("hoch", 2)
    assert urgency_column(ada.get(DASHBOARD)) == {"Früher Dabei": VERY_URGENT}


# --- next follow-up -------------------------------------------------------------------------


@pytest.fixture
def reviewer(ada: FlaskClient) -> Reviewer:
    """Ada on the assessment pages, in English."""
    switch_language(ada, "en")
    return Reviewer(ada)


def add_step(
    reviewer: Reviewer, assessment_id: int, step: str, due: date | None, owner: str = "advisor"
) -> None:
    """Add an action item with a due date through the page's form."""
    response = reviewer.send(
        assessment_id,
        "actions",
        "action",
        text=step,
        due_on=due.isoformat() if due else "",
        owner=owner,
    )
    assert response.status_code == 302


def item_ids(app: Flask, assessment_id: int) -> list[int]:
    """The ids of an assessment's action items, oldest first."""
    from assessment.advisor.models import ActionItem

    with app.app_context():
        return list(
            db.session.scalars(
                db.select(ActionItem.id)
                .filter_by(assessment_id=assessment_id)
                .order_by(ActionItem.id)
            )
        )


def test_next_follow_up_is_the_earliest_open_due_date(
    reviewer: Reviewer, advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """The column shows the earliest due date of the open steps; done steps do not count."""
    found = add_assessment("Folge GmbH")
    soon, later = date.today() + timedelta(days=3), date.today() + timedelta(days=30)
    assert follow_up_column(reviewer.client.get(DASHBOARD)) == {"Folge GmbH": DASH}
    add_step(reviewer, found, "Angebot schicken", later)
    add_step(reviewer, found, "Ohne Termin", None)
    add_step(reviewer, found, "Anrufen", soon)
    shown = follow_up_column(reviewer.client.get(DASHBOARD))["Folge GmbH"]
    assert shown == format_day(advisor_app, soon)
    first_soon = item_ids(advisor_app, found)[2]
    reviewer.send(found, f"actions/{first_soon}/status", "progress", status="done")
    shown = follow_up_column(reviewer.client.get(DASHBOARD))["Folge GmbH"]
    assert shown == format_day(advisor_app, later), "the done step no longer counts"
    for item in item_ids(advisor_app, found):
        reviewer.send(found, f"actions/{item}/delete", "remove")
    assert follow_up_column(reviewer.client.get(DASHBOARD)) == {"Folge GmbH": DASH}


def format_day(app: Flask, day: date) -> str:
    """A day as the English pages write it."""
    from flask_babel import force_locale, format_date

    with app.test_request_context(), force_locale("en"):
        return format_date(day)


def test_overdue_follow_ups_are_marked_filtered_and_sorted(
    reviewer: Reviewer, advisor_app: Flask, add_assessment: SharedFactory
) -> None:
    """A past due date is marked overdue; the filter finds those, the sort puts the soonest
    first and checks without a follow-up last."""
    late, planned = add_assessment("Verspätet KG"), add_assessment("Geplant GmbH")
    add_assessment("Nichts AG")
    yesterday, next_week = date.today() - timedelta(days=1), date.today() + timedelta(days=7)
    add_step(reviewer, late, "Rückruf", yesterday, owner="firm")
    add_step(reviewer, planned, "Besuch", next_week)
    shown = follow_up_column(reviewer.client.get(DASHBOARD))
    assert shown["Verspätet KG"] == f"{format_day(advisor_app, yesterday)} (overdue)"
    assert shown["Geplant GmbH"] == format_day(advisor_app, next_week)
    assert shown["Nichts AG"] == DASH
    overdue = reviewer.client.get(DASHBOARD, query_string={"follow_up": "overdue"})
    assert companies(overdue) == ["Verspätet KG"]
    planned_list = reviewer.client.get(DASHBOARD, query_string={"follow_up": "planned"})
    assert sorted(companies(planned_list)) == ["Geplant GmbH", "Verspätet KG"]
    by_date = reviewer.client.get(DASHBOARD, query_string={"sort": "follow_up"})
    assert companies(by_date) == ["Verspätet KG", "Geplant GmbH", "Nichts AG"]


def test_the_follow_up_page_links_to_the_overdue_steps(reviewer: Reviewer) -> None:
    """The follow-up page leads to the list of overdue steps, earliest first."""
    page = text(reviewer.client.get("/advisor/follow-up"))
    assert 'href="/advisor/?follow_up=overdue&amp;sort=follow_up"' in page
