"""Unit tests run without a database: opening a connection, or asking for the app bound to one, fails."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import Engine


class DatabaseUsed(AssertionError):
    """A unit test reached for a database."""


@pytest.fixture(autouse=True)
def no_database(monkeypatch):
    """Every way this code base opens a connection raises; one swallowed by the code under
    test still fails the test at teardown."""
    attempts: list[str] = []

    def refuse(what: str):
        def opened(*_args, **_kwargs):
            attempts.append(what)
            raise DatabaseUsed(
                f"a unit test opened a database connection ({what}); move it to tests/integration"
            )

        return opened

    monkeypatch.setattr(sqlite3, "connect", refuse("sqlite3.connect"))
    monkeypatch.setattr(sqlite3.dbapi2, "connect", refuse("sqlite3.connect"))
    monkeypatch.setattr(Engine, "connect", refuse("Engine.connect"))
    monkeypatch.setattr(Engine, "raw_connection", refuse("Engine.raw_connection"))
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in the lock file
        pass
    else:
        monkeypatch.setattr(psycopg, "connect", refuse("psycopg.connect"))
        monkeypatch.setattr(psycopg.Connection, "connect", classmethod(refuse("psycopg.Connection.connect")))
    yield attempts
    assert not attempts, f"a unit test opened a database connection: {', '.join(attempts)}"


def _no_database_here(name: str):
    @pytest.fixture
    def refused():
        pytest.fail(f"the `{name}` fixture builds a database; unit tests use a bare Flask app instead")

    return refused


# The shared fixtures of tests/conftest.py that migrate or bind a database.
app = _no_database_here("app")
client = _no_database_here("client")
reference_data = _no_database_here("reference_data")
_migrated = _no_database_here("_migrated")
database_url = _no_database_here("database_url")
