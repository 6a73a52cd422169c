"""The team check over HTTP: the coordinator's link, colleagues joining with a role and answering
on their own, the round closing with the coordinator's check, and the combined result."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from assessment.advisor.accounts import create_advisor
from assessment.advisor.impact import funnel
from assessment.advisor.listing import Filters
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment, stored_answers
from assessment.kernel.models import Assessment, utcnow
from assessment.questionnaire import Questionnaire, load_questionnaire
from assessment.questionnaire.scoring import display_score
from assessment.questionnaire.team import score_team
from assessment.report import rendering
from assessment.retention import purge_command
from assessment.team.models import TeamMember, TeamRound

from ..advisor.conftest import ADA, PASSWORD, login
from ..survey.conftest import DATA
from ..survey.helpers import (
    Respondent,
    answers_of,
    complete,
    csrf_token,
    good_answer,
    merge,
    page_questions,
    steps,
    text,
)

PROFILE = {"sector": "handwerk", "size": "small", "region": "lippstadt"}
LINK = re.compile(r'value="(http://[^"]+/t/([A-Za-z0-9_-]+))"')
TOKEN = re.compile(r"/a/([A-Za-z0-9_-]+)/")


def english(app: Flask) -> FlaskClient:
    """A browser reading the pages in English."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["language"] = "en"
    return client


class Colleague:
    """A colleague's browser: joins with the team link, answers the topics, submits."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def join(self, link: str, role: str = "it", by_role: bool = False) -> TestResponse:
        """Open the team link and join with a role."""
        page = self.client.get(link)
        data = {"csrf_token": csrf_token(page), "role": role}
        if by_role:
            data["consent_role"] = "y"
        response = self.client.post(link, data=data)
        if response.status_code == 302 and (found := TOKEN.search(response.location)):
            self.token = found.group(1)
        return response

    def answer(
        self, app: Flask, questionnaire: Questionnaire, chosen: dict[str, str] | None = None
    ) -> None:
        """Answer every topic (a valid answer, or the one chosen), not the profile."""
        chosen = chosen or {}
        for current in steps(questionnaire):
            if current.is_profile:
                continue
            with app.app_context():
                found = find_assessment(self.token)
                assert found is not None
                known = stored_answers(found)
            page = page_questions(current, questionnaire, known)
            data = merge(*(good_answer(shown.question) for shown in page))
            for shown in page:
                if shown.question.id in chosen:
                    data[shown.question.id] = chosen[shown.question.id]
            response = self.send(current.number, data)
            assert response.status_code == 302, text(response)

    def send(self, number: int, data: MultiDict) -> TestResponse:
        """Send one step."""
        url = f"/a/{self.token}/step/{number}"
        form = MultiDict(data)
        form["csrf_token"] = csrf_token(self.client.get(url))
        form["action"] = "next"
        return self.client.post(url, data=form)

    def submit(self) -> TestResponse:
        """Submit the answers from the review page."""
        page = self.client.get(f"/a/{self.token}/review")
        return self.client.post(
            f"/a/{self.token}/review", data={"csrf_token": csrf_token(page), "action": "submit"}
        )


def team_page(owner: Respondent) -> TestResponse:
    """The coordinator's page of the round."""
    return owner.client.get(owner.url("/team"))


def press(owner: Respondent, action: str) -> TestResponse:
    """One of the buttons of the coordinator's page."""
    page = team_page(owner)
    return owner.client.post(
        owner.url("/team"), data={"csrf_token": csrf_token(page), "action": action}
    )


def make_link(owner: Respondent) -> str:
    """Make a team link; the path it opens."""
    assert press(owner, "open").status_code == 302
    found = LINK.search(text(team_page(owner)))
    assert found, "the new link is shown"
    return f"/t/{found.group(2)}"


@pytest.fixture
def coordinator(app: Flask, sample: Questionnaire) -> Respondent:
    """An owner who answered every page of the sample and has not submitted yet."""
    owner = Respondent(english(app))
    owner.start()
    complete(
        owner, app, sample, "Tischlerei Team", {**PROFILE, "consent_advisors": "y"}, submit=False
    )
    return owner


def members(app: Flask) -> list[tuple[str, bool]]:
    """The colleagues who joined: role, and whether they agreed to be shown by role."""
    with app.app_context():
        return [(m.role, m.shown_by_role) for m in db.session.scalars(db.select(TeamMember))]


# --- the link and joining --------------------------------------------------------------------


def test_a_colleague_joins_with_a_role_and_answers_the_topics_only(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """The link is shown when made; the colleague chooses a role (required), starts at the first
    topic, cannot open the profile or the consents, and finishes on a page of thanks."""
    assert "Make a team link" in text(team_page(coordinator))
    link = make_link(coordinator)
    colleague = Colleague(english(app))
    refused = colleague.join(link, role="")
    assert refused.status_code == 400
    assert "Please choose your role." in text(refused)
    joined = colleague.join(link, role="it", by_role=True)
    assert joined.status_code == 302
    assert joined.location.endswith("/step/1")
    assert members(app) == [("it", True)]
    profile = colleague.client.get(f"/a/{colleague.token}/step/0")
    assert profile.status_code == 403
    assert "the company profile belongs to the person who started the check" in text(profile)
    assert colleague.client.get(f"/a/{colleague.token}/consent").status_code == 403
    colleague.answer(app, sample)
    assert not set(PROFILE) & set(answers_of(app, colleague.token)), "no profile of their own"
    review = text(colleague.client.get(f"/a/{colleague.token}/review"))
    assert "Company profile" not in review and "Submit my answers" in review
    finished = colleague.submit()
    assert finished.location.endswith(f"/a/{colleague.token}/finished")
    assert "Your answers are in." in text(colleague.client.get(finished.location))
    assert colleague.client.get(f"/a/{colleague.token}/report").status_code == 403
    progress = text(team_page(coordinator))
    assert '<th scope="row">IT</th>' in progress and "finished" in progress
    assert "combines your answers with those of 1 colleague" in progress


def test_the_same_browser_joining_twice_continues_its_own_answers(
    app: Flask, coordinator: Respondent
) -> None:
    """A second visit of the link from the same browser leads back to its own answers."""
    link = make_link(coordinator)
    colleague = Colleague(english(app))
    colleague.join(link)
    again = colleague.client.get(link)
    assert again.status_code == 302
    assert again.location.endswith(f"/a/{colleague.token}")
    assert len(members(app)) == 1


def test_a_revoked_or_expired_link_and_a_new_one(app: Flask, coordinator: Respondent) -> None:
    """A revoked link, an expired one, a mistyped one: a friendly 404; a new link works and ends
    the old one; colleagues who joined keep their own links."""
    first = make_link(coordinator)
    joined = Colleague(english(app))
    joined.join(first)
    press(coordinator, "revoke")
    revoked = english(app).get(first)
    assert revoked.status_code == 404 and "revoked" in text(revoked)
    assert joined.client.get(f"/a/{joined.token}/step/1").status_code == 200
    second = make_link(coordinator)
    assert english(app).get(second).status_code == 200
    assert english(app).get(first).status_code == 404
    with app.app_context():
        db.session.execute(db.update(TeamRound).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    expired = english(app).get(second)
    assert expired.status_code == 404 and "expired" in text(expired)
    assert english(app).get("/t/" + "x" * 43).status_code == 404
    assert english(app).get("/t/short").status_code == 404


def test_only_the_coordinator_opens_the_round(app: Flask, coordinator: Respondent) -> None:
    """A colleague's personal link does not open the coordinator's page of the round."""
    colleague = Colleague(english(app))
    colleague.join(make_link(coordinator))
    assert colleague.client.get(f"/a/{colleague.token}/team").status_code == 403


# --- the combined result -----------------------------------------------------------------------


def test_the_coordinators_check_combines_everyone_who_finished(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """Submitting closes the round: the stored scores are the combined result of the coordinator
    and the colleagues who finished; one who had not is left out and can no longer save."""
    link = make_link(coordinator)
    colleagues = [Colleague(english(app)) for _ in range(3)]
    for colleague, role in zip(colleagues, ("it", "sales", "management"), strict=True):
        colleague.join(link, role=role)
    low = {
        q.id: q.options[0].id
        for d in sample.dimensions
        for q in d.questions
        if q.type_name == "single" and q.is_scored
    }
    colleagues[0].answer(app, sample, low)
    colleagues[0].submit()
    colleagues[1].answer(app, sample)
    colleagues[1].submit()
    colleagues[2].answer(app, sample, low)  # answered, not submitted
    assert coordinator.submit().status_code == 302
    with app.app_context():
        owner = find_assessment(coordinator.token)
        assert owner is not None and owner.submitted
        sets = [
            stored_answers(owner),
            *(stored_answers(find_assessment(c.token)) for c in colleagues[:2]),  # type: ignore[arg-type]
        ]
        expected = score_team(sample, {k: sets[0][k] for k in PROFILE}, sets).combined
        alone = score_team(sample, {k: sets[0][k] for k in PROFILE}, sets[:1]).combined
        assert owner.overall_score == pytest.approx(float(expected.overall))
        assert expected.overall != alone.overall, "the colleagues' answers changed the result"
        stored = {s.dimension_id: s.score for s in owner.dimension_scores}
        assert stored == {d.dimension.id: pytest.approx(float(d.score)) for d in expected.assessed}
        round_ = db.session.scalars(db.select(TeamRound)).one()
        assert round_.closed_at is not None
        team = score_team(sample, {k: sets[0][k] for k in PROFILE}, sets)
        largest = max(float(s.range) for s in team.spreads if s.range is not None)
        assert (owner.team_size, owner.team_spread) == (3, pytest.approx(largest))
        create_advisor(ADA, PASSWORD, name="Ada Lovelace")
    advisor = english(app)
    assert login(advisor, ADA, PASSWORD).status_code == 302
    exported = advisor.get("/advisor/export.csv").get_data(as_text=True).lstrip("\ufeff")
    [line] = list(csv.DictReader(io.StringIO(exported)))
    assert line["Team check: people who answered"] == "3"
    assert float(line["Team check: largest spread of a topic"]) == pytest.approx(largest, abs=0.05)
    assert float(line["Overall score"]) == pytest.approx(float(expected.overall), abs=0.05)
    late = colleagues[2]
    step = next(s for s in steps(sample) if not s.is_profile)
    before = answers_of(app, late.token)
    refused = late.send(step.number, merge(*(good_answer(q) for q in step.questions)))
    assert refused.status_code == 409
    assert "The team check has been closed" in text(refused)
    assert answers_of(app, late.token) == before, "nothing of the page was saved"
    assert late.submit().status_code == 409
    closed = english(app).get(link)
    assert closed.status_code == 404 and "closed" in text(closed)
    summary = text(team_page(coordinator))
    assert "The report combines your answers with those of 2 colleagues." in summary
    assert "1 colleague had not finished and was left out." in summary


# --- privacy -------------------------------------------------------------------------------------


def test_a_colleague_exports_and_deletes_their_own_answers(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """The export holds the colleague's answers without the company profile; deleting them
    removes the colleague from the round."""
    colleague = Colleague(english(app))
    colleague.join(make_link(coordinator))
    colleague.answer(app, sample)
    exported = colleague.client.get(f"/a/{colleague.token}/export.json").get_json()
    assert exported["answers"] and not set(PROFILE) & set(exported["answers"])
    assert exported["company_name"] is None
    page = colleague.client.get(f"/a/{colleague.token}/delete")
    deleted = colleague.client.post(
        f"/a/{colleague.token}/delete", data={"csrf_token": csrf_token(page), "confirm": "y"}
    )
    assert deleted.status_code in (200, 302)
    assert members(app) == []
    assert "No colleague has joined yet." in text(team_page(coordinator))


def test_deleting_the_coordinators_check_deletes_the_round(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """The colleagues' answers go with the coordinator's check."""
    colleague = Colleague(english(app))
    colleague.join(make_link(coordinator))
    colleague.answer(app, sample)
    page = coordinator.client.get(coordinator.url("/delete"))
    coordinator.client.post(
        coordinator.url("/delete"), data={"csrf_token": csrf_token(page), "confirm": "y"}
    )
    with app.app_context():
        assert db.session.scalars(db.select(Assessment)).all() == []
        assert db.session.scalars(db.select(TeamRound)).all() == []


# --- the report ----------------------------------------------------------------------------------


def test_the_report_shows_where_the_team_sees_it_differently(
    app: Flask, coordinator: Respondent, sample: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The combined scores with the spread per topic (chart and table), and the questions seen
    most differently with how many gave each answer; results per role only for two or more
    colleagues of a role who all agreed. The PDF has the same section."""
    link = make_link(coordinator)
    lowest = {
        q.id: q.options[0].id
        for d in sample.dimensions
        for q in d.questions
        if q.type_name == "single" and q.is_scored
    }
    for role, by_role, chosen in (
        ("it", True, lowest),
        ("it", True, {}),
        ("sales", True, lowest),
    ):
        colleague = Colleague(english(app))
        colleague.join(link, role=role, by_role=by_role)
        colleague.answer(app, sample, chosen)
        colleague.submit()
    with coordinator.client.session_transaction() as session:
        session["language"] = "en"
    assert coordinator.submit().status_code == 302
    report = text(coordinator.client.get(coordinator.url("/report")))
    assert "Where your team sees it differently" in report
    assert "4 people of your company answered this check." in report
    with app.app_context():
        owner = find_assessment(coordinator.token)
        assert owner is not None
        sets = [stored_answers(owner)]
        members_ = db.session.scalars(
            db.select(Assessment)
            .where(Assessment.respondent_of == owner.id)
            .order_by(Assessment.id)
        ).all()
        sets += [stored_answers(m) for m in members_]
        team = score_team(sample, {k: sets[0][k] for k in PROFILE}, sets)
    table = re.search(r'<table class="results stacking" id="team-table".*?</table>', report, re.S)
    assert table is not None
    first = team.spreads[0]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table.group(0).split("<tbody")[1])
    assert cells[0] == first.dimension.title.get("en")
    assert cells[2:4] == [str(display_score(first.lowest)), str(display_score(first.highest))]
    assert "IT" in table.group(0) and "Sales and marketing" not in table.group(0), (
        "two IT colleagues who agreed: a column; one in sales: none"
    )
    assert "Here your colleagues see it differently" in report
    top = team.disagreements(1)[0]
    assert top.question.text.get("en") in report
    assert 'src="charts/spread.svg?v=' in report
    chart = coordinator.client.get(coordinator.url("/charts/spread.svg"))
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    narrow = re.search(r'srcset="(charts/spread-narrow\.svg\?v=\w+)"', report)
    assert narrow is not None, "phones get the narrow spread"
    monkeypatch.setattr(rendering, "build_report", None)  # drawn from the spec the page kept
    drawn = coordinator.client.get(coordinator.url("/" + narrow.group(1)))
    assert drawn.status_code == 200 and drawn.mimetype == "image/svg+xml"
    assert first.dimension.title.get("en").split()[0].encode() in drawn.data


def test_purging_an_old_team_check_takes_its_colleagues_with_it(
    app: Flask, runner: FlaskCliRunner, coordinator: Respondent, sample: Questionnaire
) -> None:
    """`flask purge` deletes an expired coordinator's check with its round and every colleague's
    answers, also of a colleague who finished recently; a colleague's stale unfinished answers
    go by their own age."""
    link = make_link(coordinator)
    finished, stale = Colleague(english(app)), Colleague(english(app))
    for colleague in (finished, stale):
        colleague.join(link)
    finished.answer(app, sample)
    finished.submit()
    stale.answer(app, sample)
    with app.app_context():
        old = utcnow() - timedelta(days=400)
        mine = find_assessment(stale.token)
        assert mine is not None
        db.session.execute(
            db.update(Assessment).where(Assessment.id == mine.id).values(updated_at=old)
        )
        db.session.commit()
    assert runner.invoke(purge_command, ["--older-than", "365"]).exit_code == 0
    with app.app_context():
        assert find_assessment(stale.token) is None, "the stale colleague's answers are gone"
        assert find_assessment(finished.token) is not None
        assert len(db.session.scalars(db.select(TeamMember)).all()) == 1
    assert coordinator.submit().status_code == 302
    with app.app_context():
        db.session.execute(
            db.update(Assessment)
            .where(Assessment.respondent_of.is_(None))
            .values(submitted_at=utcnow() - timedelta(days=400))
        )
        db.session.commit()
    assert runner.invoke(purge_command, ["--older-than", "365"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(db.select(Assessment)).all() == []
        assert db.session.scalars(db.select(TeamRound)).all() == []
        assert db.session.scalars(db.select(TeamMember)).all() == []


def test_a_questionnaires_own_roles_are_offered(small_app: Flask) -> None:
    """A questionnaire that declares its team roles offers those, and only those."""
    small = load_questionnaire(DATA / "check.yaml")
    owner = Respondent(english(small_app))
    owner.start("webcheck")
    complete(owner, small_app, small, "Werkstatt Team", {"sector": "craft"}, submit=False)
    link = make_link(owner)
    colleague = Colleague(english(small_app))
    page = text(colleague.client.get(link))
    assert '<option value="workshop">Workshop</option>' in page
    assert '<option value="office">Office</option>' in page
    assert 'value="it"' not in page
    assert colleague.join(link, role="it").status_code == 400, "not a role of this questionnaire"
    assert colleague.join(link, role="office").status_code == 302
    progress = text(team_page(owner))
    assert '<th scope="row">Office</th>' in progress


# --- everything else sees one check -------------------------------------------------------------


def test_a_team_check_is_one_check_everywhere_else(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """The advisors see the team section in the check they review; the statistics' funnel and
    the peer groups count the team check once; a repeat of it may be a team check again."""
    link = make_link(coordinator)
    for role in ("it", "sales"):
        colleague = Colleague(english(app))
        colleague.join(link, role=role)
        colleague.answer(app, sample)
        colleague.submit()
    assert coordinator.submit().status_code == 302
    with app.test_request_context():
        owner = find_assessment(coordinator.token)
        assert owner is not None
        create_advisor(ADA, PASSWORD, name="Ada Lovelace")
        started = funnel(Filters(), sample).total.by_stage["started"]
        assert (started.count, started.firms) == (1, 1)
        in_peer_groups = db.session.scalar(
            db.select(db.func.count())
            .select_from(Assessment)
            .where(Assessment.respondent_of.is_not(None), Assessment.consent_benchmark)
        )
        assert in_peer_groups == 0, "colleagues never count in the peer groups"
        number = owner.id
    advisor = english(app)
    login(advisor, ADA, PASSWORD)
    page = text(advisor.get(f"/advisor/assessments/{number}"))
    assert "Where your team sees it differently" in page
    assert "3 people of your company answered this check." in page
    report = coordinator.client.get(coordinator.url("/report"))
    repeated = coordinator.client.post(
        coordinator.url("/repeat"), data={"csrf_token": csrf_token(report)}
    )
    assert repeated.status_code == 302
    again = Respondent(coordinator.client)
    again.token = TOKEN.search(repeated.location + "/").group(1)  # type: ignore[union-attr]
    assert "Make a team link" in text(team_page(again))


def test_a_colleague_deleting_their_answers_after_the_round_leaves_the_result(
    app: Flask, coordinator: Respondent, sample: Questionnaire
) -> None:
    """The stored result of the submitted team check is worked out again without them."""
    link = make_link(coordinator)
    lowest = {
        q.id: q.options[0].id
        for d in sample.dimensions
        for q in d.questions
        if q.type_name == "single" and q.is_scored
    }
    leaving, staying = Colleague(english(app)), Colleague(english(app))
    for colleague, chosen in ((leaving, lowest), (staying, {})):
        colleague.join(link)
        colleague.answer(app, sample, chosen)
        colleague.submit()
    assert coordinator.submit().status_code == 302
    page = leaving.client.get(f"/a/{leaving.token}/delete")
    leaving.client.post(
        f"/a/{leaving.token}/delete", data={"csrf_token": csrf_token(page), "confirm": "y"}
    )
    with app.app_context():
        owner = find_assessment(coordinator.token)
        other = find_assessment(staying.token)
        assert owner is not None and other is not None and find_assessment(leaving.token) is None
        sets = [stored_answers(owner), stored_answers(other)]
        expected = score_team(sample, {k: sets[0][k] for k in PROFILE}, sets).combined
        assert owner.team_size == 2
        assert owner.overall_score == pytest.approx(float(expected.overall))
        stored = {s.dimension_id: s.score for s in owner.dimension_scores}
        assert stored == {d.dimension.id: pytest.approx(float(d.score)) for d in expected.assessed}
    report = text(coordinator.client.get(coordinator.url("/report")))
    assert "2 people of your company answered this check." in report
