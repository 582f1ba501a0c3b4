"""The `mitra` command: Flask's CLI bound to the app, plus Mitra's own groups."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register(app: Flask) -> None:
    from mitra.cli.events import events_group, relay_command
    from mitra.cli.seed import seed_demo_command
    from mitra.cli.up import up_command
    from mitra.cli.users import users_group

    app.cli.add_command(up_command)
    app.cli.add_command(relay_command)
    app.cli.add_command(events_group)
    app.cli.add_command(users_group)
    app.cli.add_command(seed_demo_command)


def _create_app():
    from mitra import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Mitra: partner collaborations of Indonesia's PLUT-KUMKM centres."""
