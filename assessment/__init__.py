"""Digital-Check: a self-assessment of digital maturity for small and medium-sized firms."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import catalogue, centre, errors, i18n, mail, migrating, security, views
from .advisor import routes as advisor_routes
from .config import config_from_env
from .consultation import routes as consultation_routes
from .extensions import csrf, db
from .logs import configure_logging
from .referrals import routes as referral_routes
from .report import routes as report_routes
from .survey import routes as survey_routes
from .team import routes as team_routes

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the application; refuses to start with an invalid questionnaire or configuration."""
    configure_logging()  # before anything logs: every line carries its time
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(config_from_env(os.environ, app.instance_path, PROJECT_ROOT))
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:  # the client's address and scheme come from the proxy's headers
        forwarded_host = proxies if app.config.get("TRUST_FORWARDED_HOST") else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=forwarded_host)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    db.init_app(app)
    migrating.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    catalogue.init_app(app)
    centre.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    views.init_app(app)
    # the wings, each with every route it serves listed in its routes.py
    survey_routes.init_app(app)
    report_routes.init_app(app)
    advisor_routes.init_app(app)
    consultation_routes.init_app(app)
    referral_routes.init_app(app)
    team_routes.init_app(app)
    return app
