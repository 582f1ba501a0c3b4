"""The guard of tests/unit/conftest.py: a unit test that reaches for a database fails."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text

from tests.unit.conftest import DatabaseUsed


def test_opening_sqlite_directly_fails(no_database):
    with pytest.raises(DatabaseUsed, match="move it to tests/integration"):
        sqlite3.connect(":memory:")
    assert no_database == ["sqlite3.connect"]
    no_database.clear()  # seen; the teardown would fail the test otherwise


def test_connecting_an_engine_fails_even_in_memory(no_database):
    engine = create_engine("sqlite://")
    with pytest.raises(DatabaseUsed):
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    assert no_database == ["Engine.connect"]
    no_database.clear()


def test_a_connection_the_code_swallowed_is_still_recorded(no_database):
    try:
        create_engine("sqlite://").raw_connection()
    except Exception:  # noqa: BLE001 - as careless code would
        pass
    assert no_database == ["Engine.raw_connection"]
    no_database.clear()
