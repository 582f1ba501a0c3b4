"""Nothing lost, nothing twice: the outbox, relay and workers as real processes, on the
embedded broker or on RabbitMQ (CI's second pass), including crashes and a poison event."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from events import topology
from events.broker import OutgoingMessage, Publisher, connect
from events.envelope import encode
from events.outbox import emit
from events.relay import Relay
from events.store import dead_letters, outbox
from mitra.extensions import db
from tests.conftest import ON_POSTGRES
from tests.e2e.conftest import (
    ON_RABBITMQ,
    accepted_event,
    all_handled,
    assert_once_each,
    effects,
    emit_committed,
)
from tests.support.processes import wait_until

pytestmark = pytest.mark.slow


def _read(statement):
    """One value, without holding a transaction (on SQLite it would lock out the processes)."""
    try:
        return db.session.scalar(statement)
    finally:
        db.session.rollback()


def _queue_messages(broker_url: str, group: str) -> list[dict]:
    """Drain a group's queue without a worker and return the CloudEvents found."""
    found = []
    with connect(broker_url) as conn:
        queue = topology.group_queue(group, conn)(conn.default_channel)
        queue.declare()
        while (message := queue.get(no_ack=True)) is not None:
            found.append(json.loads(message.body))
    return found


def test_event_of_a_rolled_back_transaction_is_never_published(app, broker_url):
    emit(db.session, accepted_event(1, title="rolled back"))
    db.session.rollback()
    kept = emit(db.session, accepted_event(2, title="committed"))
    db.session.commit()

    relay = Relay(db.engine, broker_url)
    try:
        assert relay.publish_pending() == 1
    finally:
        relay.close()

    assert db.session.scalar(select(func.count()).select_from(outbox)) == 1
    for group in topology.GROUPS:
        assert [m["id"] for m in _queue_messages(broker_url, group)] == [kept.id]


class _Gate:
    """A TCP forwarder to RabbitMQ that can be closed (connections refused) and opened."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.server = None

    def open(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        if self.server:
            self.server.close()


def test_broker_outage_loses_nothing_and_duplicates_nothing(app, probe, processes, broker_url, tmp_path):
    if ON_RABBITMQ:
        gate = _Gate(("127.0.0.1", int(broker_url.rsplit(":", 1)[1].split("/")[0])))
        down_url = broker_url.replace(broker_url.rsplit("@", 1)[1].split("/")[0], f"127.0.0.1:{gate.port}")
        come_back = gate.open
    else:
        later = tmp_path / "broker-comes-later"
        down_url = f"sqla+sqlite:///{later / 'broker.db'}"  # its folder does not exist yet
        come_back = lambda: later.mkdir()  # noqa: E731
    relay = processes.start("relay", BROKER_URL=down_url)

    slowest = 0.0
    for number in range(200):  # each like a web request: one transaction, one event
        started = time.perf_counter()
        emit(db.session, accepted_event(number))
        db.session.commit()
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.5, f"an emit waited {slowest:.2f} s for the broker"
    wait_until(lambda: "retrying" in relay.log(), timeout=20, message="the relay to miss the broker")
    assert db.session.scalar(select(func.count()).where(outbox.c.published_at.is_(None))) == 200
    db.session.rollback()

    come_back()
    processes.start("worker", "--handlers", "tests.support.probe", BROKER_URL=down_url)
    wait_until(all_handled(200), timeout=90, message="200 events handled by every group")
    time.sleep(1)
    assert_once_each(200)


def test_an_event_delivered_three_times_has_one_effect(app, probe, processes, broker_url):
    event = accepted_event(7)
    body = encode(event)
    with connect(broker_url) as conn:
        topology.declare(conn)
        publisher = Publisher(conn)
        publisher.publish(
            [OutgoingMessage(event.id, event.type.type, body, "", topology.queue_name("statistics"))] * 3
        )
        publisher.close()
    processes.start("worker", "--group", "statistics", "--handlers", "tests.support.probe")
    wait_until(lambda: effects().get("statistics"), message="the event handled")
    time.sleep(2)  # room for the two copies to arrive and be recognised
    assert effects()["statistics"] == (1, 1)


def test_worker_killed_mid_batch_then_restarted_handles_everything_once(app, probe, processes):
    emit_committed(500)
    processes.start("relay")
    worker = processes.start(
        "worker", "--handlers", "tests.support.probe", "--prefetch", "20", MITRA_PROBE_DELAY="0.004"
    )
    wait_until(lambda: sum(e for e, _ in effects().values()) >= 150, message="the first effects")
    worker.kill()
    done = sum(e for e, _ in effects().values())
    assert done < 1500, "the worker finished before it could be killed mid-way"

    processes.start("worker", "--handlers", "tests.support.probe")
    wait_until(all_handled(500), timeout=120, message="all 500 events handled by every group")
    time.sleep(1)
    assert_once_each(500)


def test_relay_killed_between_confirm_and_commit_republishes_with_one_effect(app, probe, processes):
    (event_id,) = emit_committed(1)
    relay = processes.launch("tests.support.paused_relay", "60")
    wait_until(lambda: "pausing" in relay.log(), message="the relay to hold after the confirm")
    relay.kill()
    assert db.session.scalar(select(outbox.c.published_at).where(outbox.c.event_id == event_id)) is None
    db.session.rollback()

    processes.start("relay")
    processes.start("worker", "--handlers", "tests.support.probe")
    wait_until(all_handled(1), message="the event handled")
    wait_until(
        lambda: _read(select(outbox.c.published_at).where(outbox.c.event_id == event_id)),
        message="the event marked published",
    )
    time.sleep(2)  # both copies delivered by now
    assert_once_each(1)


def test_poison_event_is_dead_lettered_after_five_attempts_and_replayed_once_fixed(
    app, probe, processes, tmp_path
):
    emit_committed(250)
    (poison_id,) = emit_committed(1, start=9000, title="poison")
    emit_committed(250, start=250)
    processes.start("relay")
    processes.start("worker", "--handlers", "tests.support.probe")
    wait_until(all_handled(500), timeout=120, message="the 500 good events")

    def dead_rows():
        rows = db.session.execute(select(dead_letters).where(dead_letters.c.event_id == poison_id)).all()
        db.session.rollback()
        return rows

    rows = wait_until(lambda: len(dead_rows()) == 3 and dead_rows(), message="3 dead letters")
    assert {row.consumer for row in rows} == set(topology.GROUPS)
    assert all(row.attempts == 5 and "cannot digest" in row.error for row in rows)
    assert_once_each(500)

    listing = processes.run("events", "dlq", "list")
    assert listing.returncode == 0
    assert sum(poison_id in line for line in listing.stdout.splitlines()) == 3

    (tmp_path / "probe-fixed").touch()  # the handler is fixed
    replay = processes.run("events", "dlq", "replay", "--all")
    assert replay.returncode == 0, replay.stderr
    assert "replayed 3" in replay.stdout
    wait_until(all_handled(501), message="the replayed poison event")
    time.sleep(1.5)
    assert_once_each(501)
    assert processes.run("events", "dlq", "list").stdout.strip() == "no dead letters"


@pytest.mark.skipif(not ON_RABBITMQ, reason="needs RabbitMQ (BROKER_URL=amqp://...)")
def test_a_pika_client_receives_valid_cloudevents(app, broker_url):
    import pika

    params = pika.URLParameters(broker_url.replace("amqp://", "amqp://", 1).rstrip("/") + "/%2F")
    with pika.BlockingConnection(params) as connection:
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(queue, topology.EXCHANGE.name, routing_key="mitra.#")
        event = emit(db.session, accepted_event(42))
        db.session.commit()
        relay = Relay(db.engine, broker_url)
        relay.publish_pending()
        relay.close()
        method, properties, body = None, None, None
        deadline = time.monotonic() + 10
        while method is None and time.monotonic() < deadline:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
    assert method is not None, "nothing arrived"
    envelope = json.loads(body)
    assert envelope["specversion"] == "1.0"
    assert envelope["id"] == event.id == properties.message_id
    assert envelope["type"] == "mitra.collaboration.accepted" == method.routing_key
    assert envelope["data"]["collaboration_id"] == 42
    assert properties.delivery_mode == 2
    assert properties.content_type == "application/cloudevents+json"


def test_events_status_reports_backlog_and_lag(app, processes):
    emit_committed(3)
    result = processes.run("events", "status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["backlog"] == 3
    assert status["oldest_unpublished_seconds"] >= 0
    assert set(status["groups"]) == set(topology.GROUPS)


def test_dead_letter_replay_of_an_unknown_id_is_a_clear_error(app, processes):
    result = processes.run("events", "dlq", "replay", "12345")
    assert result.returncode != 0
    assert "no dead letter" in result.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgresql://...)")
def test_database_outage_dead_letters_nothing_and_each_event_has_one_effect(
    app, probe, processes, broker_url
):
    """The database goes away under a running worker: events keep arriving, none is
    dead-lettered (the retries of a failing handler would exhaust in about 2 s here), and
    each has its one effect once the database is back."""
    worker = processes.start("worker", "--handlers", "tests.support.probe")
    wait_until(lambda: "worker: groups" in worker.log(), message="the worker to start")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = url.database
    db.session.remove()
    db.engine.dispose()
    events = [accepted_event(n) for n in range(60)]
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        with connect(broker_url) as conn:
            publisher = Publisher(conn)
            publisher.publish(
                [
                    OutgoingMessage(e.id, e.type.type, encode(e), topology.EXCHANGE.name, e.type.type)
                    for e in events
                ]
            )
            publisher.close()
        wait_until(
            lambda: "database unreachable" in worker.log(),
            timeout=20,
            message="the worker to report the database unreachable",
        )
        time.sleep(6)  # many times the retries' budget
        assert worker.popen.poll() is None, worker.log()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()

    wait_until(all_handled(60), message="the 60 events once the database is back")
    time.sleep(1)
    assert_once_each(60)
    assert _read(select(func.count()).select_from(dead_letters)) == 0
    for group in topology.GROUPS:
        assert _queue_messages(broker_url, group) == []
        with connect(broker_url) as conn:
            dlq = topology.dead_letter_queue(group, conn)(conn.default_channel)
            assert dlq.get(no_ack=True) is None, f"{group}: an event was dead-lettered"
