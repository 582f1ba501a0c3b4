"""What the database benchmarks share: progress lines, a scratch database, the app migrated on it.

Imported by bench/stats.py and bench/sweeps.py after they put the source roots on sys.path.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from mitra import create_app
from mitra.extensions import db

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def scratch_database(pg_database: str, sqlite_name: str) -> Iterator[tuple[str, str]]:
    """(URL, label) of a database made for one run and dropped after it: `pg_database` on the
    server DATABASE_URL names when that is PostgreSQL, else `sqlite_name` in a temporary folder."""
    raw = os.environ.get("DATABASE_URL") or ""
    if not raw.startswith(("postgres://", "postgresql")):
        with tempfile.TemporaryDirectory(prefix="mitra-bench-") as folder:
            yield f"sqlite:///{folder}/{sqlite_name}", "SQLite (scratch file)"
        return
    url = make_url("postgresql+psycopg://" + raw.split("://", 1)[1])
    # Never the developer's own database, nor one the test suite makes.
    if not _NAME.match(pg_database) or pg_database.startswith("mitra_test") or pg_database == url.database:
        raise SystemExit(f"refusing to create and drop database {pg_database!r}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    drop = text(f'DROP DATABASE IF EXISTS "{pg_database}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(text(f'CREATE DATABASE "{pg_database}"'))
    try:
        scratch = url.set(database=pg_database).render_as_string(hide_password=False)
        yield scratch, f"PostgreSQL ({pg_database})"
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


@contextmanager
def migrated_session(url: str) -> Iterator[Session]:
    """The app's session on `url`, the schema migrated to the head, inside an app context."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MITRA_ENV": "test"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        yield db.session
