"""Every page in both languages: no axe-core violation of WCAG 2.1 AA, reflow at 390 and 320 CSS
pixels and at 200 % zoom, and screenshots at desktop and phone width (see audit.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.advisor.accounts import create_advisor
from assessment.extensions import db
from assessment.kernel.assessments import find_assessment, hash_token, new_token
from assessment.questionnaire import Questionnaire
from assessment.questionnaire.pages import steps
from assessment.referrals.models import Referral
from assessment.survey.models import RepeatInvitation

from ..survey.helpers import Respondent, complete
from ..team.test_team_check import Colleague
from .audit import findings
from .conftest import Site, log_in

LANGUAGES = ("de", "en")
FIRM = {"sector": "handwerk", "size": "small"}


def choose_language(page: Any, site: Site, language: str) -> None:
    """Switch the interface language with the header's button (German is the default)."""
    page.goto(site.url + "/")
    if language != "de":
        page.locator(f'.language-switch button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def assert_charts_described(page: Any) -> None:
    """Every chart has a text alternative, and a table on the page gives its numbers."""
    charts = page.locator("figure img")
    assert charts.count() >= 2
    for alt in charts.evaluate_all("(images) => images.map((image) => image.alt)"):
        assert len(alt) > 20, f"chart without a proper text alternative: {alt!r}"
    assert page.locator("table.results caption").count() >= 1


def answered_check(site: Site, sample: Questionnaire) -> str:
    """The token of a check with every page answered, not yet submitted."""
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Müller & Söhne", FIRM, submit=False)
    return owner.token


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("funding_day")
def test_every_respondent_page(site: Site, page: Any, sample: Questionnaire, language: str) -> None:
    """Landing, each step new, answered and with errors, review, saved, report (with its funding
    programmes, some marked as possibly changed), deletion."""
    found: list[str] = []
    choose_language(page, site, language)
    found += findings(page, f"{language} landing")

    page.locator("main form button[type=submit]").first.click()
    found += findings(page, f"{language} step 0 new")
    page.locator("#contact_email").fill("keine Adresse")
    page.locator('button[name="action"][value="next"]').click()
    expect(page.locator(".error-summary")).to_have_count(1)  # the step shows its errors
    found += findings(page, f"{language} step 0 with errors")

    token = answered_check(site, sample)
    check = f"{site.url}/a/{token}"
    for step in steps(sample):
        page.goto(f"{check}/step/{step.number}")
        found += findings(page, f"{language} step {step.number} answered")
    for view in ("review", "saved", "delete", "send-link"):
        page.goto(f"{check}/{view}")
        found += findings(page, f"{language} {view}")
    page.locator("#email").fill("keine Adresse")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found += findings(page, f"{language} send-link with errors")
    page.goto(f"{check}/review")
    page.locator('button[name="action"][value="submit"]').click()
    page.wait_for_url(f"{check}/report")
    assert_charts_described(page)
    expect(page.locator("#funding-title")).to_be_visible()
    expect(page.locator(".programme-stale").first).to_be_visible()
    found += findings(page, f"{language} report")
    page.goto(f"{check}/send-report")
    found += findings(page, f"{language} send-report")
    page.goto(f"{check}/consultation")
    found += findings(page, f"{language} consultation")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found += findings(page, f"{language} consultation with errors")
    page.locator("input[name=way][value=email]").check()
    page.locator("#email").fill("inhaber@firma.example")
    page.locator("#consent_advisors").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_have_count(0)
    found += findings(page, f"{language} consultation received")
    page.goto(f"{check}/consent")
    found += findings(page, f"{language} consent")
    page.locator("#consent_partners").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice")).to_be_visible()
    found += findings(page, f"{language} consent saved")
    page.goto(f"{check}/delete")
    page.locator("main form button[type=submit]").click()
    found += findings(page, f"{language} deleted")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("funding_day")
def test_every_advisor_page(site: Site, page: Any, language: str) -> None:
    """Login (also failed), dashboard (also with a wrong filter), an assessment, statistics,
    funding programmes (also with a wrong date)."""
    found: list[str] = []
    choose_language(page, site, language)
    page.goto(site.url + "/advisor/login")
    found += findings(page, f"{language} advisor login")
    page.locator("#email").fill(site.email)
    page.locator("#password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary, [role=alert]").first).to_be_visible()
    found += findings(page, f"{language} advisor login failed")
    page.locator("#password").fill(site.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(site.url + "/advisor/")
    found += findings(page, f"{language} dashboard")
    page.goto(site.url + "/advisor/?submitted_from=gestern&sector=handwerk")
    found += findings(page, f"{language} dashboard with a wrong filter")
    page.goto(site.url + "/advisor/")
    page.locator("a[href*='/advisor/assessments/']").first.click()
    found += findings(page, f"{language} advisor assessment")
    page.goto(site.url + "/advisor/?consultation=open")
    page.locator("a[href*='/advisor/assessments/']").first.click()
    expect(page.locator("#consultations-title")).to_be_visible()
    found += findings(page, f"{language} advisor assessment with a consultation request")
    page.goto(site.url + "/advisor/?follow_up=overdue")
    page.locator("a[href*='/advisor/assessments/']").first.click()
    page.locator(".item-edit summary").first.click()  # the form to change a step, opened
    expect(page.locator(".item-edit[open] textarea")).to_be_visible()
    found += findings(page, f"{language} advisor assessment with an overdue step")
    page.goto(site.url + "/advisor/statistics")
    assert_charts_described(page)
    found += findings(page, f"{language} statistics")
    page.goto(site.url + "/advisor/funding")
    expect(page.locator("table.results tbody tr").first).to_be_visible()
    expect(page.locator("table.results .overdue").first).to_be_visible()  # check again
    found += findings(page, f"{language} advisor funding")
    response = page.goto(site.url + "/advisor/funding?shown_from=gestern")
    assert response is not None and response.status == 400
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#shown_from-error")).to_be_visible()
    found += findings(page, f"{language} advisor funding with a wrong date")
    page.goto(site.url + "/advisor/settings")
    found += findings(page, f"{language} advisor settings")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_administrator_page(site: Site, page: Any, language: str) -> None:
    """The accounts and the audit of logins, as an administrator sees them."""
    with site.app.app_context():
        create_advisor("root@example.org", "correct horse battery staple", name="Root", admin=True)
    found: list[str] = []
    log_in(page, replace(site, email="root@example.org", password="correct horse battery staple"))
    choose_language(page, site, language)
    for path in ("/advisor/accounts", "/advisor/logins", "/advisor/outbox"):
        page.goto(site.url + path)
        found += findings(page, f"{language} admin {path.rsplit('/', 1)[-1]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_partner_page(site: Site, page: Any, sample: Questionnaire, language: str) -> None:
    """A referral's page as the partner opens it: the firm's data, the answer (also with an
    error), and after an answer."""
    token = new_token()
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Partner", FIRM)
    with site.app.app_context():
        assessment = find_assessment(owner.token)
        db.session.add(
            Referral(
                assessment_id=assessment.id,
                partner_id="handwerkskammer-beratung",
                partner={"id": "handwerkskammer-beratung", "name": "Handwerkskammer"},
                nonce="0" * 64,
                token_hash=hash_token(token),
                introduction="Guten Tag,\nwir stellen Ihnen die Tischlerei vor.",
                shared={"company": "Tischlerei Partner", "profile": FIRM, "priorities": []},
            )
        )
        db.session.commit()
    found: list[str] = []
    choose_language(page, site, language)
    page.goto(f"{site.url}/p/{token}")
    found += findings(page, f"{language} partner page")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found += findings(page, f"{language} partner page with errors")
    page.locator("input[name=state][value=accepted]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".notice")).to_be_visible()
    found += findings(page, f"{language} partner page answered")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_invitation_page(site: Site, page: Any, sample: Questionnaire, language: str) -> None:
    """The invitation to repeat a check, before and after its button was used."""
    token = new_token()
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Wieder", FIRM)
    with site.app.app_context():
        assessment = find_assessment(owner.token)
        db.session.add(RepeatInvitation(assessment_id=assessment.id, token_hash=hash_token(token)))
        db.session.commit()
    found: list[str] = []
    choose_language(page, site, language)
    page.goto(f"{site.url}/again/{token}")
    found += findings(page, f"{language} invitation")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/step/0$"))
    page.goto(f"{site.url}/again/{token}")
    found += findings(page, f"{language} invitation used")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_legal_page(site: Site, page: Any, language: str) -> None:
    """Impressum, privacy notice and accessibility statement of the sample centre."""
    found: list[str] = []
    choose_language(page, site, language)
    for path in ("/impressum", "/datenschutz", "/barrierefreiheit"):
        page.goto(site.url + path)
        found += findings(page, f"{language} legal {path.strip('/')}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_page(site: Site, page: Any, language: str) -> None:
    """404, 405, 400 (a form without its token) and 500 in the site's layout."""
    site.app.config["PROPAGATE_EXCEPTIONS"] = False

    def crash() -> str:
        raise RuntimeError("an unexpected failure")

    site.app.add_url_rule("/test-crash", "test_crash", crash)
    found: list[str] = []
    choose_language(page, site, language)
    for path, status in (("/no/such/page", 404), ("/assessments", 405), ("/test-crash", 500)):
        response = page.goto(site.url + path)
        assert response.status == status
        found += findings(page, f"{language} error {status}")
    page.route(
        site.url + "/language",
        lambda route: route.continue_(method="POST", post_data="language=en"),
    )
    response = page.goto(site.url + "/language")
    assert response.status == 400
    found += findings(page, f"{language} error 400")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_team_check_pages(site: Site, page: Any, sample: Questionnaire, language: str) -> None:
    """The coordinator's page of the round (new, with its link, with progress), the team link's
    page (also with errors), and a colleague's last page."""
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Team", FIRM, submit=False)
    found: list[str] = []
    choose_language(page, site, language)
    page.goto(f"{site.url}/a/{owner.token}/team")
    found += findings(page, f"{language} team round new")
    page.locator("main form button[value=open]").click()
    link = page.locator("#resume-link").input_value()
    found += findings(page, f"{language} team round with its link")
    page.goto(link)
    found += findings(page, f"{language} team join")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-message")).to_have_count(1)
    found += findings(page, f"{language} team join with errors")
    page.locator("#role").select_option("it")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/step/1$"))
    token = re.search(r"/a/([A-Za-z0-9_-]+)/", page.url).group(1)  # type: ignore[union-attr]
    colleague = Colleague(site.app.test_client())
    colleague.token = token
    colleague.answer(site.app, sample)
    assert colleague.submit().status_code == 302
    page.goto(f"{site.url}/a/{token}/finished")
    found += findings(page, f"{language} team finished")
    page.goto(f"{site.url}/a/{owner.token}/team")
    found += findings(page, f"{language} team round with progress")
    assert owner.submit().status_code == 302
    page.goto(f"{site.url}/a/{owner.token}/report")
    expect(page.locator("#team-title")).to_be_visible()
    assert_charts_described(page)
    found += findings(page, f"{language} team report")
    assert not found, "\n".join(found)
