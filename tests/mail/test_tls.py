"""Delivery over an encrypted connection, as mail providers want it: STARTTLS with a login, and
TLS from the first byte; the server's certificate is checked (a self-signed one, trusted here)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from assessment.questionnaire import Questionnaire

from ..conftest import deliver
from ..mailserver import MailServer
from .test_delivery import entry, queue

LOGIN = ("check@centre.example", "ein geheimes Passwort")


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, trusted by the app's connections in this test;
    the server's TLS context with it."""
    openssl = shutil.which("openssl")
    if openssl is None:  # a failure in CI (tests/ci_plugin.py)
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    names = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [openssl, *request, *files, *names],
        check=True,
        capture_output=True,
        timeout=120,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read when the client's context is made
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def settings(server: MailServer, security: str, password: str | None = None) -> dict[str, Any]:
    """The app's configuration for delivering to the server, logging in if given a password."""
    found: dict[str, Any] = {**server.settings(), "MAIL_SECURITY": security}
    if password is not None:
        found |= {"MAIL_USER": LOGIN[0], "MAIL_PASSWORD": password}
    return found


def serving(server: MailServer) -> Iterator[MailServer]:
    """Run the server for the test."""
    server.start()
    yield server
    server.stop()


@pytest.fixture
def starttls_server(certificate: ssl.SSLContext) -> Iterator[MailServer]:
    """A server that insists on STARTTLS, then on a login."""
    yield from serving(MailServer(certificate, login=LOGIN))


@pytest.fixture
def tls_server(certificate: ssl.SSLContext) -> Iterator[MailServer]:
    """A server that speaks TLS from the first byte."""
    yield from serving(MailServer(certificate, implicit=True))


def test_starttls_with_a_login(
    app: Flask, starttls_server: MailServer, sample: Questionnaire
) -> None:
    """MAIL_SECURITY=starttls upgrades the connection and logs in before sending."""
    app.config.update(settings(starttls_server, "starttls", LOGIN[1]))
    queue(app, sample)
    assert deliver(app) == "1 sent, 0 to try again later, 0 failed"
    assert starttls_server.wait_for(1) and starttls_server.logins == [LOGIN[0]]


def test_a_wrong_password_waits_for_a_fix(
    app: Flask, starttls_server: MailServer, sample: Questionnaire
) -> None:
    """A refused login is a setting to correct, not a reason to drop the message: it waits."""
    app.config.update(settings(starttls_server, "starttls", "falsch"))
    [queued] = queue(app, sample)
    assert deliver(app) == "0 sent, 1 to try again later, 0 failed"
    assert entry(app, queued).status == "pending"


def test_tls_from_the_first_byte(app: Flask, tls_server: MailServer, sample: Questionnaire) -> None:
    """MAIL_SECURITY=tls connects with TLS at once (port 465 in practice)."""
    app.config.update(settings(tls_server, "tls"))
    queue(app, sample)
    assert deliver(app) == "1 sent, 0 to try again later, 0 failed"
    assert tls_server.wait_for(1)[0].message["Subject"] == "Ihr Link 0"


def test_a_certificate_that_is_not_trusted_is_refused(
    app: Flask, tls_server: MailServer, sample: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without trust in the server's certificate nothing is sent in the clear: it waits."""
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
    app.config.update(settings(tls_server, "tls"))
    [queued] = queue(app, sample)
    assert deliver(app) == "0 sent, 1 to try again later, 0 failed"
    assert "CERTIFICATE_VERIFY_FAILED" in (entry(app, queued).last_error or "")
