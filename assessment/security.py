"""Security headers on every response: a strict CSP, no framing, no sniffing, no referrer."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

#: Pages load scripts, styles, images and fonts from this site only, and nothing inline.
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: A chart opened on its own: matplotlib styles its elements inline, and it runs no script.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
#: A year, as browsers' HSTS preload lists expect at least.
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set the headers; HSTS only on HTTPS, where the browser will honour it."""
    headers = response.headers
    policy = SVG_POLICY if response.mimetype == "image/svg+xml" else PAGE_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Resume links carry the token in the URL: no page sends its address to another site.
    # (Our own forms must send it: over HTTPS the CSRF check requires a same-site Referer.)
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages show a firm's answers, results or an advisor's lists: no cache keeps them, unless
    # a view says otherwise (content-hashed charts, the logo, static files).
    headers.setdefault("Cache-Control", "no-store")
    return response


def local_path(target: str | None, *, within: str = "/") -> str | None:
    """The target if it is a path on this site under ``within``; else None (never another host).

    Browsers drop tabs and line breaks from URLs and read backslashes as slashes, so a target
    with any of them, or with any other control character, is refused rather than cleaned.
    """
    if not target or not target.startswith(within) or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 or c in "\\\x7f" for c in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


def refuse_nul_characters() -> None:
    """No text contains U+0000, and PostgreSQL cannot store it: such requests are refused."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400, _("The request contains a NUL character, which no text may contain."))


def external_url(endpoint: str, **values: Any) -> str:
    """The address of a page as owners reach it (EXTERNAL_URL), whatever Host the request named:
    for every link that leaves the page, such as the resume link and the PDF's links."""
    return current_app.config["EXTERNAL_URL"] + url_for(endpoint, **values)


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in routes: a whole number a database column holds (ids are 32-bit on
    PostgreSQL); a larger one matches no route and answers 404, never a database error."""

    def __init__(self, url_map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Refuse NUL characters; add the headers to every response, error pages included.

    Called before the blueprints are registered, so that every `<int:...>` route is bounded.
    """
    app.url_map.converters["int"] = DatabaseInteger
    app.jinja_env.globals["external_url"] = external_url
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)


def derived_token(purpose: str, nonce: str) -> str:
    """A link's token derived from a stored random value: HMAC-SHA256 of the nonce under the
    secret key, 256 bits, URL-safe (a new secret key ends every such link). The database holds
    the nonce and the token's hash, neither the token nor a way to it without the key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
