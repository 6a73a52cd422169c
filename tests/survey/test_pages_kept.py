"""Step pages whose markup and forms are kept between requests: each owner still sees their own
answers, in their language, and a save writes only what changed."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from assessment.extensions import db
from assessment.kernel.assessments import find_assessment, questionnaire_of, stored_answers
from assessment.kernel.models import Answer
from assessment.survey.operations import save_page

from .helpers import Respondent, csrf_token, is_checked, text

PROFILE = {"sector": "trade", "size": "small"}
TECH = {"rating": "4", "tools.erp": "used", "tools.crm": "none", "plans": "Ein Shop"}


def _typed(html: str, name: str) -> str:
    """The text a page shows in the input or text area named ``name``."""
    area = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    if area:
        return area.group(1)
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def _started(small_app: Flask) -> Respondent:
    """An owner of the small check past the profile page."""
    owner = Respondent(small_app.test_client())
    owner.start("webcheck")
    assert owner.send(0, PROFILE).status_code == 302
    return owner


def test_two_owners_see_their_own_answers(small_app: Flask) -> None:
    """The same page shows each owner what they chose and typed, never another's."""
    first, second = _started(small_app), _started(small_app)
    sales = MultiDict([("online", "yes"), ("share", "25"), ("channels", "shop")])
    assert first.send(1, sales).status_code == 302
    assert second.send(1, MultiDict([("online", "no"), ("channels", "none")])).status_code == 302
    assert first.send(2, TECH).status_code == 302
    tech = {**TECH, "rating": "dk", "tools.erp": "none", "plans": "Nichts"}
    assert second.send(2, tech).status_code == 302

    mine, theirs = text(first.step(1)), text(second.step(1))
    assert is_checked(mine, "q-online-1") and not is_checked(mine, "q-online")
    assert is_checked(theirs, "q-online") and not is_checked(theirs, "q-online-1")
    assert _typed(mine, "share") == "25" and _typed(theirs, "share") == ""
    assert 'id="q-share-condition"' in mine and 'id="q-share-condition"' in theirs
    assert is_checked(mine, "q-channels") and not is_checked(mine, "q-channels-2")
    assert is_checked(theirs, "q-channels-2") and not is_checked(theirs, "q-channels")

    mine, theirs = text(first.step(2)), text(second.step(2))
    assert is_checked(mine, "q-rating-3") and not is_checked(mine, "q-rating-5")
    assert is_checked(theirs, "q-rating-5") and not is_checked(theirs, "q-rating-3")
    assert is_checked(mine, "q-tools-1") and is_checked(theirs, "q-tools")
    assert _typed(mine, "plans") == "Ein Shop" and _typed(theirs, "plans") == "Nichts"


def test_each_owner_reads_the_page_in_their_language(small_app: Flask) -> None:
    """After a German page, the same page in English has English texts and the same answers."""
    german, english = _started(small_app), _started(small_app)
    for owner in (german, english):
        sales = MultiDict([("online", "yes"), ("share", "10"), ("channels", "shop")])
        assert owner.send(1, sales).status_code == 302
    assert "Verkaufen Sie online?" in text(german.step(1))
    page = english.step(1)
    english.client.post(
        "/language", data={"language": "en", "next": "/", "csrf_token": csrf_token(page)}
    )
    html = text(english.step(1))
    assert "Do you sell online?" in html and "Verkaufen Sie online?" not in html
    assert "Web shop" in html and is_checked(html, "q-online-1")
    assert "Verkaufen Sie online?" in text(german.step(1))


def test_typed_text_is_shown_escaped(small_app: Flask) -> None:
    """Text with markup characters comes back as typed, escaped, never as markup."""
    owner = _started(small_app)
    assert owner.send(2, {**TECH, "plans": 'Shop <b>"neu"</b> & mehr'}).status_code == 302
    html = text(owner.step(2))
    assert _typed(html, "plans") == "Shop &lt;b&gt;&#34;neu&#34;&lt;/b&gt; &amp; mehr"
    assert "<b>" not in html


def test_a_page_with_errors_keeps_what_was_typed(small_app: Flask) -> None:
    """A refused page shows its error beside the typed value, and the other answers as sent."""
    owner = _started(small_app)
    refused = owner.send(1, MultiDict([("online", "yes"), ("share", "12x"), ("channels", "shop")]))
    assert refused.status_code == 400
    html = text(refused)
    assert _typed(html, "share") == "12x"
    assert 'id="q-share-error"' in html
    assert is_checked(html, "q-online-1") and is_checked(html, "q-channels")
    shown = text(owner.step(1))
    assert 'id="q-share-error"' not in shown and not is_checked(shown, "q-online-1")


def test_the_condition_decides_the_fields_a_page_reads(small_app: Flask) -> None:
    """A question shown for one owner and hidden for another is read only where it is shown."""
    crafts = Respondent(small_app.test_client())
    crafts.start("webcheck")
    assert crafts.send(0, {**PROFILE, "sector": "craft"}).status_code == 302
    trade = _started(small_app)
    for owner in (crafts, trade):
        assert owner.send(2, {**TECH, "crafts_only": "yes"}).status_code == 302
    with small_app.app_context():
        answered = set(
            db.session.scalars(db.select(Answer.assessment_id).filter_by(question_id="crafts_only"))
        )
    assert len(answered) == 1, "only the craft firm's answer to the crafts question is kept"


def test_saving_again_leaves_unchanged_answers_alone(owner: Respondent, small_app: Flask) -> None:
    """A page saved again with one answer changed rewrites only that answer."""
    assert owner.send(0, PROFILE).status_code == 302
    sales = MultiDict([("online", "yes"), ("share", "30"), ("channels", "shop")])
    sales.add("channels", "market")
    assert owner.send(1, sales).status_code == 302
    before = _answer_times(small_app)
    sales["share"] = "40"
    assert owner.send(1, sales).status_code == 302
    after = _answer_times(small_app)
    assert after["share"] > before["share"]
    for question in ("online", "channels", "sector", "size"):
        assert after[question] == before[question], question


def _answer_times(app: Flask) -> dict[str, object]:
    """When each stored answer was last changed, by question."""
    with app.app_context():
        rows = db.session.execute(db.select(Answer.question_id, Answer.updated_at))
        return dict(rows.all())


def test_the_form_token_is_the_sessions(client: FlaskClient) -> None:
    """The step form carries the session's CSRF token; a post without it is refused."""
    owner = Respondent(client)
    page = text(owner.start())
    tokens = set(re.findall(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page))
    assert len(tokens) == 1, "the language switch and the step form send the same token"
    refused = client.post(owner.url("/step/0"), data={"action": "next"})
    assert refused.status_code == 400


def test_a_save_after_another_removed_its_answer_still_stores_it(
    owner: Respondent, small_app: Flask
) -> None:
    """A save that changes an answer which another save (another tab) removed meanwhile
    stores it anew: the later save wins."""
    assert owner.send(0, PROFILE).status_code == 302
    sales = MultiDict([("online", "yes"), ("share", "30"), ("channels", "shop")])
    assert owner.send(1, sales).status_code == 302
    with small_app.app_context():
        assessment = find_assessment(owner.token)
        assert assessment is not None
        questionnaire = questionnaire_of(assessment)
        read = stored_answers(assessment)
        db.session.execute(db.delete(Answer).filter_by(question_id="share"))
        db.session.commit()
        save_page(
            assessment,
            questionnaire,
            {"share": 40},
            language="de",
            visible={**read, "share": 40},
            stored=read,
        )
    assert _answer_values(small_app)["share"] == 40


def _answer_values(app: Flask) -> dict[str, object]:
    """The stored answers by question."""
    with app.app_context():
        return dict(db.session.execute(db.select(Answer.question_id, Answer.value)).all())
