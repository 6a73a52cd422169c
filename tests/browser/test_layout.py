"""How pages lay out on a phone (390 CSS pixels) and on a desktop (1280).

The report's funding programmes and the advisors' funding page are also photographed at each
width, into build/test-output/screenshots/<database backend>/ (see audit.py), for a person to look
at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.questions import ScaleQuestion

from ..conftest import SAMPLE
from ..survey.helpers import Respondent, complete
from .audit import CONTROLS_OUTSIDE, DESKTOP, NARROW, PHONE, horizontal_overflow, output_dir
from .conftest import Site, log_in

PROFILE = {"sector": "handwerk", "size": "small", "region": "lippstadt"}


def scale_step(points: int) -> tuple[int, ScaleQuestion]:
    """The number of the first step with a scale of this many points, and that question."""
    questionnaire = load_questionnaire(SAMPLE)
    for number, dimension in enumerate(questionnaire.dimensions, start=1):
        for question in dimension.questions:
            if isinstance(question, ScaleQuestion) and len(question.points) == points:
                return number, question
    raise AssertionError(f"the sample has no scale of {points} points")


def scale_boxes(site: Site, page: Any, size: dict[str, int], points: int) -> list[dict[str, float]]:
    """Where the points of the first scale of this many points sit, at this window size."""
    owner = Respondent(site.app.test_client())
    owner.start()
    number, question = scale_step(points)
    page.set_viewport_size(size)
    page.goto(site.url + owner.url(f"/step/{number}"))
    scale = page.locator(f'.scale:has(input[name="{question.id}"])')
    found = scale.locator(".scale-point")
    boxes = [found.nth(index).bounding_box() for index in range(found.count())]
    assert len(boxes) == points
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= size["width"] for box in boxes)
    assert horizontal_overflow(page) == 0
    return boxes


@pytest.mark.parametrize("size", [PHONE, NARROW, DESKTOP], ids=["phone", "320px", "desktop"])
def test_a_five_point_scale_is_one_line(site: Site, page: Any, size: dict[str, int]) -> None:
    """Every point of a 1-5 scale sits on one line inside the window, labels included."""
    boxes = scale_boxes(site, page, size, 5)
    tops = {round(box["y"]) for box in boxes}
    assert len(tops) == 1, f"the points wrap onto {len(tops)} lines at {size['width']} px"


@pytest.mark.parametrize("size", [PHONE, NARROW, DESKTOP], ids=["phone", "320px", "desktop"])
def test_an_eleven_point_scale_is_one_line_or_one_column(
    site: Site, page: Any, size: dict[str, int]
) -> None:
    """A 0-10 scale is one line on a desktop; on a phone, where eleven points do not fit side by
    side, it is one column of points, top to bottom in order, never a few points per row."""
    boxes = scale_boxes(site, page, size, 11)
    tops = [round(box["y"]) for box in boxes]
    if size is DESKTOP:
        assert len(set(tops)) == 1, f"the points wrap onto {len(set(tops))} lines"
        return
    assert tops == sorted(tops) and len(set(tops)) == 11, f"not one point per row: {tops}"
    assert len({round(box["x"]) for box in boxes}) == 1, "the points do not line up"


def open_report(site: Site, page: Any, size: dict[str, int], company: str) -> None:
    """Submit the sample check for a craft firm, then open its report at this window size."""
    owner = Respondent(site.app.test_client())
    owner.start()
    complete(owner, site.app, load_questionnaire(SAMPLE), company, PROFILE)
    page.set_viewport_size(size)
    page.goto(site.url + owner.url("/report"))


@pytest.mark.parametrize("size", [PHONE, NARROW, DESKTOP], ids=["phone", "320px", "desktop"])
def test_the_results_table_fits_the_window(site: Site, page: Any, size: dict[str, int]) -> None:
    """Every cell of the report's results table is inside the window, without scrolling: on a
    phone each row stacks its cells, each named by its column."""
    open_report(site, page, size, "Tischlerei Layout")
    cells = page.locator("#results-table td")
    assert cells.count() >= 2 * len(load_questionnaire(SAMPLE).dimensions)
    for index in range(cells.count()):
        box = cells.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth"), "the table scrolls"
    if size["width"] < 600:
        label = cells.first.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert "Punkte" in label, label
    assert horizontal_overflow(page) == 0


#: The smallest chart text a reader should meet, in CSS pixels as rendered.
SMALLEST_TEXT = 11


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_text_is_readable(site: Site, page: Any, size: dict[str, int]) -> None:
    """Every visible chart's smallest text is at least 11 CSS pixels as the page renders it: on a
    phone one narrow bar chart takes the place of the two wide charts."""
    open_report(site, page, size, "Tischlerei Diagramm")
    charts = page.locator("figure.chart img:visible")
    expect(charts).to_have_count(1 if size is PHONE else 2)
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        source = chart.evaluate("img => img.currentSrc")
        svg = page.request.get(source).text()
        view_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
        smallest = min(float(points) for points in re.findall(r"font[^\"]*?([\d.]+)px", svg))
        shown = chart.bounding_box()["width"]
        rendered = smallest * shown / view_width
        assert rendered >= SMALLEST_TEXT, f"{source}: text of {rendered:.1f} px at {size['width']}"


SIZES = {"phone": PHONE, "320px": NARROW, "desktop": DESKTOP}

#: Each fact of each funding programme in the report: the boxes of its term and its value.
FACT_BOXES = """
(section) => [...section.querySelectorAll(".programme-facts dt")].map((term) => {
  const value = term.nextElementSibling;
  const box = (element) => {
    const rect = element.getBoundingClientRect();
    return {left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom};
  };
  return {term: term.textContent.trim(), dt: box(term), dd: box(value), tag: value.tagName};
})
"""


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
@pytest.mark.usefixtures("funding_day")
def test_the_funding_programmes_fit_the_window(site: Site, page: Any, size: dict[str, int]) -> None:
    """The report's funding programmes are inside the window, without sideways scrolling: each
    fact's term is beside its value on a desktop and above it on a phone, and the note that an
    entry may have changed is shown. Every funding link of the action plan leads to one of them."""
    open_report(site, page, size, "Tischlerei Förderung")
    section = page.locator("section.report-funding")
    expect(section.locator("#funding-title")).to_be_visible()
    programmes = section.locator("article.programme")
    assert programmes.count() >= 2
    expect(section.locator(".programme-stale").first).to_be_visible()
    facts = section.evaluate(FACT_BOXES)
    assert len(facts) >= 2 * programmes.count(), "the source and the last check at least"
    for fact in facts:
        assert fact["tag"] == "DD", f"{fact['term']}: the term is not followed by its value"
        for box in (fact["dt"], fact["dd"]):
            assert box["left"] >= 0 and box["right"] <= size["width"], fact
        if size is DESKTOP:
            assert fact["dd"]["left"] >= fact["dt"]["right"], f"not side by side: {fact}"
            assert abs(fact["dd"]["top"] - fact["dt"]["top"]) <= 1, f"not on one line: {fact}"
        else:
            assert abs(fact["dd"]["left"] - fact["dt"]["left"]) <= 1, f"not stacked: {fact}"
            assert fact["dd"]["top"] >= fact["dt"]["bottom"] - 1, f"not stacked: {fact}"
    anchors = {f"#{name}" for name in programmes.evaluate_all("(all) => all.map((a) => a.id)")}
    links = page.locator(".action-plan .step-funding a")
    assert links.count() >= 1, "a step of the action plan names its funding"
    for href in links.evaluate_all("(all) => all.map((a) => a.getAttribute('href'))"):
        assert href in anchors, f"{href} leads to no programme of the report"
    assert horizontal_overflow(page) == 0
    assert page.evaluate(CONTROLS_OUTSIDE) == []
    label = next(name for name, known in SIZES.items() if known is size)
    folder = output_dir()
    section.screenshot(path=str(folder / f"layout-report-funding-{label}.png"))
    page.locator(".report-plan").screenshot(path=str(folder / f"layout-report-plan-{label}.png"))


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
@pytest.mark.usefixtures("funding_day")
def test_the_funding_page_fits_the_window(site: Site, page: Any, size: dict[str, int]) -> None:
    """The advisors' funding page, also with a wrong date, is inside the window without sideways
    scrolling: the filter's fields and buttons wholly, the programmes' table scrolling in its own
    box where it is too wide."""
    log_in(page, site)
    page.set_viewport_size(size)
    label = next(name for name, known in SIZES.items() if known is size)
    for query, name in (("", "advisor-funding"), ("?shown_from=gestern", "advisor-funding-error")):
        page.goto(site.url + "/advisor/funding" + query)
        rows = page.locator("table.results tbody tr")
        expect(rows.first).to_be_visible()
        expect(page.locator("table.results .overdue").first).to_be_visible()
        if query:
            expect(page.locator(".error-summary")).to_be_visible()
        assert horizontal_overflow(page) == 0
        assert page.evaluate(CONTROLS_OUTSIDE) == []
        for field in ("#shown_from", "#shown_to", "form.filters button[type=submit]"):
            box = page.locator(field).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
        page.screenshot(path=str(output_dir() / f"layout-{name}-{label}.png"), full_page=True)
