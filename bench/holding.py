"""The app for the load test's kills: one save at a time can be held in a worker until it dies.

The load test kills workers with SIGKILL to show that no acknowledged save is lost. A kill at a
moment chosen by the clock may meet no request at all, on a fast machine or a slow one; so the
killer arms a hold instead, and this wrapper holds the next save of a profile page that arrives
(the load test gives every check a company name of its own there, so whether the save was stored
is always plain to see):

- ``before``: before the app sees the request, so the save must not be stored;
- ``after``: after the app has stored the save and answered, before the answer is sent, so the
  save must be stored although the respondent never hears of it.

The worker that holds the request says so in a file (its process id, the stage, the path), and
waits there until it is killed. Served as ``bench.holding:app`` with ``HOLD_DIR`` set; without a
hold armed, every request goes to the app unchanged.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wsgi import app as _app

#: A save of the profile page of a check.
_SAVE = re.compile(r"^/a/[A-Za-z0-9_-]+/step/0$")
STAGES = ("before", "after")
ARMED = "armed"
HELD = "held"

StartResponse = Callable[..., Any]


def arm(hold_dir: Path, stage: str) -> None:
    """Have the next save of a page held at ``stage`` (one of STAGES)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    _write(hold_dir / ARMED, stage)


def held(hold_dir: Path) -> dict[str, Any] | None:
    """The request being held: the worker's pid, the stage, the path, the app's status."""
    try:
        return json.loads((hold_dir / HELD).read_text())
    except FileNotFoundError:
        return None


def release(hold_dir: Path) -> None:
    """Forget the held request (its worker has been killed)."""
    (hold_dir / HELD).unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    """Write a file at once: readers see all of it or nothing."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_text(text)
    partial.replace(path)


def _claim(hold_dir: Path) -> str | None:
    """The stage, if this request is the one to hold; only one request wins the hold."""
    mine = hold_dir / f".claimed.{os.getpid()}.{threading.get_ident()}"
    try:
        (hold_dir / ARMED).rename(mine)
    except FileNotFoundError:
        return None
    stage = mine.read_text()
    mine.unlink()
    return stage


def _hold(hold_dir: Path, environ: dict[str, Any], stage: str, status: str | None) -> None:
    """Say which request is held, then wait for the kill."""
    report = {"pid": os.getpid(), "stage": stage, "path": environ["PATH_INFO"], "status": status}
    _write(hold_dir / HELD, json.dumps(report))
    threading.Event().wait()


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The app, holding the request when a hold is armed and the request saves a profile."""
    hold_dir = os.environ.get("HOLD_DIR")
    if not hold_dir or environ["REQUEST_METHOD"] != "POST" or not _SAVE.match(environ["PATH_INFO"]):
        return _app(environ, start_response)
    stage = _claim(Path(hold_dir))
    if stage is None:
        return _app(environ, start_response)
    if stage == "before":
        _hold(Path(hold_dir), environ, stage, None)
    answered: list[str] = []
    body = _app(environ, lambda status, headers, *_: answered.append(status))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    _hold(Path(hold_dir), environ, stage, answered[0] if answered else None)
    raise AssertionError("a held request is never answered")
