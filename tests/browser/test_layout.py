"""How pages lay out on a phone (390 CSS pixels) and on a desktop (1280)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment.questionnaire import load_questionnaire
from assessment.questionnaire.questions import ScaleQuestion

from ..conftest import SAMPLE
from ..survey.helpers import Respondent, complete
from .audit import DESKTOP, NARROW, PHONE, horizontal_overflow
from .conftest import Site

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
