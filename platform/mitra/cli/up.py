"""`mitra up`: the whole platform on one machine, as `make run` starts it.

Migrates, loads the demo data into an empty database, then supervises one process per
role (web under gunicorn, relay, workers, scheduler): a child that dies is restarted with
backoff, and one Ctrl-C (or SIGTERM) stops them all. It is the one-machine demo: it refuses
to run when MITRA_ENV=production (README "Running in production" says what runs there).
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404  # the supervisor starts Mitra's own processes
import sys
import time
from dataclasses import dataclass, field

import click
from flask import current_app
from flask.cli import with_appcontext


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)


def web_process(host: str, port: int, reload: bool = False) -> Child:
    """gunicorn, as production serves Mitra; with `reload`, restarting its workers on every
    code change (gunicorn's reloader, unlike Werkzeug's, stops with its master on SIGTERM).
    No control socket: its default path is one per user, which a second Mitra would take."""
    options = ["--reload"] if reload else []
    return Child(
        "web",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{host}:{port}",
            *options,
            "--no-control-socket",
            "--graceful-timeout",
            "10",
            "mitra:create_app()",
        ],
    )


def platform_processes(host: str, port: int, reload: bool = False) -> list[Child]:
    """The processes of the embedded platform: gunicorn, then `mitra` subcommands."""
    mitra = [sys.executable, "-m", "mitra.cli"]
    return [
        web_process(host, port, reload),
        Child("relay", [*mitra, "relay"]),
        Child("worker", [*mitra, "worker"]),
        Child("scheduler", [*mitra, "scheduler"]),
    ]


def prepare_database(seed: bool = True) -> bool:
    """Bring the schema up to date and the reference data with it; load the demo data
    into a database that holds no centre yet. Returns True when demo data was loaded."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from mitra.demo.data import load_reference_data, seed_demo
    from mitra.extensions import db
    from mitra.models import Centre
    from mitra.services.statistics import recompute_statistics
    from mitra.services.unit_of_work import UnitOfWork

    upgrade()
    try:
        with UnitOfWork():
            load_reference_data(db.session())
            if not seed or db.session.scalar(select(func.count()).select_from(Centre)):
                return False
            seed_demo(db.session())
            # The dashboards read compiled statistics; demo data arrives without events.
            recompute_statistics(db.session())
            return True
    finally:
        # This process only supervises from here on: hold no transaction, no connection
        # (on SQLite an open transaction would lock every other process out).
        db.session.remove()
        db.engine.dispose()


def print_banner(url: str) -> None:
    from mitra.demo.data import DEMO_LOGINS

    click.echo("")
    click.echo(f"  Mitra is starting at {url}  (health: {url}/healthz)")
    click.echo("  Demo logins:")
    for role, email, password in DEMO_LOGINS:
        click.echo(f"    {role:<15} {email:<32} {password}")
    click.echo("  Press Ctrl-C once to stop everything.")
    click.echo("")


class Supervisor:
    def __init__(self, children: list[Child]):
        self.children = children
        self.stopping = False

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv)  # nosec B603  # fixed argv, no shell
        child.started_at = time.monotonic()
        click.echo(f"[up] started {child.name} (pid {child.process.pid})")

    def _stop(self, *_args) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for child in self.children:
            self._start(child)
        while not self.stopping:
            time.sleep(0.2)
            now = time.monotonic()
            for child in self.children:
                code = child.process.poll() if child.process else None
                if child.process and code is not None:
                    # Quick crashes back off up to 30 s; a long healthy run resets the count.
                    child.restarts = 0 if now - child.started_at > 60 else child.restarts + 1
                    delay = min(30.0, 2**child.restarts)
                    click.echo(f"[up] {child.name} exited with {code}; restarting in {delay:.0f} s")
                    child.process, child.next_start = None, now + delay
                if child.process is None and now >= child.next_start:
                    self._start(child)
        return self.shutdown()

    def shutdown(self, grace: float = 15.0) -> int:
        click.echo("[up] stopping ...")
        live = [(c.name, c.process) for c in self.children if c.process and c.process.poll() is None]
        for _name, process in live:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, process in live:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                click.echo(f"[up] {name} did not stop in {grace:.0f} s; killing it")
                process.kill()
                process.wait()
        click.echo("[up] stopped")
        return 0


@click.command("up")
@click.option(
    "--host",
    show_default="127.0.0.1 or $MITRA_HOST",
    help="Address the web server binds.",
)
@click.option(
    "--port",
    type=int,
    show_default="5000 or $MITRA_PORT",
    help="Port of the web server.",
)
@click.option("--no-seed", is_flag=True, help="Never load demo data, even into an empty database.")
@click.option("--reload", is_flag=True, help="Restart the web workers whenever the code changes.")
@with_appcontext
def up_command(host: str | None, port: int | None, no_seed: bool, reload: bool) -> None:
    """Migrate, seed an empty database, and run every Mitra process until Ctrl-C.

    Not for production (refused when MITRA_ENV=production): there, run `gunicorn
    wsgi:app`, `mitra relay`, `mitra worker` and `mitra scheduler` each on its own."""
    if current_app.config["MITRA_ENV"] == "production":
        raise click.ClickException(
            "mitra up is the one-machine demo (it loads demo accounts) and is refused when "
            "MITRA_ENV=production.\nIn production run `mitra db upgrade`, then `gunicorn wsgi:app`, "
            "`mitra relay`, `mitra worker` and `mitra scheduler` as separate services; "
            "create logins with `mitra users create ... --password-stdin` (README: Running in production)."
        )
    host = current_app.config["MITRA_HOST"] if host is None else host
    port = current_app.config["MITRA_PORT"] if port is None else port
    if prepare_database(seed=not no_seed):
        click.echo("[up] empty database: demo data loaded")
    url = f"http://{host}:{port}"
    print_banner(url)
    # What the children inherit: this process only supervises, so its environment is theirs.
    os.environ["MITRA_INSTANCE_PATH"] = current_app.config["INSTANCE_PATH"]
    os.environ.setdefault("MITRA_BASE_URL", url)
    # One machine, one worker process; GUNICORN_CMD_ARGS replaces this (e.g. "--workers 4").
    os.environ.setdefault("GUNICORN_CMD_ARGS", "--workers 1 --threads 8")
    sys.exit(Supervisor(platform_processes(host, port, reload)).run())
