"""Whole journeys in a real browser, in German and English: from the landing page to the report
with the mouse, with the keyboard alone and without JavaScript; resumed in another browser with
the personal link; and the report's PDF downloaded from the report page."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessment.questionnaire import QuestionBase, Questionnaire, load_questionnaire
from assessment.questionnaire.questions import NumberQuestion

from ..conftest import SAMPLE, require_pdf
from ..survey.helpers import Respondent, complete
from .conftest import Site, new_context

LANGUAGES = ("de", "en")
MOUSE = "mouse"
KEYBOARD = "keyboard"
COMPANY = "Tischlerei Müller & Söhne"
#: Profile answers by question id (a sector with machines, a size with peers, external IT).
PROFILE_CHOICES = {"sector": "handwerk", "size": "small", "it_betreuung": "extern"}
TEXT_ANSWER = "Auftragsabwicklung ohne Papier"
#: The most pages a journey may pass through before it must reach the review page.
MAX_STEPS = 20
#: The most Tab presses allowed to reach one element.
MAX_TABS = 40
#: How much of a focused element must be in view (CSS pixels each way), if not all of it.
MIN_SHOWN = 24
#: The arrow key that goes back for each arrow key that goes forward in a radio group.
BACK_ARROW = {"ArrowDown": "ArrowUp", "ArrowRight": "ArrowLeft"}

TEXTS = {
    "de": {
        "skip": "Zum Inhalt springen",
        "start": "Check starten",
        "company": "Name des Unternehmens (optional)",
        "step": r"Schritt (\d+) von (\d+)",
        "next": "Speichern und weiter",
        "to_review": "Weiter zur Übersicht",
        "note": "Nur beantworten, wenn",
        "saved": "Ihre Antworten sind gespeichert",
        "resume_link": "Link zum Fortsetzen",
        "review": "Antworten überprüfen",
        "submit": "Absenden und Ergebnis ansehen",
        "result": "Ihr Ergebnis",
        "overall": "Gesamtergebnis",
        "points": "von 100 Punkten",
        "level": "Stufe",
        "pdf": "Bericht herunterladen (PDF)",
    },
    "en": {
        "skip": "Skip to content",
        "start": "Start the check",
        "company": "Company name (optional)",
        "step": r"Step (\d+) of (\d+)",
        "next": "Save and next",
        "to_review": "Continue to review",
        "note": "Answer only if",
        "saved": "Your answers are saved",
        "resume_link": "Link to continue",
        "review": "Check your answers",
        "submit": "Submit and see my result",
        "result": "Your result",
        "overall": "Overall result",
        "points": "of 100 points",
        "level": "Level",
        "pdf": "Download the report (PDF)",
    },
}

#: What the focused element is and how it looks; `selector` tells whether it matches.
FOCUS_STATE = """(selector) => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) {
    return {body: true, matches: false, what: "body"};
  }
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const name = e.getAttribute("name");
  let what = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "");
  if (name) what += `[name="${name}"]`;
  if (e.type === "radio" || e.type === "checkbox") what += `[value="${e.value}"]`;
  const text = (e.innerText || e.value || "").trim().slice(0, 60);
  return {
    body: false, matches: !!selector && e.matches(selector), what: what, text: text,
    id: e.id, name: name, checked: !!e.checked,
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    top: box.top, left: box.left, bottom: box.bottom, right: box.right,
    width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
  };
}"""

#: The non-empty values a question has on the form, as step.js reads them for conditions.
FORM_VALUES = """(form, id) => Array.from(form.elements)
  .filter((e) => e.name === id || e.name.startsWith(id + "."))
  .filter((e) => !e.disabled && ((e.type !== "radio" && e.type !== "checkbox") || e.checked))
  .map((e) => e.value.trim())
  .filter((value) => value !== "")"""

#: Every question frame of the step form: its id, condition, kind and inputs, in page order.
PAGE_QUESTIONS = """(form) => Array.from(form.querySelectorAll(".question[id^='field-']"))
  .map((block) => {
  const radios = (root) => Array.from(root.querySelectorAll("input[type=radio]"))
    .map((radio) => ({id: radio.id, name: radio.name, value: radio.value}));
  const found = {id: block.id.slice("field-".length)};
  found.condition = block.getAttribute("data-condition");
  if (block.querySelector(".matrix")) {
    found.kind = "matrix";
    found.groups = Array.from(block.querySelectorAll(".matrix-row")).map(radios);
  } else if (block.querySelector(".scale")) {
    found.kind = "scale";
    found.groups = [radios(block)];
    found.points = block.querySelectorAll(".scale input[type=radio]").length;
  } else if (block.querySelector("textarea")) {
    found.kind = "text";
    found.field = block.querySelector("textarea").id;
  } else if (block.querySelector("input.input-number")) {
    found.kind = "number";
    found.field = block.querySelector("input.input-number").id;
  } else if (block.querySelector("input[type=checkbox]")) {
    found.kind = "multi";
    found.field = block.querySelector("input[type=checkbox]:not([data-exclusive])").id;
  } else {
    found.kind = "single";
    found.groups = [radios(block)];
  }
  return found;
})"""


@dataclass(frozen=True)
class Conditional:
    """A question whose condition depends on its own page, as a journey met it."""

    question: str
    holds: bool


@cache
def questionnaire() -> Questionnaire:
    """The sample questionnaire the site serves."""
    return load_questionnaire(SAMPLE)


def find_question(question_id: str) -> QuestionBase:
    """A question of the sample questionnaire by its id."""
    return next(
        question
        for dimension in questionnaire().dimensions
        for question in dimension.questions
        if question.id == question_id
    )


def number_answer(question_id: str) -> str:
    """A whole number between the question's min and max, a twentieth of the way up."""
    question = find_question(question_id)
    assert isinstance(question, NumberQuestion)
    low = question.min if question.min is not None else 0
    high = question.max if question.max is not None else low + 100
    value = round(low + (high - low) / 20)
    assert low <= value <= high
    return str(value)


def level_labels(language: str) -> list[tuple[float, str]]:
    """The result levels as (lowest score, label) in the given language, ascending."""
    return [(level.min, level.label.get(language)) for level in questionnaire().levels]


def focus_state(page: Any, selector: str = "") -> dict[str, Any]:
    """The focused element: what it is, its focus style and box, and whether it matches."""
    return page.evaluate(FOCUS_STATE, selector)


def assert_focus_visible(page: Any) -> dict[str, Any]:
    """The focus is on an element with a visible indicator, shown in the viewport; its state.

    Shown means wholly inside the viewport (to a pixel), or at least MIN_SHOWN pixels of it each
    way: Chromium leaves a focused element that is partly in view where it is, so a text area
    can reach below the window; it is then not obscured (WCAG 2.2, 2.4.11), though not all in
    view.
    """
    state = focus_state(page)
    where = f"{page.url}: focus on {state['what']} ({state.get('text', '')!r})"
    assert not state["body"], f"{page.url}: the focus fell back to the page body"
    outline = state["outlineStyle"] != "none" and state["outlineWidth"] > 0
    assert outline or state["boxShadow"] != "none", (
        f"{where} has no focus indicator (outline {state['outlineStyle']} "
        f"{state['outlineWidth']}px, box-shadow {state['boxShadow']})"
    )
    shown_height = min(state["bottom"], state["height"]) - max(state["top"], 0)
    shown_width = min(state["right"], state["width"]) - max(state["left"], 0)
    tall = state["bottom"] - state["top"]
    wide = state["right"] - state["left"]
    assert shown_height >= min(tall, MIN_SHOWN) - 1 and shown_width >= min(wide, MIN_SHOWN) - 1, (
        f"{where} is not shown in the {state['width']}x{state['height']} viewport: "
        f"top {state['top']}, left {state['left']}, bottom {state['bottom']}, "
        f"right {state['right']}"
    )
    return state


def press(page: Any, key: str) -> dict[str, Any]:
    """Press a key that moves or keeps the focus on the page; the focus must stay visible."""
    page.keyboard.press(key)
    return assert_focus_visible(page)


def tab_to(page: Any, selector: str) -> dict[str, Any]:
    """Press Tab until the focused element matches the selector, at most MAX_TABS times."""
    state = focus_state(page, selector)
    for _ in range(MAX_TABS):
        if state["matches"]:
            return state
        press(page, "Tab")
        state = focus_state(page, selector)
    if state["matches"]:
        return state
    raise AssertionError(
        f"{page.url}: {selector} not reached with {MAX_TABS} Tab presses; "
        f"the focus is on {state['what']}"
    )


def first_tab(page: Any, language: str) -> None:
    """The first Tab on a page focuses the skip link."""
    state = press(page, "Tab")
    assert state["text"] == TEXTS[language]["skip"], (
        f"{page.url}: the first Tab focuses {state['what']} ({state['text']!r}), not the skip link"
    )
    expect(page.locator("a.skip-link")).to_be_focused()


def skip_to_main(page: Any, language: str) -> None:
    """The first Tab on a page focuses the skip link; Enter on it moves the focus to main."""
    first_tab(page, language)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def condition_holds(page: Any, condition: dict[str, Any]) -> bool:
    """Whether a same-page condition (the JSON of data-condition) holds for the form's values."""
    if "all" in condition:
        return all(condition_holds(page, part) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(page, part) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(page, condition["not"])
    values = page.locator("form[data-step]").evaluate(FORM_VALUES, condition["question"])
    if "in" in condition:
        wanted = {str(value) for value in condition["in"]}
        return any(value in wanted for value in values)
    return bool(values) == condition["answered"]


def by_id(page: Any, element_id: str) -> Any:
    """The element with this id."""
    return page.locator(f'[id="{element_id}"]')


def choose_radio(
    page: Any, group: list[dict[str, str]], index: int, method: str, arrow: str
) -> None:
    """Select one radio button of a group: click its label, or move to it with arrow keys.

    With the keyboard, Tab then leaves the group, and Shift+Tab returns to the chosen option.
    """
    target = by_id(page, group[index]["id"])
    if method == MOUSE:
        page.locator(f'label[for="{group[index]["id"]}"]').click()
        expect(target).to_be_checked()
        return
    name = group[index]["name"]
    ids = [radio["id"] for radio in group]
    state = tab_to(page, f'input[type="radio"][name="{name}"]')
    position = ids.index(state["id"])
    if position == index and not state["checked"]:
        press(page, "Space")
    while position != index:
        key = arrow if position < index else BACK_ARROW[arrow]
        position += 1 if position < index else -1
        state = press(page, key)
        assert state["id"] == ids[position] and state["checked"], (
            f"{page.url}: {key} in the group {name} moved the focus to {state['what']} "
            f"(checked: {state['checked']}), not to the checked option {ids[position]}"
        )
    expect(target).to_be_checked()
    after = press(page, "Tab")
    assert after["name"] != name, f"{page.url}: Tab stays in the radio group {name}"
    state = press(page, "Shift+Tab")
    assert state["id"] == ids[index], (
        f"{page.url}: Shift+Tab back into the group {name} focuses {state['what']}, "
        f"not its checked option {ids[index]}"
    )
    assert press(page, "Tab")["what"] == after["what"], f"{page.url}: Tab after Shift+Tab"


def choose_box(page: Any, box_id: str, method: str) -> None:
    """Tick a checkbox (once): click its label, or Tab to it and press Space."""
    box = by_id(page, box_id)
    if not box.is_checked():
        if method == MOUSE:
            page.locator(f'label[for="{box_id}"]').click()
        else:
            tab_to(page, f'[id="{box_id}"]')
            press(page, "Space")
    expect(box).to_be_checked()


def enter_text(page: Any, field_id: str, text: str, method: str) -> None:
    """Write into a text field: fill it after the mouse, or Tab to it and type."""
    field = by_id(page, field_id)
    if method == MOUSE:
        field.fill(text)
    else:
        tab_to(page, f'[id="{field_id}"]')
        page.keyboard.type(text)
    expect(field).to_have_value(text)


def answer_step(
    page: Any, language: str, method: str, *, inapplicable: bool = True
) -> list[Conditional]:
    """Answer the questions on the current step page in page order, by mouse or keyboard.

    Radio questions get the option of PROFILE_CHOICES or else the third one, scales their
    middle point, matrices one option per row, checkbox groups their first non-exclusive
    option, numbers a value within their range, text fields some text. A question that depends
    on an answer on the same page is answered when it is shown (with script) or when its
    condition holds or `inapplicable` is set (without script, where it is always shown).
    """
    met: list[Conditional] = []
    if page.locator("#company_name").count():
        expect(page.get_by_label(TEXTS[language]["company"])).to_have_count(1)
        enter_text(page, "company_name", COMPANY, method)
    scripted = page.locator("html.js").count() == 1
    for question in page.locator("form[data-step]").evaluate(PAGE_QUESTIONS):
        block = by_id(page, f"field-{question['id']}")
        if question["condition"] is not None:
            holds = condition_holds(page, json.loads(question["condition"]))
            if scripted:
                assert block.is_visible() == holds, (
                    f"{page.url}: {question['id']} is {'hidden' if holds else 'shown'} "
                    f"although its condition {'holds' if holds else 'does not hold'}"
                )
            else:
                note = block.locator(".condition-note")
                expect(note).to_be_visible()
                expect(note).to_contain_text(TEXTS[language]["note"])
            met.append(Conditional(question["id"], holds))
            if not (holds or (not scripted and inapplicable)):
                continue
        expect(block).to_be_visible()
        answer_question(page, question, method)
    return met


def answer_question(page: Any, question: dict[str, Any], method: str) -> None:
    """Answer one question shown on the page, described as PAGE_QUESTIONS gives it."""
    kind = question["kind"]
    if kind == "matrix":
        for row, group in enumerate(question["groups"]):
            choose_radio(page, group, row % 3, method, "ArrowRight")
    elif kind == "scale":
        choose_radio(page, question["groups"][0], question["points"] // 2, method, "ArrowRight")
    elif kind == "text":
        enter_text(page, question["field"], TEXT_ANSWER, method)
    elif kind == "number":
        enter_text(page, question["field"], number_answer(question["id"]), method)
    elif kind == "multi":
        choose_box(page, question["field"], method)
    else:
        group = question["groups"][0]
        chosen = PROFILE_CHOICES.get(question["id"])
        values = [radio["value"] for radio in group]
        index = values.index(chosen) if chosen else min(2, len(values) - 1)
        choose_radio(page, group, index, method, "ArrowDown")


def progress(page: Any, language: str) -> tuple[int, int]:
    """The current step and the number of steps, as the page's progress text says."""
    text = page.locator(".progress-text strong").inner_text()
    match = re.fullmatch(TEXTS[language]["step"], text.strip())
    assert match, f"{page.url}: progress text {text!r}"
    return int(match.group(1)), int(match.group(2))


def activate(page: Any, selector: str, method: str) -> None:
    """Click a control, or tab to it and press Enter; wait for the page it leads to."""
    if method == KEYBOARD:
        tab_to(page, selector)
    with page.expect_navigation():
        if method == MOUSE:
            page.locator(selector).click()
        else:
            page.keyboard.press("Enter")


def send_step(page: Any, method: str, action: str = "next") -> None:
    """Press one of the step's buttons (next, back or save) and wait for the page it leads to."""
    activate(page, f'form[data-step] button[name="action"][value="{action}"]', method)
    summary = page.locator(".error-summary")
    assert summary.count() == 0, f"{page.url}: the step was not accepted: {summary.inner_text()}"


def answer_all_steps(
    page: Any, language: str, method: str, *, inapplicable: bool = True
) -> list[Conditional]:
    """From the current step on, answer each page and save it with "next" up to the review."""
    met: list[Conditional] = []
    for _ in range(MAX_STEPS):
        current, total = progress(page, language)
        if method == KEYBOARD:
            skip_to_main(page, language)
        met += answer_step(page, language, method, inapplicable=inapplicable)
        label = TEXTS[language]["to_review" if current == total else "next"]
        expect(page.locator('button[name="action"][value="next"]')).to_have_text(label)
        send_step(page, method)
        if current == total:
            expect(page).to_have_url(re.compile(r"/a/[^/]+/review$"))
            expect(page.locator("h1")).to_have_text(TEXTS[language]["review"])
            expect(page.locator(".answers .missing")).to_have_count(0)
            return met
        assert progress(page, language) == (current + 1, total)
    raise AssertionError(f"the review page is not reached within {MAX_STEPS} steps")


def start_check(page: Any, site: Site, language: str, method: str) -> None:
    """Open the landing page, choose the language in the header and start the check."""
    page.goto(site.url + "/")
    if language != "de":
        if method == KEYBOARD:
            first_tab(page, "de")
        activate(page, f'.language-switch button[value="{language}"]', method)
    expect(page.locator("html")).to_have_attribute("lang", language)
    start = page.get_by_role("button", name=TEXTS[language]["start"])
    expect(start).to_be_visible()
    if method == KEYBOARD:
        skip_to_main(page, language)
    activate(page, "main form button[type=submit]", method)
    expect(page).to_have_url(re.compile(r"/a/[^/]+/step/0$"))
    assert progress(page, language)[0] == 1


def submit_review(page: Any, language: str, method: str) -> None:
    """Submit the answers on the review page and wait for the report."""
    submit = 'button[name="action"][value="submit"]'
    expect(page.locator(submit)).to_have_text(TEXTS[language]["submit"])
    if method == KEYBOARD:
        skip_to_main(page, language)
    activate(page, submit, method)
    expect(page).to_have_url(re.compile(r"/a/[^/]+/report$"))


def assert_report(page: Any, language: str) -> tuple[str, str]:
    """The report shows the company, first the summary with the overall result and the radar,
    both charts and the PDF link.

    Returns the overall score and level as shown.
    """
    texts = TEXTS[language]
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(f"{texts['result']}: {COMPANY}")
    overall = page.locator(".report-overall")
    expect(overall.locator("h2")).to_have_text(texts["overall"])
    shown = re.sub(r"\s+", " ", overall.locator(".score").inner_text()).strip()
    match = re.fullmatch(rf"(\d+) {texts['points']} \u2013 {texts['level']}: (.+)", shown)
    assert match, f"overall result {shown!r}"
    score, level = match.group(1), match.group(2)
    levels = level_labels(language)
    rounded_from = {
        [label for lowest, label in levels if lowest <= int(score) + shift][-1]
        for shift in (-0.5, 0.5)
    }
    assert level in rounded_from, f"level {level!r} for a score of {score}, not {rounded_from}"
    first = page.locator("main section").first
    expect(first).to_have_class(re.compile(r"\breport-summary\b"))
    expect(first.locator("figure.chart-radar img")).to_have_count(1)
    charts = page.locator("figure.chart img:visible")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        alt = chart.get_attribute("alt") or ""
        assert alt.strip(), f"a chart without alt text: {chart.get_attribute('src')}"
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), (
            f"the chart {chart.get_attribute('src')} is not shown"
        )
    link = page.get_by_role("link", name=texts["pdf"])
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"/a/[^/]+/report\.pdf$"))
    return score, level


def token_of(page: Any) -> str:
    """The token of the check whose page is open."""
    match = re.search(r"/a/([^/#?]+)/", page.url)
    assert match, page.url
    return match.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mouse_journey(site: Site, page: Any, language: str) -> None:
    """With the mouse: landing page, every step, review, submit; the report shows the result."""
    start_check(page, site, language, MOUSE)
    answer_all_steps(page, language, MOUSE)
    submit_review(page, language, MOUSE)
    assert_report(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyboard_journey(site: Site, page: Any, language: str) -> None:
    """With the keyboard alone, the focus always visible, from the landing page to the report."""
    start_check(page, site, language, KEYBOARD)
    answer_all_steps(page, language, KEYBOARD)
    submit_review(page, language, KEYBOARD)
    skip_to_main(page, language)
    state = tab_to(page, 'a[href$="/report.pdf"]')
    assert state["text"] == TEXTS[language]["pdf"]
    assert_report(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_journey_without_javascript(browser: Any, site: Site, language: str) -> None:
    """Without script, conditional questions are shown with their note and never block.

    The German journey also answers those whose condition does not hold, the English one
    leaves them empty.
    """
    context = new_context(browser, java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        start_check(page, site, language, MOUSE)
        expect(page.locator("html.js")).to_have_count(0)
        met = answer_all_steps(page, language, MOUSE, inapplicable=language == "de")
        assert any(item.holds for item in met), "a shown condition that holds"
        ignored = [item.question for item in met if not item.holds]
        assert ignored, "a shown condition that does not hold"
        listed = page.locator(".answers dt").all_inner_texts()
        for question in ignored:
            text = find_question(question).text.get(language)
            assert text not in listed, f"the review lists {question}, whose condition is false"
        submit_review(page, language, MOUSE)
        assert_report(page, language)
    finally:
        context.close()


def test_resume_link_in_another_browser(browser: Any, site: Site, page: Any) -> None:
    """Saved on step 2, the personal link opens the check in a fresh browser with its answers."""
    start_check(page, site, "de", MOUSE)
    for _ in range(2):
        answer_step(page, "de", MOUSE)
        send_step(page, MOUSE)
    assert progress(page, "de")[0] == 3
    answer_step(page, "de", MOUSE)
    channel = page.locator('input[name="kunden_onlinevertrieb"]:checked').get_attribute("value")
    assert channel
    token = token_of(page)
    send_step(page, MOUSE, "save")
    expect(page).to_have_url(f"{site.url}/a/{token}/saved")
    expect(page.locator("h1")).to_have_text(TEXTS["de"]["saved"])
    link = page.get_by_label(TEXTS["de"]["resume_link"]).input_value()
    assert link == f"{site.url}/a/{token}"

    other = new_context(browser, locale="de-DE")
    try:
        assert other.cookies() == []
        resumed = other.new_page()
        resumed.goto(link)
        expect(resumed).to_have_url(f"{site.url}/a/{token}/step/3")
        assert progress(resumed, "de")[0] == 4, "the first step without answers"
        send_step(resumed, MOUSE, "back")
        expect(resumed).to_have_url(f"{site.url}/a/{token}/step/2")
        chosen = resumed.locator('input[name="kunden_onlinevertrieb"]:checked')
        expect(chosen).to_have_count(1)
        expect(chosen).to_have_attribute("value", channel)
        expect(resumed.locator('input[name="kunden_kanaele"]:checked')).to_have_count(1)
        send_step(resumed, MOUSE)
        answer_all_steps(resumed, "de", MOUSE)
        submit_review(resumed, "de", MOUSE)
        assert_report(resumed, "de")
    finally:
        other.close()


def test_copy_button_copies_the_personal_link(browser: Any, site: Site) -> None:
    """With JavaScript the copy button appears and puts the link on the clipboard, and says so;
    without it the button stays hidden and the link is selectable text."""
    context = new_context(browser, locale="de-DE")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
        page = context.new_page()
        start_check(page, site, "de", MOUSE)
        token = token_of(page)
        send_step(page, MOUSE, "save")
        expect(page).to_have_url(f"{site.url}/a/{token}/saved")
        button = page.get_by_role("button", name="Link kopieren")
        expect(button).to_be_visible()
        button.click()
        expect(page.locator("#resume-link-status")).to_have_text("Der Link ist kopiert.")
        assert page.evaluate("navigator.clipboard.readText()") == f"{site.url}/a/{token}"
    finally:
        context.close()
    plain = new_context(browser, java_script_enabled=False, locale="de-DE")
    try:
        page = plain.new_page()
        page.goto(f"{site.url}/a/{token}/saved")
        expect(page.get_by_label(TEXTS["de"]["resume_link"])).to_have_value(f"{site.url}/a/{token}")
        expect(page.locator("button[data-copy]")).to_be_hidden()
    finally:
        plain.close()


def submitted_check(site: Site) -> str:
    """The token of a check answered and submitted through the app's test client."""
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, questionnaire(), COMPANY, PROFILE_CHOICES)
    return owner.token


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_download(site: Site, page: Any, language: str) -> None:
    """From the report of a submitted check, a tagged PDF in the UI language with the result.

    The check is answered and submitted through the test client; the browser opens its report
    in the chosen language and downloads the PDF with the report's link.
    """
    require_pdf()
    token = submitted_check(site)
    page.goto(site.url + "/")
    if language != "de":
        with page.expect_navigation():
            page.locator(f'.language-switch button[value="{language}"]').click()
    page.goto(f"{site.url}/a/{token}")
    expect(page).to_have_url(f"{site.url}/a/{token}/report")
    score, level = assert_report(page, language)
    with page.expect_download() as info:
        page.get_by_role("link", name=TEXTS[language]["pdf"]).click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    content = re.sub(r"\s+", " ", " ".join(sheet.extract_text() for sheet in reader.pages))
    assert COMPANY in content
    assert f"{score} {TEXTS[language]['points']}" in content
    assert f"{TEXTS[language]['level']}: {level}" in content
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "the PDF is tagged"
    assert catalog["/Lang"] == language
    assert reader.metadata is not None and reader.metadata.title
    assert COMPANY in reader.metadata.title
