#!/usr/bin/env python
"""Event backbone throughput: Mitra end to end beside raw kombu on the same transport.

Run on demand, never in CI:

    .venv/bin/python bench/events.py                      # embedded default (scratch files)
    eval "$(scripts/services.sh env)" && .venv/bin/python bench/events.py   # PostgreSQL + RabbitMQ

In one run it measures, on the transport BROKER_URL names (or the embedded default):

1. raw kombu: N persistent messages the size of a real CloudEvent envelope published to a
   scratch durable queue (quorum on RabbitMQ, like Mitra's), then consumed with ack;
2. Mitra: N `activity.planned` events emitted through the outbox (100 per transaction),
   published by `mitra relay` and handled and recorded by `mitra worker --group statistics`
   (the only group subscribed to that type);

and prints end-to-end events/s as ratios to the raw figures of the same run, the worker's
peak memory (VmHWM), and a check that every event was recorded exactly once.

Nothing it touches is shared: a scratch instance folder (and SQLite files) in a temporary
folder; on PostgreSQL a database `mitra_bench` it creates and drops; on RabbitMQ a vhost
`mitra_bench` it creates and deletes with rabbitmqctl (or, with --rabbitmq-vhost '', the
vhost of BROKER_URL, whose Mitra queues it then PURGES: never point that at live traffic).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from uuid import uuid4

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
# `python bench/events.py` puts bench/ first on sys.path, where this very file would shadow
# the `events` package: put the source roots there instead.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != HERE]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "platform")]

from kombu import Consumer, Producer, Queue  # noqa: E402
from sqlalchemy import and_, create_engine, make_url, select, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from events import topology  # noqa: E402
from events.broker import connect  # noqa: E402
from events.catalogue import ActivityPlanned, Event  # noqa: E402
from events.envelope import CONTENT_TYPE, encode  # noqa: E402
from events.store import outbox, processed_events  # noqa: E402
from events.types import utcnow  # noqa: E402

GROUP = "statistics"  # the only consumer group subscribed to activity.planned
EVENT_TYPE = ActivityPlanned
PER_TRANSACTION = 100
POLL_SECONDS = 0.05
RAW_QUEUE = "mitra.bench.raw"
# /work/shared/DESIGN.md, "What it must beat": Celery 5 + RabbitMQ, trivial task end to end.
CELERY_TASKS_PER_S = 2150
DEFAULT_EVENTS = {"amqp": 20000, "embedded": 3000}


class BenchError(RuntimeError):
    """The run could not be measured (a stall, a process that died, lost events)."""


# -- CPU accounting: where the cores went, from /proc ----------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")
SERVER_COMMANDS = {"postgres": "postgresql", "beam.smp": "rabbitmq"}


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def server_cpu_seconds() -> dict[str, float]:
    """CPU seconds of every PostgreSQL and RabbitMQ process on the machine, by server."""
    found = dict.fromkeys(SERVER_COMMANDS.values(), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if command in SERVER_COMMANDS:
            found[SERVER_COMMANDS[command]] += process_cpu_seconds(int(entry.name))
    return found


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy (not idle, not waiting for I/O) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / _TICK


@dataclass
class CpuMeter:
    """CPU seconds spent between start() and stop() by named processes and by the machine."""

    pids: dict[str, int]
    before: dict[str, float] | None = None
    spent: dict[str, float] | None = None

    def _now(self) -> dict[str, float]:
        now = {name: process_cpu_seconds(pid) for name, pid in self.pids.items()}
        now.update(server_cpu_seconds())
        now["machine"] = machine_busy_seconds()
        return now

    def start(self) -> None:
        self.before = self._now()

    def stop(self) -> dict[str, float]:
        after = self._now()
        self.spent = {name: max(0.0, after[name] - self.before.get(name, 0.0)) for name in after}
        return self.spent


# -- output -----------------------------------------------------------------------------------
_T0 = time.monotonic()


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def sample_event(number: int) -> Event:
    return EVENT_TYPE(
        activity_id=number,
        collaboration_id=1000 + number % 500,
        centre_id=1 + number % 70,
        partner_id=1 + number % 73,
        type="pelatihan",
        service_area="pemasaran",
        date=date(2026, 11, 14),
        status="planned",
        participants=30,
        umkm_reached=25,
        actor="user:12:manajer@plut-jabar.test",
    )


# -- the setup under test -----------------------------------------------------------------------
@dataclass
class Setup:
    database_url: str
    broker_url: str
    instance: Path
    folder: Path
    database_label: str
    broker_label: str

    @property
    def amqp(self) -> bool:
        return self.broker_url.startswith(("amqp://", "amqps://", "pyamqp://"))


_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _postgres_url(raw: str):
    if raw.startswith(("postgres://", "postgresql://")):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return make_url(raw)


@contextmanager
def scratch_database(args, folder: Path) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, label): a scratch SQLite file, or a PostgreSQL database made for us."""
    raw = os.environ.get("DATABASE_URL") or ""
    if not raw.startswith(("postgres://", "postgresql")):
        if raw:
            progress(f"DATABASE_URL is not PostgreSQL ({raw.split(':', 1)[0]}): using a scratch SQLite")
        yield f"sqlite:///{folder / 'mitra.db'}", "SQLite (scratch file)"
        return
    url = _postgres_url(raw)
    name = args.pg_database
    if not _NAME.match(name) or name.startswith("mitra_test") or name in {url.database, "postgres"}:
        raise BenchError(f"refusing to create and drop database {name!r}: choose another --pg-database")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    progress(f"created database {name} on {url.host}:{url.port}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False), f"PostgreSQL ({name})"
    finally:
        drop()
        admin.dispose()
        progress(f"dropped database {name}")


def _rabbitmqctl(node: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["rabbitmqctl", "-n", node, *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@contextmanager
def scratch_broker(args, folder: Path) -> Iterator[tuple[str, str]]:
    """(kombu URL, label): a scratch SQLite broker file, an own RabbitMQ vhost, or BROKER_URL."""
    raw = os.environ.get("BROKER_URL") or ""
    if not raw:
        yield f"sqla+sqlite:///{folder / 'broker.db'}", "kombu sqlalchemy transport (scratch SQLite)"
        return
    parts = urlsplit(raw)
    if parts.scheme not in {"amqp", "amqps", "pyamqp"} or not args.rabbitmq_vhost:
        progress("using BROKER_URL as it is: Mitra's queues there will be purged")
        yield raw, f"{parts.scheme} (vhost {unquote(parts.path[1:]) or '/'}, as given)"
        return
    vhost = args.rabbitmq_vhost
    if not _NAME.match(vhost):
        raise BenchError(f"--rabbitmq-vhost {vhost!r}: use letters, digits and underscores")
    user = unquote(parts.username or "guest")

    def ctl(*command: str, check: bool = True) -> None:
        try:
            done = _rabbitmqctl(args.rabbitmq_node, *command)
        except FileNotFoundError as exc:
            raise BenchError(
                "rabbitmqctl not found: run with --rabbitmq-vhost '' to use BROKER_URL's "
                "vhost (its Mitra queues are purged)"
            ) from exc
        if check and done.returncode != 0:
            raise BenchError(f"rabbitmqctl {' '.join(command)} failed: {done.stderr.strip() or done.stdout}")

    ctl("delete_vhost", vhost, check=False)  # left over by a run that was killed
    ctl("add_vhost", vhost)
    progress(f"created RabbitMQ vhost {vhost} on node {args.rabbitmq_node}")
    try:
        ctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield urlunsplit(parts._replace(path="/" + quote(vhost, safe=""))), f"RabbitMQ (vhost {vhost})"
    finally:
        ctl("delete_vhost", vhost, check=False)
        progress(f"deleted RabbitMQ vhost {vhost}")


# -- 1. raw kombu ---------------------------------------------------------------------------------
def _queue_depth(channel, queue: Queue, amqp: bool) -> int:
    if amqp:
        return channel.queue_declare(queue=queue.name, passive=True).message_count
    return channel._size(queue.name)


def raw_kombu(broker_url: str, body: str, count: int, prefetch: int, stall_timeout: float) -> dict:
    """Publish `count` persistent messages to a scratch queue, then consume them with ack."""
    with connect(broker_url) as conn:
        conn.ensure_connection(max_retries=3)
        amqp = topology.is_amqp(conn)
        queue = Queue(
            RAW_QUEUE,
            routing_key=RAW_QUEUE,
            durable=True,
            auto_delete=False,
            queue_arguments={"x-queue-type": "quorum"} if amqp else None,
        )
        channel = conn.channel()
        bound = queue(channel)
        bound.declare()
        try:
            bound.purge()
            ids = [str(uuid4()) for _ in range(count)]
            producer = Producer(channel)
            progress(f"raw kombu: publishing {count} messages of {len(body)} bytes to {RAW_QUEUE}")
            started = time.perf_counter()
            for message_id in ids:
                producer.publish(
                    body,
                    exchange="",
                    routing_key=RAW_QUEUE,
                    delivery_mode=2,
                    content_type=CONTENT_TYPE,
                    content_encoding="utf-8",
                    message_id=message_id,
                    retry=False,
                )
            publish_seconds = time.perf_counter() - started
            # Without confirms the client is done before the broker: let the queue fill up
            # before consuming, so that consuming is measured alone.
            deadline = time.monotonic() + stall_timeout
            while (depth := _queue_depth(channel, queue, amqp)) < count:
                if time.monotonic() > deadline:
                    raise BenchError(f"raw kombu: queue holds {depth} of {count} published messages")
                time.sleep(POLL_SECONDS)
            stored_seconds = time.perf_counter() - started

            received = 0

            def on_message(message) -> None:
                nonlocal received
                message.ack()
                received += 1

            consume_channel = conn.channel()
            progress(f"raw kombu: consuming with ack, prefetch {prefetch}")
            consumer = Consumer(
                consume_channel, queues=[queue], on_message=on_message, prefetch_count=prefetch, no_ack=False
            )
            meter = CpuMeter({"bench": os.getpid()})
            with consumer:
                meter.start()
                started = time.perf_counter()
                last_progress = started
                while received < count:
                    before = received
                    try:
                        conn.drain_events(timeout=1.0)
                    except TimeoutError:
                        pass
                    now = time.perf_counter()
                    if received != before:
                        last_progress = now
                    elif now - last_progress > stall_timeout:
                        raise BenchError(
                            f"raw kombu: consumed {received} of {count}, then nothing "
                            f"for {stall_timeout:.0f} s"
                        )
                consume_seconds = time.perf_counter() - started
                consume_cpu = meter.stop()
            consume_channel.close()
        finally:
            try:
                bound.purge()
                bound.delete()
            except Exception as exc:  # noqa: BLE001 - cleanup must not hide the real error
                progress(f"raw kombu: could not delete {RAW_QUEUE}: {exc}")
            channel.close()
    return {
        "messages": count,
        "body_bytes": len(body),
        "publish_seconds": publish_seconds,
        "publish_per_s": count / publish_seconds,
        "stored_per_s": count / stored_seconds,
        "consume_seconds": consume_seconds,
        "consume_per_s": count / consume_seconds,
        "consume_cpu_seconds": consume_cpu,
        "prefetch": prefetch,
        "queue_arguments": queue.queue_arguments,
    }


# -- 2. Mitra end to end ------------------------------------------------------------------------
class Child:
    """One `python -m mitra.cli ...` process with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path):
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "mitra.cli", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.returncode: int | None = None

    def memory(self) -> dict[str, float]:
        """VmHWM (peak resident) and VmRSS in MiB, from /proc."""
        found = {}
        try:
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in {"VmHWM", "VmRSS"}:
                    found[key] = int(value.split()[0]) / 1024  # kB -> MiB
        except OSError:
            pass
        return found

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 30) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                progress(f"{self.name} did not stop within {timeout:.0f} s of SIGTERM: killing it")
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        self.returncode = self.popen.returncode
        return self.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 15) -> str:
        return "\n".join(f"    {line}" for line in self.log().splitlines()[-lines:])

    def problems(self) -> list[str]:
        return [
            line
            for line in self.log().splitlines()
            if " WARNING " in line or " ERROR " in line or "Traceback" in line
        ]


def purge_mitra_queues(broker_url: str) -> None:
    with connect(broker_url) as conn:
        topology.declare(conn)
        channel = conn.default_channel
        for group in topology.GROUPS:
            for queue in (topology.group_queue(group, conn), topology.dead_letter_queue(group, conn)):
                queue(channel).purge()


COUNTS = text(
    "SELECT (SELECT count(*) FROM processed_events WHERE consumer = :group),"
    " (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL)"
)


def mitra_end_to_end(
    setup: Setup,
    count: int,
    prefetch: int,
    stall_timeout: float,
    batch_size: int | None = None,
    relay_batch: int | None = None,
) -> dict:
    from flask_migrate import upgrade

    from events.outbox import emit, emit_all
    from mitra import create_app
    from mitra.extensions import db

    # Read before create_app too: the secret key and anything else go to the scratch folder.
    os.environ["MITRA_INSTANCE_PATH"] = str(setup.instance)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": setup.database_url,
            "BROKER_URL": setup.broker_url,
            "INSTANCE_PATH": str(setup.instance),
            "MITRA_ENV": "development",
        }
    )
    progress("mitra: migrating the scratch database")
    with app.app_context():
        upgrade()
    if setup.amqp:
        progress("mitra: purging Mitra's group queues")
        purge_mitra_queues(setup.broker_url)
    events = [sample_event(number) for number in range(count + 1)]  # built before timing
    warmup, events = events[0], events[1:]

    # Polled on an engine of its own: the app's takes SQLite's write lock on every BEGIN.
    poller = create_engine(setup.database_url)

    def counts() -> tuple[int, int]:
        with poller.connect() as conn:
            recorded, published = conn.execute(COUNTS, {"group": GROUP}).one()
        return recorded, published

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FLASK_"))}
    env.update(
        DATABASE_URL=setup.database_url,
        BROKER_URL=setup.broker_url,
        MITRA_INSTANCE_PATH=str(setup.instance),
        MITRA_ENV="development",
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "platform")]),
        PYTHONUNBUFFERED="1",
    )
    children: list[Child] = []
    result: dict = {
        "events": count,
        "per_transaction": PER_TRANSACTION,
        "group": GROUP,
        "event_type": EVENT_TYPE.type,
        "prefetch": prefetch,
    }
    try:
        progress("mitra: starting `mitra relay` and `mitra worker --group statistics`")
        relay = Child(
            "relay",
            ["relay", *(["--batch-size", str(relay_batch)] if relay_batch else [])],
            env,
            setup.folder,
        )
        children.append(relay)
        worker = Child(
            "worker",
            [
                "worker",
                "--group",
                GROUP,
                "--prefetch",
                str(prefetch),
                *(["--batch-size", str(batch_size)] if batch_size else []),
            ],
            env,
            setup.folder,
        )
        children.append(worker)

        def check_alive() -> None:
            for child in children:
                if not child.alive():
                    raise BenchError(f"{child.name} exited with {child.popen.returncode}:\n{child.tail()}")

        def wait_for(what: str, predicate: Callable[[int, int], bool], timeout: float) -> float:
            """Poll the counts every 50 ms until `predicate`; fail after `timeout` s of no change."""
            last = counts()
            changed = time.perf_counter()
            while True:
                current = counts()
                now = time.perf_counter()
                if predicate(*current):
                    return now
                if current != last:
                    last, changed = current, now
                elif now - changed > timeout:
                    raise BenchError(
                        f"stalled waiting for {what}: recorded/published = {current} for {timeout:.0f} s"
                    )
                check_alive()
                time.sleep(POLL_SECONDS)

        progress("mitra: warm-up: one event, waiting until the worker records it")
        with app.app_context():
            emit(db.session, warmup)
            db.session.commit()
        wait_for("the warm-up event", lambda recorded, _published: recorded >= 1, max(stall_timeout, 120))
        base_recorded, base_published = counts()
        result["memory_after_warmup_mib"] = {c.name: c.memory() for c in children}

        progress(f"mitra: emitting {count} {EVENT_TYPE.type} events, {PER_TRANSACTION} per transaction")
        meter = CpuMeter({"bench": os.getpid(), **{c.name: c.popen.pid for c in children}})
        meter.start()
        with app.app_context():
            started_at = utcnow()
            started = time.perf_counter()
            for first in range(0, count, PER_TRANSACTION):
                emit_all(db.session, events[first : first + PER_TRANSACTION])
                db.session.commit()
            emitted = time.perf_counter()
            db.session.remove()
        progress(f"mitra: emitted in {emitted - started:.2f} s; waiting until all are recorded")
        published_at = [0.0]

        def done(recorded: int, published: int) -> bool:
            if not published_at[0] and published - base_published >= count:
                published_at[0] = time.perf_counter()
            return recorded - base_recorded >= count

        finished = wait_for(f"{count} events recorded by {GROUP}", done, stall_timeout)
        result["cpu_seconds"] = meter.stop()
        if not published_at[0]:
            published_at[0] = finished
        result.update(
            emit_seconds=emitted - started,
            emit_per_s=count / (emitted - started),
            relayed_seconds=published_at[0] - started,
            relayed_per_s=count / (published_at[0] - started),
            e2e_seconds=finished - started,
            e2e_per_s=count / (finished - started),
        )
        result["memory_mib"] = {c.name: c.memory() for c in children}  # just before SIGTERM
    except BaseException:
        for child in children:
            progress(f"{child.name} log (last lines):\n{child.tail()}")
        stop(children)
        try:
            progress(f"mitra: state when it failed: {verify(poller, count + 1)}")
        except Exception as exc:  # noqa: BLE001 - a diagnosis must not hide the failure
            progress(f"mitra: could not read the state: {exc}")
        raise
    stop(children)
    result["exit_codes"] = {c.name: c.returncode for c in children}
    result["log_problems"] = {c.name: c.problems() for c in children}
    result["check"] = verify(poller, count + 1)
    result["timeline"] = timeline(poller, started_at, warmup.id)
    poller.dispose()
    with app.app_context():
        db.engine.dispose()
    return result


def stop(children: list[Child]) -> None:
    for child in children:
        if child.returncode is None:
            code = child.stop()
            progress(f"mitra: {child.name} stopped (exit {code})")


def timeline(engine, started_at: datetime, warmup_id: str) -> list[dict]:
    """Per second since the first emit: the measured events published and recorded.

    From the relay's `published_at` and the worker's `handled_at` (taken just before its
    commit); every process reads the same clock."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.published_at, processed_events.c.handled_at)
            .select_from(
                outbox.outerjoin(
                    processed_events,
                    and_(
                        processed_events.c.event_id == outbox.c.event_id, processed_events.c.consumer == GROUP
                    ),
                )
            )
            .where(outbox.c.event_id != warmup_id)
        ).all()
    seconds: dict[int, dict] = {}
    for row in rows:
        for name, moment in zip(("published", "recorded"), row, strict=True):
            if moment is not None:
                second = max(0, int((moment - started_at).total_seconds()))
                bucket = seconds.setdefault(second, {"second": second, "published": 0, "recorded": 0})
                bucket[name] += 1
    return [seconds[key] for key in sorted(seconds)]


def verify(engine, expected: int) -> dict:
    """Every emitted event published, recorded once by the group, nothing dead-lettered."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM outbox),"
                " (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL),"
                " (SELECT count(*) FROM processed_events WHERE consumer = :group),"
                " (SELECT count(*) FROM processed_events p JOIN outbox o ON o.event_id = p.event_id"
                "  WHERE p.consumer = :group),"
                " (SELECT count(*) FROM dead_letters),"
                " (SELECT coalesce(sum(redrive_count), 0) FROM outbox)"
            ),
            {"group": GROUP},
        ).one()
    check = dict(
        zip(
            ("emitted", "published", "recorded", "recorded_emitted", "dead_letters", "redrives"),
            (int(v) for v in row),
            strict=True,
        )
    )
    check["expected"] = expected
    check["ok"] = (
        check["emitted"] == check["published"] == check["recorded"] == check["recorded_emitted"] == expected
        and check["dead_letters"] == 0
    )
    return check


# -- the run ---------------------------------------------------------------------------------------
def run(args) -> dict:
    with ExitStack() as stack:
        if args.keep:
            folder = Path(tempfile.mkdtemp(prefix="mitra-bench-"))
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mitra-bench-")))
        instance = folder / "instance"
        instance.mkdir()
        database_url, database_label = stack.enter_context(scratch_database(args, folder))
        broker_url, broker_label = stack.enter_context(scratch_broker(args, folder))
        setup = Setup(database_url, broker_url, instance, folder, database_label, broker_label)
        count = args.events or DEFAULT_EVENTS["amqp" if setup.amqp else "embedded"]
        body = encode(sample_event(1))
        progress(f"setup: {database_label} + {broker_label}; {count} events; folder {folder}")

        raw = raw_kombu(broker_url, body, count, args.prefetch, args.stall_timeout)
        progress(
            f"raw kombu: publish {raw['publish_per_s']:,.0f} msg/s, consume {raw['consume_per_s']:,.0f} msg/s"
        )
        mitra = mitra_end_to_end(
            setup, count, args.prefetch, args.stall_timeout, args.batch_size, args.relay_batch_size
        )
        summary = {
            "database": database_label,
            "broker": broker_label,
            "events": count,
            "prefetch": args.prefetch,
            "raw_kombu": raw,
            "mitra": mitra,
            "ratios": {
                "e2e_vs_raw_consume": mitra["e2e_per_s"] / raw["consume_per_s"],
                "e2e_vs_raw_publish": mitra["e2e_per_s"] / raw["publish_per_s"],
                "emit_vs_raw_publish": mitra["emit_per_s"] / raw["publish_per_s"],
                "e2e_vs_celery_2150": mitra["e2e_per_s"] / CELERY_TASKS_PER_S,
            },
            "peak_worker_memory_mib": mitra["memory_mib"]["worker"].get("VmHWM"),
            "cpu": cpu_summary(raw, mitra, count),
            "python": sys.version.split()[0],
            "scratch_folder": str(folder) if args.keep else None,
        }
        return summary


def cpu_summary(raw: dict, mitra: dict, count: int) -> dict:
    """CPU microseconds per event by process, and the rate the cores would allow at that cost."""
    per_event = {
        "raw_consume": {k: v / count * 1e6 for k, v in raw["consume_cpu_seconds"].items()},
        "mitra": {k: v / count * 1e6 for k, v in mitra["cpu_seconds"].items()},
    }
    cores = os.cpu_count() or 1
    pipeline = sum(v for k, v in per_event["mitra"].items() if k != "machine")
    return {
        "us_per_event": per_event,
        "cores": cores,
        "mitra_pipeline_us_per_event": pipeline,
        # Every core busy with nothing but the pipeline, at the cost measured here:
        "ceiling_per_s": cores / (pipeline * 1e-6) if pipeline else None,
        "half_raw_consume_per_s": raw["consume_per_s"] / 2,
    }


def _cpu_lines(cpu: dict) -> list[str]:
    raw, mitra = cpu["us_per_event"]["raw_consume"], cpu["us_per_event"]["mitra"]
    labels = [
        ("bench", "this process (raw: the consumer; Mitra: emitter + polling)"),
        ("relay", "mitra relay"),
        ("worker", "mitra worker"),
        ("postgresql", "PostgreSQL processes"),
        ("rabbitmq", "RabbitMQ (beam.smp)"),
        ("machine", "machine, every core (includes anything else)"),
    ]
    lines = ["", "  CPU per event (us), user + system from /proc       raw consume   Mitra end to end"]
    for key, label in labels:
        if key in mitra or key in raw:
            left = f"{raw[key]:>10.0f}" if key in raw else f"{'-':>10}"
            lines.append(f"    {label:<50}{left}  {mitra.get(key, 0):>14.0f}")
    ceiling = cpu["ceiling_per_s"]
    if ceiling:
        lines.append(
            f"  Mitra's processes spend {cpu['mitra_pipeline_us_per_event']:.0f} us per event:"
            f" {cpu['cores']} cores busy with nothing else would allow {ceiling:,.0f} events/s"
            f" (0.5 of raw consume is {cpu['half_raw_consume_per_s']:,.0f})"
        )
    return lines


def report(s: dict) -> str:
    raw, m, r, check = s["raw_kombu"], s["mitra"], s["ratios"], s["mitra"]["check"]
    problems = {name: len(lines) for name, lines in m["log_problems"].items()}
    memory, warm = m["memory_mib"], m["memory_after_warmup_mib"]
    lines = [
        f"Mitra event backbone: {s['database']} + {s['broker']}",
        f"{s['events']} events, body {raw['body_bytes']} bytes, prefetch {s['prefetch']}, "
        f"emitted {PER_TRANSACTION} per transaction, Python {s['python']}",
        "",
        f"  raw kombu publish (persistent, no confirms)  {raw['publish_per_s']:>10,.0f} msg/s",
        f"  {'raw kombu consume (ack, prefetch ' + str(raw['prefetch']) + ')':<44} "
        f"{raw['consume_per_s']:>10,.0f} msg/s",
        f"  Mitra emit (outbox insert + commit)          {m['emit_per_s']:>10,.0f} events/s",
        f"  Mitra relayed (emit -> all published)        {m['relayed_per_s']:>10,.0f} events/s",
        f"  {'Mitra end to end (emit -> recorded)':<44} {m['e2e_per_s']:>10,.0f} events/s"
        f"  ({m['e2e_seconds']:.2f} s)",
        "",
        f"  end to end / raw consume                     {r['e2e_vs_raw_consume']:>10.3f}",
        f"  end to end / raw publish                     {r['e2e_vs_raw_publish']:>10.3f}",
        f"  emit / raw publish                           {r['emit_vs_raw_publish']:>10.3f}",
        f"  end to end / Celery 2,150 tasks/s (DESIGN)   {r['e2e_vs_celery_2150']:>10.3f}",
        "",
        f"  peak worker memory (VmHWM)                   {memory['worker'].get('VmHWM', 0):>10.1f} MiB",
        f"    (worker VmHWM after the warm-up {warm['worker'].get('VmHWM', 0):.1f} MiB, VmRSS at the end "
        f"{memory['worker'].get('VmRSS', 0):.1f} MiB; relay VmHWM {memory['relay'].get('VmHWM', 0):.1f} MiB)",
        f"  check: {check['emitted']} emitted, {check['published']} published, {check['recorded']} "
        f"recorded by {GROUP} ({check['recorded_emitted']} of them emitted here), "
        f"{check['dead_letters']} dead letters, {check['redrives']} re-drives (counts include the warm-up): "
        f"{'OK' if check['ok'] else 'MISMATCH'}",
        f"  exit codes {m['exit_codes']}; warnings/errors in logs {problems}",
    ]
    lines += _cpu_lines(s["cpu"])
    lines.append(f"  per second since the first emit (emission took {m['emit_seconds']:.1f} s):")
    for name in ("published", "recorded"):
        lines.append(f"    {name:<10} {_per_second(m['timeline'], name)}")
    return "\n".join(lines)


def _per_second(timeline: list[dict], name: str, limit: int = 40) -> str:
    if not timeline:
        return "-"
    by_second = {row["second"]: row[name] for row in timeline}
    values = [str(by_second.get(second, 0)) for second in range(max(by_second) + 1)]
    return " ".join(values[:limit]) + (" ..." if len(values) > limit else "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/events.py",
        description=(
            "Measure Mitra's event backbone end to end (emit -> relay -> worker records it)\n"
            "beside raw kombu publish and consume on the same transport, in one run, and print\n"
            "the ratios and the worker's peak memory. Uses the embedded default (scratch SQLite\n"
            "database and broker files) unless DATABASE_URL (PostgreSQL) and/or BROKER_URL\n"
            "are set. On RabbitMQ it works in a vhost of its own, on PostgreSQL in a database\n"
            "of its own, both created and removed by the run. See bench/README.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  env -u DATABASE_URL -u BROKER_URL .venv/bin/python bench/events.py\n"
            '  (eval "$(scripts/services.sh env)"; .venv/bin/python bench/events.py --json)\n'
            "\nprogress goes to stderr, the summary to stdout; exit 1 when a check fails."
        ),
    )
    parser.add_argument(
        "--events",
        type=int,
        default=None,
        metavar="N",
        help="events (and raw messages) per measurement [default: 20000 on RabbitMQ, 3000 otherwise]",
    )
    parser.add_argument(
        "--prefetch",
        type=int,
        default=500,
        help="worker --prefetch, and the raw consumer's prefetch [default: 500, the worker's own]",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="worker --batch-size [default: the worker's own, half the prefetch]",
    )
    parser.add_argument(
        "--relay-batch-size",
        type=int,
        default=None,
        metavar="N",
        help="mitra relay --batch-size [default: the relay's own]",
    )
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead")
    parser.add_argument(
        "--stall-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up when nothing progresses for this long [default: 60]",
    )
    parser.add_argument(
        "--pg-database",
        default="mitra_bench",
        metavar="NAME",
        help="scratch database created and dropped on DATABASE_URL's server [default: mitra_bench]",
    )
    parser.add_argument(
        "--rabbitmq-vhost",
        default="mitra_bench",
        metavar="NAME",
        help="scratch vhost created and deleted with rabbitmqctl; '' uses BROKER_URL's "
        "own vhost and purges Mitra's queues there [default: mitra_bench]",
    )
    parser.add_argument(
        "--rabbitmq-node",
        default="rabbit@localhost",
        metavar="NODE",
        help="rabbitmqctl -n NODE [default: rabbit@localhost, as scripts/services.sh]",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the scratch folder (logs, SQLite files) and print where it is",
    )
    args = parser.parse_args(argv)
    if args.events is not None and args.events < 1:
        parser.error("--events must be at least 1")
    if not 1 <= args.prefetch <= 10000:
        parser.error("--prefetch must be between 1 and 10000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        summary = run(args)
    except BenchError as exc:
        progress(f"FAILED: {exc}")
        return 1
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(report(summary))
    return 0 if summary["mitra"]["check"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
