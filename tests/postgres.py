"""A throwaway PostgreSQL server for the tests: initdb into a temporary directory, pg_ctl start.

The server listens on a Unix socket in that directory only (no TCP port), trusts local
connections, and gives up durability for speed (fsync off). Text sorts byte by byte (locale C),
as in SQLite. Its session time zone is Europe/Berlin, as on a server in Germany, so code that
takes a timestamp's wall-clock time for UTC fails here. PostgreSQL refuses to run as root; under
root the server runs as the `postgres` user that Debian's package creates (or as `nobody`).
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import psycopg
from psycopg import sql

BIN_PATTERN = "/usr/lib/postgresql/*/bin"
MISSING = (
    f"PostgreSQL server binaries not found in {BIN_PATTERN}; apt-get install postgresql "
    "(or set PG_BIN to the directory with initdb and pg_ctl)"
)
SUPERUSER = "postgres"
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "timezone": "Europe/Berlin",
}


def find_binaries(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The directory of the newest initdb and pg_ctl: PG_BIN, else /usr/lib/postgresql/*/bin."""
    if environ.get("PG_BIN"):
        candidates = [Path(environ["PG_BIN"])]
    else:
        found = Path("/usr/lib/postgresql").glob("*/bin")
        candidates = sorted(found, key=_major_version, reverse=True)
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return directory
    return None


def _major_version(directory: Path) -> tuple[int, ...]:
    """(15,) for /usr/lib/postgresql/15/bin, so that 16 sorts above 9.6."""
    return tuple(int(part) for part in re.findall(r"\d+", directory.parent.name))


class PostgresServer:
    """A PostgreSQL server in a temporary directory, reachable only through its Unix socket."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self._user = _unprivileged_user() if os.geteuid() == 0 else None
        self.directory = Path(tempfile.mkdtemp(prefix="digitalcheck-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self._admin: psycopg.Connection | None = None

    def start(self) -> None:
        """Create the cluster and start the server; returns once it accepts connections."""
        if self._user is not None:
            os.chown(self.directory, self._user.pw_uid, self._user.pw_gid)
        self._run(
            "initdb",
            f"--pgdata={self.data}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = " ".join(f"-c {name}={value}" for name, value in SERVER_SETTINGS.items())
        atexit.register(self.stop)
        try:
            self._run(
                "pg_ctl",
                "start",
                "--wait",
                "--timeout=120",
                f"--pgdata={self.data}",
                f"--log={self.log}",
                f"--options={options} -k {self.directory}",
            )
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{self._log_tail()}") from error
        self._admin = psycopg.connect(self.conninfo("postgres"), autocommit=True)

    def stop(self) -> None:
        """Stop the server at once and delete its directory."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "--mode=immediate", f"--pgdata={self.data}")
        shutil.rmtree(self.directory, ignore_errors=True)

    def conninfo(self, database: str) -> str:
        """A libpq connection string for one database."""
        return f"host={self.directory} user={SUPERUSER} dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database, through psycopg 3 and the socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.directory}"

    def create_database(self, name: str, template: str = "template1") -> None:
        """A new database, a copy of the template (which nobody may be connected to)."""
        assert self._admin is not None, "the server is not running"
        # Copying the files takes 20 ms for our schema, half the time of the WAL-logged copy
        # that PostgreSQL 15 made the default (earlier versions always copy the files).
        strategy = " STRATEGY FILE_COPY" if self._admin.info.server_version >= 150000 else ""
        self._execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connection still open to it."""
        self._execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def _execute(self, statement: sql.Composed) -> None:
        """Run one statement on the maintenance database."""
        assert self._admin is not None, "the server is not running"
        self._admin.execute(statement)

    def _run(self, program: str, *arguments: str) -> None:
        """Run a server program, as the unprivileged user when we are root."""
        user = self._user
        result = subprocess.run(
            [str(self.binaries / program), *arguments],
            cwd=self.directory,
            capture_output=True,
            text=True,
            check=False,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")

    def _log_tail(self) -> str:
        """The end of the server's log, to explain why it did not start."""
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no server log)"


def _unprivileged_user() -> pwd.struct_passwd:
    """The account the server runs as when the tests run as root."""
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is neither a postgres nor a nobody account")
