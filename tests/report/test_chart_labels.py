"""The charts' texts drawn without matplotlib's Text and Legend land where those would put them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import IdentityTransform

from assessment.kernel import chart_layers
from assessment.kernel.chart_labels import Label
from assessment.kernel.charts import STYLE, draw, figure_svg
from assessment.report.charts import ChartSpec

SVG = "{http://www.w3.org/2000/svg}"
TOPICS = ("Strategie und Führung", "Kunden und Vertrieb", "IT-Sicherheit", "Daten und Analytik")
LEVELS = {"level_starts": (0, 25, 50, 75), "level_labels": ("Start", "Basis", "Aufbau", "Spitze")}


def placed(svg: bytes) -> dict[str, tuple[float, float]]:
    """Where each text's baseline starts, in points from the top left, by its content."""
    found = {}
    for element in ET.fromstring(svg).iter(f"{SVG}text"):
        x, y = element.get("x"), element.get("y")
        if x is None:  # placed by a transform: translate(x y)
            x, y = re.search(r"translate\(([-\d.]+) ([-\d.]+)", element.get("transform")).groups()
        found[element.text or ""] = (float(x), float(y))
    return found


@pytest.mark.parametrize("vertical", ("baseline", "bottom", "center", "top"))
@pytest.mark.parametrize("weight", ("normal", "bold"))
def test_a_label_starts_where_matplotlibs_text_starts(vertical: str, weight: str) -> None:
    words = ("45", "100", "Ihr Check vom 3. Februar 2026", "gypsy Äpfel")
    with matplotlib.rc_context(STYLE):
        texts, labels = Figure(figsize=(4, 2), dpi=72), Figure(figsize=(4, 2), dpi=72)
        for number, word in enumerate(words):
            point = (10.0 + 60 * number, 20.0 + 30 * number)
            texts.text(*point, word, va=vertical, fontweight=weight, transform=IdentityTransform())
            labels.add_artist(
                Label(point, word, vertical=vertical, weight=weight, transform=IdentityTransform())
            )
        expected, found = placed(figure_svg(texts)), placed(figure_svg(labels))
    assert found.keys() == set(words)
    for word in words:
        assert found[word] == pytest.approx(expected[word], abs=1e-3), word


def spec(kind: str, **changes: object) -> ChartSpec:
    """A chart of four topics with peers (and the changes)."""
    fields: dict = {
        "kind": kind,
        "labels": TOPICS,
        "scores": (30.0, 45.5, 0.0, 100.0),
        "peers": (40.0, None, 60.0, 55.5),
        "company_label": "Ihr Unternehmen",
        "peer_label": "Median aller Unternehmen (14 Unternehmen)",
        **LEVELS,
    }
    return ChartSpec(**(fields | changes))


LONG_PEERS = "Median von Unternehmen der gleichen Branche und Größe (812 Unternehmen)"
EARLIER = {"earlier": (20.0, 40.0, None, 90.0), "earlier_label": "Ihr Check vom 03.02.2026"}
CHARTS = {
    "radar, side by side": spec("radar"),
    "bars, side by side": spec("bars"),
    "bars, a line each": spec("bars", peer_label=LONG_PEERS),
    "radar, three entries": spec("radar", **EARLIER),
    "narrow bars with the levels": spec("bars-narrow", **EARLIER),
    "wide bars with five levels": spec(
        "bars",
        level_starts=(0, 20, 40, 60, 80),
        level_labels=("Einsteigerin", "Entdeckerin", "Fortgeschrittene", "Vorreiterin", "Profi"),
    ),
    "radar without peers": spec("radar", peers=(None,) * 4),
}


@pytest.mark.parametrize("name", CHARTS)
def test_the_legend_is_laid_out_as_matplotlibs_legend(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_layers, "_frames", chart_layers._Frames())
    chart = CHARTS[name]
    svg = draw(chart)
    root = ET.fromstring(svg)
    size = [float(root.get(side).removesuffix("pt")) / 72 for side in ("width", "height")]
    names = list(chart.legend_labels)
    if chart.levels_in_legend:
        names += list(chart.level_labels)
    side_by_side = chart.legend_lines == 1
    with matplotlib.rc_context(STYLE):
        reference = Figure(figsize=size, dpi=72)
        handles = [Line2D([], [], label=entry) for entry in names]
        reference.legend(
            handles, names, loc="lower center", ncols=len(names) if side_by_side else 1
        )
        expected = placed(figure_svg(reference))
    found = placed(svg)
    for entry in names:
        assert found[entry] == pytest.approx(expected[entry], abs=1e-3), entry
