"""In a real browser: conditional questions appear and disappear, exclusive options clear others."""

from __future__ import annotations

from typing import Any


def open_first_page(browser: Any, base: str, *, javascript: bool = True) -> Any:
    """Start the small check and fill in the profile; returns the page on step 2 of 3."""
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("button", name="Check starten").click()
    page.get_by_label("Handwerk").check()
    page.get_by_label("Klein", exact=True).check()
    page.get_by_role("button", name="Speichern und weiter").click()
    assert "Schritt 2 von 3" in page.content()
    return page


def test_same_page_condition_with_javascript(browser: Any, live_server: str) -> None:
    """The share question appears only once "Ja" is chosen, and disappears again."""
    page = open_first_page(browser, live_server)
    share = page.locator("#field-share")
    assert share.is_hidden()
    page.get_by_label("Ja", exact=True).check()
    assert share.is_visible()
    assert page.locator(".condition-note").first.is_hidden(), "the note is for pages without script"
    page.get_by_label("Nein", exact=True).check()
    assert share.is_hidden()
    assert page.locator("#q-share").is_disabled()


def test_exclusive_option_clears_the_others(browser: Any, live_server: str) -> None:
    """Choosing "Keiner" unticks the channels, and a channel unticks "Keiner"."""
    page = open_first_page(browser, live_server)
    page.get_by_label("Webshop").check()
    page.get_by_label("Marktplatz").check()
    page.get_by_label("Keiner").check()
    assert not page.get_by_label("Webshop").is_checked()
    assert not page.get_by_label("Marktplatz").is_checked()
    page.get_by_label("Webshop").check()
    assert not page.get_by_label("Keiner").is_checked()


def test_same_page_condition_without_javascript(browser: Any, live_server: str) -> None:
    """Without script the dependent question is shown with its note, and ignored when false."""
    page = open_first_page(browser, live_server, javascript=False)
    assert page.locator("#field-share").is_visible()
    note = page.locator("#q-share-condition")
    assert "Nur beantworten, wenn" in note.inner_text()
    page.get_by_label("Nein", exact=True).check()
    page.locator("#q-share").fill("40")
    page.get_by_label("Keiner").check()
    page.get_by_role("button", name="Speichern und weiter").click()
    assert "Schritt 3 von 3" in page.content()
