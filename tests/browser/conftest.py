"""A real browser (Debian's Chromium driven by Playwright) against the app on 127.0.0.1.

Without Chromium these tests skip with the reason; in CI (.ci/run) they must run.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from assessment.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_cli
from assessment.extensions import db
from assessment.questionnaire import load_questionnaire

from ..conftest import SAMPLE, SAMPLE_DIR, make_app
from ..survey.conftest import DATA

#: How long a browser action or navigation may take, and how long an expectation is retried, in
#: milliseconds: generous, so that a busy machine (the PDF renderer, the first font cache) is
#: never taken for a failure. A passing check returns as soon as it holds.
ACTION_TIMEOUT = 120_000
EXPECT_TIMEOUT = 30_000
expect.set_options(timeout=EXPECT_TIMEOUT)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The Chromium executable, or a skip that says how to install it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium for the whole test session."""
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, timeout=ACTION_TIMEOUT
        )
        yield launched
        launched.close()


def serve(app: Flask) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 while the generator is open; its base URL."""
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["EXTERNAL_URL"] = base  # the resume link leads back to this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The app serving the small web-test questionnaire on a free port of 127.0.0.1."""
    yield from serve(make_app(tmp_path / "browser.db", DATA))


@dataclass(frozen=True)
class Site:
    """The sample questionnaire served with the demo data: its URL, app and demo advisor."""

    url: str
    app: Flask
    email: str = DEMO_EMAIL
    password: str = DEMO_PASSWORD


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The sample questionnaire on 127.0.0.1 with `flask demo seed`'s advisor and firms."""
    app = make_app(tmp_path / "site.db", SAMPLE_DIR)
    result = app.test_cli_runner().invoke(demo_cli, ["seed"])
    assert result.exit_code == 0, result.output
    for url in serve(app):
        yield Site(url, app)


#: The modules that take the day funding programmes are matched on from assessment.i18n: the
#: report (and the advisors' copy of it), the record made on submitting, and /advisor/funding.
FUNDING_DAY_USERS = (
    "assessment.report.rendering",
    "assessment.survey.operations",
    "assessment.advisor.funding",
)


@pytest.fixture
def funding_day(site: Site, monkeypatch: pytest.MonkeyPatch) -> date:
    """Fix the day the funding programmes are matched on, so that what the report and
    /advisor/funding show does not depend on the day the tests run: the last day on which the
    sample directory's most recently checked entry is current, so that older entries are marked
    as possibly changed (stale) and the reports show that note."""
    directory = load_questionnaire(SAMPLE).funding_directory
    assert directory is not None, "the sample questionnaire names a funding directory"
    newest = max(programme.last_checked for programme in directory.programmes)
    day = newest + timedelta(days=site.app.config["FUNDING_STALE_DAYS"])
    for module in FUNDING_DAY_USERS:
        monkeypatch.setattr(f"{module}.local_today", lambda: day)
    return day


def new_context(browser: Any, **options: Any) -> Any:
    """A fresh browser context (its own cookies) with the suite's generous time limits."""
    opened = browser.new_context(**options)
    opened.set_default_timeout(ACTION_TIMEOUT)
    opened.set_default_navigation_timeout(ACTION_TIMEOUT)
    return opened


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (its own cookies, a German browser), closed after the test."""
    opened = new_context(browser, locale="de-DE")
    yield opened
    opened.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A page in a fresh browser context."""
    return context.new_page()


def log_in(page: Any, site: Site) -> None:
    """Log in as the demo advisor through the login form (German interface)."""
    page.goto(site.url + "/advisor/login")
    page.get_by_label("E-Mail-Adresse").fill(site.email)
    page.get_by_label("Passwort").fill(site.password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(site.url + "/advisor/")
