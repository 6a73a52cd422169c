"""The impact figures' charts: the funnel, per month and per Kommune; referrals; the change.

Drawn and cached like the cohort charts (kernel/charts.py). Where a chart shows several series
(the funnel's stages, referrals and their answers), each is drawn inside the one before, thinner
and darker: every series stays visible and tells itself apart by width and shade, so the chart
reads in grey scale. The numbers are in the table beside each chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..kernel.charts import INK, spec_key, wrap_label
from .impact import STAGES, FunnelRow, stage_label
from .impact_change import ChangeFigures
from .impact_figures import ImpactFigures
from .impact_referrals import ReferralGroup

#: Bump when the drawing code changes, so that cached charts are drawn anew.
CHART_VERSION = 1
PIXELS_PER_INCH = 96
#: Fills from the first series (lightest) to the last (the company's dark blue).
SHADES = ("#dfe7ef", "#b5c7da", "#88a6c3", "#5b82aa", "#30608e", INK)


@dataclass(frozen=True)
class ImpactChart:
    """What one impact chart shows; its hash names the cached SVG."""

    family: ClassVar[str] = "impact"
    kind: str
    labels: tuple[str, ...]
    #: Per label, a value per series.
    values: tuple[tuple[float, ...], ...]
    #: The series' names (shown in a legend when there are several).
    series: tuple[str, ...]
    #: The axis title.
    axis: str
    #: The number written beside each bar (single series only), as the page shows it.
    texts: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The hash of everything the chart shows (and of the drawing code's version)."""
        return spec_key(CHART_VERSION, self)

    def figure(self) -> Figure:
        """The chart, drawn."""
        figure = Figure(figsize=self.inches)
        if self.kind == "funnel_months":
            _columns(figure, self)
        else:
            _bars(figure, self)
        return figure

    @property
    def legend_rows(self) -> int:
        """How many lines the legend takes (none for a single series)."""
        return math.ceil(len(self.series) / 2) if len(self.series) > 1 else 0

    @property
    def inches(self) -> tuple[float, float]:
        """Width and height of the figure."""
        legend = 0.22 * self.legend_rows + (0.15 if self.legend_rows else 0.0)
        if self.kind == "funnel_months":
            return min(max(0.42 * len(self.labels) + 1.4, 4.8), 9.6), 3.6 + legend
        lines = max(label.count("\n") + 1 for label in self.tick_labels)
        row = max(0.42, 0.15 * lines + 0.08)
        return 6.6, row * len(self.labels) + 0.85 + legend

    @property
    def tick_labels(self) -> list[str]:
        """The labels as the axis shows them."""
        if self.kind == "funnel_months":
            return list(self.labels)
        return [wrap_label(label, 30) for label in self.labels]

    @property
    def pixels(self) -> tuple[int, int]:
        """Width and height on the page, for the <img> element."""
        width, height = self.inches
        return round(width * PIXELS_PER_INCH), round(height * PIXELS_PER_INCH)


def funnel_chart(total: FunnelRow) -> ImpactChart | None:
    """Bars of the checks at each stage of the funnel."""
    if not total.stages[0].count:
        return None
    return ImpactChart(
        kind="funnel",
        labels=tuple(stage_label(stage) for stage in STAGES),
        values=tuple((float(tally.count),) for tally in total.stages),
        series=(_("Checks"),),
        axis=_("Checks"),
        texts=tuple(str(tally.count) for tally in total.stages),
    )


def funnel_rows_chart(kind: str, rows: tuple[FunnelRow, ...]) -> ImpactChart | None:
    """The funnel of each month or Kommune: its stages drawn one inside the other."""
    if not rows:
        return None
    return ImpactChart(
        kind=kind,
        labels=tuple(format_date(row.month, "MMM y") if row.month else row.label for row in rows),
        values=tuple(tuple(float(tally.count) for tally in row.stages) for row in rows),
        series=tuple(stage_label(stage) for stage in STAGES),
        axis=_("Checks"),
    )


def referrals_chart(kind: str, groups: tuple[ReferralGroup, ...]) -> ImpactChart | None:
    """Per partner or topic: the referrals, those answered, and the projects started."""
    if not groups:
        return None
    return ImpactChart(
        kind=kind,
        labels=tuple(group.label for group in groups),
        values=tuple(
            (
                float(group.referrals.count),
                float(group.answered.count),
                float(group.by_state["project_started"].count),
            )
            for group in groups
        ),
        series=(_("Referrals"), _("Answered"), _("Project started (now)")),
        axis=_("Referrals"),
    )


def change_chart(change: ChangeFigures) -> ImpactChart | None:
    """Bars of the median change per topic of all firms with a repeat check (if enough)."""
    shown = [topic for topic in change.everyone.changes if topic.shown]
    if not change.everyone.shown or not shown:
        return None
    return ImpactChart(
        kind="change",
        labels=tuple(topic.label for topic in shown),
        values=tuple((topic.median,) for topic in shown),
        series=(_("Median change"),),
        axis=_("Median change in points (latest check minus first)"),
        texts=tuple(signed(topic.median) for topic in shown),
    )


def signed(value: float) -> str:
    """A change with its sign and one decimal, in the current language."""
    return format_decimal(value, format="+#,##0.0;-#,##0.0")


def one_decimal(value: float | None) -> str:
    """A number with one decimal in the current language (a dash for none)."""
    return "\N{EN DASH}" if value is None else format_decimal(value, format="#,##0.0")


def percent(value: float) -> str:
    """A share (0 to 1) as a whole percentage in the current language."""
    return format_percent(value, format="#,##0\N{NO-BREAK SPACE}%")


def _legend(figure: Figure, spec: ImpactChart) -> None:
    """The series' names below the chart, as many lines as ``legend_rows``."""
    if not spec.legend_rows:
        return
    handles = [
        Patch(facecolor=shade, edgecolor=INK, linewidth=0.6, label=name)
        for name, shade in zip(spec.series, _shades(len(spec.series)), strict=True)
    ]
    figure.legend(
        handles=handles, loc="lower center", ncols=2, frameon=False, fontsize=8, borderaxespad=0.2
    )


def _shades(count: int) -> tuple[str, ...]:
    """A fill per series: the darkest last; a single series in the company's colour."""
    return SHADES[len(SHADES) - count :]


def _widths(count: int, widest: float) -> list[float]:
    """Each series a little thinner than the one before, so that all stay visible."""
    return [widest * (1 - 0.8 * index / count) for index in range(count)]


def _bars(figure: Figure, spec: ImpactChart) -> None:
    """Horizontal bars, one row per label, the series one inside the other."""
    _width, height = spec.inches
    legend = (0.22 * spec.legend_rows + 0.15) if spec.legend_rows else 0.0
    figure.subplots_adjust(
        left=0.42, right=0.94, top=1 - 0.12 / height, bottom=(0.6 + legend) / height
    )
    axes = figure.add_subplot()
    positions = list(range(len(spec.labels)))
    count = len(spec.series)
    for index, (shade, thickness) in enumerate(
        zip(_shades(count), _widths(count, 0.7), strict=True)
    ):
        values = [row[index] for row in spec.values]
        axes.barh(
            positions, values, height=thickness, color=shade, edgecolor=INK, linewidth=0.6, zorder=2
        )
    axes.set_yticks(positions, spec.tick_labels)
    axes.set_ylim(len(positions) - 0.5, -0.5)
    if spec.kind == "change":
        _change_axis(axes, spec)
    else:
        _count_axis(axes, spec)
    axes.set_xlabel(spec.axis)
    _legend(figure, spec)


def _count_axis(axes: Axes, spec: ImpactChart) -> None:
    """An axis of counts from zero, each single bar with its number beside it."""
    highest = max((max(row) for row in spec.values), default=0.0) or 1.0
    axes.set_xlim(0, highest * 1.15)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for position, (row, text) in enumerate(zip(spec.values, spec.texts, strict=False)):
        axes.text(row[0] + highest * 0.01, position, text, va="center", ha="left", color="#111")
    _grid(axes, "x")


def _change_axis(axes: Axes, spec: ImpactChart) -> None:
    """An axis of changes around zero, each bar with its signed median beside it."""
    reach = max(5.0, max(abs(row[0]) for row in spec.values) * 1.3)
    axes.set_xlim(-reach, reach)
    axes.axvline(0, color=INK, linewidth=1.0, zorder=3)
    for position, (row, text) in enumerate(zip(spec.values, spec.texts, strict=True)):
        offset = reach * 0.02 if row[0] >= 0 else -reach * 0.02
        align = "left" if row[0] >= 0 else "right"
        axes.text(row[0] + offset, position, text, va="center", ha=align, color="#111")
    _grid(axes, "x")


def _columns(figure: Figure, spec: ImpactChart) -> None:
    """Vertical columns, one per month, the stages one inside the other."""
    width, height = spec.inches
    legend = (0.22 * spec.legend_rows + 0.15) if spec.legend_rows else 0.0
    figure.subplots_adjust(
        left=0.7 / width, right=1 - 0.2 / width, top=0.94, bottom=(1.0 + legend) / height
    )
    axes = figure.add_subplot()
    positions = list(range(len(spec.labels)))
    count = len(spec.series)
    for index, (shade, thickness) in enumerate(
        zip(_shades(count), _widths(count, 0.75), strict=True)
    ):
        values = [row[index] for row in spec.values]
        axes.bar(
            positions, values, width=thickness, color=shade, edgecolor=INK, linewidth=0.6, zorder=2
        )
    step = math.ceil(len(positions) / 24)
    axes.set_xticks(
        positions[::step],
        spec.labels[::step],
        rotation=90 if step > 1 else 45,
        ha="right",
        rotation_mode="anchor",
    )
    axes.set_xlim(-0.6, len(positions) - 0.4)
    highest = max((max(row) for row in spec.values), default=0.0) or 1.0
    axes.set_ylim(0, highest * 1.1)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel(spec.axis)
    _grid(axes, "y")
    _legend(figure, spec)


def _grid(axes: Axes, axis: str) -> None:
    axes.grid(axis=axis, color="#cccccc", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def impact_chart_specs(figures: ImpactFigures) -> dict[str, ImpactChart]:
    """The impact charts by kind; a chart without data is left out."""
    specs = {
        "funnel": funnel_chart(figures.funnel.total),
        "funnel_months": funnel_rows_chart("funnel_months", figures.funnel.months),
        "funnel_regions": funnel_rows_chart("funnel_regions", figures.funnel.regions),
        "partners": referrals_chart("partners", figures.referrals.partners),
        "topics": referrals_chart("topics", figures.referrals.topics),
        "change": change_chart(figures.change),
    }
    return {kind: spec for kind, spec in specs.items() if spec is not None}
