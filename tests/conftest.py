"""Shared fixtures: a migrated database per test session (SQLite, or PostgreSQL when
DATABASE_URL says so), emptied after every test, and the app bound to it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Before the app is imported: keep tests away from the developer's instance folder.
_SCRATCH = Path(tempfile.mkdtemp(prefix="mitra-tests-"))
os.environ.setdefault("MITRA_INSTANCE_PATH", str(_SCRATCH / "instance"))
os.environ["MITRA_ENV"] = "test"

from mitra import create_app  # noqa: E402
from mitra.extensions import db  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")


def _admin_engine(base_url: str):
    url = make_url(base_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url, create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _postgres_database(base_url: str, name: str) -> str:
    """A fresh database per test run, so concurrent runs and xdist workers never collide."""
    url, admin = _admin_engine(base_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(base_url: str, name: str) -> None:
    _url, admin = _admin_engine(base_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_name(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def database_url(worker_name, tmp_path_factory):
    if ON_POSTGRES:
        name = f"mitra_test_{worker_name}_{os.getpid()}"
        yield _postgres_database(os.environ["DATABASE_URL"], name)
        _drop_postgres_database(os.environ["DATABASE_URL"], name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'mitra.db'}"


@pytest.fixture(scope="session")
def app_config(database_url, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("instance")
    return {
        "TESTING": True,
        "MITRA_ENV": "test",
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BROKER_URL": os.environ.get("BROKER_URL") or f"sqla+sqlite:///{folder / 'broker.db'}",
    }


@pytest.fixture(scope="session")
def _migrated(app_config) -> None:
    from flask_migrate import upgrade

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(app_config, _migrated):
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def reference_data(app):
    from mitra.demo.data import load_reference_data

    load_reference_data(db.session)
    db.session.commit()
