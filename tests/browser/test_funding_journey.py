"""The report's funding links with the keyboard alone, with and without JavaScript: a step of the
action plan names the programmes that pay for it, and its link leads to the programme."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import Site, new_context
from .test_journeys import press, skip_to_main, submitted_check, tab_to

#: A plan step's link to a funding programme in the report.
FUNDING_LINK = ".action-plan .step-funding a"


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.usefixtures("funding_day")
def test_a_plan_step_leads_to_its_funding_programme(browser: Any, site: Site, script: bool) -> None:
    """Tab from the skip link to the first funding link of the action plan, Enter: the address
    names the programme, which is the page's target and in view; the next Tab goes on inside it."""
    token = submitted_check(site)
    context = new_context(browser, java_script_enabled=script, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/a/{token}/report")
        expect(page.locator("#funding-title")).to_be_visible()
        skip_to_main(page, "de")
        tab_to(page, FUNDING_LINK)
        link = page.locator(f"{FUNDING_LINK}:focus")
        anchor = link.get_attribute("href")
        assert anchor and re.fullmatch(r"#programme-[\w-]+", anchor), anchor
        expect(link).to_have_text(page.locator(f"article{anchor} h3").inner_text())

        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{site.url}/a/{token}/report{anchor}")
        target = page.locator("article.programme:target")
        expect(target).to_have_count(1)
        expect(target).to_have_attribute("id", anchor[1:])
        expect(target.locator("h3")).to_be_in_viewport()
        inside = press(page, "Tab")
        assert page.evaluate(
            "(selector) => document.querySelector(selector).contains(document.activeElement)",
            anchor,
        ), f"the Tab after the link goes to {inside['what']}, not into {anchor}"
    finally:
        context.close()
