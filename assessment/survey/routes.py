"""The survey wing's routes: every URL of the owner's journey, from starting to deleting."""

from __future__ import annotations

from flask import Flask

from ..routing import Route, blueprint
from . import views, widgets
from .describe import describe_condition
from .fields import adapter_for
from .partials import question_markup

ROUTES = (
    Route("/assessments", views.start, ("POST",)),
    Route("/a/<token>", views.resume),
    Route("/a/<token>/step/<int:number>", views.step, ("GET", "POST")),
    Route("/a/<token>/consent", views.consent, ("GET", "POST")),
    Route("/a/<token>/saved", views.saved),
    Route("/a/<token>/send-link", views.send_link, ("GET", "POST")),
    Route("/a/<token>/review", views.review, ("GET", "POST")),
    Route("/a/<token>/export.json", views.export),
    Route("/a/<token>/delete", views.delete, ("GET", "POST")),
    Route("/a/<token>/repeat", views.repeat, ("POST",)),
    Route("/again/<token>", views.invitation, ("GET", "POST")),
)


def init_app(app: Flask) -> None:
    """Register the survey's routes and the helpers its templates use."""
    app.register_blueprint(blueprint("survey", __name__, ROUTES))
    app.jinja_env.globals.update(
        input_id=views.input_id,
        adapter_for=adapter_for,
        describe_condition=describe_condition,
        choice=widgets.choice,
        question_markup=question_markup,
    )
