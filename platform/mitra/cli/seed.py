"""`mitra seed-demo`: load the PLUT-KUMKM demo data set."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from mitra.demo.data import DEMO_LOGINS, seed_demo
from mitra.extensions import db
from mitra.services.statistics import recompute_statistics
from mitra.services.unit_of_work import UnitOfWork


def refuse_demo_data_in_production(what: str) -> None:
    """Demo logins share one published password: a production database must never hold them."""
    if current_app.config["MITRA_ENV"] == "production":
        raise click.ClickException(
            f"{what} loads demo accounts with a published password and is refused when "
            "MITRA_ENV=production. Create the first ministry admin with\n"
            "  mitra users create --email E --role ministry_admin --password-stdin\n"
            "(README: Running in production)."
        )


def _progress(table: str, rows: int, new: int) -> None:
    click.echo(f"{table}: {rows} ({new} new)")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load demo data: 38 provinces, 514 regencies, the 7 service areas, 70 PLUT-KUMKM centres, 73 partners,
    the 2023 "New PLUT" collaborations (49 activities held with 73 partners at 32 centres),
    some current proposals, and demo logins; then compile the statistics the dashboards read.

    Safe to run again: existing rows are kept and nothing is duplicated. Run `mitra db
    upgrade` first. Refused when MITRA_ENV=production.
    """
    refuse_demo_data_in_production("mitra seed-demo")
    with UnitOfWork():
        seed_demo(db.session(), progress=_progress)
        # The dashboards read compiled statistics; demo data arrives without events.
        recompute_statistics(db.session())
    click.echo("statistics compiled")
    click.echo("demo logins:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"  {role:<15} {email:<28} {password}")
