"""The report's charts: a radar and bars of the dimension scores, with the peers' medians.

A ChartSpec holds everything a chart shows; drawing and caching are the kernel's (kernel/charts.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any, ClassVar

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon, Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.transforms import Bbox, IdentityTransform, Transform

from ..kernel.chart_labels import Label
from ..kernel.chart_layers import DPI, text_extent
from ..kernel.charts import INK, spec_key, wrap_label
from ..questionnaire.scoring import display_score

#: Bump when the drawing code changes, so that cached charts are drawn anew.
CHART_VERSION = 12
PEER = "#303030"
EARLIER = "#5f5f5f"  # the earlier check: mid grey, dotted, hollow diamonds
#: The narrow variants' width: on a phone they are shown at about this size, so that 9 pt text
#: stays at least 11 CSS pixels high.
NARROW_WIDTH = 3.9
#: The wide variants' width, in inches.
WIDE_WIDTH = 6.6
#: Where the wide bars' axes start and end, as fractions of the chart's width.
WIDE_BARS = (0.36, 0.94)
#: The charts' text size in points (kernel/charts.py's style).
FONT_SIZE = 9
#: The least room, in points, between two levels' names written over the wide bars' bands.
NAME_GAP = 0.5 * FONT_SIZE
#: The legend's layout in points, as matplotlib's legend has it: the room kept free around it
#: (borderaxespad) and inside it (borderpad), a handle's length and height, the gaps between a
#: handle and its name, between entries side by side and between lines.
LEGEND_MARGIN = 0.5 * FONT_SIZE
LEGEND_PAD = 0.4 * FONT_SIZE
HANDLE_LENGTH = 2.0 * FONT_SIZE
HANDLE_HEIGHT = 0.7 * FONT_SIZE
HANDLE_PAD = 0.8 * FONT_SIZE
COLUMN_GAP = 2.0 * FONT_SIZE
LEGEND_SPACING = 0.5 * FONT_SIZE
#: From one baseline to the next within a name the legend wraps (matplotlib's line spacing).
LINE_SPACING = 1.2 * FONT_SIZE
BANDS = ("#f3f3f3", "#e2e2e2", "#cfcfcf", "#bdbdbd", "#ababab", "#9a9a9a")


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows: labelled scores, optional peer medians, the level bands, the legend."""

    family: ClassVar[str] = "report"
    kind: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    peers: tuple[float | None, ...]
    level_starts: tuple[float, ...]
    level_labels: tuple[str, ...]
    company_label: str
    peer_label: str
    #: On a repeat check: the earlier check's scores, and how the legend names them.
    earlier: tuple[float | None, ...] = ()
    earlier_label: str = ""

    @cached_property
    def key(self) -> str:
        """The hash of everything the chart shows (and of the drawing code's version)."""
        return spec_key(CHART_VERSION, self)

    @property
    def has_earlier(self) -> bool:
        """Whether the earlier check's scores are shown."""
        return any(value is not None for value in self.earlier)

    @property
    def legend_labels(self) -> tuple[str, ...]:
        """The legend's entries: the company, the peers, the earlier check, as shown."""
        shown = (
            (self.company_label, True),
            (self.peer_label, self.has_peers),
            (self.earlier_label, self.has_earlier),
        )
        return tuple(label for label, is_shown in shown if is_shown)

    @cached_property
    def levels_in_legend(self) -> bool:
        """Whether the legend names the levels: on narrow bars, and on wide bars where their names
        over the bands would run into each other or out of the chart (many levels, long names)."""
        if self.kind.startswith("radar"):
            return False
        return self.narrow or not _names_fit_bands(self)

    @cached_property
    def legend_entries(self) -> tuple[tuple[str, ...], ...]:
        """The legend's names (the levels' too where it names them), each as the lines it
        takes when entries stand one per line: a name wider than the chart is wrapped."""
        names = (*self.legend_labels, *(self.level_labels if self.levels_in_legend else ()))
        return tuple(_wrapped(name, _legend_room(self.narrow)) for name in names)

    @cached_property
    def legend_lines(self) -> int:
        """The lines of the legend below the chart: on wide charts two entries side by side
        where they fit the chart's width; else (and wherever the legend names the levels) one
        entry below the other, a long one on several lines."""
        labels = self.legend_labels
        fit = _side_by_side(labels) <= WIDE_WIDTH * DPI - 2 * LEGEND_MARGIN
        if len(labels) <= 2 and fit and not (self.narrow or self.levels_in_legend):
            return 1
        return sum(len(lines) for lines in self.legend_entries)

    @property
    def legend_space(self) -> float:
        """Inches added below the chart for the legend's lines after the first."""
        return 0.15 * (self.legend_lines - 1)

    @property
    def has_peers(self) -> bool:
        """Whether any peer median is shown."""
        return any(peer is not None for peer in self.peers)

    @property
    def narrow(self) -> bool:
        """Whether this is the variant for narrow screens (fewer words per line, larger text)."""
        return self.kind.endswith("-narrow")

    @cached_property
    def frame_key(self) -> str:
        """The hash of what the frame shows: the topics and levels, and room for the legend."""
        shared = (self.kind, self.labels, self.level_starts, self.level_labels)
        flags = (self.has_peers, self.has_earlier, self.legend_lines)
        return spec_key(CHART_VERSION, _Frame(*shared, *flags))

    def frame(self) -> tuple[Figure, Axes]:
        """What every firm's chart of these topics shares: axes, rings or bands, names."""
        return _radar_frame(self) if self.kind.startswith("radar") else _bars_frame(self)

    def marks(self, figure: Figure, data: Transform, clip: Bbox) -> None:
        """The firm's scores, the peers' medians, the earlier check's scores and the legend."""
        if self.kind.startswith("radar"):
            _radar_marks(self, figure, data)
        else:
            _bars_marks(self, figure, data, clip)

    def figure(self) -> Figure:
        """The chart, drawn in one figure (its frame with the marks on it)."""
        figure, axes = self.frame()
        self.marks(figure, axes.transData, axes.bbox)
        return figure


@dataclass(frozen=True)
class _Frame:
    """What a chart's frame depends on."""

    kind: str
    labels: tuple[str, ...]
    level_starts: tuple[float, ...]
    level_labels: tuple[str, ...]
    has_peers: bool
    has_earlier: bool
    legend_lines: int


def _radar_frame(spec: ChartSpec) -> tuple[Figure, Axes]:
    """A radar's rings, spokes and topics on plain axes (polar axes cost twice the time)."""
    count = len(spec.labels)
    extra = spec.legend_space + (0.35 if spec.narrow and spec.has_peers else 0.0)
    width, plot = (NARROW_WIDTH, 3.3) if spec.narrow else (WIDE_WIDTH, 5.28)
    height = plot + 0.72 + extra
    figure = Figure(figsize=(width, height), dpi=DPI)
    axes = figure.add_axes((0.0, (0.6 + extra) / height, 1.0, plot / height))
    axes.set_aspect("equal")
    axes.axis("off")
    reach = 1.95 if spec.narrow else 1.62
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-1.3 - (0.35 if spec.narrow else 0.0), 1.25 + (0.35 if spec.narrow else 0.0))
    for ring in _rings(spec):
        axes.add_patch(Circle((0, 0), ring / 100, fill=False, edgecolor="#888", linewidth=0.6))
    for angle in _angles(count):  # one line each, as straight ones are drawn on whole points
        end = _at(100, angle)
        axes.add_line(Line2D((0, end[0]), (0, end[1]), color="#888", linewidth=0.6, clip_on=False))
    per_unit = width * DPI / (2 * reach)  # points per unit of the axes (the width decides)
    for angle, label in zip(_angles(count), spec.labels, strict=True):
        x, y = _at(112, angle)
        align = "center" if abs(x) < 0.15 else ("left" if x > 0 else "right")
        room = (reach - abs(x)) * per_unit - LEGEND_MARGIN if align != "center" else math.inf
        words = _fitted_label(label, 13 if spec.narrow else 18, room)
        if align == "center" and y > 0:  # above the rings' numbers, which run up this spoke
            axes.text(x, 1.09, words, ha=align, va="bottom", clip_on=False)
        else:
            axes.text(x, y, words, ha=align, va="center", clip_on=False)
    return figure, axes


def _fitted_label(label: str, characters: int, room: float) -> str:
    """A topic's name in lines of at most ``characters``, fewer where its lines would be wider
    than ``room`` points (a topic at the side of a radar has less room than one at the top)."""
    for width in range(characters, 5, -1):
        words = wrap_label(label, width)
        if max(_text_width(line) for line in words.split("\n")) <= room:
            return words
    return words  # a word too long for the room: as narrow as it gets


def _radar_marks(spec: ChartSpec, figure: Figure, data: Transform) -> None:
    """The radar's polygons of the scores, the rings' numbers and the legend."""
    angles = _angles(len(spec.labels))
    lines = [
        _polygon(
            figure,
            data,
            angles,
            spec.scores,
            color=INK,
            linewidth=2.4,
            marker="o",
            markersize=6,
            label=spec.company_label,
            fill=True,
        )
    ]
    if spec.has_peers:
        lines.append(
            _polygon(
                figure,
                data,
                angles,
                spec.peers,
                color=PEER,
                linewidth=1.6,
                linestyle=(0, (5, 3)),
                marker="s",
                markersize=5,
                label=spec.peer_label,
            )
        )
    if spec.has_earlier:
        lines.append(
            _polygon(
                figure,
                data,
                angles,
                spec.earlier,
                color=EARLIER,
                linewidth=1.4,
                linestyle=(0, (1, 2)),
                marker="D",
                markersize=5,
                markerfacecolor="white",
                label=spec.earlier_label,
            )
        )
    for ring in _rings(spec):  # over the polygons, so that a line never hides a number
        figure.add_artist(
            Label(
                (0.015, ring / 100 + 0.01),
                str(round(ring)),
                color="#444",
                vertical="bottom",
                size=9,
                transform=data,
            )
        )
    _legend(figure, spec, lines)


def _side_by_side(labels: tuple[str, ...]) -> float:
    """The width in points of a legend with these entries side by side: each entry a handle, a
    gap and the label, with a gap between the entries."""
    entries = sum(_text_width(label) for label in labels)
    handles = len(labels) * (HANDLE_LENGTH + HANDLE_PAD)
    return entries + handles + (len(labels) - 1) * COLUMN_GAP + 2 * LEGEND_PAD


def _legend_room(narrow: bool) -> float:
    """The width in points a name has in a legend of one entry per line."""
    width = (NARROW_WIDTH if narrow else WIDE_WIDTH) * DPI
    return width - 2 * (LEGEND_MARGIN + LEGEND_PAD) - HANDLE_LENGTH - HANDLE_PAD


def _wrapped(name: str, room: float) -> tuple[str, ...]:
    """A legend's name in lines of at most ``room`` points, broken between words."""
    if _text_width(name) <= room:
        return (name,)
    lines: list[str] = []
    for word in name.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)  # a word wider than the room keeps a line of its own
    return tuple(lines)


@lru_cache(maxsize=1024)
def _text_width(text: str) -> float:
    """The width in points of a line of text in the charts' font."""
    font = FontProperties(family="DejaVu Sans", size=FONT_SIZE)
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0]


def _rings(spec: ChartSpec) -> tuple[float, ...]:
    """The radii of the radar's rings: where each level above the first starts, and 100."""
    return (*spec.level_starts[1:], 100)


def _angles(count: int) -> list[float]:
    """The direction of each topic's spoke, clockwise from the top."""
    return [math.pi / 2 - 2 * math.pi * index / count for index in range(count)]


def _at(radius: float, angle: float) -> tuple[float, float]:
    return radius / 100 * math.cos(angle), radius / 100 * math.sin(angle)


def _legend(figure: Figure, spec: ChartSpec, handles: list[Artist]) -> None:
    """The legend below the chart: the company, the peers, the earlier check (and on narrow
    bars the levels), side by side where they fit on one line, else one entry per line.

    Laid out as matplotlib's legend lays out its entries (``loc="lower center"``, no frame), but
    drawn as plain artists: its boxes cost half of the marks' drawing."""
    prop = FontProperties(size=FONT_SIZE)
    centre = figure.get_figwidth() * DPI / 2
    if spec.legend_lines == 1 and not spec.narrow:
        extents = [text_extent(str(handle.get_label()), prop) for handle in handles]
        entries = [HANDLE_LENGTH + HANDLE_PAD + found[0] for found in extents]
        x = centre - (sum(entries) + COLUMN_GAP * (len(entries) - 1)) / 2
        y = LEGEND_MARGIN + LEGEND_PAD + max(found[2] for found in extents)
        for handle, entry in zip(handles, entries, strict=True):
            _legend_entry(figure, handle, x, y)
            x += entry + COLUMN_GAP
        return
    entries = spec.legend_entries  # each handle's name, in the lines it takes
    widest = max(text_extent(line, prop)[0] for entry in entries for line in entry)
    x = centre - (HANDLE_LENGTH + HANDLE_PAD + widest) / 2
    y = LEGEND_MARGIN + LEGEND_PAD  # the lowest entry's bottom; entries are stacked upwards
    for handle, entry in reversed(list(zip(handles, entries, strict=True))):
        last = y + text_extent(entry[-1], prop)[2]  # a long name's lines go down from its first
        baselines = [last + LINE_SPACING * below for below in range(len(entry) - 1, -1, -1)]
        _legend_entry(figure, handle, x, baselines[0], entry[0])
        for line, baseline in zip(entry[1:], baselines[1:], strict=True):
            at = (x + HANDLE_LENGTH + HANDLE_PAD, baseline)
            figure.add_artist(Label(at, line, transform=IdentityTransform(), zorder=5))
        y = baselines[0] + max(HANDLE_HEIGHT, text_extent(entry[0], prop)[1]) + LEGEND_SPACING


def _legend_entry(
    figure: Figure, handle: Artist, x: float, baseline: float, name: str | None = None
) -> None:
    """One entry of the legend: the series' handle and its name (or the name's first line), on
    a baseline (in points)."""
    if isinstance(handle, Line2D):  # a stretch of the line, its marker in the middle
        middle = baseline + HANDLE_HEIGHT / 2
        stretch = Line2D((x, x + HANDLE_LENGTH), (middle, middle))
        stretch.update_from(handle)
        stretch.set_marker("")
        marker = Line2D((x + HANDLE_LENGTH / 2,), (middle,))
        marker.update_from(handle)
        marker.set_linestyle("None")
        parts: list[Artist] = [stretch, marker]
    else:  # a patch: a swatch of its colours
        swatch = Rectangle((x, baseline), HANDLE_LENGTH, HANDLE_HEIGHT)
        swatch.update_from(handle)
        parts = [swatch]
    for part in parts:
        part.set_transform(IdentityTransform())
        part.set_clip_box(None)
        part.set_zorder(5)
        figure.add_artist(part)
    at = (x + HANDLE_LENGTH + HANDLE_PAD, baseline)
    text = str(handle.get_label()) if name is None else name
    figure.add_artist(Label(at, text, transform=IdentityTransform(), zorder=5))


def _polygon(
    figure: Figure,
    data: Transform,
    angles: list[float],
    values: tuple[float | None, ...],
    *,
    fill: bool = False,
    **style: Any,
) -> Line2D:
    """A closed line through the values (a missing value leaves a gap)."""
    points = [
        _at(value, angle) if value is not None else (math.nan, math.nan)
        for angle, value in zip(angles, values, strict=True)
    ]
    points.append(points[0])
    if fill:
        figure.add_artist(
            Polygon(
                points,
                closed=True,
                color=style.get("color"),
                alpha=0.12,
                linewidth=0,
                zorder=1,
                transform=data,
            )
        )
    line = Line2D(*zip(*points, strict=True), transform=data, zorder=2, **style)
    figure.add_artist(line)
    return line


def _values(
    figure: Figure, data: Transform, positions: list[float], values: list[float], *, bold: bool
) -> None:
    """Write each value just right of its bar."""
    for position, value in zip(positions, values, strict=True):
        figure.add_artist(
            Label(
                (value + 1.2, position),
                str(display_score(Fraction(value))),
                color="#111",
                vertical="center",
                size=9,
                weight="bold" if bold else "normal",
                transform=data,
            )
        )


def _bars_frame(spec: ChartSpec) -> tuple[Figure, Axes]:
    """The bars' axes: the topics' names, the level bands with their names, the scale."""
    count = len(spec.labels)
    ticks = [wrap_label(label, 16 if spec.narrow else 30) for label in spec.labels]
    # A row is as tall as its longest label needs (9 pt lines), at least half an inch.
    pitch = max(0.5, 0.16 * max(tick.count("\n") + 1 for tick in ticks) + 0.08)
    if spec.levels_in_legend:  # the legend names the series and the levels, one per line
        extra, bottom = 0.19 * spec.legend_lines + 0.1, 0.5
    else:
        extra, bottom = spec.legend_space, 0.95
    height = pitch * count + 1.4 + extra
    figure = Figure(figsize=(NARROW_WIDTH if spec.narrow else WIDE_WIDTH, height), dpi=DPI)
    figure.subplots_adjust(
        left=0.44 if spec.narrow else WIDE_BARS[0],
        right=0.92 if spec.narrow else WIDE_BARS[1],  # room for a value of 100 beside its bar
        top=1 - (0.15 if spec.levels_in_legend else 0.35) / height,
        bottom=(bottom + extra) / height,
    )
    axes = figure.add_subplot()
    for index, (start, end) in enumerate(pairwise(_edges(spec))):
        axes.axvspan(start, end, color=BANDS[index % len(BANDS)], zorder=0, linewidth=0)
        if not spec.levels_in_legend:
            axes.text(
                (start + end) / 2,
                -0.75,
                spec.level_labels[index],
                ha="center",
                va="bottom",
                color="#222",
            )
    axes.set_yticks(range(count), ticks)
    axes.set_ylim(count - 0.5, -0.6 if spec.levels_in_legend else -1.1)
    axes.set_xlim(0, 100)
    axes.set_xticks(range(0, 101, 25 if spec.narrow else 10))
    for side in ("top", "right", "left"):  # the left one is drawn over the bars, with them
        axes.spines[side].set_visible(False)
    return figure, axes


def _edges(spec: ChartSpec) -> list[float]:
    return [*spec.level_starts, 100]


def _names_fit_bands(spec: ChartSpec) -> bool:
    """Whether the levels' names, each centred over its band of the wide bars, keep apart from
    one another and stay inside the chart."""
    width = WIDE_WIDTH * DPI
    per_score = width * (WIDE_BARS[1] - WIDE_BARS[0]) / 100  # points per point of score
    spans = []
    for name, (start, end) in zip(spec.level_labels, pairwise(_edges(spec)), strict=True):
        centre, half = width * WIDE_BARS[0] + (start + end) / 2 * per_score, _text_width(name) / 2
        spans.append((centre - half, centre + half))
    apart = all(left[1] + NAME_GAP <= right[0] for left, right in pairwise(spans))
    return apart and spans[0][0] >= 0 and spans[-1][1] <= width


def _bars_marks(spec: ChartSpec, figure: Figure, data: Transform, clip: Bbox) -> None:
    """The firm's bars, the peers' bars, the earlier check's diamonds, the values, the legend."""
    count = len(spec.labels)
    bottom, top = count - 0.5, -0.6 if spec.levels_in_legend else -1.1
    figure.add_artist(
        Line2D(
            (0, 0),
            (bottom, top),
            color="black",
            linewidth=0.8,
            solid_capstyle="projecting",
            zorder=2.5,
            transform=data,
        )
    )
    positions = list(range(count))
    offset = 0.17 if spec.has_peers else 0.0
    company = [position - offset for position in positions]
    handles = [
        _bar_row(
            figure,
            data,
            company,
            spec.scores,
            0.36 if spec.has_peers else 0.55,
            label=spec.company_label,
            facecolor=INK,
            clip_box=clip,
        )
    ]
    _values(figure, data, company, list(spec.scores), bold=True)
    if spec.has_peers:
        known = [
            (p + 0.2, peer)
            for p, peer in zip(positions, spec.peers, strict=True)
            if peer is not None
        ]
        handles.append(
            _bar_row(
                figure,
                data,
                [p for p, _ in known],
                [peer for _, peer in known],
                0.22,
                label=spec.peer_label,
                facecolor="#d9d9d9",
                edgecolor=PEER,
                linewidth=1,
                clip_box=clip,
            )
        )
        _values(figure, data, [p for p, _ in known], [peer for _, peer in known], bold=False)
    if spec.has_earlier:
        known = [(p, e) for p, e in zip(company, spec.earlier, strict=True) if e is not None]
        diamonds = Line2D(
            [value for _, value in known],
            [position for position, _ in known],
            linestyle="none",
            marker="D",
            markersize=6,
            markerfacecolor="white",
            markeredgecolor=EARLIER,
            markeredgewidth=1.4,
            zorder=4,
            label=spec.earlier_label,
            transform=data,
            clip_box=clip,
        )
        figure.add_artist(diamonds)
        handles.append(diamonds)
    if spec.levels_in_legend:
        handles += [
            Rectangle((0, 0), 1, 1, color=BANDS[index % len(BANDS)], linewidth=0, label=label)
            for index, label in enumerate(spec.level_labels)
        ]
    _legend(figure, spec, handles)


def _bar_row(
    figure: Figure,
    data: Transform,
    positions: list[float],
    values: tuple[float, ...] | list[float],
    height: float,
    *,
    label: str,
    clip_box: Bbox,
    **style: Any,
) -> Rectangle:
    """Horizontal bars from 0 to each value, centred on their positions, drawn as one artist;
    a bar of their style and label, as the legend's handle."""
    lows = [position - height / 2 for position in positions]
    corners = [
        ((0, low), (value, low), (value, low + height), (0, low + height))
        for low, value in zip(lows, values, strict=True)
    ]
    bars = PolyCollection(
        corners,
        zorder=2,
        joinstyle="miter",  # as a single bar's corners are drawn
        transform=data,
        clip_box=clip_box,  # as an axes clips its bars
        **style,
    )
    figure.add_artist(bars)
    return Rectangle((0, 0), 1, 1, label=label, **style)


@dataclass(frozen=True)
class SpreadSpec:
    """A team check's spread per topic: each respondent's lowest to highest score as a line, the
    team's combined score as a bar-end marker."""

    family: ClassVar[str] = "report"
    kind: str
    labels: tuple[str, ...]
    lowest: tuple[float, ...]
    highest: tuple[float, ...]
    combined: tuple[float, ...]
    combined_label: str
    range_label: str

    @cached_property
    def key(self) -> str:
        """The hash of everything the chart shows (and of the drawing code's version)."""
        return spec_key(CHART_VERSION, self)

    @property
    def narrow(self) -> bool:
        """Whether this is the variant for narrow screens (fewer words per line)."""
        return self.kind.endswith("-narrow")

    def figure(self) -> Figure:
        """The chart, drawn."""
        ticks = [wrap_label(label, 16 if self.narrow else 30) for label in self.labels]
        pitch = max(0.45, 0.16 * max(tick.count("\n") + 1 for tick in ticks) + 0.08)
        names = [
            wrap_label(name, 26 if self.narrow else 60)
            for name in (self.range_label, self.combined_label)
        ]
        # the legend's entries one under the other, each as many lines as it needs
        legend = 0.16 * sum(name.count("\n") + 1 for name in names) - 0.02
        height = pitch * len(ticks) + 1.3 + legend
        figure = Figure(figsize=(NARROW_WIDTH if self.narrow else WIDE_WIDTH, height))
        figure.subplots_adjust(
            left=0.44 if self.narrow else 0.36,
            right=0.94 if self.narrow else 0.96,
            top=1 - 0.2 / height,
            bottom=(0.95 + legend) / height,
        )
        axes = figure.add_subplot()
        positions = list(range(len(ticks)))
        axes.hlines(
            positions,
            self.lowest,
            self.highest,
            color="#8c8c8c",
            linewidth=6,
            label=names[0],
            zorder=2,
        )
        axes.scatter(
            self.combined,
            positions,
            marker="D",
            s=44,
            color=INK,
            zorder=3,
            label=names[1],
        )
        for position, value in zip(positions, self.combined, strict=True):
            axes.annotate(
                f"{display_score(Fraction(value).limit_denominator(10**6))}",
                (value, position),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=INK,
                fontweight="bold",
            )
        axes.set_yticks(positions, ticks)
        axes.set_ylim(len(ticks) - 0.5, -0.7)
        axes.set_xlim(0, 100)
        axes.set_xticks(range(0, 101, 25 if self.narrow else 10))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        below = -0.55 / (height - 1.15 - legend)  # under the axis' numbers, in axes heights
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, below),
            ncols=1,
            frameon=False,
        )
        return figure
