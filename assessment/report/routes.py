"""The report wing's routes: the report of a submitted check, its charts and its PDF."""

from __future__ import annotations

from flask import Flask

from ..i18n import spoken_list
from ..routing import Route, blueprint
from . import views
from .funding import funding_conditions, funding_kind_name
from .rendering import (
    effort_name,
    one_decimal,
    partner_kind_name,
    plan_heading,
    report_fingerprint,
    shown,
    time_frame_name,
)

ROUTES = (
    Route("/a/<token>/report", views.report),
    Route("/a/<token>/charts/<kind>.svg", views.chart),
    Route("/a/<token>/report.pdf", views.pdf),
    Route("/a/<token>/send-report", views.send_report, ("GET", "POST")),
)


def init_app(app: Flask) -> None:
    """Register the report's routes and the helpers of its templates."""
    app.register_blueprint(blueprint("report", __name__, ROUTES))
    app.extensions["report_fingerprint"] = report_fingerprint(app)
    app.jinja_env.globals.update(
        shown=shown,
        one_decimal=one_decimal,
        effort_name=effort_name,
        partner_kind_name=partner_kind_name,
        time_frame_name=time_frame_name,
        spoken_list=spoken_list,
        plan_heading=plan_heading,
        funding_kind_name=funding_kind_name,
        funding_conditions=funding_conditions,
    )
