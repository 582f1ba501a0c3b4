"""`make run` as a newcomer sees it: `mitra up` on a fresh instance folder."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO_ROOT
from tests.support.processes import child_env, wait_until

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_mitra_up_serves_healthz_within_60_seconds_and_prints_the_demo_logins(app, tmp_path):
    port = _free_port()
    env = child_env(app.config["SQLALCHEMY_DATABASE_URI"], app.config["BROKER_URL"],
                    tmp_path / "instance", MITRA_PORT=str(port))
    log = (tmp_path / "up.log").open("wb")
    started = time.monotonic()
    up = subprocess.Popen([sys.executable, "-m", "mitra.cli", "up"], cwd=REPO_ROOT, env=env,
                          stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _status(f"http://127.0.0.1:{port}/healthz") == 200, timeout=60,
                   interval=0.5, message="/healthz to answer 200")
        elapsed = time.monotonic() - started
        output = (tmp_path / "up.log").read_text()
        for email in ("admin@mitra.test", "manajer.malang@mitra.test", "mitra.bank@mitra.test"):
            assert email in output
        assert "mitra-demo-2023" in output
        for name in ("web", "relay", "worker", "scheduler"):
            assert f"started {name}" in output
        assert elapsed < 60
    finally:
        up.send_signal(signal.SIGINT)  # one Ctrl-C stops everything
        assert up.wait(30) == 0
        log.close()
    output = (tmp_path / "up.log").read_text()
    assert "[up] stopped" in output
    assert _status(f"http://127.0.0.1:{port}/healthz") == 0
