"""Administrators' pages: the accounts (deactivate, reactivate) and the audit of logins.

`is_admin` means something: only administrators open these pages; others get 403.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.advisor.accounts import create_advisor, find_advisor
from assessment.advisor.models import LoginAttempt
from assessment.extensions import db
from assessment.kernel.models import utcnow

from ..survey.helpers import csrf_token, text
from .conftest import PASSWORD, login

ROOT = "root@example.org"
EVE = "eve@example.org"


@pytest.fixture
def root(advisor_app: Flask) -> FlaskClient:
    """A client logged in as Root, an administrator; Eve has an account too."""
    with advisor_app.app_context():
        create_advisor(ROOT, PASSWORD, name="Root Admin", admin=True)
        create_advisor(EVE, PASSWORD, name="Eve Beispiel")
    client = advisor_app.test_client()
    assert login(client, ROOT).status_code == 302
    return client


def account_id(app: Flask, email: str) -> int:
    """An account's id."""
    with app.app_context():
        advisor = find_advisor(email)
        assert advisor is not None
        return advisor.id


def row_of(page: str, name: str) -> str:
    """The table row of an account on the accounts page."""
    found = re.search(rf"<tr>\s*<th scope=\"row\">{name}</th>.*?</tr>", page, re.S)
    assert found, name
    return found.group(0)


def test_other_advisors_get_403_and_see_no_admin_links(
    ada: FlaskClient, advisor_app: Flask
) -> None:
    """Ada (no administrator) cannot open or use the pages, and the menu does not offer them."""
    assert 'href="/advisor/accounts"' not in text(ada.get("/advisor/"))
    token = csrf_token(ada.get("/advisor/"))
    number = account_id(advisor_app, "ada@example.org")
    for method, path in (
        ("GET", "/advisor/accounts"),
        ("GET", "/advisor/logins"),
        ("POST", f"/advisor/accounts/{number}/deactivate"),
        ("POST", f"/advisor/accounts/{number}/reactivate"),
    ):
        response = ada.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 403, path
        assert "<footer" in text(response)
    with advisor_app.app_context():
        assert find_advisor("ada@example.org").active


def test_an_administrator_deactivates_and_reactivates_an_account(
    root: FlaskClient, advisor_app: Flask
) -> None:
    """The list shows every account; deactivating Eve ends her session at once, reactivating
    lets her log in again; the administrator's own account has no button."""
    eve = advisor_app.test_client()
    assert login(eve, EVE).status_code == 302
    page = text(root.get("/advisor/accounts"))
    assert 'href="/advisor/accounts" aria-current="page"' in page
    assert "<td>Administration</td>" in row_of(page, "Root Admin")
    assert "Deactivate" not in row_of(page, "Root Admin") and "Deaktivieren" not in row_of(
        page, "Root Admin"
    )
    number = account_id(advisor_app, EVE)
    done = root.post(
        f"/advisor/accounts/{number}/deactivate",
        data={"csrf_token": csrf_token(root.get("/advisor/accounts"))},
    )
    assert done.status_code == 302
    assert eve.get("/advisor/").status_code == 302, "her session has ended"
    assert login(eve, EVE).status_code == 400
    page = text(root.get("/advisor/accounts"))
    assert "Eve Beispiel kann sich nicht mehr anmelden." in page
    assert "deaktiviert am" in row_of(page, "Eve Beispiel")
    again = root.post(
        f"/advisor/accounts/{number}/reactivate",
        data={"csrf_token": csrf_token(root.get("/advisor/accounts"))},
    )
    assert again.status_code == 302
    assert login(advisor_app.test_client(), EVE).status_code == 302


def test_an_administrator_cannot_deactivate_herself(root: FlaskClient, advisor_app: Flask) -> None:
    """Sent anyway, the request is refused with a message; the account stays active."""
    number = account_id(advisor_app, ROOT)
    token = csrf_token(root.get("/advisor/accounts"))
    response = root.post(f"/advisor/accounts/{number}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in text(root.get("/advisor/accounts"))
    with advisor_app.app_context():
        assert find_advisor(ROOT).active


def test_an_unknown_account_and_a_missing_token(root: FlaskClient, advisor_app: Flask) -> None:
    """An account that does not exist is a 404; a form without its token a 400."""
    token = csrf_token(root.get("/advisor/accounts"))
    assert (
        root.post("/advisor/accounts/999999/deactivate", data={"csrf_token": token}).status_code
        == 404
    )
    number = account_id(advisor_app, EVE)
    assert root.post(f"/advisor/accounts/{number}/deactivate").status_code == 400
    with advisor_app.app_context():
        assert find_advisor(EVE).active


def test_the_audit_of_logins(root: FlaskClient, advisor_app: Flask) -> None:
    """Every attempt newest first, with its outcome in words, 50 to a page."""
    with advisor_app.app_context():
        start = utcnow() - timedelta(hours=2)
        db.session.add_all(
            LoginAttempt(
                at=start + timedelta(minutes=number),
                email=f"guess{number}@example.org",
                address="203.0.113.5",
                outcome="unknown",
            )
            for number in range(60)
        )
        db.session.commit()
    page = text(root.get("/advisor/logins"))
    assert "61 Anmeldeversuche" in page  # Root's login and the sixty
    rows = re.findall(r"<td>([^<]*@example\.org)</td>", page)
    assert rows[0] == ROOT and rows[1] == "guess59@example.org" and len(rows) == 50
    assert "unbekanntes Konto" in page and "angemeldet" in page
    second = text(root.get("/advisor/logins?page=2"))
    assert re.findall(r"<td>([^<]*@example\.org)</td>", second)[-1] == "guess0@example.org"
    for bad in ("3", "0", "x"):
        assert root.get(f"/advisor/logins?page={bad}").status_code == 404
