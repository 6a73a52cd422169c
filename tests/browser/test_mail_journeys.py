"""E-mail journeys: from the owner's side, in a browser without JavaScript, "Link per E-Mail
senden" on the saved page and "Beratung anfragen" from the report; from the advisor's side, an
introduction that the partner answers from its e-mail's link, with JavaScript and without, and
that the statistics then count. What the SMTP server receives works."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assessment.extensions import db
from assessment.kernel.models import Assessment
from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from ..survey.helpers import Respondent, complete
from .conftest import Site, log_in, new_context

WORDS = {
    "de": {
        "send": "Link per E-Mail senden",
        "sent": "Der Link ist unterwegs",
        "ask": "Beratung anfragen",
        "call": "Per Telefon",
        "received": "Wir haben Ihre Anfrage vom",
    },
    "en": {
        "send": "Send link by e-mail",
        "sent": "The link is on its way",
        "ask": "Request a consultation",
        "call": "By telephone",
        "received": "We received your request of",
    },
}
FIRM = {"sector": "handwerk", "size": "small", "region": "soest", "contact_email": "chef@t.example"}


@pytest.fixture
def no_script(browser: Any) -> Any:
    """A page in a browser context with JavaScript switched off."""
    context = new_context(browser, java_script_enabled=False, locale="de-DE")
    yield context.new_page()
    context.close()


def in_language(page: Any, site: Site, language: str) -> None:
    """Choose the interface language with the header's button."""
    page.goto(site.url + "/")
    if language != "de":
        page.locator(f'.language-switch button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_personal_link_by_e_mail_without_javascript(
    site: Site, no_script: Any, mail_server: MailServer, sample: Questionnaire, language: str
) -> None:
    """On the saved page the form is filled in with the profile's address; the link that
    arrives opens the check in the browser."""
    site.app.config.update(mail_server.settings())
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Mail", FIRM, submit=False)
    page = no_script
    in_language(page, site, language)
    page.goto(f"{site.url}/a/{owner.token}/saved")
    expect(page.locator("#send-link-email")).to_have_value("chef@t.example")
    page.get_by_role("button", name=WORDS[language]["send"]).click()
    expect(page.locator(".notice")).to_contain_text(WORDS[language]["sent"])
    deliver(site.app)
    [received] = mail_server.wait_for(1)
    plain = received.message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(site.url)}(/a/[\w-]+)\s", plain)
    assert link, plain
    page.goto(site.url + link.group(1))
    expect(page).to_have_url(re.compile(rf"/a/{owner.token}/(review|step/\d+)$"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_consultation_request_without_javascript(
    site: Site, no_script: Any, mail_server: MailServer, sample: Questionnaire, language: str
) -> None:
    """From the report, the form asks for the way, the number and the consent; the owner sees
    the request received and gets a confirmation, the centre a notice."""
    site.app.config.update(mail_server.settings())
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, sample, "Tischlerei Rat", FIRM)
    page = no_script
    in_language(page, site, language)
    page.goto(f"{site.url}/a/{owner.token}/report")
    page.get_by_role("link", name=WORDS[language]["ask"]).first.click()
    page.get_by_label(WORDS[language]["call"]).check()
    page.locator("button[type=submit]", has_text=re.compile(".")).last.click()
    expect(page.locator(".error-summary")).to_be_visible()  # no number, no consent yet
    expect(page.locator("input[name=way][value=phone]")).to_be_checked()
    page.locator("#phone").fill("02941 123456")
    page.locator("#consent_advisors").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(WORDS[language]["received"])
    deliver(site.app)
    recipients = {r.recipients[0] for r in mail_server.wait_for(2)}
    assert {"chef@t.example", "info@dzm-kreis-soest.example"} <= recipients


PARTNER = "handwerkskammer-beratung"


def project_started_count(page: Any, site: Site) -> int:
    """The funnel's last stage (project started) on the advisor's statistics page."""
    page.goto(site.url + "/advisor/statistics")
    return int(page.locator("#stats-funnel tbody tr").nth(5).locator("td").first.inner_text())


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_introduction_answered_by_the_partner_shows_in_the_statistics(
    browser: Any, site: Site, mail_server: MailServer, sample: Questionnaire, javascript: bool
) -> None:
    """The advisor introduces a consenting firm to a partner; the partner opens the link of the
    e-mail it received, accepts, then starts a project; the statistics count both."""
    site.app.config.update(mail_server.settings())
    owner = Respondent(site.app.test_client())
    owner.start()
    consents = {"consent_advisors": "y", "consent_partners": "y"}
    complete(owner, site.app, sample, "Tischlerei Netzwerk", {**FIRM, **consents})
    with site.app.app_context():
        number = db.session.scalars(select(Assessment.id).order_by(Assessment.id.desc())).first()
    advisor = new_context(browser, java_script_enabled=javascript, locale="de-DE")
    partner = new_context(browser, java_script_enabled=javascript, locale="de-DE")
    try:
        page = advisor.new_page()
        log_in(page, site)
        before = project_started_count(page, site)
        page.goto(f"{site.url}/advisor/assessments/{number}")
        page.locator(f"#partner-{PARTNER}").check()
        page.get_by_role("button", name="Vorstellung senden").click()
        expect(page.locator(".notice")).to_contain_text("Die Vorstellung ist unterwegs an")
        deliver(site.app)
        received = {r.recipients[0]: r for r in mail_server.wait_for(2)}
        assert sample.directory is not None
        name = next(p for p in sample.directory.partners if p.id == PARTNER)
        plain = received[name.email].message.get_body(("plain",)).get_content()
        link = re.search(rf"{re.escape(site.url)}(/p/[\w-]+)", plain)
        assert link, plain
        answering = partner.new_page()
        answering.goto(site.url + link[1])
        expect(answering.locator("main")).to_contain_text("Tischlerei Netzwerk")
        for state in ("angenommen", "Projekt begonnen"):
            answering.get_by_label(state, exact=True).check()
            answering.get_by_role("button", name="Antwort senden").click()
            expect(answering.locator("main")).to_contain_text(f"Aktueller Stand: {state}")
        assert project_started_count(page, site) == before + 1
        row = page.locator("#stats-partners tbody tr", has_text=name.name.get("de"))
        cells = row.locator("td")
        # referrals, answered, answer rate, median days; sent, accepted, declined, in contact,
        # project started ...
        expect(cells.nth(0)).to_have_text("1")
        expect(cells.nth(1)).to_have_text("1")
        expect(cells.nth(8)).to_have_text("1")
    finally:
        advisor.close()
        partner.close()
