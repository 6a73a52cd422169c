"""Labels: single lines of text on a chart, drawn as matplotlib's Text draws them but cheaply.

A chart's marks hold a few dozen short texts (each score's number, the legend's names). Matplotlib's
Text lays out any text: several lines, rotated, wrapped, with math; creating and drawing one costs
about a tenth of a millisecond. A Label is one unrotated line of plain text, placed at its point by
the same rules (the line as high and deep as the font's lines), and handed to the renderer as
Text hands it: the SVG holds the same text element at the same place.
"""

from __future__ import annotations

from typing import Any, Literal

from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Transform

from .chart_layers import line_extent

#: Where the label's point is on its line: at the baseline, the line's bottom, middle or top.
Vertical = Literal["baseline", "bottom", "center", "top"]


class Label(Artist):
    """A line of plain text, starting at a point (in ``transform``'s coordinates)."""

    def __init__(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        transform: Transform,
        vertical: Vertical = "baseline",
        color: Any = "black",
        size: float | None = None,
        weight: str = "normal",
        zorder: float = 3,
    ) -> None:
        super().__init__()
        self.xy = xy
        self.text = text
        self.vertical = vertical
        self.color = to_rgba(color)
        self.font = FontProperties(size=size, weight=weight)  # the family of the chart's style
        self.set_transform(transform)
        self.set_zorder(zorder)

    def draw(self, renderer: RendererBase) -> None:
        """Draw the line with its baseline where the vertical alignment puts it."""
        if not self.get_visible():
            return
        x, y = self.get_transform().transform(self.xy)
        y += self._baseline_offset(renderer)
        if renderer.flipy():
            y = renderer.get_canvas_width_height()[1] - y
        gc = renderer.new_gc()
        gc.set_foreground(self.color, isRGBA=True)
        renderer.open_group("text", self.get_gid())
        renderer.draw_text(gc, x, y, self.text, self.font, 0.0, ismath=False)
        renderer.close_group("text")
        gc.restore()
        self.stale = False

    def _baseline_offset(self, renderer: RendererBase) -> float:
        """How far the baseline lies above the label's point, in pixels."""
        if self.vertical == "baseline":
            return 0.0
        _width, ascent, descent = line_extent(renderer, self.text, self.font)
        return {"bottom": descent, "center": (descent - ascent) / 2, "top": -ascent}[self.vertical]
