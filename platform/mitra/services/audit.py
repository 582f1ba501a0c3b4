"""Writing the audit trail, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from mitra.models import AuditEntry

# A Core INSERT on the table: the row goes out at once, in the caller's transaction, without
# the unit of work tracking an object nobody reads back (and without a second flush).
_INSERT = insert(AuditEntry.__table__)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,  # now, unless history is being loaded (the demo data)
) -> None:
    values = {
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "before": before,
        "after": after,
    }
    if at is not None:
        values["at"] = at
    session.execute(_INSERT, values)
