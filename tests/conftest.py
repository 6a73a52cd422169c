"""Shared fixtures: the application, its clients, and the sample questionnaire.

The suite runs on SQLite, or with DIGITALCHECK_TEST_DATABASE=postgresql on a PostgreSQL server
that the tests start themselves (tests/postgres.py), each app on a database of its own.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakSet

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, event

from assessment import PROJECT_ROOT, create_app
from assessment.extensions import db
from assessment.mail.cli import mail_cli
from assessment.questionnaire import Questionnaire, load_questionnaire

from .mailserver import MailServer
from .postgres import MISSING, PostgresServer, find_binaries

pytest_plugins = ["pytester", "tests.ci_plugin"]

SAMPLE_DIR = PROJECT_ROOT / "questionnaires"
SAMPLE = SAMPLE_DIR / "digitalcheck.yaml"
PARTNERS = SAMPLE_DIR / "partners.yaml"

BACKEND_VAR = "DIGITALCHECK_TEST_DATABASE"
BACKENDS = ("sqlite", "postgresql")
BACKEND = os.environ.get(BACKEND_VAR) or "sqlite"
if BACKEND not in BACKENDS:
    raise pytest.UsageError(f"{BACKEND_VAR} must be one of {', '.join(BACKENDS)}, not {BACKEND!r}")
#: The database every test database on PostgreSQL is copied from: the models' schema, no rows.
TEMPLATE = "digitalcheck_template"


@dataclass
class AppDatabase:
    """A test database and the apps connected to it."""

    url: str
    #: The name of the database on the PostgreSQL server; None for a SQLite file.
    postgres_name: str | None = None
    apps: list[Flask] = field(default_factory=list)


_server: PostgresServer | None = None
_server_failure: str | None = None
_databases: dict[Path, AppDatabase] = {}
_postgres_connections: defaultdict[str, WeakSet[psycopg.Connection]] = defaultdict(WeakSet)
_numbers = itertools.count(1)


def postgres_server() -> PostgresServer:
    """The session's PostgreSQL server, started on first use, with the schema template."""
    global _server, _server_failure
    if _server_failure is not None:
        pytest.fail(_server_failure, pytrace=False)
    if _server is None:
        binaries = find_binaries()
        if binaries is None:
            pytest.skip(MISSING)
        server = PostgresServer(binaries)
        try:
            server.start()
            server.create_database(TEMPLATE)
            engine = create_engine(server.url(TEMPLATE))
            db.metadata.create_all(engine)
            engine.dispose()
        except Exception as error:
            server.stop()
            _server_failure = f"the test PostgreSQL server did not start: {error}"
            raise
        _server = server
    return _server


def database_uri(database: Path, *, schema: bool = True) -> str:
    """The URL of the test database named by a path: a SQLite file, or a PostgreSQL database.

    On PostgreSQL the first call for a path creates the database, a copy of the template with
    the models' schema (an empty one without `schema`); later calls return the same database.
    """
    if database not in _databases:
        if BACKEND == "sqlite":
            _databases[database] = AppDatabase(f"sqlite:///{database}")
        else:
            server = postgres_server()
            name = f"digitalcheck_test_{next(_numbers)}"
            server.create_database(name, TEMPLATE if schema else "template0")
            _databases[database] = AppDatabase(server.url(name), postgres_name=name)
    return _databases[database].url


def database_path(app: Flask) -> Path:
    """The path that names an app's test database, to start another app on the same data."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return next(path for path, database in _databases.items() if database.url == uri)


def make_app(database: Path, questionnaire_dir: Path = SAMPLE_DIR, *, schema: bool = True) -> Flask:
    """An app on the test database named by the path, with the schema unless not `schema`."""
    app = create_app(
        {
            "TESTING": True,
            "PASSWORD_HASH_PROFILE": "cheapest",
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "SQLALCHEMY_DATABASE_URI": database_uri(database, schema=schema),
            "CACHE_DIR": str(database.parent / "cache"),
            # without a mail server messages are written here (tests of delivery name a server)
            "MAIL_DIR": str(database.parent / "mail"),
            "SERVER_NAME": "localhost",
            # tests start many checks from one address; tests of the limit set their own
            "START_LIMIT_PER_ADDRESS": 100_000,
        }
    )
    if BACKEND == "sqlite" and schema:
        with app.app_context():
            db.create_all()
    _databases[database].apps.append(app)
    return app


@event.listens_for(Engine, "connect")
def _remember_postgres_connection(connection: Any, _record: Any) -> None:
    """Note every connection to a test database, also those of apps a test made itself."""
    if isinstance(connection, psycopg.Connection):
        _postgres_connections[connection.info.dbname].add(connection)


def release(database: Path) -> None:
    """Close the connections of every app on a test database; on PostgreSQL drop it too."""
    released = _databases.pop(database, None)
    if released is None:
        return
    for app in released.apps:
        with app.app_context():
            db.engine.dispose()
    if released.postgres_name is not None and _server is not None:
        # psycopg warns about a connection collected while open, so none may be left open.
        for connection in list(_postgres_connections.pop(released.postgres_name, ())):
            connection.close()
        _server.drop_database(released.postgres_name)


def serving(
    database: Path, questionnaire_dir: Path = SAMPLE_DIR, *, schema: bool = True
) -> Iterator[Flask]:
    """An app on its own database for one test; its connections are closed afterwards."""
    yield make_app(database, questionnaire_dir, schema=schema)
    release(database)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Close what the tests left open and stop the PostgreSQL server, if one was started."""
    global _server
    for database in list(_databases):
        release(database)
    if _server is not None:
        _server.stop()
        _server = None


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The application serving the sample questionnaires, on a fresh database."""
    yield from serving(tmp_path / "test.db")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the application."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the application's command line."""
    return app.test_cli_runner()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on 127.0.0.1, stopped after the test."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailing_app(app: Flask, mail_server: MailServer) -> Flask:
    """The application, delivering its e-mail to the test's SMTP server."""
    app.config.update(mail_server.settings())
    return app


def deliver(app: Flask) -> str:
    """Run `flask mail deliver` once; its summary line (the last, after the log lines)."""
    result = app.test_cli_runner().invoke(mail_cli, ["deliver"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def sample() -> Questionnaire:
    """The sample questionnaire with its partner directory."""
    return load_questionnaire(SAMPLE)


@pytest.fixture
def sample_path() -> Path:
    """The path of the sample questionnaire."""
    return SAMPLE


def require_pdf() -> None:
    """Skip (with the reason) when WeasyPrint cannot load its system libraries (Pango, and
    HarfBuzz's font subsetter, without which it warns on every PDF)."""
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except OSError as error:  # depends on the machine; a failure in CI (tests/ci_plugin.py)
        pytest.skip(f"WeasyPrint cannot load its system libraries (Pango): {error}")
    if harfbuzz_subset is None:
        pytest.skip("HarfBuzz's font subsetter is not installed (Debian: libharfbuzz-subset0)")
