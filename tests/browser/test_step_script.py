"""In a real browser: conditional questions appear and disappear, exclusive options clear others.

Every check retries until it holds (Playwright's expect), so a page still loading or a script
not yet run on a busy machine is waited for, never taken for a failure.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import new_context


def open_first_page(browser: Any, base: str, *, javascript: bool = True) -> Any:
    """Start the small check and fill in the profile; returns the page on step 2 of 3."""
    page = new_context(browser, java_script_enabled=javascript).new_page()
    page.goto(base + "/")
    page.get_by_role("button", name="Check starten").click()
    page.get_by_label("Handwerk").check()
    page.get_by_label("Klein", exact=True).check()
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_text("Schritt 2 von 3")).to_be_visible()
    page.wait_for_load_state("load")
    if javascript:  # the page's script has run: it marks the document
        expect(page.locator("html.js")).to_have_count(1)
    return page


def test_same_page_condition_with_javascript(browser: Any, live_server: str) -> None:
    """The share question appears only once "Ja" is chosen, and disappears again."""
    page = open_first_page(browser, live_server)
    share = page.locator("#field-share")
    expect(share).to_be_hidden()
    page.get_by_label("Ja", exact=True).check()
    expect(share).to_be_visible()
    # the note is for pages without script
    expect(page.locator(".condition-note").first).to_be_hidden()
    page.get_by_label("Nein", exact=True).check()
    expect(share).to_be_hidden()
    expect(page.locator("#q-share")).to_be_disabled()


def test_exclusive_option_clears_the_others(browser: Any, live_server: str) -> None:
    """Choosing "Keiner" unticks the channels, and a channel unticks "Keiner"."""
    page = open_first_page(browser, live_server)
    page.get_by_label("Webshop").check()
    page.get_by_label("Marktplatz").check()
    page.get_by_label("Keiner").check()
    expect(page.get_by_label("Webshop")).not_to_be_checked()
    expect(page.get_by_label("Marktplatz")).not_to_be_checked()
    page.get_by_label("Webshop").check()
    expect(page.get_by_label("Keiner")).not_to_be_checked()


def test_same_page_condition_without_javascript(browser: Any, live_server: str) -> None:
    """Without script the dependent question is shown with its note, and ignored when false."""
    page = open_first_page(browser, live_server, javascript=False)
    expect(page.locator("#field-share")).to_be_visible()
    expect(page.locator("#q-share-condition")).to_contain_text("Nur beantworten, wenn")
    page.get_by_label("Nein", exact=True).check()
    page.locator("#q-share").fill("40")
    page.get_by_label("Keiner").check()
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_text("Schritt 3 von 3")).to_be_visible()
