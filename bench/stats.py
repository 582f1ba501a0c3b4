#!/usr/bin/env python
"""Compiled statistics at scale: the full recompute beside one SQL GROUP BY over the same rows,
the per-event recount, and the dashboard reads. Run on demand, never in CI:

    env -u DATABASE_URL .venv/bin/python bench/stats.py                  # scratch SQLite file
    (eval "$(scripts/services.sh env)"; .venv/bin/python bench/stats.py)  # PostgreSQL

On a scratch database (a temporary SQLite file, or a PostgreSQL database it creates and drops)
it loads the demo registry (70 centres, 73 partners), makes every centre x partner a
partnership, then with INSERT ... SELECT from generated series (a recursive CTE on SQLite,
generate_series on PostgreSQL) 100,000 collaborations from 2016 to 2025 in every status and
1,000,000 activities under the accepted, active and completed ones (80% held). It prints,
from one run:

- `recompute_statistics` (+ commit), best of --repeat, beside (a) the GROUP BY a dashboard
  would otherwise run live: held activities by year, month, centre, partner and service area,
  joined to their collaborations, all rows fetched; and (b) a plain GROUP BY status over the
  activities. Target: recompute / (a) <= 2.
- the recount one event costs (`recount_partnership` + commit) for random partnerships;
- the dashboard reads from the compiled tables (summary, and each breakdown) for the national,
  a centre's and a partner's scope. Target: < 20 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics as stats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
# `python bench/stats.py` puts bench/ first on sys.path, where bench/events.py would shadow the
# `events` package: put the source roots there instead.
sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != HERE]
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "platform")]
os.environ.setdefault("MITRA_INSTANCE_PATH", tempfile.mkdtemp(prefix="mitra-bench-instance-"))

from sqlalchemy import select, text  # noqa: E402

from bench._scratch import migrated_session, progress, scratch_database  # noqa: E402
from mitra.demo.data import seed_demo  # noqa: E402
from mitra.models import SERVICE_AREAS, Partnership  # noqa: E402
from mitra.security.auth import SystemActor  # noqa: E402
from mitra.services import statistics  # noqa: E402

AREAS = [code for code, _id, _en in SERVICE_AREAS]
READ_YEAR = 2021
# Statuses by (i - 1) % 20: the first 14 residues have work (activities go under them).
STATUSES = (
    ["completed"] * 11
    + ["active"] * 2
    + ["accepted"]
    + ["declined"] * 2
    + ["expired", "cancelled", "proposed", "draft"]
)
ANSWERED = ("completed", "active", "accepted", "declined")


# -- data ---------------------------------------------------------------------------------------


def case(expression: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN {n} THEN '{value}'" for n, value in enumerate(values))
    return f"CASE {expression} {whens} END"


def build(session, collaborations: int, activities: int) -> None:
    sqlite = session.get_bind().dialect.name == "sqlite"
    session.execute(
        text(
            "INSERT INTO partnerships (centre_id, partner_id, status, created_at, updated_at)"
            " SELECT c.id, p.id, 'active', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
            " FROM centres c CROSS JOIN partners p"
            " WHERE NOT EXISTS (SELECT 1 FROM partnerships x"
            " WHERE x.centre_id = c.id AND x.partner_id = p.id)"
        )
    )
    first = (session.scalar(text("SELECT MAX(id) FROM collaborations")) or 0) + 1
    status = case("(i - 1) % 20", STATUSES)
    area = case("i % 7", AREAS)
    if sqlite:
        series = "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n),"
        starts = "date('2016-01-01', '+' || ((i * 7919) % 3650) || ' days')"
        plus_days = "date({}, '+' || ({}) || ' days')"
        respond = "date(starts_on, '-5 days')"
        at = "datetime({}, '-20 days', '+' || ({}) || ' hours')"
    else:
        series = "WITH seq AS (SELECT i FROM generate_series(1::bigint, :n) AS i),"
        starts = "(DATE '2016-01-01' + ((i * 7919) % 3650)::int)"
        plus_days = "({} + ({})::int)"
        respond = "(starts_on - 5)"
        at = "((({})::date - 20)::timestamp AT TIME ZONE 'UTC' + make_interval(hours => ({})::int))"
    progress(f"collaborations: {collaborations:,}")
    session.execute(
        text(f"""
        {series}
        numbered_centres AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM centres),
        numbered_partners AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM partners),
        made AS (
            SELECT i, c.id AS centre_id, p.id AS partner_id, {starts} AS starts_on, {status} AS status
            FROM seq
            JOIN numbered_centres c ON c.n = i % (SELECT COUNT(*) FROM centres)
            JOIN numbered_partners p ON p.n = (i * 17) % (SELECT COUNT(*) FROM partners)
        )
        INSERT INTO collaborations (centre_id, partner_id, partnership_id, title, service_area, description,
            starts_on, ends_on, respond_by, target_umkm, status, proposed_at, answered_at, version,
            created_at, updated_at)
        SELECT centre_id, partner_id,
            (SELECT x.id FROM partnerships x
             WHERE x.centre_id = made.centre_id AND x.partner_id = made.partner_id),
            'Bench ' || i, {area}, '', starts_on, {plus_days.format("starts_on", "30 + i % 150")},
            {respond}, i % 200, status,
            CASE WHEN status <> 'draft' THEN {at.format("starts_on", "2")} END,
            CASE WHEN status IN {ANSWERED!r} THEN {at.format("starts_on", "2 + 24 * (i % 11) + i % 7")} END,
            1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM made"""),
        {"n": collaborations},
    )
    # Activities go under collaborations with work: i - 1 = 20q + r with r < 14; no join needed.
    worked = collaborations // 20 * 14
    i = "(20 * ((j % :w) / 14) + (j % :w) % 14 + 1)"
    held = "j % 10 > 1"
    if sqlite:
        series = series.replace("(i)", "(j)").replace("i + 1", "j + 1").replace("i < :n", "j < :n")
        starts = f"date('2016-01-01', '+' || (({i} * 7919) % 3650) || ' days')"
    else:
        series = "WITH seq AS (SELECT j FROM generate_series(1::bigint, :n) AS j),"
        starts = f"(DATE '2016-01-01' + (({i} * 7919) % 3650)::int)"
    progress(f"activities: {activities:,}")
    session.execute(
        text(f"""
        {series.rstrip(",")}
        INSERT INTO activities (collaboration_id, type, title, service_area, date, location, status,
            participants, umkm_reached, version, created_at, updated_at)
        SELECT :first - 1 + {i}, 'training', '',
            CASE WHEN j % 5 = 0 THEN NULL ELSE {case(f"{i} % 7", AREAS)} END,
            {plus_days.format(starts, "j % 30")}, '',
            CASE WHEN {held} THEN 'held' WHEN j % 10 = 1 THEN 'planned' ELSE 'cancelled' END,
            CASE WHEN {held} THEN j % 120 ELSE 0 END, CASE WHEN {held} THEN j % 80 ELSE 0 END,
            1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM seq"""),
        {"n": activities, "w": worked, "first": first},
    )
    session.commit()
    progress("ANALYZE")
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


# -- measuring ----------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return seconds


def live_group_by(session) -> None:
    """What a dashboard would compute without compiled statistics, every rows fetched."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    year, month = (
        ("substr(a.date, 1, 4)", "substr(a.date, 6, 2)")
        if sqlite
        else ("extract(year FROM a.date)", "extract(month FROM a.date)")
    )
    session.execute(
        text(
            f"SELECT {year}, {month}, c.centre_id, c.partner_id, COALESCE(a.service_area, c.service_area),"
            " COUNT(*), SUM(a.participants), SUM(a.umkm_reached) FROM activities a"
            " JOIN collaborations c ON c.id = a.collaboration_id WHERE a.status = 'held'"
            f" GROUP BY {year}, {month}, c.centre_id, c.partner_id, COALESCE(a.service_area, c.service_area)"
        )
    ).all()


def plain_group_by(session) -> None:
    session.execute(
        text("SELECT status, COUNT(*), SUM(participants), SUM(umkm_reached) FROM activities GROUP BY status")
    ).all()


def run(args) -> dict:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with scratch_database(args.pg_database, "stats.db") as (url, label):
        progress(f"{label}: migrate and load the demo registry")
        with migrated_session(url) as session:
            seed_demo(session)
            build(session, args.collaborations, args.activities)
            sizes = {
                t: session.scalar(text(f"SELECT COUNT(*) FROM {t}"))
                for t in ("partnerships", "collaborations", "activities")
            }
            sizes["held"] = session.scalar(text("SELECT COUNT(*) FROM activities WHERE status = 'held'"))

            progress("baselines and recompute")
            live_group_by(session)  # warm the cache for everyone alike
            live = timed(lambda: live_group_by(session), args.repeat)
            plain = timed(lambda: plain_group_by(session), args.repeat)

            def recompute():
                statistics.recompute_statistics(session)
                session.commit()

            recomputes = timed(recompute, args.repeat)
            count = select(text("COUNT(*)"))
            compiled = {t.name: session.scalar(count.select_from(t)) for t in statistics.TABLES}
            in_year = {
                t.name: session.scalar(count.select_from(t).where(t.c.year == READ_YEAR))
                for t in statistics.TABLES
            }

            progress("per-event recount")
            pairs = session.execute(select(Partnership.centre_id, Partnership.partner_id)).all()
            chosen = random.Random(7).sample(pairs, min(50, len(pairs)))

            recounts = []
            for pair in chosen:
                started = time.perf_counter()
                statistics.recount_partnership(session, *pair)
                session.commit()
                recounts.append(time.perf_counter() - started)

            progress("dashboard reads")
            busiest = "SELECT {0} FROM stat_activities GROUP BY {0} ORDER BY SUM(held) DESC"
            busiest_centre = session.execute(text(busiest.format("centre_id"))).first()[0]
            busiest_partner = session.execute(text(busiest.format("partner_id"))).first()[0]
            principals = {
                "national": SystemActor("bench"),
                "centre": _Person("centre_manager", centre_id=busiest_centre),
                "partner": _Person("partner_user", partner_id=busiest_partner),
            }
            reads = {}
            for scope, principal in principals.items():
                calls = {"summary": lambda p=principal: statistics.summary(session, p, READ_YEAR)}
                for by in statistics.DIMENSIONS:
                    calls[by] = lambda p=principal, b=by: statistics.breakdown(session, p, b, READ_YEAR)
                for name, call in calls.items():
                    call()
                    reads[f"{scope} {name}"] = timed(call, args.read_repeat)
                session.rollback()
            national = statistics.summary(session, principals["national"], READ_YEAR)
    return {
        "database": label,
        "load_average": os.getloadavg(),
        "sizes": sizes,
        "compiled_rows": compiled,
        "compiled_rows_in_year": in_year,
        "live_group_by_s": live,
        "plain_group_by_s": plain,
        "recompute_s": recomputes,
        "recount_s": recounts,
        "reads_s": reads,
        "read_year": READ_YEAR,
        "national_summary": {
            k: national[k]
            for k in (
                "collaborations",
                "activities_held",
                "participants",
                "partners_with_collaboration",
                "centres_with_collaboration",
            )
        },
        "ratios": {
            "recompute_vs_live_group_by": min(recomputes) / min(live),
            "recompute_vs_plain_group_by": min(recomputes) / min(plain),
        },
    }


class _Person:
    """Just enough of a user for `statistics.Scope.of`."""

    def __init__(self, role: str, centre_id: int | None = None, partner_id: int | None = None):
        self.role, self.centre_id, self.partner_id = role, centre_id, partner_id


def report(r: dict) -> str:
    ms = 1000
    lines = [
        f"Mitra statistics: {r['database']}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average at the end {' '.join(f'{x:.1f}' for x in r['load_average'])}",
        "rows: " + ", ".join(f"{name} {n:,}" for name, n in r["sizes"].items()),
        "compiled rows: "
        + ", ".join(
            f"{name} {n:,} ({r['compiled_rows_in_year'][name]:,} in {r['read_year']})"
            for name, n in r["compiled_rows"].items()
        ),
        "",
        f"  live GROUP BY (held by year, month, centre, partner, area; joined; fetched)"
        f"  best {min(r['live_group_by_s']) * ms:8.0f} ms   all {_list(r['live_group_by_s'])}",
        f"  plain GROUP BY status over activities"
        f"{'':39}best {min(r['plain_group_by_s']) * ms:8.0f} ms   all {_list(r['plain_group_by_s'])}",
        f"  recompute_statistics + commit{'':47}best {min(r['recompute_s']) * ms:8.0f} ms"
        f"   all {_list(r['recompute_s'])}",
        f"  ratio recompute / live GROUP BY   {r['ratios']['recompute_vs_live_group_by']:6.2f}"
        "   (target <= 2)",
        f"  ratio recompute / plain GROUP BY  {r['ratios']['recompute_vs_plain_group_by']:6.2f}",
        "",
        f"  recount of one partnership + commit (one event), {len(r['recount_s'])} partnerships:"
        f" median {stats.median(r['recount_s']) * ms:.1f} ms, max {max(r['recount_s']) * ms:.1f} ms",
        "",
        f"  dashboard reads for {r['read_year']} (min / median / max of "
        f"{len(next(iter(r['reads_s'].values())))}), target < 20 ms:",
    ]
    for name, seconds in r["reads_s"].items():
        lines.append(
            f"    {name:<24} {min(seconds) * ms:7.2f} / {stats.median(seconds) * ms:7.2f} / "
            f"{max(seconds) * ms:7.2f} ms"
        )
    worst = max(max(s) for s in r["reads_s"].values()) * ms
    lines.append(f"  slowest read {worst:.2f} ms; national {r['read_year']}: {r['national_summary']}")
    return "\n".join(lines)


def _list(seconds: list[float]) -> str:
    return " ".join(f"{s * 1000:.0f}" for s in seconds)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/stats.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--collaborations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the recompute and baselines")
    parser.add_argument("--read-repeat", type=int, default=20, help="runs of each dashboard read")
    parser.add_argument(
        "--pg-database",
        default="mitra_bench_stats",
        metavar="NAME",
        help="scratch database created and dropped on DATABASE_URL's server",
    )
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary instead")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
