"""Probe handlers for the event-backbone tests: every (group, type) records its effect in
`probe_effects`, a table with no unique key, so a second effect would show as a second row.

An event whose data title is "poison" fails until the file named by $MITRA_PROBE_FIXED
exists: that is how a test "fixes the handler" before replaying the dead letter.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import text

from events.topology import GROUPS

CREATE = {
    "sqlite": "CREATE TABLE IF NOT EXISTS probe_effects (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " consumer VARCHAR(40) NOT NULL, event_id VARCHAR(36) NOT NULL)",
    "postgresql": "CREATE TABLE IF NOT EXISTS probe_effects (id BIGSERIAL PRIMARY KEY,"
    " consumer VARCHAR(40) NOT NULL, event_id VARCHAR(36) NOT NULL)",
}


class PoisonError(RuntimeError):
    pass


def record_effect(group: str):
    delay = float(os.environ.get("MITRA_PROBE_DELAY", "0"))

    def handler(session, event) -> None:
        if delay:
            time.sleep(delay)
        if event.data.get("title") == "poison":
            fixed = os.environ.get("MITRA_PROBE_FIXED")
            if not (fixed and Path(fixed).exists()):
                raise PoisonError(f"cannot digest event {event.id}")
        session.execute(
            text("INSERT INTO probe_effects (consumer, event_id) VALUES (:c, :e)"),
            {"c": group, "e": event.id},
        )

    return handler


HANDLERS = {group: {t: record_effect(group) for t in types} for group, types in GROUPS.items()}
