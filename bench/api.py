"""Propose-collaboration requests per second under gunicorn, beside a bare Flask endpoint
that inserts one row into the same database, measured in the same run.

    python bench/api.py                       # SQLite (the embedded default)
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:55432/x python bench/api.py

Needs `wrk` (`apt-get install -y wrk`). On PostgreSQL it creates and drops its own
database `mitra_bench_api` next to the one DATABASE_URL names. Run on demand, never in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "platform"), str(REPO)]

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PASSWORD = "bench-password-2026"
BARE_APP = """
import os
from flask import Flask
from sqlalchemy import create_engine, text
from mitra.sqlite import tune_sqlite

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
tune_sqlite(engine)

@app.post("/bare")
def bare():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_rows (note) VALUES ('x')"))
    return {"ok": True}, 201
"""
LUA_PROPOSE = """
local counter = 0
local threads = {}
function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
function init(args) first = tonumber(args[1]); nthreads = tonumber(args[2]) end
function request()
  local id = first + counter * nthreads + tid
  counter = counter + 1
  return wrk.format("POST", "/api/v1/collaborations/" .. id .. "/propose", nil, "{}")
end
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def prepare_database(url: str, drafts: int) -> tuple[int, int]:
    """Migrate, add one centre, partner and manager, and `drafts` draft collaborations."""
    from flask_migrate import upgrade

    from mitra import create_app
    from mitra.demo.data import load_reference_data
    from mitra.extensions import db
    from mitra.models import Centre, Partner, Partnership, User
    from mitra.security.passwords import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MITRA_ENV": "test"})
    with app.app_context():
        upgrade()
        load_reference_data(db.session)
        centre = Centre(
            code="3507",
            region_code="3507",
            name="PLUT-KUMKM Kabupaten Malang",
            regency_name="Kabupaten Malang",
            province_code="35",
            zone="Asia/Jakarta",
        )
        partner = Partner(name="Bank BUMN Bench", type="bank", scope="national")
        db.session.add_all([centre, partner])
        db.session.flush()
        db.session.add(
            User(
                email="bench@mitra.test",
                name="Bench",
                role="centre_manager",
                centre_id=centre.id,
                password_hash=hash_password(PASSWORD),
            )
        )
        partnership = Partnership(centre_id=centre.id, partner_id=partner.id)
        db.session.add(partnership)
        db.session.flush()
        today = date.today()
        rows = [
            {
                "c": centre.id,
                "p": partner.id,
                "ps": partnership.id,
                "t": f"Bench {i}",
                "s": today + timedelta(days=40),
                "e": today + timedelta(days=100),
                "r": today + timedelta(days=30),
            }
            for i in range(drafts)
        ]
        db.session.execute(
            text(
                "INSERT INTO collaborations (centre_id, partner_id, partnership_id, title, service_area,"
                " description, starts_on, ends_on, respond_by, target_umkm, status, version, created_at,"
                " updated_at) VALUES (:c, :p, :ps, :t, 'pemasaran', '', :s, :e, :r, 10, 'draft', 1,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            rows,
        )
        db.session.execute(
            text(
                "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, note VARCHAR(10))"
                if db.engine.dialect.name == "sqlite"
                else "CREATE TABLE bench_rows (id BIGSERIAL PRIMARY KEY, note VARCHAR(10))"
            )
        )
        db.session.commit()
        first = db.session.scalar(text("SELECT min(id) FROM collaborations"))
        db.session.remove()
        db.engine.dispose()
    return first, drafts


def gunicorn(target: str, port: int, workers: int, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wrk(
    url: str, seconds: int, connections: int, threads: int, script: Path, args=(), token: str | None = None
) -> dict:
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "-s",
        str(script),
        "-H",
        "Content-Type: application/json",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    command += [url, "--", *map(str, args)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {
        "ok_per_s": (total - (int(bad.group(1)) if bad else 0)) / seconds,
        "errors": int(bad.group(1)) if bad else 0,
        "p99_ms": float(p99.group(1)) * scale,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/api.py needs wrk: apt-get install -y wrk")

    scratch = Path(tempfile.mkdtemp(prefix="mitra-bench-api-"))
    base = os.environ.get("DATABASE_URL", "")
    admin = None
    if base.startswith("postgres"):
        url = make_url(base).set(drivername="postgresql+psycopg", database="mitra_bench_api")
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS mitra_bench_api WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE mitra_bench_api"))
        database_url = url.render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{scratch / 'mitra.db'}"
    backend = make_url(database_url).get_backend_name()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        MITRA_INSTANCE_PATH=str(scratch / "instance"),
        BROKER_URL=f"sqla+sqlite:///{scratch / 'broker.db'}",
        MITRA_ENV="production",
        SECRET_KEY="bench",
        MITRA_BASE_URL="http://127.0.0.1",
        PYTHONPATH=f"{REPO / 'platform'}:{REPO}",
    )
    os.environ.update(MITRA_INSTANCE_PATH=env["MITRA_INSTANCE_PATH"])
    drafts = 60000
    log(f"{backend}: preparing {drafts} draft collaborations")
    first, _ = prepare_database(database_url, drafts)
    (scratch / "bare_app.py").write_text(BARE_APP)
    (scratch / "propose.lua").write_text(LUA_PROPOSE)
    (scratch / "post.lua").write_text('wrk.method = "POST"\nwrk.body = "{}"\n')

    results = {}
    servers = []
    try:
        mitra_port, bare_port = free_port(), free_port()
        servers.append(gunicorn("wsgi:app", mitra_port, args.workers, env, REPO))
        servers.append(gunicorn("bare_app:app", bare_port, args.workers, env, scratch))
        wait_http(f"http://127.0.0.1:{mitra_port}/healthz")
        wait_http(f"http://127.0.0.1:{bare_port}/")
        request = urllib.request.Request(
            f"http://127.0.0.1:{mitra_port}/api/v1/auth/tokens",
            method="POST",
            data=json.dumps({"email": "bench@mitra.test", "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(request))["token"]
        threads = 2
        log(f"bare INSERT endpoint: wrk {args.seconds} s, {args.connections} connections")
        results["bare_insert"] = wrk(
            f"http://127.0.0.1:{bare_port}/bare",
            args.seconds,
            args.connections,
            threads,
            scratch / "post.lua",
        )
        log(f"propose endpoint: wrk {args.seconds} s, {args.connections} connections")
        results["propose"] = wrk(
            f"http://127.0.0.1:{mitra_port}",
            args.seconds,
            args.connections,
            threads,
            scratch / "propose.lua",
            (first, threads),
            token,
        )
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(20)
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS mitra_bench_api WITH (FORCE)"))
        shutil.rmtree(scratch, ignore_errors=True)
    ratio = results["propose"]["ok_per_s"] / results["bare_insert"]["ok_per_s"]
    results.update(backend=backend, ratio=ratio, target=0.5)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"backend: {backend}, gunicorn {args.workers} sync workers, wrk {args.connections} connections")
    for name in ("bare_insert", "propose"):
        r = results[name]
        print(f"  {name:<12} {r['ok_per_s']:>8.0f} req/s  p99 {r['p99_ms']:>7.1f} ms  non-2xx {r['errors']}")
    print(f"  ratio propose / bare insert: {ratio:.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
