"""kombu's `sqlalchemy` transport as the embedded broker, with three repairs:

- it polls every 50 ms instead of every second (kombu passes every transport option on
  to `create_engine`, so the interval cannot be set as an option: kombu#2165);
- its SQLite file runs in WAL mode with a busy timeout, so relay and workers queue for
  the write lock instead of failing;
- delivered messages are deleted: kombu only hides them, and the table grows forever;
- its messages are indexed by queue, so polling an empty queue does not walk the table;
- processes that open a fresh broker file together no longer crash: kombu creates its
  tables and queue rows check-then-insert, and the loser of that race got "table already
  exists" or a UNIQUE violation (a worker died of it when it started beside the relay).
"""

from __future__ import annotations

import time

from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError

PURGE_EVERY_SECONDS = 60.0
OPEN_ATTEMPTS = 5


def _wal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL waits for the lock too
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(kombu_sqla.Channel):
    _last_purge = 0.0

    def _engine_from_config(self):
        engine = super()._engine_from_config()
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _wal)
        return engine

    def _open(self):
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            try:
                engine, session_factory = super()._open()
                break
            except OperationalError as exc:
                # Another process created the tables between kombu's check and its CREATE.
                if "already exists" not in str(exc) or attempt == OPEN_ATTEMPTS:
                    raise
        if not getattr(engine, "_mitra_indexed", False):
            with engine.begin() as conn:
                conn.execute(
                    text(
                        f"CREATE INDEX IF NOT EXISTS ix_{self.message_tablename}_queue_visible"
                        f" ON {self.message_tablename} (queue_id, visible, timestamp, id)"
                    )
                )
            engine._mitra_indexed = True
        return engine, session_factory

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:
            # Another process inserted this queue's row first: it exists now, read it.
            self.session.rollback()
            return super()._get_or_create(queue)

    def _get(self, queue):
        now = time.monotonic()
        if now - Channel._last_purge > PURGE_EVERY_SECONDS:
            Channel._last_purge = now
            self._purge_delivered()
        return super()._get(queue)

    def _purge_delivered(self) -> None:
        # A hidden row has been handed to a consumer; kombu never reads it again.
        self.session.query(self.message_cls).filter(self.message_cls.visible.is_(False)).delete(
            synchronize_session=False
        )
        self.session.commit()


class Transport(kombu_sqla.Transport):
    Channel = Channel
    polling_interval = 0.05
