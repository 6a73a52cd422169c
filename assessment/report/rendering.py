"""Rendering a report: its body as HTML, its charts and its PDF (used by the owner's pages and
the advisors' review alike; the routes are in views.py)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..i18n import current_language, local_today, localize
from ..kernel.charts import VERSION, chart_svg, keep_spec, kept_spec, stored_chart
from ..kernel.files import cache_privately, cached, fingerprint, own_cache
from ..kernel.models import Assessment
from ..questionnaire.scoring import display_score
from .charts import CHART_VERSION, ChartSpec, SpreadSpec
from .content import Report, ReportInputs, build_report, report_inputs
from .pdf import pdf_filename, render_report_pdf
from .team import TeamSection

CHART_KINDS = ("radar", "bars", "bars-narrow")
#: The charts of a team check's report besides those.
TEAM_CHART_KINDS = ("spread", "spread-narrow")


def chart_specs(report: Report) -> dict[str, ChartSpec | SpreadSpec]:
    """The charts of a report: a radar (with three or more assessed dimensions) and bars."""
    rows = report.assessed_rows
    if not rows:
        return {}
    peers = report.benchmark
    peer_label = (
        _(
            "Median of %(group)s (%(count)s companies)",
            group=group_name(peers.group),
            count=peers.size,
        )
        if peers
        else ""
    )
    levels = report.questionnaire.levels
    common = {
        "labels": tuple(localize(row.dimension.title) for row in rows),
        "scores": tuple(float(row.score) for row in rows if row.score is not None),
        "peers": tuple(row.peer for row in rows),
        "level_starts": tuple(level.min for level in levels),
        "level_labels": tuple(localize(level.label) for level in levels),
        "company_label": _("Your company"),
        "peer_label": peer_label,
    }
    if report.previous_date is not None:
        common["earlier"] = tuple(row.previous for row in rows)
        common["earlier_label"] = _(
            "Your check of %(date)s", date=format_date(report.previous_date, "medium")
        )
    kinds = CHART_KINDS if len(rows) >= 3 else ("bars", "bars-narrow")
    specs: dict[str, ChartSpec | SpreadSpec] = {
        kind: ChartSpec(kind=kind, **common) for kind in kinds
    }
    if report.team is not None and report.team.rows:
        for kind in TEAM_CHART_KINDS:
            specs[kind] = spread_spec(report.team, kind)
    return specs


def spread_spec(team: TeamSection, kind: str) -> SpreadSpec:
    """The chart of a team check's spread per topic (for wide or for narrow screens)."""
    rows = [row for row in team.rows if row.lowest is not None and row.score is not None]
    return SpreadSpec(
        kind=kind,
        labels=tuple(localize(row.dimension.title) for row in rows),
        lowest=tuple(float(row.lowest) for row in rows if row.lowest is not None),
        highest=tuple(float(row.highest) for row in rows if row.highest is not None),
        combined=tuple(float(row.score) for row in rows if row.score is not None),
        combined_label=_("Your team (combined)"),
        range_label=_("Lowest to highest score of one respondent"),
    )


def group_name(group: str) -> str:
    """The benchmark group in words."""
    return {
        "sector_size": _("companies of the same sector and size"),
        "sector": _("companies of the same sector"),
        "all": _("all companies"),
    }[group]


def keyed_inputs(assessment: Assessment) -> tuple[ReportInputs, str]:
    """A submitted assessment's report inputs, and the key of its cached files."""
    config = current_app.config
    inputs = report_inputs(
        assessment,
        config["BENCHMARK_MAX_AGE_MINUTES"] * 60,
        config["BENCHMARK_MIN_FIRMS"],
        today=local_today(),
        funding_stale_days=config["FUNDING_STALE_DAYS"],
    )
    fingerprint = current_app.extensions["report_fingerprint"]
    return inputs, inputs.key(current_language(), fingerprint)


def render_body(content: Report, link: Callable[[str, str], str]) -> str:
    """The report's body as HTML; ``link(kind, version)`` gives the URL of each chart."""
    specs = chart_specs(content)
    folder = own_cache(content.assessment.id)
    for spec in specs.values():  # so that no chart's request builds the report again:
        if spec.narrow:  # drawn when a phone asks for it
            keep_spec(spec, folder)
        else:  # drawn now, as every wide screen shows them
            chart_svg(spec, folder)
    charts = {kind: link(kind, spec.key[:16]) for kind, spec in specs.items()}
    return render_template(
        "report/_body.html", report=content, charts=charts, group_name=group_name
    )


def trusted(html: str) -> Markup:
    """HTML that our own autoescaping templates rendered, to be inserted as it is."""
    # Every value in it was escaped when the report body was rendered (bandit B704).
    return Markup(html)  # nosec B704


def chart_response(assessment: Assessment, kind: str) -> Response:
    """One chart of a submitted assessment's report as SVG, with an ETag; long-cached when asked
    for by version. A chart the report page drew is served from the cache as it is."""
    if kind not in CHART_KINDS and kind not in TEAM_CHART_KINDS:
        abort(404)
    folder, wanted = own_cache(assessment.id), request.args.get("v", "")
    found = stored_chart(folder, ChartSpec.family, kind, wanted)
    if found is None:
        spec = _kept_spec(folder, kind, wanted) or _built_spec(assessment, kind)
        found = chart_svg(spec, folder), spec.key
    svg, key = found
    response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(key)
    cache_privately(response, versioned=bool(VERSION.fullmatch(wanted)) and key.startswith(wanted))
    return response.make_conditional(request)


def _kept_spec(folder: Path, kind: str, wanted: str) -> ChartSpec | SpreadSpec | None:
    """The spec the report page kept for a chart it did not draw, if it is the one asked for."""
    fields = kept_spec(folder, ChartSpec.family, kind, wanted)
    if fields is None:
        return None
    values = {name: tuple(v) if isinstance(v, list) else v for name, v in fields.items()}
    return SpreadSpec(**values) if kind in TEAM_CHART_KINDS else ChartSpec(**values)


def _built_spec(assessment: Assessment, kind: str) -> ChartSpec | SpreadSpec:
    """A chart's spec from the report built anew; 404 when the report has no such chart."""
    inputs, _key = keyed_inputs(assessment)
    spec = chart_specs(build_report(inputs)).get(kind)
    if spec is None:
        abort(404)
    return spec


def pdf_document(inputs: ReportInputs, key: str) -> bytes:
    """A report's PDF, rendered once per content; 503 where the PDF cannot be made."""

    def render() -> bytes:
        content = build_report(inputs)
        charts = {
            kind: chart_svg(spec, own_cache(inputs.assessment.id))
            for kind, spec in chart_specs(content).items()
            if not spec.narrow
        }
        return render_report_pdf(content, charts, group_name)

    try:
        return cached(own_cache(inputs.assessment.id), f"{key}.pdf", render)
    except OSError:  # WeasyPrint's system libraries (Pango) are missing on this server
        current_app.logger.exception("the PDF could not be rendered")
        abort(503, _("The PDF cannot be created on this server at the moment."))


def pdf_response(inputs: ReportInputs, key: str) -> Response:
    """A report as a PDF download, rendered once per content."""
    document = pdf_document(inputs, key)
    response = Response(document, mimetype="application/pdf")
    filename = pdf_filename(inputs.assessment)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    cache_privately(response, versioned=False)
    return response


def shown(score: Any) -> int:
    """A score as the report shows it: a whole number, rounded half up."""
    return display_score(score if isinstance(score, Fraction) else Fraction(score))


def one_decimal(value: float) -> str:
    """A number with one decimal, as the current language writes it (a spread, a deviation)."""
    return format_decimal(round(value, 1), format="0.0")


#: Words for the questionnaire's codes, translated when one is shown (a page shows dozens).
EFFORTS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}
PLAN_HEADINGS = {
    "days": _l("In the next days"),
    "weeks": _l("In the next weeks"),
    "months": _l("In the next months"),
    "year": _l("Within a year"),
}
TIME_FRAMES = {
    "days": _l("a few days"),
    "weeks": _l("a few weeks"),
    "months": _l("a few months"),
    "year": _l("about a year"),
}
PARTNER_KINDS = {
    "public": _l("Public institution"),
    "chamber": _l("Chamber"),
    "research": _l("Research"),
    "funding": _l("Funding"),
    "provider": _l("Service provider"),
    "startup": _l("Start-up"),
    "network": _l("Network"),
}


def effort_name(effort: str) -> str:
    """An effort in words."""
    return str(EFFORTS[effort])


def plan_heading(time_frame: str) -> str:
    """The heading of the action plan's steps of one time frame."""
    return str(PLAN_HEADINGS[time_frame])


def time_frame_name(time_frame: str) -> str:
    """A recommendation's time frame in words."""
    return str(TIME_FRAMES[time_frame])


def partner_kind_name(kind: str) -> str:
    """A kind of partner in words."""
    return str(PARTNER_KINDS[kind])


def _centre_files(app: Flask) -> list[Path]:
    """The centre file and its logo, which the report shows."""
    catalogue = app.extensions["catalogue"]
    files = [catalogue.folder / "centre.yaml"]
    if catalogue.centre.logo:
        files.append(catalogue.folder / catalogue.centre.logo)
    return files


def report_fingerprint(app: Flask) -> str:
    """A hash of everything besides the data that a report's files depend on: templates, styles,
    translations, the report's and the charts' code, the centre file and logo, the external URL."""
    root = Path(app.root_path)
    sources = [
        *Path(app.template_folder or "templates").rglob("*.html"),
        *(Path(app.static_folder or "static") / "css").glob("*.css"),
        *(root / "translations").rglob("*.mo"),
        *(root / "report").glob("*.py"),
        root / "kernel" / "charts.py",
        *_centre_files(app),
    ]
    # The report links the privacy notice at the external URL: a new one renders it anew.
    extra = (str(CHART_VERSION), app.config.get("EXTERNAL_URL", ""))
    return fingerprint(sources, *extra)
