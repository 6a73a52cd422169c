"""Security headers on every kind of response, cookie flags in production, and safe GETs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from assessment import create_app
from assessment.advisor.models import LoginAttempt
from assessment.extensions import db
from assessment.questionnaire import Questionnaire

from ..conftest import SAMPLE_DIR, make_app
from ..survey.helpers import Respondent, complete, csrf_token

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response: TestResponse) -> None:
    """The headers every response carries, and a CSP without inline code or framing."""
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in directives.get("script-src", "")
    assert "unsafe-eval" not in policy
    if response.mimetype == "text/html":
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'"


def test_pages_redirects_errors_and_files(client: FlaskClient) -> None:
    """A page, a redirect, a bad form, a missing page, static files and the health check."""
    landing = client.get("/")
    responses = [
        landing,
        client.post("/language", data={"csrf_token": csrf_token(landing), "language": "en"}),
        client.post("/assessments", data={}),
        client.get("/no-such-page"),
        client.get("/static/css/site.css"),
        client.get("/static/js/step.js"),
        client.get("/healthz"),
    ]
    assert [r.status_code for r in responses] == [200, 302, 400, 404, 200, 200, 200]
    for response in responses:
        assert_secured(response)
        response.close()
    assert "Strict-Transport-Security" not in landing.headers


def test_hsts_only_over_https(client: FlaskClient) -> None:
    """Browsers ignore HSTS over plain HTTP; over HTTPS it is sent for a year."""
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_report_charts_and_pdf(app: Flask, sample: Questionnaire) -> None:
    """The report, its SVG charts (which need their inline styles) and the PDF."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, sample, "Muster GmbH", {"sector": "handwerk", "size": "small"})
    report = owner.client.get(owner.url("/report"))
    chart = owner.client.get(owner.url("/charts/bars.svg"))
    assert_secured(report)
    assert_secured(chart)
    assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    export = owner.client.get(owner.url("/export.json"))
    assert_secured(export)


def test_cookies_in_production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In production the session cookie is Secure, HttpOnly and SameSite=Lax."""
    monkeypatch.setenv("DIGITALCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("EXTERNAL_URL", "https://localhost")
    app = create_app({"QUESTIONNAIRE_DIR": str(SAMPLE_DIR), "CACHE_DIR": str(tmp_path)})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    page = client.get("/", base_url="https://localhost")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert_secured(page)
    with app.app_context():
        db.engine.dispose()


def database_state(app: Flask) -> str:
    """A fingerprint of every row of every table."""
    with app.app_context():
        rows = {
            table.name: [list(map(str, row)) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables
        }
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def test_no_get_changes_anything(app: Flask, sample: Questionnaire) -> None:
    """Opening every page of an assessment, before and after submitting, stores nothing."""
    owner = Respondent(app.test_client())
    owner.start()
    owner.send(0, {"sector": "handwerk", "size": "small", "region": "soest"})
    pages = ["", "/step/0", "/step/1", "/review", "/saved", "/delete", "/export.json"]
    before = database_state(app)
    for page in pages:
        owner.client.get(owner.url(page)).close()
    assert database_state(app) == before
    complete(owner, app, sample, "Muster GmbH", {"sector": "handwerk", "size": "small"})
    before = database_state(app)
    for page in [*pages, "/report", "/charts/radar.svg", "/charts/bars.svg"]:
        owner.client.get(owner.url(page)).close()
    assert database_state(app) == before


def test_behind_a_trusted_proxy(tmp_path: Path) -> None:
    """With TRUSTED_PROXIES=1 the forwarded scheme counts (HSTS) and so does the client address."""
    app = make_app(tmp_path / "proxy.db")
    behind = create_app({**app.config, "TRUSTED_PROXIES": 1})
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    client = behind.test_client()
    secure = client.get("/advisor/login", headers=headers)
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    data = {"csrf_token": csrf_token(secure), "email": "x@example.org", "password": "wrong"}
    referer = {"Referer": "https://localhost/advisor/login"}  # as a browser sends it
    failed = client.post("/advisor/login", data=data, headers={**headers, **referer})
    assert failed.status_code == 400
    assert "Sie konnten nicht angemeldet werden" in failed.get_data(as_text=True)
    with behind.app_context():
        assert db.session.scalars(select(LoginAttempt.address)).all() == ["203.0.113.7"]
    direct = app.test_client().get("/", headers=headers)
    assert "Strict-Transport-Security" not in direct.headers
    with app.app_context():
        db.engine.dispose()
    with behind.app_context():
        db.engine.dispose()


def test_nul_characters_are_refused(client: FlaskClient, sample_owner: Respondent) -> None:
    """A NUL in a query, a form value or a field name: 400 with a message, nothing stored."""
    page = sample_owner.step(0)
    token = csrf_token(page)
    for response in (
        client.get("/?q=a%00b"),
        client.post(
            sample_owner.url("/step/0"), data={"csrf_token": token, "company_name": "A\x00"}
        ),
        client.post(sample_owner.url("/step/0"), data={"csrf_token": token, "x\x00": "1"}),
    ):
        assert response.status_code == 400
        assert "NUL" in response.get_data(as_text=True)


def test_no_cache_keeps_a_firms_data(app: Flask, sample: Questionnaire) -> None:
    """Pages and files with a firm's data are never stored by a browser or proxy; only charts
    whose URL names their content are kept a day, by the browser alone."""
    owner = Respondent(app.test_client())
    owner.start()
    complete(owner, app, sample, "Muster GmbH", {"sector": "handwerk", "size": "small"})
    for suffix in ("/report", "/export.json", "/consent", "/delete", "/step/1", "/saved"):
        response = owner.client.get(owner.url(suffix))
        assert response.headers["Cache-Control"] == "no-store", suffix
    pdf_page = owner.client.get(owner.url("/report")).get_data(as_text=True)
    versioned = pdf_page.split('src="charts/bars.svg?v=', 1)[1].split('"', 1)[0]
    kept = owner.client.get(owner.url(f"/charts/bars.svg?v={versioned}"))
    assert kept.headers["Cache-Control"] == "private, max-age=86400"
    fresh = owner.client.get(owner.url("/charts/bars.svg"))
    assert set(fresh.headers["Cache-Control"].split(", ")) == {"private", "no-store"}
    with owner.client.get("/static/css/site.css") as static:  # closes the file, as a server does
        assert "no-store" not in static.headers["Cache-Control"]
    assert owner.client.get("/centre/logo").headers["Cache-Control"] == "public, max-age=86400"


EVIL = "evil.example"


def test_links_that_leave_the_page_use_the_external_url(tmp_path: Path) -> None:
    """A forged Host or X-Forwarded-Host never reaches the resume link, even behind a proxy."""
    app = make_app(tmp_path / "links.db")
    behind = create_app({**app.config, "TRUSTED_PROXIES": 1, "EXTERNAL_URL": "https://dc.example"})
    owner = Respondent(behind.test_client())
    owner.start()
    forged = {"X-Forwarded-Host": EVIL, "Host": EVIL}
    owner.send(0, {"sector": "handwerk", "size": "small"}, action="save")
    saved = owner.client.get(owner.url("/saved"), headers=forged)
    html = saved.get_data(as_text=True)
    assert f'value="https://dc.example/a/{owner.token}"' in html
    assert EVIL not in html
    with behind.app_context():
        db.engine.dispose()


def test_production_answers_only_for_its_own_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the production settings a request for another host gets the friendly 400 page;
    X-Forwarded-Host is believed only when TRUST_FORWARDED_HOST=1."""
    monkeypatch.setenv("DIGITALCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("EXTERNAL_URL", "https://check.example.org")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = create_app({"QUESTIONNAIRE_DIR": str(SAMPLE_DIR), "CACHE_DIR": str(tmp_path)})
    client = app.test_client()
    assert client.get("/", base_url="https://check.example.org").status_code == 200
    refused = client.get("/", base_url=f"https://{EVIL}")
    assert refused.status_code == 400
    assert "<footer" in refused.get_data(as_text=True), "in the site's layout"
    sneaked = client.get(
        "/", base_url="https://check.example.org", headers={"X-Forwarded-Host": EVIL}
    )
    assert sneaked.status_code == 200, "the forwarded host is ignored, not obeyed"
    monkeypatch.setenv("TRUST_FORWARDED_HOST", "1")
    trusting = create_app({"QUESTIONNAIRE_DIR": str(SAMPLE_DIR), "CACHE_DIR": str(tmp_path)})
    forwarded = trusting.test_client().get(
        "/", base_url="https://check.example.org", headers={"X-Forwarded-Host": EVIL}
    )
    assert forwarded.status_code == 400, "now believed, and then refused as a foreign host"
    for made in (app, trusting):
        with made.app_context():
            db.engine.dispose()
