"""MITRA_ENV=production, as an operator runs it: no demo data ever, a real secret key, and
the first ministry admin made by `mitra users create --password-stdin`."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from mitra.demo.data import DEMO_LOGINS
from mitra.extensions import db
from mitra.models import User
from tests.conftest import REPO_ROOT
from tests.support.processes import child_env


@pytest.fixture
def production(app, tmp_path):
    """Run `mitra ...` in production against the test's (migrated, empty) database."""
    env = child_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["BROKER_URL"],
        tmp_path / "instance",
        MITRA_BASE_URL="https://mitra.example.go.id",
        SECRET_KEY=secrets.token_hex(32),
    )
    env["MITRA_ENV"] = "production"

    def run(*args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mitra.cli", *args],
            cwd=REPO_ROOT,
            env={**env, **extra},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )

    return run


def _users() -> list[str]:
    db.session.rollback()  # see what the child committed
    return list(db.session.scalars(select(User.email)))


@pytest.mark.parametrize("command", ["seed-demo", "up"])
def test_demo_data_is_refused_in_production(production, command):
    result = production(command, MITRA_PORT="1")  # `up` must not get as far as serving
    assert result.returncode != 0
    assert "refused when MITRA_ENV=production" in result.stderr
    assert "mitra users create" in result.stderr
    assert _users() == []


def test_the_first_ministry_admin_is_made_with_a_password_from_stdin(production):
    result = production(
        "users",
        "create",
        "--email",
        "kepala@kemenkopukm.go.id",
        "--role",
        "ministry_admin",
        "--password-stdin",
        stdin="a long and private passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    assert _users() == ["kepala@kemenkopukm.go.id"]
    assert not set(_users()) & {email for _role, email, _password in DEMO_LOGINS}
    assert "private passphrase" not in result.stdout + result.stderr


def test_production_refuses_a_secret_key_shorter_than_32_bytes(production):
    short = production("users", "list", SECRET_KEY="x" * 31)
    assert short.returncode != 0 and "SECRET_KEY must be at least 32 bytes" in short.stderr
    assert "x" * 31 not in short.stderr
    assert production("users", "list", SECRET_KEY="x" * 32).returncode == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
