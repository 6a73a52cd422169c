"""A team check in the browser: the coordinator makes the team link, two colleagues join in
browsers of their own (one without JavaScript), choose their roles and answer every topic; the
coordinator sees them finish, submits, and gets the combined report and its PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from ..conftest import require_pdf
from ..survey.helpers import Respondent, complete
from .conftest import Site, new_context
from .test_journeys import MOUSE, answer_all_steps, questionnaire

PROFILE = {"sector": "handwerk", "size": "small", "region": "lippstadt", "it_betreuung": "extern"}


def join_and_answer(browser: Any, link: str, role: str, *, scripted: bool) -> None:
    """A colleague's own browser: join with a role, answer every topic, submit."""
    context = new_context(browser, java_script_enabled=scripted, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Beim Team-Check mitmachen")
        page.get_by_label("Ihre Rolle im Unternehmen").select_option(label=role)
        page.get_by_label(re.compile("Der Bericht darf Ergebnisse für meine Rolle zeigen")).check()
        page.get_by_role("button", name="Mitmachen und beginnen").click()
        expect(page).to_have_url(re.compile(r"/a/[^/]+/step/1$"))
        page.wait_for_load_state("load")  # the page's own script has run (it marks html.js)
        expect(page.locator("html.js")).to_have_count(1 if scripted else 0)
        expect(page.locator(".notice")).to_contain_text("Willkommen beim Team-Check")
        answer_all_steps(page, "de", MOUSE)
        expect(page.locator("main")).not_to_contain_text("Unternehmensprofil")
        page.get_by_role("button", name="Meine Antworten absenden").click()
        expect(page).to_have_url(re.compile(r"/a/[^/]+/finished$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank")
    finally:
        context.close()


def test_a_team_round_to_the_combined_report(browser: Any, site: Site) -> None:
    """Three people answer; the report and the PDF combine them and show where they differ."""
    require_pdf()
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, questionnaire(), "Tischlerei Team", PROFILE, submit=False)
    context = new_context(browser, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/a/{owner.token}/review")
        page.get_by_role("link", name=re.compile("Machen Sie einen Team-Check daraus")).click()
        page.get_by_role("button", name="Team-Link erstellen").click()
        expect(page.locator(".notice")).to_contain_text("Der Team-Link ist fertig.")
        local = page.get_by_role("textbox", name="Team-Link").input_value()
        assert re.fullmatch(re.escape(site.url) + r"/t/[A-Za-z0-9_-]{43}", local)

        join_and_answer(browser, local, "IT", scripted=True)
        join_and_answer(browser, local, "Vertrieb und Marketing", scripted=False)

        page.reload()
        progress = page.get_by_role("region", name=re.compile("dabei"))
        expect(progress.get_by_role("row")).to_have_count(3)
        expect(progress).to_contain_text("IT")
        expect(progress).to_contain_text("Vertrieb und Marketing")
        expect(page.locator("main")).to_contain_text("mit denen von 2 Personen aus dem Team")
        page.get_by_role("link", name="Zurück zu Ihrem Digital-Check").click()
        page.goto(f"{site.url}/a/{owner.token}/review")
        page.get_by_role("button", name="Absenden und Ergebnis ansehen").click()
        expect(page).to_have_url(re.compile(r"/report$"))
        team = page.get_by_role("region", name="Wo Ihr Team es unterschiedlich sieht")
        expect(team).to_contain_text(
            "3 Personen aus Ihrem Unternehmen haben diesen Check beantwortet"
        )
        expect(team.get_by_role("img")).to_have_count(1)
        expect(
            team.get_by_role("heading", name="Hier sehen Ihre Mitarbeitenden es unterschiedlich")
        ).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile("PDF")).first.click()
        pdf = PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
        content = re.sub(r"\s+", " ", " ".join(sheet.extract_text() for sheet in pdf.pages))
        assert "Wo Ihr Team es unterschiedlich sieht" in content
        assert "Standardabweichung" in content
        page.goto(local)
        expect(page.locator("main")).to_contain_text("Dieser Team-Check ist geschlossen")
    finally:
        context.close()
