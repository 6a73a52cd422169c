"""The one way to draw and cache a chart: a spec that knows its key, one Figure-to-SVG function,
one content-addressed cache.

Charts are drawn with matplotlib's Figure API (never pyplot) as SVG with text kept as text. A
spec holds everything its chart shows; its key hashes that and the drawing code's version, and
names the cached file, so any worker (or host) that needs a chart finds it or draws the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import textwrap
from contextlib import AbstractContextManager, nullcontext
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import matplotlib
from matplotlib.figure import Figure

from .chart_layers import layered_svg
from .files import cached, store

INK = "#0b3d6b"  # the company: dark, so that it prints well in grey scale
STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, small
    "svg.hashsalt": "digital-check",  # stable element ids, so equal specs give equal bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
}
# Every chart of the process is drawn in the house style, so the process keeps it set: a context
# per chart would copy and restore all of matplotlib's settings each time (a sixth of a chart's
# cost), and threads entering and leaving such contexts at once could restore the defaults under
# a chart another thread is drawing.
matplotlib.rcParams.update(STYLE)
_STYLE_SET = {key: matplotlib.rcParams[key] for key in STYLE}
#: A chart's key, or the start of it (at least 16 hexadecimal digits) as a URL carries it.
VERSION = re.compile(r"[0-9a-f]{16,64}")


class Chart(Protocol):
    """What every chart spec offers: its family and kind, its key, and its figure."""

    family: ClassVar[str]
    kind: str

    @property
    def key(self) -> str:
        """The hash of everything the chart shows and of the drawing code's version."""
        ...

    def figure(self) -> Figure:
        """The chart, drawn."""
        ...


def spec_key(version: int, spec: Any) -> str:
    """The key of a dataclass spec: a hash of its fields and of its drawing code's version."""
    data = json.dumps([version, _fields(spec)], sort_keys=True, ensure_ascii=False, default=_fields)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _fields(spec: Any) -> dict[str, Any]:
    """A dataclass's fields by name, as ``asdict`` gives them but without copying each value."""
    if not is_dataclass(spec):
        raise TypeError(f"a chart spec cannot hold {type(spec).__name__}")
    return {field.name: getattr(spec, field.name) for field in fields(spec)}


def figure_svg(figure: Figure) -> bytes:
    """A figure as SVG bytes, without a date, so that the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    figure.clear()  # breaks the figure's reference cycles now rather than in a slow full GC
    return buffer.getvalue()


def draw(chart: Chart) -> bytes:
    """Draw a chart as SVG bytes in the house style (a layered chart on its frame)."""
    with _house_style():
        if hasattr(chart, "marks"):
            return layered_svg(chart).encode("utf-8")
        return figure_svg(chart.figure())


def _house_style() -> AbstractContextManager[Any]:
    """Nothing to do while the process keeps the house style; should anything have changed
    matplotlib's settings, a context that sets it for this chart."""
    current = matplotlib.rcParams
    if all(current[key] == value for key, value in _STYLE_SET.items()):
        return nullcontext()
    return matplotlib.rc_context(STYLE)


def chart_svg(chart: Chart, folder: Path) -> bytes:
    """The SVG of a chart, from the cache in ``folder`` or drawn now and stored there."""
    return cached(folder, _file_name(chart.family, chart.kind, chart.key), lambda: draw(chart))


def stored_chart(folder: Path, family: str, kind: str, version: str) -> tuple[bytes, str] | None:
    """A chart drawn before, found by its kind and (the start of) its key, with its whole key.

    None when the cache does not hold it: the caller then builds the spec and draws it.
    """
    if not VERSION.fullmatch(version):
        return None
    prefix = _file_name(family, kind, "")[: -len(".svg")]
    for path in sorted(folder.glob(f"{prefix}{version}*.svg")):
        try:
            return path.read_bytes(), path.stem.removeprefix(prefix)
        except FileNotFoundError:  # purged meanwhile
            return None
    return None


def keep_spec(chart: Chart, folder: Path) -> None:
    """Keep a chart's spec in ``folder``, so that the chart can be drawn when it is asked for
    without gathering what it shows again."""
    data = json.dumps(_fields(chart), ensure_ascii=False, default=_fields).encode("utf-8")
    store(folder, _file_name(chart.family, chart.kind, chart.key, ".json"), data)


def kept_spec(folder: Path, family: str, kind: str, version: str) -> dict[str, Any] | None:
    """The fields of a spec kept before, found by its kind and (the start of) its key."""
    if not VERSION.fullmatch(version):
        return None
    prefix = _file_name(family, kind, "", "")
    for path in sorted(folder.glob(f"{prefix}{version}*.json")):
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:  # purged meanwhile
            return None
    return None


def wrap_label(label: str, width: int) -> str:
    """A label broken into lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) or label


def _file_name(family: str, kind: str, key: str, suffix: str = ".svg") -> str:
    return f"{family}-{kind}-{key}{suffix}"
