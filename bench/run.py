"""Benchmark: the app under gunicorn on 127.0.0.1, each figure over several runs against its target.

Run with `make bench` (`python -m bench.run`). Every load is bounded in requests and time;
nothing leaves this machine. The shared assessments for the advisor's figures (100,000) and the
referrals, consultation requests and repeat checks of the impact figures (20,000 referrals) are
seeded once; then each run starts gunicorn afresh on that database, measures every figure and
stops it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from assessment.questionnaire import Questionnaire, load_questionnaire

from .advisor import advisor_figures, seed
from .core import scoring
from .figures import Result, as_json, collect, print_table
from .impact import seed as seed_impact
from .memory import worker_memory
from .owner import owner_figures
from .processes import total_pss
from .report import report_figures
from .sampling import FULL, QUICK, Sizes
from .serving import ROOT, Gunicorn, flask

#: A short check beside the sample: seven pages of five scored single-choice questions.
SHORT = ROOT / "bench" / "questionnaires" / "sieben.yaml"


def one_run(
    env: Mapping[str, str],
    questionnaires: tuple[Questionnaire, Questionnaire],
    password: str,
    assessments: int,
    sizes: Sizes,
) -> list[Result]:
    """Start gunicorn, measure every figure, stop it."""
    cache = Path(env["CACHE_DIR"])
    questionnaire = questionnaires[0]
    with Gunicorn(env, workers=2, threads=4) as server:
        results = [Result("start-up to first response", server.first_response("/"), 1)]
        results += owner_figures(server.pid, server.port, questionnaires, sizes)
        results += report_figures(server.pid, server.port, cache, questionnaire, sizes)
        results += advisor_figures(server, password, assessments, sizes)
        results.append(worker_memory(server))
        results.append(Result("memory (PSS) of all server processes", total_pss(server.pid), 1))
    results.append(scoring(questionnaire, sizes))
    return results


def served_questionnaires(folder: Path) -> tuple[Questionnaire, Questionnaire]:
    """The sample questionnaire and the short one of seven pages, served from ``folder``."""
    shutil.copytree(ROOT / "questionnaires", folder)
    shutil.copy(SHORT, folder)
    return load_questionnaire(folder / "digitalcheck.yaml"), load_questionnaire(folder / SHORT.name)


def main() -> int:
    """Seed, measure every figure in each run, print the table; 1 when a figure fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run, tiny sizes: that it runs")
    parser.add_argument("--runs", type=int, default=3, help="how many runs (default 3)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    sizes = QUICK if args.quick else FULL
    assessments = 300 if args.quick else 100_000
    referrals = 60 if args.quick else 20_000
    workdir = Path(tempfile.mkdtemp(prefix="digitalcheck-bench-"))
    questionnaires = served_questionnaires(workdir / "questionnaires")
    env = {
        **os.environ,
        "QUESTIONNAIRE_DIR": str(workdir / "questionnaires"),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "CACHE_DIR": str(workdir / "cache"),
        "SECRET_KEY": "bench-" + "x" * 40,
        # the clients share one address here; behind a proxy they would not
        "START_LIMIT_PER_ADDRESS": "1000000",
    }
    try:
        flask(env, "db", "upgrade")
        password = seed(env, assessments)
        seed_impact(env, referrals)
        results = []
        for number in range(1, runs + 1):
            print(f"Run {number} of {runs}", flush=True)
            results.append(one_run(env, questionnaires, password, assessments, sizes))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    figures = collect(results)
    print_table(figures, runs)
    if args.json:
        args.json.write_text(json.dumps(as_json(figures, runs), indent=2))
    return 0 if all(f.passed for f in figures) or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
