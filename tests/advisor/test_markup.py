"""The advisor pages pass the markup checks of the respondent's pages, with errors and without."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..survey.helpers import csrf_token, text
from ..survey.test_markup import check_page, parse
from .conftest import SharedFactory


def check_advisor_page(html: str) -> None:
    """The common checks, plus a label for every select."""
    check_page(html)
    nodes = parse(html)
    labelled = {n.attrs.get("for") for n in nodes if n.tag == "label"}
    for select in (n for n in nodes if n.tag == "select"):
        assert select.attrs.get("id") in labelled, f"select {select.attrs} has a label"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_advisor_page(
    advisor_app: Flask,
    ada: FlaskClient,
    add_assessment: SharedFactory,
    answered: Callable[..., int],
    language: str,
) -> None:
    """Dashboard, statistics and an assessment, each also with an error on it; in both languages."""
    page = ada.get("/advisor/")
    ada.post("/language", data={"csrf_token": csrf_token(page), "language": language})
    add_assessment("Bäckerei Beispiel")
    found = answered()
    pages = [
        ada.get("/advisor/"),
        ada.get("/advisor/?submitted_from=2026-13-01&sort=nonsense"),
        ada.get("/advisor/statistics"),
        ada.get("/advisor/statistics?submitted_to=yesterday"),
        ada.get(f"/advisor/assessments/{found}"),
    ]
    token = csrf_token(pages[-1])
    pages.append(ada.post(f"/advisor/assessments/{found}/notes", data={"csrf_token": token}))
    pages.append(ada.get("/advisor/assessments/999999"))
    for response in pages:
        html = text(response)
        assert f'<html lang="{language}">' in html
        check_advisor_page(html)
    assert [r.status_code for r in pages] == [200, 400, 200, 400, 200, 400, 404]


def test_login_page_with_and_without_errors(advisor_app: Flask) -> None:
    """The login form, and the same form after a failed login."""
    client = advisor_app.test_client()
    form = client.get("/advisor/login")
    check_advisor_page(text(form))
    failed = client.post(
        "/advisor/login",
        data={"csrf_token": csrf_token(form), "email": "nobody@example.org", "password": "x"},
    )
    assert failed.status_code == 400
    check_advisor_page(text(failed))
