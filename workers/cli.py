"""`mitra worker`: consume events for one or more consumer groups until SIGTERM.

Registered on the `mitra` command through the `flask.commands` entry point, so the
application package never imports `workers`.
"""

from __future__ import annotations

import importlib
import logging
import signal

import click
from flask import current_app
from flask.cli import with_appcontext

from events import topology
from events.broker import connect
from workers.runtime import GroupWorker, WorkerSettings


def load_handlers(spec: str):
    """`package.module` (its HANDLERS) or `package.module:NAME`."""
    module_name, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(module_name), attribute or "HANDLERS")


@click.command("worker")
@click.option(
    "--group",
    "groups",
    multiple=True,
    type=click.Choice(sorted(topology.GROUPS)),
    help="Consumer group to serve (repeatable; default: all).",
)
@click.option(
    "--prefetch",
    type=click.IntRange(1, 10000),
    default=None,
    help="Unacknowledged deliveries in hand at once [default: WORKER_PREFETCH or 500].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10000),
    default=None,
    help="Deliveries handled per transaction [default: half the prefetch, so the broker "
    "keeps delivering while a batch commits].",
)
@click.option(
    "--handlers",
    "handlers_spec",
    default="workers.handlers",
    show_default=True,
    help="Module whose HANDLERS table maps group -> event type -> handler.",
)
@with_appcontext
def worker_command(groups, prefetch, batch_size, handlers_spec) -> None:
    """Handle events for consumer groups: each effect commits with its (group, event id)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = current_app.config
    prefetch = prefetch or config["WORKER_PREFETCH"]
    settings = WorkerSettings(
        prefetch=prefetch,
        batch_size=min(batch_size or max(1, prefetch // 2), prefetch),
        max_attempts=config["EVENT_MAX_ATTEMPTS"],
        retry_base=config["EVENT_RETRY_BASE_SECONDS"],
        heartbeat=config["WORKER_HEARTBEAT_SECONDS"],
    )
    connection = connect(config["BROKER_URL"], heartbeat=settings.heartbeat)
    worker = GroupWorker(
        current_app._get_current_object(),  # type: ignore[attr-defined]  # current_app is a proxy, typed as the Flask app it stands for
        connection,
        list(groups or topology.GROUPS),
        load_handlers(handlers_spec),
        settings,
    )

    def stop(*_args):
        worker.should_stop = True  # finish the message in hand, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"worker: groups {', '.join(worker.groups)} (prefetch {prefetch}); Ctrl-C stops")
    worker.run()
    click.echo(f"worker: stopped after handling {worker.handled} event(s)")
