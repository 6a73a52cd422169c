"""Bad input: a clear message on the page or a friendly error page, never a 500, nothing lost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel import assessments
from assessment.kernel.models import Answer, Assessment
from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.scoring import score_assessment
from assessment.survey import operations

from ..conftest import database_path, make_app
from .conftest import DATA, stored, the_assessment
from .helpers import Respondent, csrf_token, text

PROFILE = {"sector": "craft", "size": "small"}


@pytest.fixture
def on_step_two(owner: Respondent) -> Respondent:
    """An owner past the profile and the first page, with answers stored."""
    owner.send(0, PROFILE)
    owner.send(1, {"online": "yes", "share": "30", "channels": "shop"})
    return owner


def error_summary_links(html: str) -> list[str]:
    """The anchors the error summary links to."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        (
            {"online": "maybe", "channels": "shop"},
            "q-online",
            "Bitte wählen Sie eine der angezeigten",
        ),
        (
            MultiDict([("online", "no"), ("channels", "shop"), ("channels", "none")]),
            "q-channels",
            "kann nicht mit",
        ),
        ({"channels": "shop"}, "q-online", "Bitte beantworten Sie diese Frage."),
        ({"online": "yes", "share": "120", "channels": "shop"}, "q-share", "höchstens 100"),
        (
            {"online": "yes", "share": "viel", "channels": "shop"},
            "q-share",
            "Bitte geben Sie eine Zahl ein",
        ),
        ({"online": "yes", "share": "-1", "channels": "shop"}, "q-share", "mindestens 0"),
    ],
)
def test_bad_answer_on_page_one(
    on_step_two: Respondent, small_app: Flask, data: dict, anchor: str, message: str
) -> None:
    """The page comes back (400) with a summary linking to the field and the message at it."""
    before = stored(small_app)
    response = on_step_two.send(1, data)
    assert response.status_code == 400
    html = text(response)
    assert anchor in error_summary_links(html)
    assert f'id="{anchor}"' in html
    assert message in html
    assert stored(small_app) == before


def test_typed_values_are_kept_when_the_page_comes_back(on_step_two: Respondent) -> None:
    """Nothing entered on the page is lost: the bad number and the other choices are shown again."""
    data = MultiDict([("online", "yes"), ("share", "zwölf"), ("channels", "market")])
    html = text(on_step_two.send(1, data))
    assert 'value="zwölf"' in html
    assert re.search(r'<input[^>]*id="q-channels-1"[^>]*checked', html) or re.search(
        r'<input[^>]*checked[^>]*id="q-channels-1"', html
    )


def test_matrix_with_rows_missing(on_step_two: Respondent, small_app: Flask) -> None:
    """A required matrix needs every row."""
    response = on_step_two.send(2, {"rating": "3", "tools.erp": "used", "crafts_only": "no"})
    assert response.status_code == 400
    assert "Bitte beantworten Sie jede Zeile." in text(response)
    assert "tools" not in stored(small_app)


def test_text_over_its_maximum_length(on_step_two: Respondent) -> None:
    """The text limit is explained with the actual length."""
    data = {
        "rating": "3",
        "tools.erp": "used",
        "tools.crm": "used",
        "crafts_only": "no",
        "plans": "x" * 51,
    }
    html = text(on_step_two.send(2, data))
    assert "höchstens 50 Zeichen" in html and "51" in html


def test_unknown_matrix_option_and_scale_point(on_step_two: Respondent) -> None:
    """Options and points that the question does not have are refused."""
    data = {"rating": "9", "tools.erp": "maybe", "tools.crm": "used", "crafts_only": "no"}
    response = on_step_two.send(2, data)
    assert response.status_code == 400
    assert set(error_summary_links(text(response))) == {"q-rating", "q-tools"}


def test_save_and_back_keep_valid_answers_without_requiring_all(
    on_step_two: Respondent, small_app: Flask
) -> None:
    """Required answers are only demanded by "next"; "save" stores what is there."""
    response = on_step_two.send(2, {"rating": "2"}, action="save")
    assert response.status_code == 302
    assert stored(small_app)["rating"] == "2"


def test_invalid_email_on_the_profile(owner: Respondent, small_app: Flask) -> None:
    """A malformed e-mail address is refused with a message at the field."""
    response = owner.send(0, {**PROFILE, "contact_email": "not-an-address"})
    assert response.status_code == 400
    html = text(response)
    assert "contact_email" in error_summary_links(html)
    assert 'value="not-an-address"' in html
    assert stored(small_app) == {}


def test_profile_fields_left_out_of_the_form(owner: Respondent, small_app: Flask) -> None:
    """A client that does not send the optional fields at all stores nothing for them."""
    response = owner.send(0, PROFILE)
    assert response.status_code == 302
    assessment = the_assessment(small_app)
    assert assessment.contact_email is None
    assert assessment.company_name is None
    assert assessment.consent_advisors is False


@pytest.mark.parametrize("number", [3, 99])
def test_step_out_of_range(owner: Respondent, number: int) -> None:
    """A step that does not exist is a friendly 404 in the site's layout."""
    response = owner.step(number)
    assert response.status_code == 404
    html = text(response)
    assert "Seite nicht gefunden" in html and 'class="site-header"' in html


def test_negative_step_is_not_found(owner: Respondent) -> None:
    """A negative step number does not match the route."""
    assert owner.client.get(owner.url("/step/-1")).status_code == 404


def test_unknown_token(owner: Respondent) -> None:
    """An unknown or malformed token gets a friendly 404."""
    for token in ("x" * 43, "short", "../../etc"):
        response = owner.client.get(f"/a/{token}/step/0")
        assert response.status_code == 404
        assert "Seite nicht gefunden" in text(response)


def test_unknown_button(on_step_two: Respondent, small_app: Flask) -> None:
    """A tampered action value is a 400 page."""
    before = stored(small_app)
    response = on_step_two.send(1, {"online": "no"}, action="delete")
    assert response.status_code == 400
    assert stored(small_app) == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_missing_or_tampered_csrf_token(
    on_step_two: Respondent, small_app: Flask, token: str | None
) -> None:
    """A post without a valid CSRF token is refused with a 400 page and stores nothing."""
    before = stored(small_app)
    data = {"online": "no", "channels": "none", "action": "next"}
    if token:
        data["csrf_token"] = token
    response = on_step_two.client.post(on_step_two.url("/step/1"), data=data)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in text(response)
    assert stored(small_app) == before


def test_huge_request_body(on_step_two: Respondent, small_app: Flask) -> None:
    """A body over the limit is refused (413) with a friendly page; nothing changes."""
    before = stored(small_app)
    page = on_step_two.step(2)
    data = {"csrf_token": csrf_token(page), "action": "next", "plans": "x" * (1024 * 1024)}
    response = on_step_two.client.post(on_step_two.url("/step/2"), data=data)
    assert response.status_code == 413
    assert 'class="site-header"' in text(response)
    assert stored(small_app) == before


def test_start_with_unknown_questionnaire(small_app: Flask) -> None:
    """Starting a questionnaire that is not offered is a 400 page."""
    client = small_app.test_client()
    token = csrf_token(client.get("/"))
    response = client.post("/assessments", data={"csrf_token": token, "questionnaire": "nope"})
    assert response.status_code == 400
    assert "Bitte wählen Sie einen der angebotenen Fragebögen." in text(response)


def test_language_switch_refuses_other_sites(small_app: Flask) -> None:
    """The language switch only returns to pages of this site."""
    client = small_app.test_client()
    token = csrf_token(client.get("/"))
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/language", data={"csrf_token": token, "language": "en", "next": target}
        )
        assert response.location in ("/", "http://localhost/"), target
    bad = client.post("/language", data={"csrf_token": token, "language": "fr", "next": "/"})
    assert bad.status_code == 400


def test_questionnaire_edited_while_in_progress(tmp_path: Path, small_app: Flask) -> None:
    """An assessment goes on with the version it started with; its result does not change."""
    owner = Respondent(small_app.test_client())
    owner.start("webcheck")
    owner.send(0, PROFILE)
    owner.send(1, {"online": "yes", "share": "30", "channels": "shop"})
    edited = tmp_path / "edited"
    edited.mkdir()
    changed = (DATA / "check.yaml").read_text(encoding="utf-8")
    changed = changed.replace("Verkaufen Sie online?", "Verkaufen Sie im Internet?")
    changed = changed.replace("{min: 20, score: 1}", "{min: 50, score: 1}")
    changed = changed.replace("version: 1", "version: 2")
    (edited / "check.yaml").write_text(changed, encoding="utf-8")
    shutil.copy(DATA / "centre.yaml", edited)
    restarted = make_app(database_path(small_app), edited)
    owner.client = restarted.test_client()
    assert "Verkaufen Sie online?" in text(owner.step(1))
    owner.send(2, {"rating": "4", "tools.erp": "used", "tools.crm": "none", "crafts_only": "yes"})
    owner.submit()
    report = text(owner.client.get(owner.url("/report")))
    assert "Version 1" in report
    original = load_questionnaire(DATA / "check.yaml")
    answers = dict(stored(restarted))
    expected = score_assessment(original, answers)
    assert the_assessment(restarted).overall_score == float(expected.overall)
    share = next(q for q in expected.dimension("sales").questions if q.question_id == "share")
    assert share.score == 100, "30 % is in the top band of version 1 (version 2 starts it at 50)"
    newcomer = Respondent(restarted.test_client())
    newcomer.start("webcheck")
    newcomer.send(0, PROFILE)
    assert "Verkaufen Sie im Internet?" in text(newcomer.step(1))
    shutil.rmtree(edited)


def test_save_after_a_submit_in_another_tab(owner: Respondent, small_app: Flask) -> None:
    """A page saved after the assessment was submitted elsewhere changes nothing."""
    owner.send(0, PROFILE)
    with small_app.app_context():
        assessment = db.session.scalars(db.select(Assessment)).one()
        questionnaire = assessments.questionnaire_of(assessment)
        db.session.execute(db.update(Assessment).values(status="submitted"))
        db.session.commit()
        with pytest.raises(operations.AssessmentSubmitted):
            operations.save_page(assessment, questionnaire, {"online": "yes"}, language="de")
    assert "online" not in stored(small_app)


def test_two_tabs_saving_the_same_new_answer(owner: Respondent, small_app: Flask) -> None:
    """When another save inserted the same answer first, the page is saved again on top of it."""
    owner.send(0, PROFILE)
    with small_app.app_context():
        assessment = db.session.scalars(db.select(Assessment)).one()
        questionnaire = assessments.questionnaire_of(assessment)
        assert assessment.answers  # loaded now, before the other tab writes
        other_tab = db.engine.connect()
        other_tab.execute(
            db.insert(Answer).values(
                assessment_id=assessment.id,
                question_id="online",
                value="no",
                updated_at=db.func.now(),
            )
        )
        other_tab.commit()
        other_tab.close()
        operations.save_page(assessment, questionnaire, {"online": "yes"}, language="de")
    assert stored(small_app)["online"] == "yes"
