"""`flask advisor create|deactivate`: advisor accounts, managed by an administrator."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .accounts import AccountError, check_new_email, create_advisor, deactivate_advisor
from .passwords import generate_password, policy_problem

advisor_cli = AppGroup("advisor", help="Create and deactivate advisor accounts.")


@advisor_cli.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="The account may administer the workspace.")
@click.option("--name", default="", help="The name colleagues see (default: the e-mail address).")
@click.option(
    "--generate-password",
    "generate",
    is_flag=True,
    help="Generate a password and print it once instead of asking for one.",
)
def create_command(email: str, admin: bool, name: str, generate: bool) -> None:
    """Create an advisor account; the password is asked for twice, or generated and printed."""
    try:
        check_new_email(email)  # before the password is typed, not after
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    if generate:
        password = generate_password()
    else:
        password = click.prompt(
            "Password (empty to generate one)",
            hide_input=True,
            default="",
            show_default=False,
            value_proc=lambda value: _checked(value, email),
        )
        if password:
            click.prompt(
                "Repeat the password",
                hide_input=True,
                value_proc=lambda value: _same(value, password),
            )
        else:
            password, generate = generate_password(), True
    try:
        advisor = create_advisor(email, password, admin=admin, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    role = "administrator" if advisor.is_admin else "advisor"
    click.echo(f"Created the {role} account {advisor.email}.")
    if generate:
        click.echo(f"Password (shown only now): {password}")


def _checked(value: str, email: str) -> str:
    if value:
        problem = policy_problem(value, email)
        if problem:
            raise click.BadParameter(problem)
    return value


def _same(value: str, password: str) -> str:
    if value != password:
        raise click.BadParameter("The passwords differ.")
    return value


@advisor_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account: it can no longer log in, and its sessions end now."""
    try:
        advisor = deactivate_advisor(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Deactivated {advisor.email}; its sessions have ended.")
