"""Pytest plugin: with DIGITALCHECK_REQUIRE_ALL_TESTS=1 (set by .ci/run) a skipped test fails.

Tests that need a program which may be missing on a laptop skip with a reason there;
in CI the program must be present, so such a skip is an error.
"""

from __future__ import annotations

import os

import pytest

ENV_VAR = "DIGITALCHECK_REQUIRE_ALL_TESTS"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Turn skips into failures when the environment demands that every test runs."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get(ENV_VAR) == "1" and report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but {ENV_VAR}=1 requires every test to run: {reason}"
