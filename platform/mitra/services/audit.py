"""Writing the audit trail, inside the caller's transaction; naming the people in it.

An entry's `actor` code is `user:<id>:<email>`, `system:<job>` or `anonymous`. What anyone
reads of it is `Actor`: a person by name and organisation, never by e-mail address.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload

from mitra.extensions import db
from mitra.models import AuditEntry, User

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
    values: dict[str, Any] = {
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


@dataclass(frozen=True)
class Actor:
    kind: str  # "user", "system" or "anonymous"
    ref: str  # "user:<id>", "system:<job>" or "anonymous": the code without the e-mail address
    name: str  # the person's name, or the job's
    organisation: str | None = None  # the person's centre or partner (none for the ministry)

    @property
    def label(self) -> str:
        """ "Siti Rahma (PLUT Jawa Barat)", "system (proposal-expiry)"."""
        if self.kind == "system":
            return f"system ({self.name})"
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


def actors(codes: Iterable[str]) -> dict[str, Actor]:
    """Each actor code, as an `Actor`; a person no longer on record is named by their id."""
    codes = set(codes)
    user_ids = {}
    for code in codes:
        kind, _, rest = code.partition(":")
        ident = rest.partition(":")[0]
        if kind == "user" and ident.isdigit():
            user_ids[code] = int(ident)
    users = (
        {
            user.id: user
            for user in db.session.scalars(
                select(User)
                .where(User.id.in_(set(user_ids.values())))
                .options(joinedload(User.centre), joinedload(User.partner))
            )
        }
        if user_ids
        else {}
    )
    found = {}
    for code in codes:
        kind, _, rest = code.partition(":")
        if code in user_ids:
            ref = f"user:{user_ids[code]}"
            user = users.get(user_ids[code])
            if user is None:
                found[code] = Actor("user", ref, ref)
            else:
                organisation = user.centre or user.partner
                found[code] = Actor("user", ref, user.name, organisation.name if organisation else None)
        elif kind == "system":
            found[code] = Actor("system", code, rest or "mitra")
        else:  # "anonymous", or a code this version does not know: shown as nobody in particular
            found[code] = Actor("anonymous", "anonymous", "anonymous")
    return found


def described(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """Entries as the API shows them: the actor as `user:<id>` with `actor_name`, no e-mail."""
    named = actors(entry.actor for entry in entries)
    return [
        {
            "id": entry.id,
            "actor": named[entry.actor].ref,
            "actor_name": named[entry.actor].label,
            "action": entry.action,
            "at": entry.at,
            "before": entry.before,
            "after": entry.after,
        }
        for entry in entries
    ]
