"""`mitra users ...`: create accounts and list them."""

from __future__ import annotations

import sys

import click

from mitra.models import Role
from mitra.services.accounts import AccountError, create_user, list_users
from mitra.services.unit_of_work import UnitOfWork


@click.group("users")
def users_group() -> None:
    """Manage the people who log in to Mitra."""


@users_group.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--name", default=None, help="Full name (defaults to the e-mail's local part).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may do.")
@click.option("--centre", "centre_code", help="Centre code (centre managers), e.g. 3507.")
@click.option("--partner", "partner_name", help="Partner name (partner users).")
@click.option("--language", type=click.Choice(["id", "en"]), default="id", show_default=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
def create_command(email, name, role, centre_code, partner_name, language, password_stdin):
    """Create a user bound to the ministry, one centre or one partner."""
    password = sys.stdin.readline().rstrip("\n")
    try:
        with UnitOfWork():
            user = create_user(
                email=email,
                name=name or email.split("@")[0],
                role=role,
                password=password,
                centre_code=centre_code,
                partner_name=partner_name,
                language=language,
            )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created user {user.id}: {user.email} ({user.role})")


@users_group.command("list")
def list_command():
    """List every user: e-mail, role, and the centre or partner they belong to."""
    for user in list_users():
        home = user.centre.code if user.centre else user.partner.name if user.partner else "-"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{home}")
