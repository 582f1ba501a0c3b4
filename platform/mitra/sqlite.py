"""SQLite tuned for several processes: WAL, foreign keys, and write locks taken up front."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def enable_sqlite_pragmas() -> None:
    """Apply to every SQLite engine of this process (the app's and the embedded broker's)."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)


def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling defers BEGIN until the first write; a read that
    # later writes then fails with "database is locked" when another process wrote in between.
    # Taking over BEGIN (below) with IMMEDIATE makes writers queue on busy_timeout instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
