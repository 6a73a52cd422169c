"""Routes listed in one place per wing: each wing's `routes.py` names every URL it serves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint


@dataclass(frozen=True)
class Route:
    """One URL rule, the view that answers it, and the methods it accepts."""

    rule: str
    view: Callable[..., Any]
    methods: tuple[str, ...] = ("GET",)


def blueprint(name: str, import_name: str, routes: Iterable[Route], **options: Any) -> Blueprint:
    """A new blueprint serving ``routes``; each view's endpoint is its function's name."""
    bp = Blueprint(name, import_name, **options)
    for route in routes:
        bp.add_url_rule(route.rule, view_func=route.view, methods=list(route.methods))
    return bp
