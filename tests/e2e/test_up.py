"""`make run` as a newcomer sees it: a quiet install, then `mitra up` on a fresh instance
folder, serving with gunicorn."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
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
    return _get(url)[0]


def _get(url: str) -> tuple[int, str | None]:
    """(status, Server header); (0, None) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.headers.get("Server")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Server")
    except OSError:
        return 0, None


def test_mitra_up_serves_healthz_within_60_seconds_and_prints_the_demo_logins(app, tmp_path):
    port = _free_port()
    env = child_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["BROKER_URL"],
        tmp_path / "instance",
        MITRA_PORT=str(port),
    )
    log = (tmp_path / "up.log").open("wb")
    started = time.monotonic()
    up = subprocess.Popen(
        [sys.executable, "-m", "mitra.cli", "up"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(
            lambda: _status(f"http://127.0.0.1:{port}/healthz") == 200,
            timeout=60,
            interval=0.5,
            message="/healthz to answer 200",
        )
        elapsed = time.monotonic() - started
        # The scheduler prints its banner on its own; on a loaded machine after web is up.
        wait_until(
            lambda: " next " in (tmp_path / "up.log").read_text(),
            timeout=30,
            interval=0.5,
            message="the scheduler to print its next runs",
        )
        output = (tmp_path / "up.log").read_text()
        for email in ("admin@mitra.test", "manajer.malang@mitra.test", "mitra.bank@mitra.test"):
            assert email in output
        assert "mitra-demo-2023" in output
        for name in ("web", "relay", "worker", "scheduler"):
            assert f"started {name}" in output
        assert elapsed < 60
        # A quiet start: the URL and the logins come within the first 30 lines.
        lines = output.splitlines()
        last_login = max(i for i, line in enumerate(lines) if "mitra.bank@mitra.test" in line)
        assert last_login < 30, "\n".join(lines[: last_login + 1])
        assert "development server" not in output and "Warning" not in output
        # Served by gunicorn, as production is: its header, its process.
        assert _get(f"http://127.0.0.1:{port}/login")[1] == "gunicorn"
        web_pid = re.search(r"\[up\] started web \(pid (\d+)\)", output).group(1)
        assert b"gunicorn" in open(f"/proc/{web_pid}/cmdline", "rb").read()
        # Every time the banner names is in one zone, and says which.
        times = re.findall(r"(?:next|last \w+) (\S+ \S+ ?\S*)", output)
        assert times and all(t.endswith(" WIB") for t in times), times
    finally:
        up.send_signal(signal.SIGINT)  # one Ctrl-C stops everything
        assert up.wait(30) == 0
        log.close()
    output = (tmp_path / "up.log").read_text()
    assert "[up] stopped" in output
    assert _status(f"http://127.0.0.1:{port}/healthz") == 0


def test_installing_mitra_as_make_does_prints_nothing(tmp_path):
    """The Makefile's own recipe for installing Mitra itself (not its locked dependencies,
    which need the network), into a scratch virtualenv: no setuptools warning, no line at all."""
    venv = tmp_path / "venv"
    recipe = subprocess.run(
        ["make", "-n", "-B", f"VENV={venv}", f"{venv}/.installed"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    install = recipe.replace("\\\n", " ").splitlines()
    [editable] = [line for line in install if "--no-deps" in line and " -e ." in line]
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The build needs the locked setuptools and wheel: lend it this virtualenv's.
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "lend-setuptools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHONWARNINGS"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")  # this machine's pip settings aside
    done = subprocess.run(
        ["sh", "-c", editable], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""
    imported = subprocess.run(
        [
            venv / "bin" / "python",
            "-c",
            "import mitra, events, workers, importlib.resources as r; "
            "print(r.files('mitra').joinpath('data/provinces.csv').is_file())",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert imported.stdout.strip() == "True", imported.stderr
