"""In CI (.ci/run sets DIGITALCHECK_REQUIRE_ALL_TESTS=1) a skipped test fails; locally it skips."""

from __future__ import annotations

import pytest

SKIPPING_TEST = """
import pytest

def test_needs_chromium():
    pytest.skip("chromium is not installed")

def test_runs():
    assert [1] == [1]
"""


@pytest.mark.parametrize(("required", "outcome"), [("1", {"failed": 1}), ("", {"skipped": 1})])
def test_skip_becomes_failure_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, required: str, outcome: dict
) -> None:
    """The skip reason is kept in the failure so CI says what is missing."""
    monkeypatch.setenv("DIGITALCHECK_REQUIRE_ALL_TESTS", required)
    pytester.makepyfile(SKIPPING_TEST)
    result = pytester.runpytest("-p", "tests.ci_plugin")
    result.assert_outcomes(passed=1, **outcome)
    if required:
        result.stdout.fnmatch_lines(["*requires every test to run*chromium is not installed*"])
