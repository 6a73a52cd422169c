"""The advisors' pages hold firms' data: no browser or proxy cache keeps them."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import SharedFactory


def test_advisor_pages_are_never_stored(ada: FlaskClient, add_assessment: SharedFactory) -> None:
    """Dashboard, an assessment, its PDF, statistics and the login page: Cache-Control no-store."""
    number = add_assessment("Bäckerei Korn")
    for path in (
        "/advisor/",
        f"/advisor/assessments/{number}",
        "/advisor/statistics",
        "/advisor/login",
    ):
        response = ada.get(path)
        assert response.status_code in (200, 302), path
        assert response.headers["Cache-Control"] == "no-store", path
