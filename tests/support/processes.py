"""Real `mitra` processes for the end-to-end tests, and waiting for what they do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO_ROOT


def wait_until(
    predicate: Callable[[], object], timeout: float = 60, interval: float = 0.1, message: str = "condition"
):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


class MitraProcess:
    """One `python -m mitra.cli ...` child (or of a launcher module) with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, module: str = "mitra.cli"):
        self.module = module
        self.args = args
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, no commit."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, timeout: float = 20) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        return self.popen.returncode


class Processes:
    """Starts children against the test's database and broker; stops them all at teardown."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.env = env
        self.folder = folder
        self.children: list[MitraProcess] = []

    def start(self, *args: str, **extra_env: str) -> MitraProcess:
        """A `mitra ARGS` child."""
        return self.launch("mitra.cli", *args, **extra_env)

    def launch(self, module: str, *args: str, **extra_env: str) -> MitraProcess:
        """A `python -m MODULE ARGS` child: the launchers of tests/support/ that call a
        production entry point with what only tests pass (a clock, a fault)."""
        words = args[:2] if module == "mitra.cli" else (module.rsplit(".", 1)[-1],)
        name = "-".join(a.lstrip("-") for a in words) or "mitra"
        log_path = self.folder / f"{name}-{len(self.children)}.log"
        child = MitraProcess(list(args), {**self.env, **extra_env}, log_path, module)
        self.children.append(child)
        return child

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mitra.cli", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def stop_all(self) -> None:
        for child in self.children:
            child.stop()

    def print_logs(self, lines: int = 40) -> None:
        """The tail of every child's log: pytest shows it beside a failure, so a stall can be read."""
        for child in self.children:
            tail = child.log().splitlines()[-lines:]
            print(f"----- {child.module} {' '.join(child.args)} (exit {child.popen.returncode}) -----")
            print("\n".join(tail))


def child_env(database_url: str, broker_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        BROKER_URL=broker_url,
        MITRA_INSTANCE_PATH=str(instance),
        MITRA_ENV="test",
        # This checkout's code, whichever checkout the venv's editable install points at.
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT / "platform"), str(REPO_ROOT)]),
        EVENT_RETRY_BASE_SECONDS="0.05",
        EVENT_REDRIVE_AFTER_SECONDS="3",
        EVENT_REDRIVE_EVERY_SECONDS="0.5",
        EVENT_RELAY_MAX_BACKOFF_SECONDS="1",
        **extra,
    )
    return env
