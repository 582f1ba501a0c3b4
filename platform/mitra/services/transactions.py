"""Ending a transaction without expiring what it loaded, where the copies are known current."""

from __future__ import annotations

from mitra.extensions import db


def commit_keeping_state() -> None:
    """Commit without expiring the session's objects, so what the request goes on to read
    from them (a principal's role, a record's ETag and body) comes from memory instead of
    one reload per row in a new transaction.

    Call it only where the copies are what was committed: rows this transaction wrote
    while holding their lock (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), or rows
    it only read, as of that read. Versions and Python-side defaults are set on the objects
    at flush; a column the database fills in itself stays expired and loads on first use."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
