"""Fixtures for tests that run real relay and worker processes against the test database
and a broker: a fresh SQLite broker file per test, or RabbitMQ queues purged per test."""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import text

from events import topology
from events.broker import connect
from events.catalogue import CollaborationAccepted
from events.outbox import emit
from mitra.extensions import db
from tests.support.probe import CREATE
from tests.support.processes import Processes, child_env

ON_RABBITMQ = (os.environ.get("BROKER_URL") or "").startswith("amqp")


def purge_queues(url: str) -> None:
    with connect(url) as conn:
        topology.declare(conn)
        channel = conn.default_channel
        for group in topology.GROUPS:
            for queue in (topology.group_queue(group, conn), topology.dead_letter_queue(group, conn)):
                queue(channel).purge()


@pytest.fixture
def broker_url(tmp_path):
    if ON_RABBITMQ:
        url = os.environ["BROKER_URL"]
        purge_queues(url)
        yield url
        purge_queues(url)
    else:
        yield f"sqla+sqlite:///{tmp_path / 'broker.db'}"


@pytest.fixture
def probe(app):
    db.session.execute(text(CREATE[db.engine.dialect.name]))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE probe_effects"))
    db.session.commit()


@pytest.fixture
def processes(app, broker_url, tmp_path):
    env = child_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        broker_url,
        tmp_path / "instance",
        MITRA_PROBE_FIXED=str(tmp_path / "probe-fixed"),
    )
    procs = Processes(env, tmp_path)
    yield procs
    procs.stop_all()
    procs.print_logs()


def accepted_event(number: int, title: str = "Pelatihan pemasaran digital"):
    """An event every consumer group subscribes to."""
    return CollaborationAccepted(
        collaboration_id=number,
        centre_id=1,
        partner_id=1,
        partnership_id=1,
        title=title,
        service_area="pemasaran",
        status="accepted",
        previous_status="proposed",
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 1, 31),
        target_umkm=25,
        actor="user:1:mitra@bank.test",
    )


def emit_committed(count: int, start: int = 0, per_transaction: int = 50, title: str | None = None):
    ids = []
    for first in range(start, start + count, per_transaction):
        for number in range(first, min(first + per_transaction, start + count)):
            event = accepted_event(number, **({"title": title} if title else {}))
            emit(db.session, event)
            ids.append(event.id)
        db.session.commit()
    return ids


def effects() -> dict[str, tuple[int, int]]:
    """group -> (effects, distinct events)."""
    rows = db.session.execute(
        text("SELECT consumer, count(*), count(DISTINCT event_id) FROM probe_effects GROUP BY consumer")
    ).all()
    db.session.rollback()
    return {row[0]: (row[1], row[2]) for row in rows}


def all_handled(expected: int):
    def check():
        seen = effects()
        return all(seen.get(g, (0, 0))[1] >= expected for g in topology.GROUPS) and seen

    return check


def assert_once_each(expected: int) -> None:
    seen = effects()
    for group in topology.GROUPS:
        assert seen[group] == (expected, expected), f"{group}: (effects, distinct) = {seen[group]}"
