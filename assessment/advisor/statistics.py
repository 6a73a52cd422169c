"""Advisor pages: cohort statistics as charts, each with a table of the same numbers beside it.

The charts (cohort_charts.py) are drawn and cached as every chart is (kernel/charts.py), under
the hash of everything a chart shows. The page draws its charts (or finds them cached) and
links each by its hash, so the browser's chart requests are answered from the cache without a
query; the URL also carries the filters, so a chart missing from the cache is drawn anew.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from ..kernel.charts import chart_svg, stored_chart
from ..kernel.files import cache_dir, cache_privately
from ..questionnaire import Questionnaire
from ..referrals.models import STATES as REFERRAL_STATES
from ..referrals.models import state_label
from .cohort import (
    checks_per_month,
    cohort_statistics,
    group_means,
    labelling_questionnaire,
    score_distributions,
)
from .cohort_charts import CohortChart, chart_specs, means_chart, months_chart, scores_chart
from .forms import FilterForm, filter_args
from .impact import MIN_FIRMS, STAGES, funnel, stage_label
from .impact_change import change_figures
from .impact_charts import (
    ImpactChart,
    change_chart,
    funnel_chart,
    funnel_rows_chart,
    impact_chart_specs,
    one_decimal,
    percent,
    referrals_chart,
    signed,
)
from .impact_figures import impact_figures
from .impact_referrals import referral_figures
from .listing import Filters

StatisticsChart = CohortChart | ImpactChart
#: How the chart URL builds one chart: its own queries, then its spec.
CHART_BUILDERS: dict[str, Callable[[Filters, int, Questionnaire], StatisticsChart | None]] = {
    "months": lambda f, advisor, _q: months_chart(checks_per_month(f, advisor)),
    "scores": lambda f, advisor, q: scores_chart(score_distributions(f, advisor, q)),
    "sectors": lambda f, advisor, q: means_chart("sectors", group_means(f, advisor, q, "sector")),
    "sizes": lambda f, advisor, q: means_chart("sizes", group_means(f, advisor, q, "size")),
    "funnel": lambda f, _advisor, q: funnel_chart(funnel(f, q).total),
    "funnel_months": lambda f, _advisor, q: funnel_rows_chart("funnel_months", funnel(f, q).months),
    "funnel_regions": lambda f, _advisor, q: funnel_rows_chart(
        "funnel_regions", funnel(f, q).regions
    ),
    "partners": lambda f, advisor, q: referrals_chart(
        "partners", referral_figures(f, advisor, q).partners
    ),
    "topics": lambda f, advisor, q: referrals_chart(
        "topics", referral_figures(f, advisor, q).topics
    ),
    "change": lambda f, advisor, q: change_chart(change_figures(f, advisor, q)),
}
#: The family of each kind's cached file.
CHART_FAMILIES = dict.fromkeys(("months", "scores", "sectors", "sizes"), CohortChart.family)


def filter_form() -> tuple[FilterForm, bool]:
    """The dashboard's filters from the query string, checked; statistics have no sort order."""
    form = FilterForm(request.args)
    form.fill_choices()
    del form["sort"]
    return form, form.validate()


def chart_url(kind: str, spec: StatisticsChart) -> str:
    """The URL of a chart with the page's filters and the hash of what it shows."""
    args = filter_args(request.args, leave_out=("page", "sort"))
    return url_for("advisor.statistics_chart", kind=kind, **args, v=spec.key)


def statistics() -> Any:
    """Cohort statistics of the filtered, shared assessments: charts with their tables."""
    form, valid = filter_form()
    filters = form.filters()
    questionnaire = labelling_questionnaire(filters)
    stats = cohort_statistics(filters, current_user.id, questionnaire)
    impact = impact_figures(filters, current_user.id, questionnaire)
    specs: dict[str, StatisticsChart] = {**chart_specs(stats), **impact_chart_specs(impact)}
    for spec in specs.values():  # drawn now, so that the chart requests need no query
        chart_svg(spec, cache_dir("charts"))
    charts = {kind: (chart_url(kind, spec), *spec.pixels) for kind, spec in specs.items()}
    html = render_template(
        "advisor/statistics.html",
        form=form,
        valid=valid,
        stats=stats,
        impact=impact,
        charts=charts,
        export_args=filter_args(request.args, leave_out=("page", "sort")),
        signed=signed,
        one_decimal=one_decimal,
        percent=percent,
        states=REFERRAL_STATES,
        state_label=state_label,
        stage_label=stage_label,
        impact_stages=STAGES,
        min_firms=MIN_FIRMS,
    )
    return html, 200 if valid else 400


def statistics_chart(kind: str) -> Response:
    """One chart as SVG: the one the page drew (by its hash), else drawn for the filters."""
    if kind not in CHART_BUILDERS:
        abort(404)
    wanted = request.args.get("v", "")
    family = CHART_FAMILIES.get(kind, ImpactChart.family)
    found = stored_chart(cache_dir("charts"), family, kind, wanted)
    if found is None or len(wanted) != len(found[1]):  # the page links the whole hash
        form, _valid = filter_form()
        filters = form.filters()
        spec = CHART_BUILDERS[kind](filters, current_user.id, labelling_questionnaire(filters))
        if spec is None:
            abort(404)
        found = chart_svg(spec, cache_dir("charts")), spec.key
    svg, key = found
    response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(key)
    cache_privately(response, versioned=wanted == key)
    return response.make_conditional(request)
