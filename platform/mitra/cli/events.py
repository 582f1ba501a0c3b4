"""`mitra relay` and `mitra events ...`: run the outbox relay, and look after the events."""

from __future__ import annotations

import fcntl
import json
import logging
import signal
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from mitra.extensions import db
from mitra.services import event_ops
from mitra.services.unit_of_work import UnitOfWork


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")


@click.command("relay")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 5000),
    default=500,
    show_default=True,
    help="Outbox rows published per round trip.",
)
@with_appcontext
def relay_command(batch_size: int) -> None:
    """Publish committed events from the outbox to the broker, in order; re-drive lost ones.

    Runs until SIGTERM or Ctrl-C. On SQLite only one relay may publish: a second one waits
    as a hot standby until the first stops.
    """
    serve_relay(current_app._get_current_object(), batch_size)  # type: ignore[attr-defined]  # current_app is a proxy, typed as the Flask app it stands for


def serve_relay(app: Flask, batch_size: int = 500, pause_after_confirm: float = 0.0) -> None:
    """The relay process's life, until SIGTERM or SIGINT. `pause_after_confirm` holds each
    batch between the broker's confirm and the commit that marks it published: only the
    crash tests pass it (tests/support/paused_relay.py), to kill the relay in that gap."""
    from events.relay import Relay, RelaySettings

    _configure_logging()
    config = app.config
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    lock = None
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        lock = _single_relay_lock(Path(config["INSTANCE_PATH"]) / "relay.lock", lambda: stop["now"])
        if lock is None:
            return
    relay = Relay(
        engine,
        config["BROKER_URL"],
        RelaySettings(
            batch_size=batch_size,
            redrive_after=timedelta(seconds=config["EVENT_REDRIVE_AFTER_SECONDS"]),
            redrive_every=config["EVENT_REDRIVE_EVERY_SECONDS"],
            max_backoff=config["EVENT_RELAY_MAX_BACKOFF_SECONDS"],
            pause_after_confirm=pause_after_confirm,
        ),
    )
    click.echo(f"relay: publishing to {_safe(config['BROKER_URL'])} (Ctrl-C stops)")
    relay.run(lambda: stop["now"])
    click.echo("relay: stopped")


def _single_relay_lock(path: Path, should_stop):
    handle = path.open("a")
    announced = False
    while not should_stop():
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if not announced:
                click.echo("relay: another relay is publishing; waiting as a standby")
                announced = True
            time.sleep(0.5)
    return None


def _safe(url: str) -> str:
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)


@click.group("events")
def events_group() -> None:
    """Look after the event backbone: backlog, lag, dead letters."""


@events_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_appcontext
def status_command(as_json: bool) -> None:
    """Outbox backlog, oldest unpublished age, per-group lag and dead-letter counts."""
    status = event_ops.status(db.session())
    if as_json:
        click.echo(json.dumps(status, indent=2, default=str))
        return
    click.echo(f"outbox backlog:        {status['backlog']} unpublished")
    age = status["oldest_unpublished_seconds"]
    click.echo(f"oldest unpublished:    {'-' if age is None else f'{age:.1f} s ago'}")
    click.echo(f"published, unsettled:  {status['unsettled']}")
    click.echo("group          lag  dead letters")
    for group, row in status["groups"].items():
        click.echo(f"{group:<13} {row['lag']:>4}  {row['dead_letters']:>12}")


@events_group.command("tail")
@click.option("--group", "groups", multiple=True, help="Only these consumer groups.")
@click.option(
    "--since", type=int, default=10, show_default=True, help="Show this many recent handled events first."
)
@click.option(
    "--follow/--no-follow",
    default=True,
    show_default=True,
    help="Keep printing as events are handled (Ctrl-C stops).",
)
@with_appcontext
def tail_command(groups, since: int, follow: bool) -> None:
    """Print events as consumer groups handle them: time, group, type, subject, id."""
    try:
        for row in event_ops.tail(db.session(), groups=groups or None, since=since, follow=follow):
            click.echo(
                f"{row['handled_at']:%Y-%m-%d %H:%M:%S} {row['consumer']:<13} "
                f"{row['type']:<36} {row['subject']:<24} {row['event_id']}"
            )
    except KeyboardInterrupt:
        pass


@events_group.group("dlq")
def dlq_group() -> None:
    """Dead letters: events a consumer group gave up on."""


@dlq_group.command("list")
@click.option("--group", help="Only this consumer group.")
@click.option("--all", "include_replayed", is_flag=True, help="Include replayed ones.")
@with_appcontext
def dlq_list_command(group: str | None, include_replayed: bool) -> None:
    """List dead letters: id, group, type, event id, attempts, error."""
    rows = event_ops.dead_letters_list(db.session(), group=group, include_replayed=include_replayed)
    if not rows:
        click.echo("no dead letters")
    for row in rows:
        error = (row.error or "").strip().splitlines()
        state = f" replayed {row.replayed_at:%Y-%m-%d %H:%M}" if row.replayed_at else ""
        click.echo(
            f"{row.id}\t{row.consumer}\t{row.type}\t{row.event_id}\t"
            f"attempts={row.attempts}\t{error[-1] if error else ''}{state}"
        )


@dlq_group.command("replay")
@click.argument("dead_letter_id", required=False, type=int)
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead letter not yet replayed.")
@click.option("--group", help="With --all: only this consumer group.")
@with_appcontext
def dlq_replay_command(dead_letter_id: int | None, replay_all: bool, group: str | None) -> None:
    """Send dead letters back to their group's queue, attempts reset (ID or --all)."""
    if (dead_letter_id is None) == (not replay_all):
        raise click.UsageError("give one dead-letter ID or --all")
    try:
        with UnitOfWork():  # the ones the broker took stay marked, even when it refused others
            count, refused = event_ops.replay(
                db.session(),
                current_app.config["BROKER_URL"],
                ids=None if dead_letter_id is None else [dead_letter_id],
                group=group,
            )
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    if refused:
        raise click.ClickException(f"replayed {count} dead letter(s); {refused}")
    click.echo(f"replayed {count} dead letter(s)")
