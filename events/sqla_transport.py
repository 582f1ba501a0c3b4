"""kombu's `sqlalchemy` transport as the embedded broker, with three repairs:

- it polls every 50 ms instead of every second (kombu passes every transport option on
  to `create_engine`, so the interval cannot be set as an option: kombu#2165);
- its SQLite file runs in WAL mode with a busy timeout, so relay and workers queue for
  the write lock instead of failing;
- delivered messages are deleted: kombu only hides them, and the table grows forever.
"""

from __future__ import annotations

import time

from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import event

PURGE_EVERY_SECONDS = 60.0


def _wal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(kombu_sqla.Channel):
    _last_purge = 0.0

    def _engine_from_config(self):
        engine = super()._engine_from_config()
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _wal)
        return engine

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
