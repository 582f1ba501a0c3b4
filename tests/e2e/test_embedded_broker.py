"""The embedded broker (kombu's sqlalchemy transport on a SQLite file) shared by processes.

`mitra up` starts the relay and the workers at the same moment on a broker file that does
not exist yet; each creates kombu's tables and queue rows. Before the repair in
`events/sqla_transport.py`, the loser of that race died of "table already exists" or of a
UNIQUE violation on the queue name.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

OPENER = textwrap.dedent("""
    import sys, time
    from events import topology
    from events.broker import connect
    url, start_at = sys.argv[1], float(sys.argv[2])
    time.sleep(max(0.0, start_at - time.time()))  # every process opens at the same moment
    with connect(url) as conn:
        topology.declare(conn)
        for group in topology.GROUPS:
            topology.group_queue(group, conn)(conn.default_channel).declare()
    print("opened")
""")


@pytest.mark.parametrize("round_", range(3))
def test_processes_opening_a_fresh_broker_file_together_all_succeed(tmp_path, round_):
    url = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    start_at = time.time() + 3  # time for the interpreters to start and import kombu
    children = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, url, str(start_at)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outcomes = [child.communicate(timeout=90) for child in children]
    failures = [
        _error_line(err)
        for (out, err), child in zip(outcomes, children, strict=True)
        if child.returncode != 0 or "opened" not in out
    ]
    assert failures == []


def _error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines() or ["(no output)"]
    return next((line for line in reversed(lines) if "Error" in line), lines[-1])
