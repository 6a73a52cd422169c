"""Friendly error pages in the site's layout for every failure a user can meet."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

TITLES = {
    400: _l("The request could not be processed"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("This action is not possible here"),
    409: _l("This can no longer be changed"),
    413: _l("Too much data"),
    429: _l("Please wait a moment"),
    500: _l("Something went wrong on our side"),
    503: _l("Not available at the moment"),
}

EXPLANATIONS = {
    400: _l("The form could not be read. Please go back, reload the page and try again."),
    403: _l("You are not allowed to open this page."),
    404: _l("The page you asked for does not exist. Check the address, or start again."),
    405: _l("This page cannot be used this way. Please start again from the home page."),
    409: _l("Something changed meanwhile, so this could not be done."),
    413: _l("The form sent more data than allowed. Please shorten your answers and try again."),
    429: _l("Too many requests came from your network in a short time."),
    500: _l("The page could not be shown. Please try again in a moment; saved answers are safe."),
    503: _l("Please try again later. Your report in the browser is not affected."),
}

CSRF_DETAIL = _l(
    "The form has expired or was not sent from this site. Reload the page and try again."
)


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Render an HTTP error (unhandled exceptions arrive here as 500) in the site's layout."""
    _bind_links_to_the_external_url()
    code = error.code if error.code in TITLES else 500
    # Our own abort() calls give a specific description; Werkzeug's generic ones are not shown.
    detail = error.description if error.description != type(error).description else None
    if isinstance(error, CSRFError):
        detail = CSRF_DETAIL
    page = render_template(
        "errors/error.html",
        code=code,
        title=TITLES[code],
        explanation=EXPLANATIONS[code],
        detail=detail,
    )
    return page, code


def _bind_links_to_the_external_url() -> None:
    """A request for a host the app does not serve has no URL adapter: its error page builds
    its links for the app's own address instead."""
    if request_ctx.url_adapter is None:
        external = urlsplit(current_app.config["EXTERNAL_URL"])
        request_ctx.url_adapter = current_app.url_map.bind(
            external.netloc, script_name=request.script_root or "/", url_scheme=external.scheme
        )


def init_app(app: Flask) -> None:
    """Register the error handler."""
    app.register_error_handler(HTTPException, handle_http_error)
