"""Charts in two layers: a frame drawn once, and the firm's marks drawn on it for each chart.

Most of a chart does not depend on the firm: the axes, their ticks, the level bands, the rings and
the topics' names; drawing them is most of a chart's cost. A layered chart's frame is drawn once
per process for what it shows (its ``frame_key``: the questionnaire's topics and levels in one
language), kept with the position of its axes, and its marks (bars, lines, values, legend) are
drawn each time on an empty figure of the same size in the same coordinates. Both are SVG from
matplotlib's Figure API; the marks' groups are put after the frame's, as if drawn in one figure.
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.transforms import Affine2D, Bbox, Transform

#: SVG's unit: a point. Frames and marks are drawn at it, so that their coordinates agree.
DPI = 72
#: How many frames a process keeps (each a few dozen kB): per questionnaire, language and kind.
MAX_FRAMES = 128
#: How many text sizes a process remembers (the scores' numbers and the legends' lines).
MAX_TEXT_SIZES = 4096
_METADATA = {"Date": None, "Creator": None}
_MARKS = re.compile(r'\n <g id="figure_1">.*(?=\n</svg>)', re.DOTALL)
_GROUP_ID = re.compile(r'id="([A-Za-z][\w.]*_\d+)"')


class LayeredChart(Protocol):
    """A chart whose frame does not depend on the firm, drawn once for all firms."""

    @property
    def frame_key(self) -> str:
        """The hash of everything the frame shows (and of the drawing code's version)."""
        ...

    def frame(self) -> tuple[Figure, Axes]:
        """The parts of the chart every firm shares, and the axes whose coordinates marks use."""
        ...

    def marks(self, figure: Figure, data: Transform, clip: Bbox) -> None:
        """Add the firm's marks to an empty figure of the frame's size; ``data`` maps the frame's
        data coordinates onto the figure, ``clip`` is where its axes are."""
        ...


@dataclass(frozen=True)
class Frame:
    """A frame as drawn: its SVG, its size in inches, its axes' data-to-figure matrix and their
    box on the figure (in points)."""

    svg: str
    size: tuple[float, float]
    matrix: Any
    box: tuple[float, float, float, float]


class _Frames:
    """The frames drawn in this process, the least recently used dropped first."""

    def __init__(self) -> None:
        self.found: OrderedDict[str, Frame] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, chart: LayeredChart) -> Frame:
        """The chart's frame, drawn now if this process has not drawn it yet."""
        key = chart.frame_key
        with self.lock:
            frame = self.found.get(key)
            if frame is not None:
                self.found.move_to_end(key)
                return frame
        frame = _draw_frame(chart)  # two threads may both draw it: the same bytes, once kept
        with self.lock:
            self.found[key] = frame
            while len(self.found) > MAX_FRAMES:
                self.found.popitem(last=False)
        return frame


_frames = _Frames()
_text_sizes: dict[tuple[str, int, Any], tuple[float, float, float]] = {}
_line_heights: dict[int, tuple[float, float, float]] = {}


class _Renderer(RendererSVG):
    """Matplotlib's SVG renderer, remembering the sizes of texts it has measured before.

    Matplotlib measures text anew for every renderer, and a chart's marks get a renderer of their
    own each time; their texts (scores, legend lines) are mostly the same from chart to chart.
    """

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        """The size of a text in points: measured once per text and font in this process."""
        key = (s, hash(prop), ismath)
        size = _text_sizes.get(key)
        if size is None:
            if len(_text_sizes) >= MAX_TEXT_SIZES:
                _text_sizes.clear()
            size = _text_sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
        return size

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple[float, float, float]:
        """A font's ascent, descent and line gap in points, read from its tables once.

        Matplotlib asks a renderer for these first and reads the font's tables itself only
        when the renderer does not know them; it does so for every text it lays out.
        """
        return line_metrics(prop)


def line_extent(
    renderer: RendererBase, text: str, prop: FontProperties
) -> tuple[float, float, float]:
    """A line of text's width, ascent and descent in pixels as matplotlib's Text lays out one
    line: at least as high and deep as the font's lines."""
    width, height, descent = renderer.get_text_width_height_descent(text, prop, False)
    scale = renderer.points_to_pixels(1.0)
    lowest_ascent, lowest_descent, _gap = line_metrics(prop)
    return width, max(height - descent, lowest_ascent * scale), max(descent, lowest_descent * scale)


def text_extent(text: str, prop: FontProperties) -> tuple[float, float, float]:
    """A line of text's width, ascent and descent in points as a legend lays it out beside
    other entries: at least as high as "lp" too."""
    renderer = _measuring_renderer()
    width, ascent, descent = line_extent(renderer, text, prop)
    _, line_height, line_descent = renderer.get_text_width_height_descent("lp", prop, False)
    return width, max(ascent, line_height - line_descent), descent


def line_metrics(prop: FontProperties) -> tuple[float, float, float]:
    """A font's ascent, descent and line gap in points at its size, read from its tables once
    per process."""
    key = hash(prop)
    metrics = _line_heights.get(key)
    if metrics is None:
        metrics = _line_heights[key] = _font_height_metrics(prop)
    return metrics


@lru_cache(maxsize=1)
def _measuring_renderer() -> _Renderer:
    """A renderer that only measures text (its fonts are looked up per thread)."""
    return _Renderer(1, 1, io.StringIO(), image_dpi=DPI, metadata=_METADATA)


def _font_height_metrics(prop: FontProperties) -> tuple[float, float, float]:
    """Ascent, descent and line gap of a font at its size, as matplotlib's text layout reads
    them (the OS/2 table's typographic values, else the hhea table's)."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    scale = prop.get_size_in_points() / font.get_sfnt_table("head")["unitsPerEm"]
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is not None:
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    raise ValueError(f"the font {font.fname} has neither an OS/2 nor an hhea table")


def layered_svg(chart: LayeredChart) -> str:
    """A layered chart as SVG: its frame (drawn before, or now) with the firm's marks on it."""
    frame = _frames.get(chart)
    figure = Figure(figsize=frame.size, dpi=DPI, frameon=False)
    chart.marks(figure, Affine2D(frame.matrix), Bbox.from_bounds(*frame.box))
    return with_marks(frame.svg, _render(figure))


def with_marks(frame: str, marks: str) -> str:
    """The frame's SVG with the groups of the marks' SVG drawn after its own."""
    found = _MARKS.search(marks)
    if found is None:
        return frame
    groups = _GROUP_ID.sub(r'id="marks-\1"', found.group(0))  # ids stay unique in the document
    end = frame.rindex("\n</svg>")
    return frame[:end] + groups + frame[end:]


def _draw_frame(chart: LayeredChart) -> Frame:
    """Draw a chart's frame as SVG and note where its axes put data coordinates."""
    figure, axes = chart.frame()
    figure.set_dpi(DPI)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    # read after drawing: an equal aspect ratio moves the axes only when they are drawn
    matrix = axes.transData.get_matrix().copy()
    x, y, width, height = axes.bbox.bounds
    size = tuple(figure.get_size_inches())
    figure.clear()
    return Frame(buffer.getvalue(), (size[0], size[1]), matrix, (x, y, width, height))


def _render(figure: Figure) -> str:
    """A figure of marks as SVG, drawn by the remembering renderer."""
    width, height = figure.get_size_inches()
    buffer = io.StringIO()
    renderer = _Renderer(width * DPI, height * DPI, buffer, image_dpi=DPI, metadata=_METADATA)
    figure.draw(renderer)
    renderer.finalize()
    figure.clear()
    return buffer.getvalue()
