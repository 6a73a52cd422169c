"""The advisor's figures: the dashboard, the statistics and the CSV export over many shared
assessments (and, for the statistics' impact figures, their referrals: bench/impact.py)."""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Mapping

from .figures import Result, measured
from .memory import MIB, peak_rss, reset_peak
from .sampling import Sizes, measure
from .serving import Client, Gunicorn, csrf, flask

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
#: The statistics page with the impact figures: plain, by period, sector and Kommune.
STATISTICS_VIEWS = (
    "/advisor/statistics",
    "/advisor/statistics?submitted_from={year}",
    "/advisor/statistics?sector=handwerk",
    "/advisor/statistics?region=lippstadt&submitted_from={quarter}",
)
EMAIL = "bench@example.org"


def seed(env: Mapping[str, str], assessments: int) -> str:
    """Seed shared assessments and create the advisor account; its password."""
    started = time.perf_counter()
    flask(env, "demo", "bulk", "--count", str(assessments))
    print(f"Seeded {assessments} assessments in {time.perf_counter() - started:.1f} s")
    created = flask(env, "advisor", "create", EMAIL, "--generate-password")
    return re.search(r"Password \(shown only now\): (\S+)", created).group(1)


def log_in(port: int, password: str) -> Client:
    """A client logged in as the advisor."""
    advisor = Client(port)
    _status, _headers, form = advisor.request("GET", "/advisor/login")
    status, _headers, _body = advisor.request(
        "POST", "/advisor/login", {"csrf_token": csrf(form), "email": EMAIL, "password": password}
    )
    if status != 302:
        raise RuntimeError(f"the advisor login answered {status}")
    return advisor


def advisor_figures(
    server: Gunicorn, password: str, assessments: int, sizes: Sizes
) -> list[Result]:
    """Time the dashboard's views, the statistics and one CSV export with the workers' memory
    growth."""
    advisor = log_in(server.port, password)
    today = datetime.date.today()
    quarter = (today - datetime.timedelta(days=91)).isoformat()
    year = (today - datetime.timedelta(days=365)).isoformat()
    views = [view.format(quarter=quarter) for view in DASHBOARD_VIEWS]
    dashboard = _timed_views(advisor, views, sizes.count(50))
    pages = [view.format(quarter=quarter, year=year) for view in STATISTICS_VIEWS]
    statistics = _timed_views(advisor, pages, sizes.count(30))

    before = {pid: reset_peak(pid) for pid in server.worker_pids()}
    start = time.perf_counter()
    status, _headers, body = advisor.request("GET", "/advisor/export.csv")
    export = (time.perf_counter() - start) * 1000
    if status != 200 or body.count(b"\n") < assessments + 1:
        lines = body.count(b"\n")
        raise RuntimeError(f"the CSV export answered {status} with {lines} lines")
    growth = max(peak_rss(pid) - rss for pid, rss in before.items()) / MIB
    return [
        measured("advisor dashboard, filtered, sorted, paged", dashboard),
        measured("advisor statistics with the impact figures", statistics),
        measured("CSV export of every shared assessment", [export]),
        measured("CSV export, worker memory growth (peak)", [growth]),
    ]


def _timed_views(advisor: Client, views: list[str], count: int) -> list[float]:
    """Each view once to warm up (both workers' code, SQLite's page cache, the charts drawn),
    then ``count`` requests in turn."""
    for view in views:
        advisor.timed(view)
    turn = iter(range(10**6))
    return measure(
        max(len(views), count), 60, lambda: advisor.timed(views[next(turn) % len(views)])
    )
