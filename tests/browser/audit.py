"""Checks of one page in the browser: axe-core's WCAG 2.1 AA rules, reflow, zoom, screenshots.

Screenshots go to build/test-output/screenshots/<database backend>/ (or below the folder in
DIGITALCHECK_TEST_OUTPUT), one at desktop and one at phone width per page, for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from assessment import PROJECT_ROOT

from ..conftest import BACKEND

#: axe-core's rules for WCAG 2.0 and 2.1, levels A and AA (BITV 2.0).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: WCAG 1.4.10: content reflows at 320 CSS pixels (1280 px at 400 % zoom).
NARROW = {"width": 320, "height": 640}
#: 1280 px at 200 % zoom.
ZOOMED = {"width": 640, "height": 400}
_AXE = Axe()


def output_dir() -> Path:
    """The folder the screenshots of this test run go to."""
    base = os.environ.get("DIGITALCHECK_TEST_OUTPUT") or PROJECT_ROOT / "build" / "test-output"
    folder = Path(base) / "screenshots" / BACKEND
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_violations(page: Any) -> list[str]:
    """What axe-core finds against WCAG 2.0/2.1 A and AA on the page, one line per element."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _AXE.run(page, options=options).response
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            rule = f"{violation['id']} ({violation['impact']})"
            found.append(f"{rule} at {target}: {violation['help']}")
    return found


def horizontal_overflow(page: Any) -> int:
    """By how many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def screenshot(page: Any, name: str) -> None:
    """Full-page screenshots at desktop and phone width."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    folder = output_dir()
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{slug}-{label}.png"), full_page=True)


def findings(page: Any, name: str, *, screenshots: bool = True) -> list[str]:
    """What is wrong with the page as it is: axe violations, no reflow at 390 px (a phone), 320 px
    or 200 % zoom.

    Screenshots of it are written as well, unless not ``screenshots``.
    """
    page.wait_for_load_state("load")  # the styles, images and scripts of the page are in
    page.set_viewport_size(DESKTOP)
    found = [f"{name}: {violation}" for violation in axe_violations(page)]
    for label, size in (
        ("390 CSS pixels", PHONE),
        ("320 CSS pixels", NARROW),
        ("200 % zoom", ZOOMED),
    ):
        page.set_viewport_size(size)
        overflow = horizontal_overflow(page)
        if overflow > 0:
            found.append(f"{name} scrolls sideways by {overflow} px at {label}")
        for control in page.evaluate(CONTROLS_OUTSIDE):
            found.append(f"{name} at {label}: outside the window: {control}")
    if screenshots:
        screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    return found


def audit(page: Any, name: str) -> None:
    """The page has no axe violation and reflows at 390 px, 320 px and 200 % zoom; screenshots."""
    found = findings(page, name)
    assert not found, "\n".join(found)


#: Visible buttons, links and fields that stick out of the window sideways (and are not inside
#: a horizontally scrolling box, such as a wide table's).
CONTROLS_OUTSIDE = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let up = element.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll"].includes(style.overflowX) && up !== document.documentElement
          && up !== document.body) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("a, button, input, select, textarea, summary")]
    .filter((element) => element.getClientRects().length > 0)
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return (box.right > width + 1 || box.left < -1) && !scrolls(element);
    })
    .map((element) => element.outerHTML.slice(0, 80));
}
"""


#: The contrast of an element's text with the background behind it (WCAG's formula).
CONTRAST = """
(element) => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let node = element, background = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const value = rgb(getComputedStyle(node).backgroundColor);
    if (value.length === 3 || (value.length === 4 && value[3] > 0)) {
      background = value.slice(0, 3);
      break;
    }
    node = node.parentElement;
  }
  const text = rgb(getComputedStyle(element).color).slice(0, 3);
  const [a, b] = [luminance(text), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def contrast(locator: Any) -> float:
    """The contrast ratio of an element's text with what is behind it (1 to 21)."""
    return float(locator.evaluate(CONTRAST))
