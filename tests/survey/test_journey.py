"""The whole journey with the test client: start, every step, review, submit, report."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel.models import Answer, Assessment
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.scoring import display_score, read_answers, score_assessment

from .conftest import stored, the_assessment
from .helpers import Respondent, complete, csrf_token, is_checked, text

PROFILE = {"sector": "craft", "size": "small", "company_name": "Tischlerei Beispiel"}


def test_landing_page_is_german_by_default(client: FlaskClient) -> None:
    """A first visit shows German pages with a switch to English."""
    page = client.get("/")
    assert page.status_code == 200
    html = text(page)
    assert '<html lang="de">' in html
    assert "Wie digital ist Ihr Unternehmen?" in html
    assert 'value="en" lang="en"' in html


def test_profile_page_asks_for_profile_and_consents(owner: Respondent) -> None:
    """Step 1 of 3 is the profile: company, questions, e-mail and three separate consents.

    No consent is ticked in advance (GDPR Art. 4(11) and 7: consent is an active choice).
    """
    html = text(owner.step(0))
    assert "Schritt 1 von 3" in html
    for name in ("company_name", "contact_email", "sector", "size"):
        assert f'name="{name}"' in html
    for consent in ("consent_benchmark", "consent_advisors", "consent_partners"):
        assert f'id="{consent}"' in html
        assert not is_checked(html, consent)


def test_small_check_from_start_to_report(owner: Respondent, small_app: Flask) -> None:
    """Every question type answered, submitted, and the report shows the engine's scores."""
    first = owner.send(0, {**PROFILE, "contact_email": "info@example.org", "consent_advisors": "y"})
    assert first.status_code == 302
    assert first.location.endswith(owner.url("/step/1"))
    step1 = owner.client.get(first.location)
    assert owner.url() in text(step1), "the resume link is shown after the profile"
    sales = MultiDict(
        [("online", "yes"), ("share", "25,5"), ("channels", "shop"), ("channels", "market")]
    )
    assert owner.send(1, sales).location.endswith("/step/2")
    tech = {
        "rating": "4",
        "tools.erp": "used",
        "tools.crm": "none",
        "crafts_only": "yes",
        "plans": "Shop",
    }
    assert owner.send(2, tech).location.endswith("/review")
    assert stored(small_app) == {
        "sector": "craft",
        "size": "small",
        "online": "yes",
        "share": 25.5,
        "channels": ["shop", "market"],
        "rating": "4",
        "tools": {"erp": "used", "crm": "none"},
        "crafts_only": "yes",
        "plans": "Shop",
    }
    review = text(owner.client.get(owner.url("/review")))
    for shown in (
        "Tischlerei Beispiel",
        "info@example.org",
        "25,5 %",
        "Webshop",
        "ERP: Ja",
        "Shop",
    ):
        assert shown in review
    done = owner.submit()
    assert done.location.endswith(owner.url("/report"))
    report = text(owner.client.get(done.location))
    assessment = the_assessment(small_app)
    assert assessment.status == "submitted"
    assert assessment.consent_advisors and assessment.consent_benchmark is False
    # sales: online 100, share band 1 of 0..1 -> 100, channels 2 of 2 -> 100; tech: 75, 50, 100
    assert assessment.overall_score == (100 + 75) / 2
    assert "88" in report and "Vertrieb" in report and "Hoch" in report


def test_sample_questionnaire_every_step(
    sample_owner: Respondent, app: Flask, sample: Questionnaire
) -> None:
    """The sample check can be completed with the test client, and its numbers match the core."""
    complete(sample_owner, app, sample, "Muster GmbH", {})
    answers = stored(app)
    expected = score_assessment(sample, read_answers(sample, answers)[0])
    report = text(sample_owner.client.get(sample_owner.url("/report")))
    assert f'<span class="score-number">{display_score(expected.overall)}</span>' in report
    for dimension in expected.assessed:
        title = dimension.dimension.title.get("de")
        row = re.search(
            rf"<th scope=\"row\"[^>]*>{re.escape(title)}</th>\s*<td[^>]*>(\d+)</td>", report
        )
        assert row and int(row.group(1)) == display_score(dimension.score), title


def test_resume_link_in_a_fresh_browser(owner: Respondent, small_app: Flask) -> None:
    """Another device opening the link continues at the first unanswered step."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "no", "channels": "none"}, action="save")
    other = Respondent(small_app.test_client())
    resumed = other.client.get(owner.url())
    assert resumed.status_code == 302
    assert resumed.location.endswith(owner.url("/step/2"))
    page = text(other.client.get(owner.url("/step/1")))
    assert is_checked(page, "q-online")


def test_save_and_continue_later_shows_the_link(owner: Respondent) -> None:
    """The save button leads to a page with the resume link, without requiring answers."""
    saved = owner.send(0, {}, action="save")
    assert saved.location.endswith(owner.url("/saved"))
    page = text(owner.client.get(saved.location))
    assert f"http://127.0.0.1:5000{owner.url()}" in page, "on EXTERNAL_URL, not the Host"
    resumed = owner.client.get(owner.url())
    assert resumed.location.endswith("/step/0"), "the profile was not completed yet"


def test_back_goes_to_the_previous_step(owner: Respondent) -> None:
    """Back saves the page and returns to the step before."""
    owner.send(0, PROFILE)
    back = owner.send(1, {"online": "no"}, action="back")
    assert back.location.endswith("/step/0")


def test_change_from_the_review_returns_to_the_review(owner: Respondent, small_app: Flask) -> None:
    """ "Change" on the review opens the step with "back to the overview" as its main button,
    which saves the page (every required answer given) and returns to the review."""
    owner.send(0, PROFILE)
    review = text(owner.client.get(owner.url("/review")))
    link = owner.url("/step/1?from=review")
    assert f'href="{link}"' in review
    page = text(owner.client.get(link))
    primary = re.search(
        r'<button type="submit" name="action" value="(\w+)" class="button-primary"', page
    )
    assert primary and primary[1] == "review"
    assert "Speichern und zurück zur Übersicht" in page
    assert f'action="{link}"' in page, "the form keeps where it came from"
    form = MultiDict({"csrf_token": csrf_token(owner.step(1)), "action": "review"})
    refused = owner.client.post(link, data=form)
    assert refused.status_code == 400, "a required answer is missing"
    assert "Speichern und zurück zur Übersicht" in text(refused)
    form.update({"online": "no", "channels": "shop"})
    saved = owner.client.post(link, data=form)
    assert saved.status_code == 302 and saved.location.endswith(owner.url("/review"))
    assert stored(small_app)["online"] == "no"
    plain = text(owner.step(1))
    assert 'value="review"' not in plain, "opened normally, the step keeps its usual buttons"


def test_review_shows_a_scale_answer_with_its_place_and_label(owner: Respondent) -> None:
    """A point reads "4 von 5", with the point's label if it has one; an extra option its label."""
    owner.send(0, PROFILE)
    tech = {"tools.erp": "used", "tools.crm": "none", "crafts_only": "no"}
    for rating, shown in (
        ("4", "4 von 5"),
        ("5", "5 von 5 \N{EN DASH} sehr gut"),
        ("dk", "Weiß nicht"),
    ):
        owner.send(2, {**tech, "rating": rating}, action="save")
        review = text(owner.client.get(owner.url("/review")))
        words = " ".join(review[review.index('id="review-2"') :].split())
        assert f"<dt>Wie gut ist Ihre IT?</dt> <dd> {shown} </dd>" in words, words[:600]


def step_list(html: str) -> list[tuple[str, str, bool]]:
    """The list of steps: each step's name, its state, and whether it is a button to it."""
    found = re.search(r'<details class="step-list">(.*?)</details>', html, re.S)
    assert found, "the step page lists the steps"
    items = re.findall(r'<li class="step-(\w+)">(.*?)</li>', found[1], re.S)
    return [
        (re.sub(r"<[^>]+>|\s*\(.*", "", body).strip(), state, 'name="goto"' in body)
        for state, body in items
    ]


def test_the_list_of_steps_jumps_to_reached_steps(owner: Respondent, small_app: Flask) -> None:
    """Done, current and open steps are listed; a reached step is a button that saves this
    page first (without requiring its answers); a step not reached is refused."""
    assert step_list(text(owner.step(0))) == [
        ("Unternehmensprofil", "current", False),
        ("Vertrieb", "open", False),
        ("Technik", "open", False),
    ]
    owner.send(0, PROFILE)
    owner.send(1, MultiDict([("online", "no"), ("channels", "shop")]))
    listed = step_list(text(owner.step(2)))
    assert listed == [
        ("Unternehmensprofil", "done", True),
        ("Vertrieb", "done", True),
        ("Technik", "current", False),
    ]
    form = MultiDict({"csrf_token": csrf_token(owner.step(2)), "goto": "0", "rating": "2"})
    jumped = owner.client.post(owner.url("/step/2"), data=form)
    assert jumped.status_code == 302 and jumped.location.endswith(owner.url("/step/0"))
    assert stored(small_app)["rating"] == "2", "the page was saved on the way"
    fresh = Respondent(small_app.test_client())
    fresh.start("webcheck")
    page = fresh.step(0)
    ahead = MultiDict({"csrf_token": csrf_token(page), "goto": "2"})
    refused = fresh.client.post(fresh.url("/step/0"), data=ahead)
    assert refused.status_code == 400
    assert "noch nicht erreicht" in text(refused)


def test_condition_on_an_earlier_page_hides_the_question(owner: Respondent) -> None:
    """A trade firm never sees the crafts-only question."""
    owner.send(0, {**PROFILE, "sector": "trade"})
    assert 'name="crafts_only"' not in text(owner.step(2))
    owner.send(0, PROFILE)
    assert 'name="crafts_only"' in text(owner.step(2))


def test_condition_on_the_same_page_without_javascript(owner: Respondent, small_app: Flask) -> None:
    """Without JavaScript the dependent question has a note; its answer is ignored if false."""
    owner.send(0, PROFILE)
    html = text(owner.step(1))
    assert 'name="share"' in html
    assert "Nur beantworten, wenn: „Verkaufen Sie online?“ wurde mit „Ja“ beantwortet." in html
    assert "data-condition=" in html
    owner.send(1, {"online": "no", "share": "50", "channels": "none"})
    assert "share" not in stored(small_app)


def test_answers_to_questions_that_become_hidden_are_discarded(
    owner: Respondent, small_app: Flask
) -> None:
    """Changing the profile removes the answer to a question it now hides, on another page."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "yes", "share": "10", "channels": "shop"})
    owner.send(2, {"rating": "3", "tools.erp": "used", "tools.crm": "used", "crafts_only": "no"})
    assert "crafts_only" in stored(small_app)
    owner.send(0, {**PROFILE, "sector": "trade"})
    assert "crafts_only" not in stored(small_app)
    assert stored(small_app)["share"] == 10


def test_double_submit_stores_one_result(owner: Respondent, small_app: Flask) -> None:
    """A second submit (two clicks, or back and submit again) changes nothing."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "no", "channels": "none"})
    owner.send(2, {"rating": "2", "tools.erp": "none", "tools.crm": "none", "crafts_only": "no"})
    review = owner.client.get(owner.url("/review"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(review)).group(1)
    first = owner.client.post(owner.url("/review"), data={"csrf_token": token, "action": "submit"})
    submitted_at = the_assessment(small_app).submitted_at
    second = owner.client.post(owner.url("/review"), data={"csrf_token": token, "action": "submit"})
    assert first.location == second.location
    assert the_assessment(small_app).submitted_at == submitted_at


def test_submitted_answers_are_read_only(owner: Respondent, small_app: Flask) -> None:
    """After submitting, a step page leads to the report and a late post changes nothing."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "no", "channels": "none"})
    owner.send(2, {"rating": "2", "tools.erp": "none", "tools.crm": "none", "crafts_only": "no"})
    page = owner.step(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(page)).group(1)
    owner.submit()
    before = stored(small_app)
    late = owner.client.post(
        owner.url("/step/1"), data={"csrf_token": token, "action": "next", "online": "yes"}
    )
    assert late.location.endswith("/report")
    assert stored(small_app) == before
    assert owner.step(1).location.endswith("/report")


def test_review_refuses_submit_with_missing_answers(owner: Respondent) -> None:
    """Submitting with required answers missing lists them, linking to their steps."""
    owner.send(0, PROFILE)
    response = owner.submit()
    assert response.status_code == 400
    html = text(response)
    assert "error-summary" in html
    assert f'href="{owner.url("/step/1")}#q-online"' in html


def test_export_and_delete(owner: Respondent, small_app: Flask) -> None:
    """The owner downloads the data as JSON, then deletes everything after confirming."""
    owner.send(0, {**PROFILE, "contact_email": "a@example.org"})
    export = owner.client.get(owner.url("/export.json"))
    assert export.status_code == 200
    assert export.headers["Content-Disposition"].startswith('attachment; filename="digital-check-')
    data = export.get_json()
    assert data["answers"] == {"sector": "craft", "size": "small"}
    assert data["contact_email"] == "a@example.org"
    assert data["consents"] == {"benchmark": False, "advisors": False, "partners": False}
    confirm = owner.client.get(owner.url("/delete"))
    assert confirm.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(confirm)).group(1)
    deleted = owner.client.post(owner.url("/delete"), data={"csrf_token": token})
    assert deleted.status_code == 200
    assert owner.client.get(owner.url()).status_code == 404
    with small_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_english_pages_and_questionnaire_texts(owner: Respondent) -> None:
    """After switching to English, the interface and the questionnaire are English."""
    page = owner.step(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(page)).group(1)
    switched = owner.client.post(
        "/language", data={"csrf_token": token, "language": "en", "next": owner.url("/step/1")}
    )
    assert switched.location.endswith(owner.url("/step/1"))
    html = text(owner.step(1))
    assert '<html lang="en">' in html
    assert "Step 2 of 3" in html and "Do you sell online?" in html and "Save and next" in html


def test_small_check_in_english(owner: Respondent, small_app: Flask) -> None:
    """The whole journey in English: questions, errors, review and report."""
    page = owner.step(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(page)).group(1)
    owner.client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    owner.send(0, PROFILE)
    refused = text(owner.send(1, {"online": "yes", "share": "1.000", "channels": "shop"}))
    assert "Please enter the number without a thousands separator" in refused
    owner.send(1, {"online": "yes", "share": "12.5", "channels": "none"})
    owner.send(2, {"rating": "dk", "tools.erp": "used", "tools.crm": "used", "crafts_only": "no"})
    review = text(owner.client.get(owner.url("/review")))
    for shown in ("Check your answers", "12.5 %", "None", "Don&#39;t know", "CRM: Yes"):
        assert shown in review
    owner.submit()
    report = text(owner.client.get(owner.url("/report")))
    assert "Your result" in report and "Sales" in report and "Technology" in report
    assert the_assessment(small_app).language == "en"
