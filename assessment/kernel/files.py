"""A content-addressed file cache: a name is a hash of what the file holds, so it never goes stale.

Any worker or host may fill it; two that fill the same entry write the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Response, current_app


def cached(folder: Path, name: str, produce: Callable[[], bytes]) -> bytes:
    """The bytes stored under ``name``, produced and stored now if they are missing."""
    path = folder / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = produce()
    store(folder, name, data)
    return data


def store(folder: Path, name: str, data: bytes) -> None:
    """Write a cache file atomically: readers see the old file or the new one, never half."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, folder / name)


def fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """A hash of the given files' names and contents (and of ``extra``), for cache keys."""
    digest = hashlib.sha256()
    for value in extra:
        digest.update(value.encode())
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def own_cache(assessment_id: int) -> Path:
    """The folder of one assessment's cached report, charts and PDF (deleted with it)."""
    return Path(current_app.config["CACHE_DIR"]) / "assessments" / str(assessment_id)


def forget(assessment_id: int) -> None:
    """Delete an assessment's cached files."""
    shutil.rmtree(own_cache(assessment_id), ignore_errors=True)


def cache_dir(kind: str) -> Path:
    """Where cached files of one kind (charts, bodies, pdf) are kept."""
    return Path(current_app.config["CACHE_DIR"]) / kind


def cache_privately(response: Response, *, versioned: bool) -> None:
    """A firm's file: kept a day by the browser alone when its URL names its content, else never
    stored (a shared computer's cache would keep a firm's result)."""
    response.cache_control.private = True
    if versioned:
        response.cache_control.max_age = 86400
    else:
        response.cache_control.no_store = True
