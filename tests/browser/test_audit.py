"""The page audit can fail: it reports what axe-core finds, sideways scrolling and lost controls."""

from __future__ import annotations

from typing import Any

from .audit import findings

FAULTY = """<!doctype html>
<html lang="de"><head><title>Fehlerhaft</title></head>
<body><main>
  <h1>Fehlerhafte Seite</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <p style="color: #bbb">Kaum lesbarer Text</p>
  <input type="text">
  <div style="width: 900px">Eine starre Spalte</div>
  <button style="position: absolute; left: 500px">Weiter</button>
</main></body></html>"""


def test_the_audit_reports_violations_and_missing_reflow(page: Any) -> None:
    """A page with faults of every kind gets one finding per fault and width."""
    page.set_content(FAULTY)
    found = "\n".join(findings(page, "faulty page", screenshots=False))
    for rule in ("image-alt", "color-contrast", "label"):
        assert f"faulty page: {rule} (" in found
    assert "faulty page scrolls sideways by" in found
    assert "at 320 CSS pixels" in found and "at 200 % zoom" in found
    assert "outside the window: <button" in found


def test_the_audit_passes_a_sound_page(page: Any) -> None:
    """A small page that follows the rules gets no finding."""
    page.set_content(
        '<!doctype html><html lang="de"><head><title>In Ordnung</title></head>'
        "<body><main><h1>In Ordnung</h1><p>Lesbarer Text.</p>"
        '<label for="name">Name</label> <input id="name" type="text"></main></body></html>'
    )
    assert findings(page, "sound page", screenshots=False) == []
