"""The report's figures: its page with cached and fresh charts, its PDF, pages while PDFs render."""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path

from assessment.questionnaire import Questionnaire

from .figures import Result, measured
from .owner import STEP, chart_paths, complete_check, start_check
from .processes import CpuMeter
from .sampling import Sizes, measure
from .serving import Client


def empty(cache: Path, pattern: str) -> None:
    """Remove the cached report files of one kind (``*.svg``, ``*.html``, ``*.pdf``)."""
    for path in (cache / "assessments").glob(f"*/{pattern}"):
        path.unlink(missing_ok=True)


def report_figures(
    server: int, port: int, cache: Path, questionnaire: Questionnaire, sizes: Sizes
) -> list[Result]:
    """Every figure of the report: its page, its charts and its PDF (``server``: the process id
    of gunicorn's master, whose processes' CPU time is read)."""
    owner = Client(port)
    token = complete_check(owner, questionnaire, f"Bench GmbH {time.time_ns()}")
    report = f"/a/{token}/report"
    _status, _headers, page = owner.request("GET", report)
    charts = chart_paths(token, page)
    results = [
        measured(
            "report page, charts cached", measure(sizes.count(200), 30, lambda: owner.timed(report))
        )
    ]

    chart_clients = [Client(port) for _ in charts]

    def fresh() -> float:
        """Nothing cached: the page (which draws the charts), then both charts at once."""
        empty(cache, "*.svg")
        empty(cache, "*.html")
        page_time = owner.timed(report)
        times: list[float] = []
        loaders = [
            threading.Thread(target=lambda c=c, u=u: times.append(c.timed(u)))
            for c, u in zip(chart_clients, charts, strict=True)
        ]
        for loader in loaders:
            loader.start()
        for loader in loaders:
            loader.join()
        return page_time + max(times)

    for _ in range(6):  # both workers have drawn charts before (fonts loaded, code warm)
        fresh()
    meter = CpuMeter(server)
    drawn = measure(sizes.count(40), 60, fresh)
    spent = meter.spent() / len(drawn)
    results.append(measured("report page with charts drawn fresh", drawn))
    results.append(Result("report page with charts drawn fresh, server CPU", spent, len(drawn)))

    pdf = f"/a/{token}/report.pdf"
    # the server's first PDF: its renderers were started with it, the workers render none
    results.append(Result("PDF, first after start", owner.timed(pdf), 1))

    def fresh_pdf() -> float:
        """The PDF with nothing cached."""
        empty(cache, "*.pdf")
        return owner.timed(pdf)

    results.append(measured("PDF, warm renderer", measure(sizes.count(20), 90, fresh_pdf)))
    owner.timed(pdf)
    results.append(
        measured(
            "PDF, repeated download (cached)",
            measure(sizes.count(100), 30, lambda: owner.timed(pdf)),
        )
    )
    results.append(page_while_pdfs_render(port, cache, questionnaire, sizes))
    return results


def page_while_pdfs_render(
    port: int, cache: Path, questionnaire: Questionnaire, sizes: Sizes
) -> Result:
    """A questionnaire page while two other clients have PDFs rendered again and again."""
    others = [Client(port) for _ in range(2)]
    tokens = [
        complete_check(client, questionnaire, f"Bench {n} GmbH {time.time_ns()}")
        for n, client in enumerate(others)
    ]
    stop = threading.Event()

    def render_loop(client: Client, token: str) -> None:
        """Have one check's PDF rendered, uncached, until told to stop."""
        while not stop.is_set():
            empty(cache, "*.pdf")
            try:
                client.timed(f"/a/{token}/report.pdf")
            except (OSError, http.client.HTTPException):
                return  # the server is going away at the end of the run

    renderers = [
        threading.Thread(target=render_loop, args=(c, t), daemon=True)
        for c, t in zip(others, tokens, strict=True)
    ]
    for thread in renderers:
        thread.start()
    time.sleep(1.0)
    reader = Client(port)
    step_page = f"/a/{start_check(reader)}/step/{STEP}"
    during = measure(sizes.count(200), 30, lambda: reader.timed(step_page))
    stop.set()
    for thread in renderers:
        thread.join(timeout=120)
    return measured("questionnaire page while two PDFs render", during)
