"""Report charts drawn with matplotlib's Figure API (never pyplot) as SVG, cached by content.

A chart is described by a ChartSpec: everything it shows. The SVG of a spec is stored under the
spec's hash, so any worker (or host) that needs a chart either finds it or draws the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
import textwrap
from dataclasses import asdict, dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..questionnaire.scoring import display_score

#: Bump when the drawing code changes, so that cached charts are drawn anew.
CHART_VERSION = 1
INK = "#0b3d6b"  # the company: dark, so that it prints well in grey scale
PEER = "#303030"
BANDS = ("#f3f3f3", "#e2e2e2", "#cfcfcf", "#bdbdbd", "#ababab", "#9a9a9a")
STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, small
    "svg.hashsalt": "digital-check",  # stable element ids, so equal specs give equal bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows: labelled scores, optional peer medians, the level bands, the legend."""

    kind: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    peers: tuple[float | None, ...]
    level_starts: tuple[float, ...]
    level_labels: tuple[str, ...]
    company_label: str
    peer_label: str

    @property
    def key(self) -> str:
        """The hash of everything the chart shows (and of the drawing code's version)."""
        data = json.dumps([CHART_VERSION, asdict(self)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    @property
    def has_peers(self) -> bool:
        """Whether any peer median is shown."""
        return any(peer is not None for peer in self.peers)


def chart_svg(spec: ChartSpec, cache_dir: Path) -> bytes:
    """The SVG of a chart, from the cache or drawn now and stored."""
    path = cache_dir / f"{spec.key}.svg"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    svg = draw(spec)
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        file.write(svg)
    os.replace(temporary, path)  # atomic: readers never see half a file
    return svg


def draw(spec: ChartSpec) -> bytes:
    """Draw a chart as SVG bytes."""
    with matplotlib.rc_context(STYLE):
        figure = _radar(spec) if spec.kind == "radar" else _bars(spec)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _radar(spec: ChartSpec) -> Figure:
    count = len(spec.labels)
    figure = Figure(figsize=(6.6, 6.0), layout="constrained")
    axes = figure.add_subplot(projection="polar")
    angles = [2 * math.pi * index / count for index in range(count)]
    closed = [*angles, angles[0]]
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, 100)
    axes.set_yticks([*spec.level_starts[1:], 100])
    axes.set_yticklabels(
        [*(str(round(start)) for start in spec.level_starts[1:]), "100"], color="#444"
    )
    axes.set_rlabel_position(0)
    axes.set_xticks(angles)
    axes.set_xticklabels([_wrap(label, 18) for label in spec.labels])
    axes.tick_params(axis="x", pad=10)
    axes.grid(color="#888", linewidth=0.6)
    values = [*spec.scores, spec.scores[0]]
    axes.plot(
        closed, values, color=INK, linewidth=2.4, marker="o", markersize=6, label=spec.company_label
    )
    axes.fill(closed, values, color=INK, alpha=0.12)
    if spec.has_peers:
        peers = [peer if peer is not None else math.nan for peer in spec.peers]
        axes.plot(
            closed,
            [*peers, peers[0]],
            color=PEER,
            linewidth=1.6,
            linestyle=(0, (5, 3)),
            marker="s",
            markersize=5,
            label=spec.peer_label,
        )
    figure.legend(loc="outside lower center", ncols=2, frameon=False)
    return figure


def _values(axes: Axes, positions: list[float], values: list[float], *, bold: bool) -> None:
    """Write each value just right of its bar."""
    for position, value in zip(positions, values, strict=True):
        axes.text(
            value + 1.2,
            position,
            str(display_score(Fraction(value))),
            va="center",
            ha="left",
            color="#111",
            fontweight="bold" if bold else "normal",
            fontsize=9 if bold else 8,
            zorder=3,
        )


def _bars(spec: ChartSpec) -> Figure:
    count = len(spec.labels)
    figure = Figure(figsize=(6.6, 0.5 * count + 1.4), layout="constrained")
    axes = figure.add_subplot()
    edges = [*spec.level_starts, 100]
    for index, (start, end) in enumerate(pairwise(edges)):
        axes.axvspan(start, end, color=BANDS[index % len(BANDS)], zorder=0, linewidth=0)
        axes.text(
            (start + end) / 2,
            -0.75,
            spec.level_labels[index],
            ha="center",
            va="bottom",
            color="#222",
        )
    positions = list(range(count))
    offset = 0.17 if spec.has_peers else 0.0
    company = [position - offset for position in positions]
    axes.barh(
        company,
        spec.scores,
        height=0.36 if spec.has_peers else 0.55,
        color=INK,
        zorder=2,
        label=spec.company_label,
    )
    _values(axes, company, spec.scores, bold=True)
    if spec.has_peers:
        known = [
            (p + 0.2, peer)
            for p, peer in zip(positions, spec.peers, strict=True)
            if peer is not None
        ]
        axes.barh(
            [p for p, _ in known],
            [peer for _, peer in known],
            height=0.22,
            color="white",
            edgecolor=PEER,
            hatch="////",
            linewidth=1,
            zorder=2,
            label=spec.peer_label,
        )
        _values(axes, [p for p, _ in known], [peer for _, peer in known], bold=False)
    axes.set_yticks(positions, [_wrap(label, 30) for label in spec.labels])
    axes.set_ylim(count - 0.5, -1.1)
    axes.set_xlim(0, 100)
    axes.set_xticks(range(0, 101, 10))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.legend(loc="outside lower center", ncols=2, frameon=False)
    return figure
