"""Fixtures of the team check's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from ..conftest import serving
from ..survey.conftest import DATA


@pytest.fixture
def small_app(tmp_path: Path) -> Iterator[Flask]:
    """The app serving tests/survey/data/check.yaml, whose team roles are its own."""
    yield from serving(tmp_path / "web.db", DATA)
