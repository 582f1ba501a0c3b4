"""`mitra seed-demo`: load the PLUT-KUMKM demo data set."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mitra.extensions import db
from mitra.services.demo_data import DEMO_LOGINS, seed_demo


def _progress(table: str, rows: int, new: int) -> None:
    click.echo(f"{table}: {rows} ({new} new)")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo data: 38 provinces, the 7 service areas, 70 PLUT-KUMKM centres, 73 partners,
    the 2023 "New PLUT" collaborations (49 activities held with 73 partners at 32 centres),
    some current proposals, and demo logins.

    Safe to run again: existing rows are kept and nothing is duplicated. Run `mitra db
    upgrade` first.
    """
    seed_demo(db.session, progress=_progress)
    click.echo("demo logins:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<15} {email:<28} {password}")
