"""Friendly error pages in the site's layout, in both languages."""

from __future__ import annotations

from flask import Flask, abort

from ..survey.helpers import csrf_token, text


def _layout(html: str) -> None:
    assert 'class="site-header"' in html and '<main id="main"' in html
    assert html.count("<h1>") == 1


def test_not_found(small_app: Flask) -> None:
    """An unknown address gets a 404 page with a way back."""
    response = small_app.test_client().get("/no/such/page")
    assert response.status_code == 404
    _layout(text(response))
    assert "Seite nicht gefunden" in text(response)


def test_method_not_allowed(small_app: Flask) -> None:
    """A GET on a post-only address is explained, not a bare error."""
    response = small_app.test_client().get("/assessments")
    assert response.status_code == 405
    _layout(text(response))


def test_forbidden_and_server_error(small_app: Flask) -> None:
    """403 and an unexpected exception render friendly pages (the exception is not shown)."""
    small_app.config["PROPAGATE_EXCEPTIONS"] = False

    @small_app.get("/test-forbidden")
    def forbidden() -> str:
        abort(403)

    @small_app.get("/test-crash")
    def crash() -> str:
        raise RuntimeError("secret internals")

    client = small_app.test_client()
    response = client.get("/test-forbidden")
    assert response.status_code == 403
    _layout(text(response))
    response = client.get("/test-crash")
    assert response.status_code == 500
    _layout(text(response))
    assert "secret internals" not in text(response)
    assert "Bei uns ist etwas schiefgelaufen" in text(response) or "Fehler" in text(response)


def test_error_page_in_english(small_app: Flask) -> None:
    """After switching to English, error pages are English too."""
    client = small_app.test_client()
    token = csrf_token(client.get("/"))
    client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    response = client.get("/no/such/page")
    assert '<html lang="en">' in text(response)
    assert "Page not found" in text(response)
