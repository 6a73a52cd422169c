"""The benchmark script runs (with tiny sizes), so that it cannot rot; timing is not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assessment import PROJECT_ROOT

#: Every figure in the order of the table, with its unit.
FIGURES = {
    "start-up to first response": "ms",
    "questionnaire page, one client, p50": "ms",
    "questionnaire page, one client, p95": "ms",
    "questionnaire page, 8 concurrent clients": "requests/s",
    "page save, 8 concurrent clients": "saves/s",
    "page saves lost, 8 concurrent clients": "saves",
    "complete questionnaire, start to report": "ms",
    "server CPU per completed check": "ms",
    "server CPU per completed check, 7 pages of 5 questions": "ms",
    "report page, charts cached": "ms",
    "report page with charts drawn fresh": "ms",
    "report page with charts drawn fresh, server CPU": "ms",
    "PDF, first after start": "ms",
    "PDF, warm renderer": "ms",
    "PDF, repeated download (cached)": "ms",
    "questionnaire page while two PDFs render": "ms",
    "advisor dashboard, filtered, sorted, paged": "ms",
    "advisor statistics with the impact figures": "ms",
    "CSV export of every shared assessment": "ms",
    "CSV export, worker memory growth (peak)": "MiB",
    "memory (PSS) per worker after the suite": "MiB",
    "memory (PSS) of all server processes": "MiB",
    "scoring one assessment in the core": "ms",
}
#: Figures of fewer samples per run than 3: one, or one per gunicorn worker.
FEW_SAMPLES = {
    "start-up to first response": 1,
    "CSV export of every shared assessment": 1,
    "CSV export, worker memory growth (peak)": 1,
    "memory (PSS) per worker after the suite": 2,
    "PDF, first after start": 1,
    "memory (PSS) of all server processes": 1,
}


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
    results = json.loads(output.read_text())
    assert results["runs"] == 1
    assert results["machine"]["cores"] >= 1
    figures = results["figures"]
    assert [f["figure"] for f in figures] == list(FIGURES)
    for figure in figures:
        name = figure["figure"]
        assert figure["unit"] == FIGURES[name], name
        assert len(figure["values"]) == 1, name
        assert figure["min"] <= figure["median"] <= figure["max"], name
        assert figure["samples"] >= FEW_SAMPLES.get(name, 3), name
        assert figure["direction"] == ("at least" if "/s" in figure["unit"] else "at most"), name
        assert name in run.stdout
    by_name = {f["figure"]: f for f in figures}
    assert all(by_name[name]["median"] > 0 for name, unit in FIGURES.items() if unit == "ms")
    assert by_name["page saves lost, 8 concurrent clients"]["values"] == [0]
