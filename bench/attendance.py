#!/usr/bin/env python
"""An attendance import of 50,000 rows, beside a bare bulk insert of the same rows.
Run on demand, never in CI:

    env -u DATABASE_URL .venv/bin/python bench/attendance.py                  # scratch SQLite file
    (eval "$(scripts/services.sh env)"; .venv/bin/python bench/attendance.py)  # PostgreSQL

On a scratch database (a temporary SQLite file, or a PostgreSQL database it creates and drops)
it makes one centre with its manager, a partner and an active collaboration, and a CSV of
--rows rows (default 50,000), every one a business new to the register. Then, best of --repeat,
each run on a fresh activity and fresh NIBs:

- bare: the same rows as plain tuples (nothing parsed, nothing checked), inserted with core
  executemany into `umkm` (explicit ids) and `attendance`, 1,000 a statement, + commit: the
  floor under any import that stores a business and its place on the list per row;
- import: `attendance.import_file` on the CSV in a unit of work (sniff, header, every row read
  and checked by `umkm_fields`, the batches' SELECTs and INSERTs, umkm_reached, audit entry,
  event) + its commit.

Then the memory check: the import's peak Python allocation (tracemalloc) for 10,000 rows and
for --rows rows; flat means the second is not five times the first. Target: import / bare
<= 3. `--profile` prints the import's 25 most expensive functions (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
# `python bench/attendance.py` puts bench/ first on sys.path, where bench/events.py would shadow
# the `events` package: put the source roots there instead.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != HERE]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "platform")]
os.environ.setdefault("MITRA_INSTANCE_PATH", tempfile.mkdtemp(prefix="mitra-bench-instance-"))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench._scratch import migrated_session, progress, scratch_database  # noqa: E402
from mitra.demo.data import load_reference_data  # noqa: E402
from mitra.models import (  # noqa: E402
    Activity,
    Attendance,
    Centre,
    Collaboration,
    Partner,
    Partnership,
    Umkm,
    User,
)
from mitra.services import attendance  # noqa: E402
from mitra.services.attendance_files import REQUIRED_COLUMNS, Upload  # noqa: E402
from mitra.services.unit_of_work import UnitOfWork  # noqa: E402

NOW = datetime(2031, 4, 1, 3, 0, tzinfo=UTC)
CHUNK = 1000
REGENCIES = ("3507", "3573", "5104", "3171")


def build(session) -> User:
    """One centre, its manager, a partner and an active collaboration; the manager imports."""
    load_reference_data(session)
    centre = Centre(code="3507", region_code="3507", name="PLUT-KUMKM Kab. Malang", regency_name="Malang")
    centre.province_code, centre.zone = "35", "Asia/Jakarta"
    partner = Partner(name="Bank BUMN Mitra UMKM", type="bank", scope="national")
    partnership = Partnership(centre=centre, partner=partner)
    collaboration = Collaboration(
        partnership=partnership,
        centre=centre,
        partner=partner,
        title="Pelatihan pemasaran digital",
        service_area="pemasaran",
        starts_on=date(2031, 3, 1),
        ends_on=date(2031, 6, 30),
        target_umkm=50_000,
        status="active",
    )
    manager = User(
        email="manajer@bench.test",
        name="Manajer",
        password_hash="x",
        role="centre_manager",
        centre=centre,
        zone="Asia/Jakarta",
    )
    session.add_all([centre, partner, partnership, collaboration, manager])
    session.commit()
    return manager


def new_activity(session, manager: User) -> int:
    collaboration = session.scalar(select(Collaboration))
    activity = Activity(
        collaboration=collaboration, type="training", title="Kelas", date=date(2031, 4, 1), status="planned"
    )
    session.add(activity)
    session.commit()
    return activity.id


def rows(first_nib: int, count: int) -> list[tuple[str, ...]]:
    return [
        (
            f"{first_nib + n:013d}",
            f"Usaha Mikro Sejahtera {n}",
            f"Ibu Pemilik Usaha {n}",
            "10794",
            ("mikro", "kecil", "menengah")[n % 3],
            REGENCIES[n % len(REGENCIES)],
        )
        for n in range(count)
    ]


def csv_file(folder: str, data: list[tuple[str, ...]]) -> str:
    path = os.path.join(folder, f"hadir-{data[0][0]}.csv")
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(REQUIRED_COLUMNS) + "\r\n")
        for row in data:
            out.write(",".join(row) + "\r\n")
    return path


def bare(session, activity_id: int, data: list[tuple[str, ...]], first_id: int) -> float:
    """Core executemany of the same businesses and list entries, no parsing, no checks."""
    umkm, listed = Umkm.__table__, Attendance.__table__
    started = time.perf_counter()
    for start in range(0, len(data), CHUNK):
        part = data[start : start + CHUNK]
        session.execute(
            insert(umkm),
            [
                {
                    "id": first_id + start + n,
                    "nib": nib,
                    "business_name": name,
                    "owner_name": owner,
                    "kbli": kbli,
                    "scale": scale,
                    "regency_code": regency,
                    "phone": None,
                    "email": None,
                    "registered_by_centre_id": None,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for n, (nib, name, owner, kbli, scale, regency) in enumerate(part)
            ],
        )
        session.execute(
            insert(listed),
            [
                {
                    "activity_id": activity_id,
                    "umkm_id": first_id + start + n,
                    "added_at": NOW,
                    "added_by_id": None,
                }
                for n in range(len(part))
            ],
        )
    session.commit()
    seconds = time.perf_counter() - started
    if session.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequence past them
        last = "(SELECT max(id) FROM umkm)"
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('umkm', 'id'), {last})"))
        session.commit()
    return seconds


def imported(session, manager: User, activity_id: int, path: str, profile: cProfile.Profile | None = None):
    started = time.perf_counter()
    if profile is not None:
        profile.enable()
    with open(path, "rb") as stream, UnitOfWork(session):
        result = attendance.import_file(manager, activity_id, Upload(os.path.basename(path), stream))
    if profile is not None:
        profile.disable()
    seconds = time.perf_counter() - started
    assert result.imported == sum(1 for _ in open(path, encoding="utf-8")) - 1, result
    assert not result.errors, result.errors[:3]
    return seconds


def peak_memory(session, manager: User, folder: str, count: int, first_nib: int) -> float:
    path = csv_file(folder, rows(first_nib, count))
    activity_id = new_activity(session, manager)
    session.expunge_all()
    manager = session.merge(manager)
    tracemalloc.start()
    tracemalloc.reset_peak()
    imported(session, manager, activity_id, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-database", default="mitra_bench_attendance")
    parser.add_argument("--profile", action="store_true", help="cProfile the last import")
    args = parser.parse_args()
    with (
        scratch_database(args.pg_database, "attendance.db") as (url, label),
        tempfile.TemporaryDirectory() as folder,
    ):
        os.environ["DATABASE_URL"] = url
        with migrated_session(url) as session:
            manager = build(session)
            bare_s, import_s = [], []
            nib = 1_000_000_000_000
            for run in range(args.repeat):
                data = rows(nib, args.rows)
                nib += args.rows
                first_id = (session.scalar(select(func.max(Umkm.id))) or 0) + 1
                bare_s.append(bare(session, new_activity(session, manager), data, first_id))
                progress(f"run {run + 1}: bare {bare_s[-1]:.2f} s")
                data = rows(nib, args.rows)
                nib += args.rows
                path = csv_file(folder, data)
                profile = cProfile.Profile() if args.profile and run == args.repeat - 1 else None
                import_s.append(imported(session, manager, new_activity(session, manager), path, profile))
                progress(f"run {run + 1}: import {import_s[-1]:.2f} s")
            small = peak_memory(session, manager, folder, 10_000, nib)
            nib += 10_000
            large = peak_memory(session, manager, folder, args.rows, nib)
    best_bare, best_import = min(bare_s), min(import_s)
    print(f"\nAttendance import on {label}: {args.rows:,} new businesses, best of {args.repeat}\n")
    print(f"{'bare executemany (umkm + attendance) + commit':<52}{best_bare:>8.2f} s")
    print(f"{'attendance.import_file (CSV) in a unit of work':<52}{best_import:>8.2f} s")
    print(f"{'ratio import / bare (target <= 3)':<52}{best_import / best_bare:>8.2f}")
    print(f"{'rows per second, import':<52}{args.rows / best_import:>8,.0f}")
    print(f"\nPeak Python memory of one import (tracemalloc): 10,000 rows {small:.1f} MiB, ", end="")
    print(f"{args.rows:,} rows {large:.1f} MiB ({large / small:.2f}x)")
    every = ", ".join(f"{s:.2f}" for s in bare_s), ", ".join(f"{s:.2f}" for s in import_s)
    print(f"every time, bare: {every[0]}; import: {every[1]}")
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
