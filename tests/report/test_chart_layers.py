"""The report's charts drawn in two layers: a frame shared by every firm, the firm's marks on it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise

import matplotlib
import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from assessment.kernel import chart_layers
from assessment.kernel.charts import STYLE, draw, figure_svg
from assessment.report.charts import ChartSpec

SVG = "{http://www.w3.org/2000/svg}"
TOPICS = ("Strategie und Führung", "Kunden und Vertrieb", "IT-Sicherheit", "Daten und Analytik")
LEVELS = {"level_starts": (0, 25, 50, 75), "level_labels": ("Start", "Basis", "Aufbau", "Spitze")}
PEERS = "Median von Unternehmen der gleichen Branche und Größe (812 Unternehmen)"
KINDS = ("radar", "bars", "bars-narrow")


def spec(kind: str, scores: tuple[float, ...], **changes: object) -> ChartSpec:
    """A chart of the four topics with peers."""
    fields: dict = {
        "kind": kind,
        "labels": TOPICS,
        "scores": scores,
        "peers": (40.0, None, 60.0, 55.5),
        "company_label": "Ihr Unternehmen",
        "peer_label": PEERS,
        **LEVELS,
    }
    return ChartSpec(**(fields | changes))


def texts(svg: bytes) -> list[str]:
    """Every line of text the chart shows, in document order."""
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.fixture(autouse=True)
def no_frames_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a process that has drawn no frame."""
    monkeypatch.setattr(chart_layers, "_frames", chart_layers._Frames())


@pytest.mark.parametrize("kind", KINDS)
def test_two_firms_share_the_frame_and_differ_in_their_marks(kind: str) -> None:
    first = draw(spec(kind, (30.0, 45.5, 0.0, 100.0))).decode()
    second = draw(spec(kind, (80.0, 12.0, 64.0, 20.0))).decode()
    frame = first[: first.index('<g id="marks-figure_1">')]
    assert second.startswith(frame), "the part that does not depend on the firm is the same"
    assert first != second
    assert len(chart_layers._frames.found) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_chart_shows_the_same_texts_as_in_one_figure(kind: str) -> None:
    chart = spec(kind, (30.0, 45.5, 0.0, 100.0), earlier=(20.0, None, 10.0, 90.0),
                 earlier_label="Ihr Check vom 3. März 2026")  # fmt: skip
    layered = texts(draw(chart))
    with matplotlib.rc_context(STYLE):
        whole = texts(figure_svg(chart.figure()))
    assert Counter(layered) == Counter(whole)
    for expected in ("Ihr Unternehmen", PEERS, "Ihr Check vom 3. März 2026"):
        assert expected in " ".join(layered), "on its line or, where it is long, its lines"
    if kind.startswith("bars"):
        for value in ("30", "46", "0", "100", "40", "60", "56"):  # whole points
            assert value in layered, f"the value {value} is written beside its bar"


@pytest.mark.parametrize("kind", KINDS)
def test_element_ids_are_unique_and_references_resolve(kind: str) -> None:
    svg = draw(spec(kind, (30.0, 45.5, 0.0, 100.0))).decode()
    ids = re.findall(r'\sid="([^"]+)"', svg)
    defined = Counter(ids)
    twice = {name for name, count in defined.items() if count > 1}
    # a marker or clip path both layers use is defined in each with the same content
    assert all(re.fullmatch(r"[mp][0-9a-f]{10}", name) for name in twice)
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
        assert reference in defined


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_chart_is_the_same_bytes_with_or_without_a_drawn_frame(kind: str) -> None:
    chart = spec(kind, (30.0, 45.5, 0.0, 100.0))
    drawn = draw(chart)
    assert draw(chart) == drawn
    chart_layers._frames.found.clear()
    assert draw(chart) == drawn


def test_another_language_or_other_topics_draw_a_frame_of_their_own() -> None:
    draw(spec("bars", (30.0, 45.5, 0.0, 100.0)))
    english = spec(
        "bars", (30.0, 45.5, 0.0, 100.0), labels=("Strategy", "Sales", "Security", "Data")
    )
    assert "Strategy" in texts(draw(english))
    draw(spec("bars", (30.0, 45.5, 0.0, 100.0), peers=(None,) * 4))  # no room for peer bars
    assert len(chart_layers._frames.found) == 3


def text_extents(svg: bytes) -> list[tuple[str, float, float]]:
    """Each text's content with where it starts and ends, in points from the chart's left edge
    (the text's own width measured in the charts' font, bold where it is bold)."""
    root = ET.fromstring(svg)
    found = []
    for element in root.iter(f"{SVG}text"):
        style = element.get("style", "")
        anchor = re.search(r"text-anchor: (\w+)", style)
        x = element.get("x")
        if x is None:  # placed by a transform: translate(x y)
            x = re.search(r"translate\(([-\d.]+)", element.get("transform", "")).group(1)
        font = FontProperties(
            family="DejaVu Sans", size=9, weight="bold" if "bold" in style else "normal"
        )
        width = text_to_path.get_text_width_height_descent(element.text or "", font, ismath=False)[
            0
        ]
        start = float(x) - {"middle": width / 2, "end": width}.get(
            anchor.group(1) if anchor else "start", 0
        )
        found.append((element.text or "", start, start + width))
    return found


@pytest.mark.parametrize("kind", ("radar", "bars"))
def test_a_long_legend_takes_a_line_per_entry_and_stays_inside_the_chart(kind: str) -> None:
    short = spec(
        kind, (30.0, 45.5, 0.0, 100.0), peer_label="Median aller Unternehmen (14 Unternehmen)"
    )
    long = spec(kind, (30.0, 45.5, 0.0, 100.0))  # the same sector and size: a long label
    assert (short.legend_lines, long.legend_lines) == (1, 2)
    width = float(ET.fromstring(draw(long)).get("width").removesuffix("pt"))
    legend = [extent for extent in text_extents(draw(long)) if extent[0] in long.legend_labels]
    assert len(legend) == 2
    for text, start, end in legend:
        assert start >= 0 and end <= width, f"{text!r} runs out of the chart"
    heights = [
        float(ET.fromstring(draw(c)).get("height").removesuffix("pt")) for c in (short, long)
    ]
    assert heights[1] == pytest.approx(heights[0] + 0.15 * 72), "one more line of legend"


@pytest.mark.parametrize("kind", ("bars", "bars-narrow"))
def test_a_full_score_is_written_inside_the_chart(kind: str) -> None:
    svg = draw(spec(kind, (100.0, 100.0, 100.0, 100.0)))
    width = float(ET.fromstring(svg).get("width").removesuffix("pt"))
    values = [(start, end) for text, start, end in text_extents(svg) if text == "100"]
    assert len(values) == 4 + 1, "four values and the scale's last tick"
    assert all(end <= width for _start, end in values)


def test_a_topic_at_the_side_of_the_radar_is_wrapped_to_the_room_there() -> None:
    """With four topics the last one sits at the radar's left edge: its name takes more lines
    rather than run out of the chart; names at the top and bottom keep their lines."""
    svg = draw(spec("radar", (30.0, 45.5, 0.0, 100.0)))
    width = float(ET.fromstring(svg).get("width").removesuffix("pt"))
    for text, start, end in text_extents(svg):
        assert start >= 0 and end <= width, f"{text!r} runs out of the chart"
    lines = [text for text, _start, _end in text_extents(svg)]
    assert "Strategie und" in lines and "Führung" in lines, "at the top: lines of 18 characters"
    assert "Daten und" in lines and "Analytik" in lines, "at the side: shorter lines"


def test_a_chart_is_drawn_in_the_house_style_whatever_else_changed_matplotlibs_settings() -> None:
    chart = spec("bars", (30.0, 45.5, 0.0, 100.0))
    expected = draw(chart)
    with matplotlib.rc_context({"font.size": 20, "svg.fonttype": "path"}):
        changed = draw(chart)
    assert changed == expected
    assert b"font-size: 9px" in changed and b"<text" in changed


FIVE_LEVELS = {
    "level_starts": (0, 20, 40, 60, 80),
    "level_labels": (
        "Einsteigerin",
        "Entdeckerin",
        "Fortgeschrittene",
        "Vorreiterin",
        "Spitzenreiterin",
    ),
}


def placed_texts(svg: bytes) -> list[tuple[str, float, float, float]]:
    """Each text's content, where it starts and ends, and its baseline (points from the top)."""
    root = ET.fromstring(svg)
    baselines = []
    for element in root.iter(f"{SVG}text"):
        y = element.get("y")
        if y is None:
            y = re.search(r"translate\([-\d.]+ ([-\d.]+)", element.get("transform", "")).group(1)
        baselines.append(float(y))
    return [(*extent, y) for extent, y in zip(text_extents(svg), baselines, strict=True)]


def test_the_levels_names_stand_on_their_bands_while_they_keep_apart() -> None:
    """The sample's German names, the longest of them as wide as its band, are written over
    the bands, side by side with room between them."""
    names = ("Einsteiger", "Entdecker", "Fortgeschritten", "Vorreiter")
    chart = spec("bars", (30.0, 45.5, 0.0, 100.0), level_labels=names)
    assert not chart.levels_in_legend
    found = [text for text in placed_texts(draw(chart)) if text[0] in names]
    assert [text for text, *_rest in found] == list(names)
    assert len({baseline for *_rest, baseline in found}) == 1, "on one line above the bars"
    for left, right in pairwise(found):
        assert left[2] + 4 <= right[1], f"{left[0]!r} runs into {right[0]!r}"


@pytest.mark.parametrize("earlier", [(), (20.0, None, 10.0, 90.0)])
def test_levels_whose_names_would_run_into_each_other_are_named_in_the_legend(
    earlier: tuple[float | None, ...],
) -> None:
    """Five levels with long names do not fit over the wide bars' bands: the legend names them
    below the chart, one per line as on narrow bars, inside the chart."""
    chart = spec(
        "bars", (30.0, 45.5, 0.0, 100.0), earlier=earlier, earlier_label="Ihr Check", **FIVE_LEVELS
    )
    svg = draw(chart)
    root = ET.fromstring(svg)
    width, height = (float(root.get(side).removesuffix("pt")) for side in ("width", "height"))
    texts = placed_texts(svg)
    entries = [*chart.legend_labels, *FIVE_LEVELS["level_labels"]]
    named = sorted((text for text in texts if text[0] in entries), key=lambda text: text[3])
    assert [text[0] for text in named] == entries, "each named once, from top to bottom"
    assert len({round(text[1], 3) for text in named}) == 1, "one entry below the other"
    found = {text: (start, end, baseline) for text, start, end, baseline in texts}
    baselines = [found[entry][2] for entry in entries]
    scale = max(baseline for text, (*_x, baseline) in found.items() if text not in entries)
    assert scale < baselines[0], "below the bars and their scale"
    for entry in entries:
        start, end, baseline = found[entry]
        assert start >= 0 and end <= width and baseline < height, f"{entry!r} leaves the chart"


def test_a_name_too_long_for_a_narrow_chart_is_wrapped_inside_it() -> None:
    """On a phone the peers' long name takes two lines of the legend, not more room than the
    chart has; its lines stand one under the other, beside the peers' swatch."""
    chart = spec("bars-narrow", (30.0, 45.5, 0.0, 100.0))
    svg = draw(chart)
    width = float(ET.fromstring(svg).get("width").removesuffix("pt"))
    texts = placed_texts(svg)
    for text, start, end, _baseline in texts:
        assert start >= 0 and end <= width, f"{text!r} runs out of the chart"
    lines = [text for text in texts if text[0] in PEERS and text[0] != PEERS]
    assert " ".join(text[0] for text in lines) == PEERS
    assert len(lines) == 2 and lines[0][1] == lines[1][1], "one under the other"
    assert lines[1][3] - lines[0][3] == pytest.approx(1.2 * 9)
