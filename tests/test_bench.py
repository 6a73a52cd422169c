"""The benchmark script runs (with tiny sizes), so that it cannot rot; timing is not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assessment import PROJECT_ROOT


def test_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    """`python -m bench.run --quick` serves the app with gunicorn, measures, prints, writes JSON."""
    output = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--json", str(output)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    figures = json.loads(output.read_text())
    assert [f["figure"] for f in figures] == [
        "report page, charts cached",
        "report page with charts drawn fresh",
        "PDF, warm renderer",
        "PDF, repeated download (cached)",
        "questionnaire page while two PDFs render",
        "advisor dashboard, filtered, sorted, paged",
        "CSV export of every shared assessment",
        "CSV export, worker memory growth (peak)",
    ]
    assert all(f["samples"] >= 3 for f in figures)
    assert all(f["median_ms"] > 0 for f in figures if "median_ms" in f)
    assert "median_mib" in figures[-1]
    for figure in figures:
        assert figure["figure"] in run.stdout
