"""The advisor wing's routes: every URL under /advisor, each behind the login."""

from __future__ import annotations

from flask import Flask

from ..routing import Route, blueprint
from . import (
    actions,
    admin,
    exports,
    follow_up,
    funding,
    impact_exports,
    outbox,
    review,
    settings,
    statistics,
    views,
)
from .access import init_login, require_login
from .forms import owner_label, sort_name, status_name
from .labels import level_label, profile_label, urgency_label

ROUTES = (
    Route("/login", views.login, ("GET", "POST")),
    Route("/logout", views.logout, ("POST",)),
    Route("/", views.dashboard),
    Route("/assessments/<int:assessment_id>", review.assessment),
    Route("/assessments/<int:assessment_id>/charts/<kind>.svg", review.chart),
    Route("/assessments/<int:assessment_id>/report.pdf", review.pdf),
    Route("/assessments/<int:assessment_id>/status", review.change_status, ("POST",)),
    Route("/assessments/<int:assessment_id>/assign", review.assign, ("POST",)),
    Route("/assessments/<int:assessment_id>/notes", review.add_note, ("POST",)),
    Route("/assessments/<int:assessment_id>/actions", actions.add_action, ("POST",)),
    Route(
        "/assessments/<int:assessment_id>/actions/<int:item_id>",
        actions.change_action,
        ("POST",),
    ),
    Route(
        "/assessments/<int:assessment_id>/actions/<int:item_id>/status",
        actions.set_action_status,
        ("POST",),
    ),
    Route(
        "/assessments/<int:assessment_id>/actions/<int:item_id>/delete",
        actions.remove_action,
        ("POST",),
    ),
    Route("/assessments/<int:assessment_id>/actions/report", actions.share_actions, ("POST",)),
    Route(
        "/assessments/<int:assessment_id>/consultations/<int:request_id>/take",
        review.take_consultation,
        ("POST",),
    ),
    Route(
        "/assessments/<int:assessment_id>/consultations/<int:request_id>/done",
        review.finish_consultation,
        ("POST",),
    ),
    Route("/assessments/<int:assessment_id>/referrals", review.introduce, ("POST",)),
    Route(
        "/assessments/<int:assessment_id>/referrals/<int:referral_id>/answer",
        review.record_referral,
        ("POST",),
    ),
    Route("/export.csv", exports.export_csv),
    Route("/export.xlsx", exports.export_xlsx),
    Route("/statistics", statistics.statistics),
    Route("/statistics/<kind>.svg", statistics.statistics_chart),
    Route("/statistics/impact.csv", impact_exports.impact_csv),
    Route("/statistics/impact.xlsx", impact_exports.impact_xlsx),
    Route("/accounts", admin.accounts),
    Route("/accounts/<int:advisor_id>/deactivate", admin.deactivate, ("POST",)),
    Route("/accounts/<int:advisor_id>/reactivate", admin.reactivate, ("POST",)),
    Route("/logins", admin.logins),
    Route("/settings", settings.settings, ("GET", "POST")),
    Route("/follow-up", follow_up.follow_up),
    Route("/funding", funding.funding),
    Route("/outbox", outbox.outbox),
)


def init_app(app: Flask) -> None:
    """Register the advisor pages, their login and their template helpers."""
    bp = blueprint("advisor", __name__, ROUTES, url_prefix="/advisor")
    bp.before_request(require_login)
    init_login(app)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        status_name=status_name,
        sort_name=sort_name,
        page_link=views.page_link,
        filter_link=views.filter_link,
        filter_fields=views.filter_fields,
        profile_label=profile_label,
        level_label=level_label,
        urgency_label=urgency_label,
        describe_event=review.describe_event,
        action_edit_form=actions.edit_form,
        owner_label=owner_label,
    )
