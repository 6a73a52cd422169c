"""Flask extensions, created unbound and bound to the app in `create_app`."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

#: Constraint names that are the same on SQLite and PostgreSQL, so migrations can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every database model."""

    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
babel = Babel()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _configure_sqlite(connection: Any, _record: Any) -> None:
    """Foreign keys on (SQLite ignores them and ON DELETE CASCADE otherwise), and a write-ahead log.

    With the log, pages are read while another worker saves, and a commit appends to the log
    instead of rewriting the database behind a journal: one fsync at checkpoints rather than
    several per save. A commit survives any crash of the app; after a power cut the last
    commits before it may be missing, which is why production runs on PostgreSQL.

    A save that finds the database locked by another worker's commit waits up to 30 s for it
    (Python's default is 5 s), so a burst of saves on a busy machine queues instead of failing.
    """
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
