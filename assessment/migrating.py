"""`flask db`: Flask-Migrate's commands, with Alembic imported only when they are used.

Web workers never migrate; importing Alembic would cost each of them about 13 MiB and a
seventh of a second at start-up.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, g
from flask.cli import with_appcontext

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def enable_migrations(app: Flask) -> click.Group:
    """Bind Flask-Migrate to the app (once); its `db` command group."""
    from flask_migrate import Migrate
    from flask_migrate.cli import db as commands

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(MIGRATIONS))
    return commands


@with_appcontext
def _remember_options(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Keep the group's options where Flask-Migrate's commands look for them."""
    g.directory = directory
    g.x_arg = x_arg


class _Migrations(click.Group):
    """The `db` group, with Flask-Migrate's options; its commands come when one is asked for."""

    def __init__(self, app: Flask) -> None:
        super().__init__(
            "db",
            help="Perform database migrations.",
            callback=_remember_options,
            params=[
                click.Option(
                    ["-d", "--directory"],
                    default=None,
                    help='Migration script directory (default is "migrations")',
                ),
                click.Option(
                    ["-x", "--x-arg"],
                    multiple=True,
                    help="Additional arguments consumed by custom env.py scripts",
                ),
            ],
        )
        self.app = app

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The names of Flask-Migrate's commands."""
        return enable_migrations(self.app).list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """One of Flask-Migrate's commands."""
        return enable_migrations(self.app).get_command(ctx, cmd_name)


def init_app(app: Flask) -> None:
    """Offer `flask db ...` without importing Alembic until it runs."""
    app.cli.add_command(_Migrations(app))
