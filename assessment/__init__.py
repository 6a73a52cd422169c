"""Digital-Check: a self-assessment of digital maturity for small and medium-sized firms."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import catalogue, views

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the application; refuses to start when a questionnaire file is invalid."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev"),
        QUESTIONNAIRE_DIR=os.environ.get("QUESTIONNAIRE_DIR", str(PROJECT_ROOT / "questionnaires")),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    catalogue.init_app(app)
    views.init_app(app)
    return app
