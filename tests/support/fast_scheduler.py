"""The real scheduler on an accelerated clock, for tests that live through a day in seconds.

    python -m tests.support.fast_scheduler START SPEED ANCHOR [END]

Simulated time is START plus SPEED times the real seconds elapsed since the Unix time ANCHOR
(so several processes share one timeline; ANCHOR may name a file the test writes it to once
they are all up), and the process stops by itself at END. The clock is moved with
time-machine, which patches `time.time` and `datetime.now` in the process; APScheduler, the
jobs and their claims all read it, while waits and socket timeouts keep real (monotonic)
time. Everything else is production's: `workers.scheduler.serve` with the app of
`create_app()`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import time_machine
from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("mitra.scheduler")


class AcceleratedClock:
    """START + SPEED x (real now - ANCHOR); stops the process at END."""

    def __init__(self, start: datetime, speed: float, anchor: str, end: datetime | None = None):
        self.start, self.speed, self.anchor, self.end = start, speed, anchor, end
        self._simulated = lambda: start  # until attached, time stands at START

    def now(self) -> datetime:
        return self._simulated()

    def attach(self, scheduler: BlockingScheduler) -> None:
        anchor = _anchor(self.anchor)
        real_then, monotonic_then = time.time(), time.monotonic()

        def simulated() -> datetime:
            real_now = real_then + time.monotonic() - monotonic_then
            return self.start + timedelta(seconds=max(0.0, real_now - anchor) * self.speed)

        self._simulated = simulated
        # POSIX timestamps, not datetimes: given a zone-aware datetime, time-machine sets TZ too.
        coordinates = time_machine.travel(simulated().timestamp(), tick=False).start()

        def drive() -> None:
            while True:
                now = simulated()
                coordinates.move_to(now.timestamp())
                if self.end is not None and now >= self.end and scheduler.running:
                    log.info("test clock reached %s: stopping", self.end.isoformat())
                    os.kill(os.getpid(), signal.SIGTERM)  # the way an operator stops it
                    return
                if scheduler.running:
                    scheduler.wakeup()
                time.sleep(0.02)

        threading.Thread(target=drive, name="test-clock", daemon=True).start()


def _anchor(value: str) -> float:
    """A Unix time, or a file that will hold one: the test writes it once every process is up."""
    try:
        return float(value)
    except ValueError:
        pass
    print(f"scheduler: test clock waiting for {value}", flush=True)
    path, deadline = Path(value), time.monotonic() + 120
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return float(path.read_text())
        time.sleep(0.05)
    raise SystemExit(f"the test clock's anchor never appeared in {value}")


def main(argv: list[str]) -> None:
    from mitra import create_app
    from workers.scheduler import serve

    start, speed, anchor, *end = argv
    clock = AcceleratedClock(
        datetime.fromisoformat(start),
        float(speed),
        anchor,
        datetime.fromisoformat(end[0]) if end else None,
    )
    serve(create_app(), clock)


if __name__ == "__main__":
    main(sys.argv[1:])
