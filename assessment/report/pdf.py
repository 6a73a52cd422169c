"""The report as a PDF: the same content and templates as the page, rendered by WeasyPrint.

Rendering runs in a separate, low-priority process, so that a PDF never holds the web worker's
interpreter and pages stay fast while PDFs render: under gunicorn in the renderers the server
shares among its workers (``renderer``), elsewhere in one process per web worker, started on
first use. The PDF of an unchanged report is served from a cache keyed by the hash of its HTML.
WeasyPrint may fetch nothing but data: URLs and the report's own stylesheet.
"""

from __future__ import annotations

import base64
import multiprocessing
import os
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

from ..kernel.models import Assessment
from .content import Report
from .renderer import render_shared, shared_address

RENDER_TIMEOUT = 120
_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_pool: ProcessPoolExecutor | None = None
_pool_pid: int | None = None
#: What warm_up renders: the report's fonts in every style it uses, and an SVG chart with text.
_WARM_UP_HTML = (
    '<!doctype html><html lang="de"><head><link rel="stylesheet" href="{stylesheet}"></head>'
    "<body><h1>Digital-Check</h1><p>Äpfel <strong>fett</strong> <em>kursiv</em> "
    '<a href="https://example.org">Link</a></p><figure class="chart"><img src="{chart}" alt="">'
    "</figure></body></html>"
)
_WARM_UP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><rect width="50" height="20"'
    ' fill="#0b3d6b"/><text x="4" y="34" font-family="DejaVu Sans">Text</text></svg>'
)


def render_report_pdf(
    report: Report, charts: dict[str, bytes], group_name: Callable[[str], str]
) -> bytes:
    """The PDF of a report, rendered in the rendering process."""
    static = Path(current_app.static_folder or "static").resolve()
    html = render_template(
        "report/pdf.html",
        report=report,
        charts={kind: _data_uri(svg) for kind, svg in charts.items()},
        logo=_centre_logo(),
        group_name=group_name,
        stylesheet=(static / "css" / "report-pdf.css").as_uri(),
    )
    if current_app.config.get("PDF_IN_PROCESS"):
        return html_to_pdf(html, str(static))
    address = shared_address()
    if address is not None:
        return render_shared(address, html, str(static), RENDER_TIMEOUT)
    return _renderer().submit(html_to_pdf, html, str(static)).result(timeout=RENDER_TIMEOUT)


def _data_uri(data: bytes, mimetype: str = "image/svg+xml") -> str:
    return f"data:{mimetype};base64," + base64.b64encode(data).decode("ascii")


def _centre_logo() -> str | None:
    """The centre's logo as a data: URL, for the cover (the renderer may fetch nothing else)."""
    catalogue = current_app.extensions["catalogue"]
    name = catalogue.centre.logo
    if name is None:
        return None
    mimetype = "image/png" if name.lower().endswith(".png") else "image/svg+xml"
    return _data_uri((catalogue.folder / name).read_bytes(), mimetype)


def warm_up(static_folder: str) -> None:
    """Render a small document like the report, so that the first real one finds WeasyPrint's
    code, the stylesheet's fonts and its SVG drawing loaded."""
    stylesheet = (Path(static_folder) / "css" / "report-pdf.css").resolve().as_uri()
    chart = _data_uri(_WARM_UP_SVG.encode())
    html_to_pdf(_WARM_UP_HTML.format(stylesheet=stylesheet, chart=chart), static_folder)


def _renderer() -> ProcessPoolExecutor:
    """One rendering process per web worker, started on first use."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        context = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_lower_priority)
        _pool_pid = os.getpid()
    return _pool


def _lower_priority() -> None:
    """Let the web workers go first when the machine is busy."""
    os.nice(10)


def html_to_pdf(html: str, static_folder: str) -> bytes:
    """Render report HTML to a tagged A4 PDF (PDF/UA-1), fetching only allowed resources."""
    from weasyprint import HTML

    allowed = Path(static_folder).resolve()
    document = HTML(string=html, base_url=allowed.as_uri() + "/", url_fetcher=_fetcher(allowed))
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def _fetcher(allowed: Path) -> Any:
    """A URL fetcher for data: URLs and files inside ``allowed``; nothing from the network."""
    from weasyprint.urls import URLFetcher

    class ReportFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not (path.is_relative_to(allowed) and path.is_file()):
                    raise ValueError(f"the PDF may not load {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"the PDF may not load {url}")
            return super().fetch(url, headers)

    return ReportFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def pdf_filename(assessment: Assessment) -> str:
    """E.g. digital-check-tischlerei-muster-2026-11-24-nr-17.pdf (ASCII only): the company, the
    date of submission and the check's number, which advisors see in their list."""
    parts = ["digital-check"]
    company = assessment.company_name
    if company:
        spelled = company.translate(_GERMAN_LETTERS)
        ascii_name = unicodedata.normalize("NFKD", spelled)
        ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii").lower()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:60]
        if slug:
            parts.append(slug)
    submitted = assessment.submitted_at
    if submitted is not None:
        parts.append(f"{submitted:%Y-%m-%d}")
    parts.append(f"nr-{assessment.id}")
    return "-".join(parts) + ".pdf"
