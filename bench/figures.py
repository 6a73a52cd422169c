"""The benchmark's figures: targets, one value per run, and the table and JSON they end up in."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Spec:
    """A figure's target: at most (or at least) ``target`` of ``statistic`` over a run."""

    name: str
    target: float
    unit: str
    #: How one run's samples become the run's value: median, p95, max, rate, count, or single
    #: (one sample per run).
    statistic: str
    at_least: bool = False

    @property
    def direction(self) -> str:
        """Whether the target is a floor ("at least") or a ceiling ("at most")."""
        return "at least" if self.at_least else "at most"

    def met_by(self, value: float) -> bool:
        """Whether a value meets the target."""
        return value >= self.target if self.at_least else value <= self.target


#: Every figure in the order of the table.
SPECS = (
    Spec("start-up to first response", 1500, "ms", "single"),
    Spec("questionnaire page, one client, p50", 3, "ms", "median"),
    Spec("questionnaire page, one client, p95", 15, "ms", "p95"),
    Spec("questionnaire page, 8 concurrent clients", 400, "requests/s", "rate", at_least=True),
    Spec("page save, 8 concurrent clients", 600, "saves/s", "rate", at_least=True),
    Spec("page saves lost, 8 concurrent clients", 0, "saves", "count"),
    Spec("complete questionnaire, start to report", 300, "ms", "median"),
    Spec("server CPU per completed check", 100, "ms", "single"),
    Spec("server CPU per completed check, 7 pages of 5 questions", 60, "ms", "single"),
    Spec("report page, charts cached", 20, "ms", "p95"),
    Spec("report page with charts drawn fresh", 150, "ms", "p95"),
    Spec("report page with charts drawn fresh, server CPU", 25, "ms", "single"),
    Spec("PDF, first after start", 1000, "ms", "single"),
    Spec("PDF, warm renderer", 300, "ms", "p95"),
    Spec("PDF, repeated download (cached)", 20, "ms", "p95"),
    Spec("questionnaire page while two PDFs render", 50, "ms", "p95"),
    Spec("advisor dashboard, filtered, sorted, paged", 100, "ms", "p95"),
    Spec("advisor statistics with the impact figures", 200, "ms", "p95"),
    Spec("CSV export of every shared assessment", 10_000, "ms", "max"),
    Spec("CSV export, worker memory growth (peak)", 50, "MiB", "max"),
    Spec("memory (PSS) per worker after the suite", 150, "MiB", "max"),
    Spec("memory (PSS) of all server processes", 250, "MiB", "single"),
    Spec("scoring one assessment in the core", 1, "ms", "p95"),
)
SPEC = {spec.name: spec for spec in SPECS}
KIB_PER_GIB = 1024**2


@dataclass(frozen=True)
class Result:
    """One run's value of a figure, and how many samples it comes from."""

    name: str
    value: float
    samples: int


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measured(name: str, samples: Sequence[float]) -> Result:
    """A run's value of a figure from its samples, by the figure's statistic."""
    statistic = SPEC[name].statistic
    if not samples:
        raise RuntimeError(f"{name}: no samples")
    if statistic == "median":
        value = statistics.median(samples)
    elif statistic == "p95":
        value = p95(samples)
    elif statistic == "max":
        value = max(samples)
    else:
        raise ValueError(f"{name}: {statistic} is not a statistic over samples")
    return Result(name, value, len(samples))


@dataclass(frozen=True)
class Figure:
    """A figure over all runs: one value per run, their median and spread."""

    spec: Spec
    values: tuple[float, ...]
    samples: int

    @property
    def median(self) -> float:
        """The median over the runs."""
        return statistics.median(self.values)

    @property
    def passed(self) -> bool:
        """Whether the median over the runs meets the target."""
        return self.spec.met_by(self.median)


def collect(runs: Sequence[Sequence[Result]]) -> list[Figure]:
    """Every figure of SPECS from the results of each run; a figure missing in a run is an error."""
    by_run = [{result.name: result for result in run} for run in runs]
    figures = []
    for spec in SPECS:
        missing = [n for n, results in enumerate(by_run, 1) if spec.name not in results]
        if missing:
            raise RuntimeError(f"{spec.name}: not measured in run {missing}")
        results = [results[spec.name] for results in by_run]
        figures.append(
            Figure(spec, tuple(r.value for r in results), sum(r.samples for r in results))
        )
    return figures


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory and Python version of this machine."""
    cpu = platform.processor() or platform.machine()
    for line in _read_lines("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = None
    for line in _read_lines("/proc/meminfo"):
        if line.startswith("MemTotal:"):  # in KiB
            memory = round(int(line.split()[1]) / KIB_PER_GIB, 1)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory,
        "python": platform.python_version(),
    }


def _read_lines(path: str) -> list[str]:
    """A text file's lines; none when it cannot be read."""
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def number(value: float, spec: Spec) -> str:
    """A value with as many decimals as its kind and size call for."""
    if spec.statistic == "count":
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 100 else f"{value:.2f}"


def print_table(figures: Sequence[Figure], runs: int) -> None:
    """The machine, then one line per figure: target, median and spread over the runs."""
    about = machine()
    print(
        f"\nDigital-Check benchmark — {about['cores']} cores, {about['cpu']}, "
        f"{about['memory_gib']} GiB, Python {about['python']}; {runs} run(s)"
    )
    width = max(len(figure.spec.name) for figure in figures)
    print(
        f"{'figure':{width}} {'target':>24} {'median':>9} {'spread min-max':>19} {'n':>6}  result"
    )
    for figure in figures:
        spec = figure.spec
        target = f"{spec.statistic} {'>=' if spec.at_least else '<='} {spec.target:g} {spec.unit}"
        spread = f"{number(min(figure.values), spec)}-{number(max(figure.values), spec)}"
        result = "pass" if figure.passed else "FAIL"
        print(
            f"{spec.name:{width}} {target:>24} {number(figure.median, spec):>9} {spread:>19} "
            f"{figure.samples:>6}  {result}"
        )


def as_json(figures: Sequence[Figure], runs: int) -> dict[str, Any]:
    """The machine and the figures as JSON data."""
    return {
        "machine": machine(),
        "runs": runs,
        "figures": [
            {
                "figure": f.spec.name,
                "target": f.spec.target,
                "unit": f.spec.unit,
                "direction": f.spec.direction,
                "statistic": f.spec.statistic,
                "values": list(f.values),
                "median": f.median,
                "min": min(f.values),
                "max": max(f.values),
                "samples": f.samples,
                "passed": f.passed,
            }
            for f in figures
        ],
    }
