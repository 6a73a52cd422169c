"""The PDF renderers a gunicorn server shares among its workers, and their failures."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from assessment import PROJECT_ROOT
from assessment.config import ConfigError, config_from_env
from assessment.questionnaire import Questionnaire
from assessment.report.renderer import RENDERER_NAME, SUPERVISOR_NAME
from bench.owner import complete_check
from bench.processes import tree
from bench.serving import Client, Gunicorn, flask

from ..conftest import database_uri, release
from ..survey.helpers import Respondent, text

#: How long a replaced renderer may take to appear on a busy machine.
REPLACEMENT_SECONDS = 60


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Gunicorn]:
    """The app under gunicorn with the project's gunicorn.conf.py, on a database of its own."""
    path = tmp_path / "served.db"
    env = {
        **os.environ,
        "DATABASE_URL": database_uri(path, schema=False),
        "CACHE_DIR": str(tmp_path / "cache"),
        "SECRET_KEY": "renderer-" + "x" * 40,
        "MAIL_DIR": str(tmp_path / "mail"),
    }
    flask(env, "db", "upgrade")
    with Gunicorn(env, workers=2, threads=2) as running:
        running.first_response("/")  # the master is ready: its workers answer
        yield running
    release(path)


def named(server: Gunicorn, name: str) -> list[int]:
    """The server's processes of this name (as ps shows it)."""
    found = []
    for pid in tree(server.pid):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                found.append(pid)
        except OSError:
            continue  # it ended meanwhile
    return found


def fetch_pdf(client: Client, token: str, cache: Path) -> bytes:
    """The check's PDF, rendered anew (its cached copy removed first)."""
    for cached in cache.glob("assessments/*/*.pdf"):
        cached.unlink()
    status, headers, body = client.request("GET", f"/a/{token}/report.pdf")
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "application/pdf"
    return body


def assert_tagged_report(document: bytes, company: str) -> None:
    """A tagged PDF of the company's report."""
    reader = PdfReader(BytesIO(document))
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is tagged"
    assert company in reader.pages[0].extract_text()


def test_workers_share_renderers_started_with_the_server(
    server: Gunicorn, sample: Questionnaire, tmp_path: Path
) -> None:
    """The renderers run before the first PDF, and every worker's PDF comes from them."""
    assert len(named(server, SUPERVISOR_NAME)) == 1
    assert len(named(server, RENDERER_NAME)) == 1  # PDF_RENDERERS is 1 by default
    client = Client(server.port, keep_alive=False)  # each request to any worker
    token = complete_check(client, sample, "Tischlerei Gunicorn")
    for _ in range(4):
        assert_tagged_report(fetch_pdf(client, token, tmp_path / "cache"), "Tischlerei Gunicorn")
    for worker in server.worker_pids():
        assert tree(worker) == [worker], "no worker starts a renderer of its own"


def test_a_renderer_that_died_is_replaced(
    server: Gunicorn, sample: Questionnaire, tmp_path: Path
) -> None:
    """A renderer killed between two PDFs: the next PDF still arrives, from a new renderer."""
    client = Client(server.port, keep_alive=False)
    token = complete_check(client, sample, "Malerei Ersatz")
    fetch_pdf(client, token, tmp_path / "cache")
    [killed] = named(server, RENDERER_NAME)
    os.kill(killed, signal.SIGKILL)
    assert_tagged_report(fetch_pdf(client, token, tmp_path / "cache"), "Malerei Ersatz")
    deadline = time.monotonic() + REPLACEMENT_SECONDS
    while named(server, RENDERER_NAME) in ([], [killed]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert named(server, RENDERER_NAME) not in ([], [killed])


def test_a_renderer_that_does_not_answer_gives_the_friendly_503(
    submitted: Respondent, report_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the shared renderers cannot be reached the PDF is the same 503 as without Pango."""
    nowhere = str(tmp_path / "no-renderer.sock")
    monkeypatch.setattr("assessment.report.pdf.shared_address", lambda: nowhere)
    response = submitted.client.get(submitted.url("/report.pdf"))
    assert response.status_code == 503
    assert "Das PDF kann auf diesem Server zurzeit nicht erstellt werden." in text(response)


def test_renderers_setting(tmp_path: Path) -> None:
    """PDF_RENDERERS: one by default, any positive number, never none."""
    assert config_from_env({}, str(tmp_path), PROJECT_ROOT)["PDF_RENDERERS"] == 1
    setting = config_from_env({"PDF_RENDERERS": "3"}, str(tmp_path), PROJECT_ROOT)
    assert setting["PDF_RENDERERS"] == 3
    with pytest.raises(ConfigError, match="PDF_RENDERERS"):
        config_from_env({"PDF_RENDERERS": "0"}, str(tmp_path), PROJECT_ROOT)
