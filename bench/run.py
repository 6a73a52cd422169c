"""Benchmark of the report: the app under gunicorn on 127.0.0.1, medians and p95 against targets.

Run with `make bench` (`python -m bench.run`). Every load is bounded in requests and time;
nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assessment.questionnaire import load_questionnaire
from tests.web.helpers import good_answer

from .serving import ROOT, Client, Gunicorn, csrf, flask


@dataclass
class Figure:
    """One measured figure against its target, in milliseconds unless another unit is given."""

    name: str
    target: float
    statistic: str
    samples: list[float]
    unit: str = "ms"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def measured(self) -> float:
        return self.p95 if self.statistic == "p95" else self.median

    @property
    def passed(self) -> bool:
        return self.measured <= self.target


def start_check(client: Client) -> str:
    """Start the sample check; its token."""
    _status, _headers, landing = client.request("GET", "/")
    _status, headers, _body = client.request(
        "POST", "/assessments", {"csrf_token": csrf(landing), "questionnaire": "digitalcheck"}
    )
    return re.search(r"/a/([\w-]+)/step/0", headers["Location"]).group(1)


def complete_check(client: Client, company: str) -> str:
    """Answer the sample questionnaire through HTTP (second option everywhere) and submit."""
    questionnaire = load_questionnaire(ROOT / "questionnaires" / "digitalcheck.yaml")
    token = start_check(client)
    for number in range(len(questionnaire.dimensions) + 1):
        _s, _h, page = client.request("GET", f"/a/{token}/step/{number}")
        names = set(re.findall(rb'name="([\w.-]+)"', page))
        form = {"csrf_token": csrf(page), "action": "next"}
        questions = (
            questionnaire.profile if number == 0 else questionnaire.dimensions[number - 1].questions
        )
        for question in questions:
            for key, value in good_answer(question).items(multi=False):
                if key.encode() in names:
                    form[key] = value
        if number == 0:
            form["company_name"] = company
        status, _h, body = client.request("POST", f"/a/{token}/step/{number}", form)
        if status != 302:
            raise RuntimeError(f"step {number} answered {status}: {body[:300]!r}")
    _s, _h, review = client.request("GET", f"/a/{token}/review")
    client.request("POST", f"/a/{token}/review", {"csrf_token": csrf(review), "action": "submit"})
    return token


def empty(cache: Path, pattern: str) -> None:
    """Remove the cached report files of one kind (``*.svg``, ``*.html``, ``*.pdf``)."""
    for path in (cache / "assessments").glob(f"*/{pattern}"):
        path.unlink(missing_ok=True)


def measure(count: int, seconds: float, action: Callable[[], float]) -> list[float]:
    """Run ``action`` up to ``count`` times or for ``seconds``; its timings in ms."""
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    while len(samples) < count and time.monotonic() < deadline:
        samples.append(action())
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check that it runs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    assessments = 300 if args.quick else 100_000

    workdir = Path(tempfile.mkdtemp(prefix="digitalcheck-bench-"))
    cache = workdir / "cache"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "CACHE_DIR": str(cache),
        "SECRET_KEY": "bench-" + "x" * 40,
    }
    flask(env, "db", "upgrade")
    try:
        with Gunicorn(env, workers=2) as server:
            figures = run_figures(server.port, cache, scale)
            figures += advisor_figures(server, env, assessments, scale)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(as_json(figures), indent=2))
    return 0 if all(f.passed for f in figures) or args.quick else 1


def run_figures(port: int, cache: Path, scale: float) -> list[Figure]:
    owner = Client(port)
    token = complete_check(owner, "Bench GmbH")
    others = [Client(port) for _ in range(2)]
    other_tokens = [complete_check(client, f"Bench {n} GmbH") for n, client in enumerate(others)]
    n = lambda count: max(3, int(count * scale))  # noqa: E731
    report = f"/a/{token}/report"
    _status, _headers, page = owner.request("GET", report)
    charts = [f"/a/{token}/" + c.decode() for c in re.findall(rb'<img src="(charts/[^"]+)"', page)]
    figures = []

    figures.append(
        Figure(
            "report page, charts cached",
            20,
            "p95",
            measure(n(200), 30, lambda: owner.timed(report)),
        )
    )

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
    figures.append(
        Figure("report page with charts drawn fresh", 150, "p95", measure(n(40), 60, fresh))
    )

    pdf = f"/a/{token}/report.pdf"
    owner.timed(pdf)  # starts the rendering process

    def fresh_pdf() -> float:
        empty(cache, "*.pdf")
        return owner.timed(pdf)

    figures.append(Figure("PDF, warm renderer", 1000, "p95", measure(n(20), 90, fresh_pdf)))
    owner.timed(pdf)
    figures.append(
        Figure(
            "PDF, repeated download (cached)",
            20,
            "p95",
            measure(n(100), 30, lambda: owner.timed(pdf)),
        )
    )

    stop = threading.Event()

    def render_loop(client: Client, other: str) -> None:
        while not stop.is_set():
            for leftover in (cache / "assessments").glob("*/*.pdf"):
                leftover.unlink(missing_ok=True)
            try:
                client.timed(f"/a/{other}/report.pdf")
            except (OSError, http.client.HTTPException):
                return  # the server is going away at the end of the run

    renderers = [
        threading.Thread(target=render_loop, args=(c, t), daemon=True)
        for c, t in zip(others, other_tokens, strict=True)
    ]
    for thread in renderers:
        thread.start()
    time.sleep(1.0)
    reader = Client(port)
    step_page = f"/a/{start_check(reader)}/step/2"
    during = measure(n(200), 30, lambda: reader.timed(step_page))
    stop.set()
    for thread in renderers:
        thread.join(timeout=120)
    figures.append(Figure("questionnaire page while two PDFs render", 50, "p95", during))
    return figures


#: The dashboard as advisors use it: plain, filtered, searched, sorted and paged.
DASHBOARD_VIEWS = (
    "/advisor/",
    "/advisor/?sector=handwerk&sort=score_high&page=3",
    "/advisor/?size=small&region=lippstadt",
    "/advisor/?level=fortgeschritten&sort=company&page=2",
    "/advisor/?q=schulte",
    "/advisor/?status=in_review&sort=oldest",
    "/advisor/?sort=score_low&page=10",
    "/advisor/?sector=produktion&size=medium&submitted_from={quarter}",
)
MIB = 1024 * 1024


def advisor_figures(
    server: Gunicorn, env: dict[str, str], assessments: int, scale: float
) -> list[Figure]:
    """Seed shared assessments, log in as an advisor, time the dashboard and the CSV export."""
    started = time.perf_counter()
    flask(env, "demo", "bulk", "--count", str(assessments))
    print(f"Seeded {assessments} assessments in {time.perf_counter() - started:.1f} s")
    created = flask(env, "advisor", "create", "bench@example.org", "--generate-password")
    password = re.search(r"Password \(shown only now\): (\S+)", created).group(1)
    advisor = Client(server.port)
    _status, _headers, form = advisor.request("GET", "/advisor/login")
    status, _headers, _body = advisor.request(
        "POST",
        "/advisor/login",
        {"csrf_token": csrf(form), "email": "bench@example.org", "password": password},
    )
    if status != 302:
        raise RuntimeError(f"the advisor login answered {status}")

    quarter = (datetime.date.today() - datetime.timedelta(days=91)).isoformat()
    views = [view.format(quarter=quarter) for view in DASHBOARD_VIEWS]
    for view in views:  # both workers' code and SQLite's page cache warm
        advisor.timed(view)
    turn = iter(range(10**6))
    dashboard = measure(
        max(len(views), int(50 * scale)),
        60,
        lambda: advisor.timed(views[next(turn) % len(views)]),
    )

    workers = server.worker_pids()
    seconds: list[float] = []
    growth: list[float] = []
    for _ in range(3):
        before = {pid: reset_peak(pid) for pid in workers}
        start = time.perf_counter()
        status, _headers, body = advisor.request("GET", "/advisor/export.csv")
        seconds.append((time.perf_counter() - start) * 1000)
        if status != 200 or body.count(b"\n") < assessments + 1:
            lines = body.count(b"\n")
            raise RuntimeError(f"the CSV export answered {status} with {lines} lines")
        growth.append(max(peak_rss(pid) - rss for pid, rss in before.items()) / MIB)
    return [
        Figure("advisor dashboard, filtered, sorted, paged", 100, "p95", dashboard),
        Figure("CSV export of every shared assessment", 10_000, "p95", seconds),
        Figure("CSV export, worker memory growth (peak)", 50, "p95", growth, unit="MiB"),
    ]


def _status_bytes(pid: int, key: str) -> int:
    """A memory figure of /proc/PID/status in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/{pid}/status has no {key}")


def reset_peak(pid: int) -> int:
    """Set the process's peak RSS back to its current RSS (Linux 4.0+); that RSS in bytes."""
    with contextlib.suppress(OSError):  # else VmHWM stays the lifetime peak: a stricter figure
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _status_bytes(pid, "VmRSS")


def peak_rss(pid: int) -> int:
    """The process's peak RSS since the last reset, in bytes."""
    return _status_bytes(pid, "VmHWM")


def print_table(figures: list[Figure]) -> None:
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nDigital-Check benchmark — {machine}")
    print(f"{'figure':45} {'target':>10} {'median':>9} {'p95':>9} {'n':>5}  result")
    print("(milliseconds, or MiB where the target says so)")
    for f in figures:
        result = "pass" if f.passed else "FAIL"
        target = f"{f.statistic} <= {f.target:g} {f.unit}"
        print(
            f"{f.name:45} {target:>10} {f.median:8.1f}  {f.p95:8.1f} {len(f.samples):5}  {result}"
        )


def as_json(figures: list[Figure]) -> list[dict]:
    """The figures as JSON data; the keys name the unit (target_ms, median_mib, ...)."""
    found = []
    for f in figures:
        unit = f.unit.lower()
        found.append(
            {
                "figure": f.name,
                f"target_{unit}": f.target,
                "statistic": f.statistic,
                f"median_{unit}": f.median,
                f"p95_{unit}": f.p95,
                "samples": len(f.samples),
                "passed": f.passed,
            }
        )
    return found


if __name__ == "__main__":
    raise SystemExit(main())
