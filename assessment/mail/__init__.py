"""E-mail: messages composed from templates, stored in an outbox in the same transaction as the
action that causes them, and delivered by a worker (`flask mail deliver`) that retries."""

from __future__ import annotations

from flask import Flask

from . import models  # noqa: F401  (the outbox's table belongs to the schema)


def init_app(app: Flask) -> None:
    """Say at start when e-mail is written to files instead of being sent."""
    if app.config["ENVIRONMENT"] == "production" and not app.config["MAIL_HOST"]:
        app.logger.warning(
            "MAIL_HOST is not set: e-mail is written to files in %s, not sent",
            app.config["MAIL_DIR"],
        )
