"""Starting checks is limited per client address, which is kept only as a keyed hash."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from assessment.extensions import db
from assessment.kernel.models import Assessment, RateEvent

from .helpers import csrf_token, text


def start(app: Flask, address: str) -> int:
    """Start a check from this address; the status of the answer."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    landing = client.get("/")
    data = {"questionnaire": "webcheck", "csrf_token": csrf_token(landing)}
    response = client.post("/assessments", data=data)
    if response.status_code == 429:
        html = text(response)
        assert "Bitte warten Sie einen Moment" in html and "<footer" in html
        assert "in den letzten 15 Minuten" in html
    return response.status_code


def test_one_address_starts_a_few_checks_then_waits(small_app: Flask) -> None:
    """Three starts in the window are allowed; the fourth gets 429 and starts nothing; another
    address is not affected."""
    small_app.config["START_LIMIT_PER_ADDRESS"] = 3
    assert [start(small_app, "198.51.100.7") for _ in range(4)] == [302, 302, 302, 429]
    assert start(small_app, "198.51.100.8") == 302
    with small_app.app_context():
        assert len(db.session.scalars(select(Assessment)).all()) == 4
        clients = set(db.session.scalars(select(RateEvent.client)))
    assert len(clients) == 2
    assert not any("198.51.100" in client for client in clients), "no address in clear"
