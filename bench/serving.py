"""The app under gunicorn on 127.0.0.1 for the benchmark and the load test, and an HTTP client."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

from assessment.report.renderer import SUPERVISOR_NAME

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: How long gunicorn may take to start and answer: generous, for a machine busy with other work.
STARTUP_SECONDS = 120
_CSRF = re.compile(rb'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Client:
    """An HTTP client with a cookie jar, for one simulated user.

    It keeps its connection open between requests, unless ``keep_alive`` is false: then every
    request has a connection of its own, as behind nginx, which does not keep upstream
    connections open by default.
    """

    def __init__(self, port: int, *, keep_alive: bool = True) -> None:
        self.port = port
        self.keep_alive = keep_alive
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        #: How many requests lost their connection before the answer came.
        self.broken = 0

    def request(
        self, method: str, path: str, form: Mapping[str, str | list[str]] | None = None
    ) -> tuple[int, dict, bytes]:
        """Send one request; its status, headers and body. A GET is retried once on reconnect."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if not self.keep_alive:
            headers["Connection"] = "close"
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.broken += 1
            self.connection.close()  # the next request opens a new connection
            if method != "GET":
                raise
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        if not self.keep_alive:
            self.connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), data

    def timed(self, path: str) -> float:
        """The time a GET takes, in milliseconds; it must answer 200."""
        start = time.perf_counter()
        status, _headers, _body = self.request("GET", path)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return elapsed


def csrf(page: bytes) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(page)
    if match is None:
        raise RuntimeError("the page has no CSRF token")
    return match.group(1).decode()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: Mapping[str, str], *args: str) -> str:
    """Run `flask --app wsgi ARGS` with this environment; its output."""
    run = subprocess.run(
        [BIN / "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return run.stdout


class Gunicorn:
    """The app under gunicorn (gthread workers) on 127.0.0.1, as a context manager."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        workers: int = 2,
        threads: int = 4,
        app: str = "wsgi:app",
    ) -> None:
        self.env = dict(env)
        self.app = app
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        #: When the process was started (time.perf_counter).
        self.started = 0.0

    @property
    def pid(self) -> int:
        """The master's process id."""
        assert self.process is not None, "gunicorn is not running"
        return self.process.pid

    def __enter__(self) -> Gunicorn:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                BIN / "gunicorn",
                f"--workers={self.workers}",
                "--worker-class=gthread",
                f"--threads={self.threads}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                self.app,
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        try:
            self._wait_for_port(STARTUP_SECONDS)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _wait_for_port(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start-up") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.01)

    def first_response(self, path: str = "/", seconds: float = STARTUP_SECONDS) -> float:
        """Milliseconds from starting the process until ``path`` first answered 200."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=seconds)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return (time.perf_counter() - self.started) * 1000
            except (OSError, http.client.HTTPException):
                pass  # not listening yet, or a worker went away while booting
            finally:
                connection.close()
            time.sleep(0.005)
        raise RuntimeError(f"GET {path} did not answer 200 within {seconds} s")

    def worker_pids(self) -> list[int]:
        """The running workers: the master's child processes but the PDF renderers'."""
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
            except (OSError, ValueError):
                continue  # the process ended meanwhile
            if (
                int(fields.get("PPid", "0")) == self.pid
                and "Z" not in fields.get("State", "")
                and fields.get("Name", "").strip() != SUPERVISOR_NAME
            ):
                found.append(int(status.parent.name))
        return found

    def stop(self) -> None:
        """Stop gunicorn and its workers, gracefully."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
