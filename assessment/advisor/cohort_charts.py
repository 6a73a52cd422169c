"""The statistics' charts: checks per month, score distributions, mean scores per group.

Each CohortChart holds everything its chart shows; drawing and caching are the kernel's
(kernel/charts.py), in the report's conventions: dark ink that reads in grey scale, text as text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

from flask_babel import format_date
from flask_babel import gettext as _
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..kernel.charts import INK, spec_key, wrap_label
from ..questionnaire.scoring import display_score
from .cohort import CohortStatistics, Distribution, GroupMean, MonthCount

#: Bump when the drawing code changes, so that cached charts are drawn anew.
CHART_VERSION = 1
BOX = "#d9d9d9"  # light fill behind dark outlines: the outlines carry the meaning
PIXELS_PER_INCH = 96  # CSS pixels; the SVG gives its size in points (72 per inch)


@dataclass(frozen=True)
class CohortChart:
    """What one statistics chart shows; its hash names the cached SVG."""

    family: ClassVar[str] = "cohort"
    kind: str
    labels: tuple[str, ...]
    #: Per label: one value for a bar (None: no bar); for a box: lowest, lower quartile,
    #: median, upper quartile, highest and mean.
    values: tuple[tuple[float | None, ...], ...]
    #: Words on the chart besides the labels: the axis title, then legend entries.
    notes: tuple[str, ...]
    #: A second line under each label (such as the number of checks), if any.
    details: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The hash of everything the chart shows (and of the drawing code's version)."""
        return spec_key(CHART_VERSION, self)

    def figure(self) -> Figure:
        """The chart, drawn."""
        figure = Figure(figsize=self.inches)
        if self.kind == "months":
            _columns(figure, self)
        elif self.kind == "scores":
            _boxes(figure, self)
        else:
            _bars(figure, self)
        return figure

    @property
    def inches(self) -> tuple[float, float]:
        """Width and height of the figure."""
        count = len(self.labels)
        if self.kind == "months":
            return min(max(0.32 * count + 1.6, 4.8), 9.6), 3.4
        lines = max(label.count("\n") + 1 for label in self.tick_labels)
        legend = 0.6 if self.kind == "scores" else 0.0
        return 6.6, max(0.42, 0.15 * lines + 0.05) * count + 1.0 + legend

    @property
    def tick_labels(self) -> list[str]:
        """The labels as the axis shows them: wrapped, each with its second line if any."""
        if self.kind == "months":
            return list(self.labels)
        labels = [wrap_label(label, 30 if self.kind == "scores" else 34) for label in self.labels]
        if self.details:
            return [
                f"{label}\n{detail}" for label, detail in zip(labels, self.details, strict=True)
            ]
        return labels

    @property
    def pixels(self) -> tuple[int, int]:
        """Width and height on the page, for the <img> element."""
        width, height = self.inches
        return round(width * PIXELS_PER_INCH), round(height * PIXELS_PER_INCH)


def months_chart(months: tuple[MonthCount, ...]) -> CohortChart | None:
    """Bars of the checks submitted per month."""
    if not months:
        return None
    return CohortChart(
        kind="months",
        labels=tuple(format_date(month.month, "MMM y") for month in months),
        values=tuple((float(month.count),) for month in months),
        notes=(_("Checks submitted"),),
    )


def scores_chart(distributions: tuple[Distribution, ...]) -> CohortChart | None:
    """A box per topic: quartiles, median, lowest and highest score, and the mean."""
    if not distributions:
        return None
    return CohortChart(
        kind="scores",
        labels=tuple(d.label for d in distributions),
        values=tuple(
            (d.minimum, d.lower_quartile, d.median, d.upper_quartile, d.maximum, d.mean)
            for d in distributions
        ),
        notes=(
            _("Score (0\N{EN DASH}100)"),
            _("Middle half of the scores (lower to upper quartile)"),
            _("Median"),
            _("Mean"),
            _("Lowest to highest score"),
        ),
    )


def means_chart(kind: str, groups: tuple[GroupMean, ...]) -> CohortChart | None:
    """Bars of the mean overall score per group, each label with its number of checks."""
    if not any(group.mean is not None for group in groups):
        return None
    return CohortChart(
        kind=kind,
        labels=tuple(group.label for group in groups),
        values=tuple((group.mean,) for group in groups),
        notes=(_("Mean overall score (0\N{EN DASH}100)"),),
        details=tuple(_("n = %(count)d", count=group.count) for group in groups),
    )


def chart_specs(stats: CohortStatistics) -> dict[str, CohortChart]:
    """The page's charts by kind; a chart without data is left out."""
    specs = {
        "months": months_chart(stats.months),
        "scores": scores_chart(stats.distributions),
        "sectors": means_chart("sectors", stats.sectors),
        "sizes": means_chart("sizes", stats.sizes),
    }
    return {kind: spec for kind, spec in specs.items() if spec is not None}


def _whole(value: float) -> str:
    return str(display_score(Fraction(value)))


def _plain(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _columns(figure: Figure, spec: CohortChart) -> None:
    """Vertical bars, one per month, the count above each when there is room."""
    width, height = spec.inches
    figure.subplots_adjust(left=0.7 / width, right=1 - 0.2 / width, top=0.92, bottom=1.0 / height)
    axes = figure.add_subplot()
    counts = [values[0] or 0.0 for values in spec.values]
    positions = list(range(len(counts)))
    axes.bar(positions, counts, width=0.7, color=INK, zorder=2)
    if len(counts) <= 24:
        for position, count in zip(positions, counts, strict=True):
            axes.text(position, count, f"{count:.0f}", ha="center", va="bottom", fontsize=8)
    step = math.ceil(len(counts) / 24)
    axes.set_xticks(
        positions[::step],
        spec.labels[::step],
        rotation=90 if step > 1 else 45,
        ha="right",
        rotation_mode="anchor",
    )
    axes.set_xlim(-0.6, len(counts) - 0.4)
    axes.set_ylim(0, max(counts) * 1.15)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", color="#cccccc", linewidth=0.6, zorder=0)
    axes.set_ylabel(spec.notes[0])
    _plain(axes)


def _boxes(figure: Figure, spec: CohortChart) -> None:
    """A horizontal box per topic on a 0-100 axis, explained by a legend below."""
    _width, height = spec.inches
    figure.subplots_adjust(left=0.36, right=0.96, top=1 - 0.2 / height, bottom=1.1 / height)
    axes = figure.add_subplot()
    stats = [
        {"whislo": low, "q1": q1, "med": med, "q3": q3, "whishi": high, "mean": mean}
        for low, q1, med, q3, high, mean in spec.values
    ]
    positions = list(range(len(stats)))
    axes.bxp(
        stats,
        positions,
        orientation="horizontal",
        widths=0.55,
        patch_artist=True,
        showmeans=True,
        showfliers=False,
        boxprops={"facecolor": BOX, "edgecolor": INK, "linewidth": 1.2},
        medianprops={"color": INK, "linewidth": 2.6},
        whiskerprops={"color": INK, "linewidth": 1.0},
        capprops={"color": INK, "linewidth": 1.0},
        meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": INK},
        manage_ticks=False,
    )
    axes.set_yticks(positions, spec.tick_labels)
    axes.set_ylim(len(stats) - 0.5, -0.5)
    _score_axis(axes, spec.notes[0])
    box, median, mean, span = spec.notes[1:5]
    handles = [
        Patch(facecolor=BOX, edgecolor=INK, label=box),
        Line2D([], [], color=INK, linewidth=2.6, label=median),
        Line2D(
            [], [], color=INK, linestyle="none", marker="D", markerfacecolor="white", label=mean
        ),
        Line2D([], [], color=INK, linewidth=1.0, label=span),
    ]
    figure.legend(
        handles=handles, loc="lower center", ncols=2, frameon=False, fontsize=8, borderaxespad=0.2
    )


def _bars(figure: Figure, spec: CohortChart) -> None:
    """Horizontal bars of mean scores, the value right of each bar (a dash for none)."""
    _width, height = spec.inches
    figure.subplots_adjust(left=0.4, right=0.96, top=1 - 0.15 / height, bottom=0.65 / height)
    axes = figure.add_subplot()
    positions = list(range(len(spec.labels)))
    means = [values[0] for values in spec.values]
    axes.barh(positions, [mean or 0.0 for mean in means], height=0.6, color=INK, zorder=2)
    for position, mean in zip(positions, means, strict=True):
        text = _whole(mean) if mean is not None else "\N{EN DASH}"
        axes.text((mean or 0.0) + 1.2, position, text, va="center", ha="left", color="#111")
    axes.set_yticks(positions, spec.tick_labels)
    axes.set_ylim(len(positions) - 0.5, -0.5)
    _score_axis(axes, spec.notes[0])


def _score_axis(axes: Axes, title: str) -> None:
    axes.set_xlim(0, 100)
    axes.set_xticks(range(0, 101, 10))
    axes.grid(axis="x", color="#cccccc", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    axes.set_xlabel(title)
    _plain(axes)
