"""An activity's attendance: the businesses (UMKM, by NIB) that took part, typed as a list
(`replace`) or imported from a CSV or XLSX file (`import_file`); and who reads it.

The rules, enforced here:
- the managers of the activity's centre write it (an outsider gets 404 first; the ministry
  and the partner, who see the activity, 403), while it is planned or held (cancelled: 409);
- every row goes through `umkm_fields`, the register's one set of rules. A business already
  in the register needs only its NIB; a new one is registered with the activity's centre as
  `registered_by_centre_id`;
- a business another centre registered (or the ministry) is put on the list as it is: an
  import never rewrites another centre's record, whatever its rows say (it counts as
  unchanged when it was on the list already, imported when it is new to it). A business the
  activity's own centre registered takes the details of the file's row;
- once an activity has attendance, its `umkm_reached` is the number of businesses on it;
- each write is one audit entry `activity.attendance` and one `activity.attendance_recorded`
  event, in the caller's unit of work; a dry run writes neither, nor anything else.

An import is streamed: rows are checked one by one and written in batches of BATCH (one
SELECT of the NIBs already registered, one executemany INSERT of the new businesses and one
of the new list entries per batch), so 50,000 rows take the memory of one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from events import catalogue
from events.outbox import emit
from events.types import utcnow
from mitra.extensions import db, insert_or_skip
from mitra.models import Activity, ActivityStatus, Attendance, Outcome, Role, Umkm
from mitra.security.auth import Principal
from mitra.services import activities, audit, scoping, umkm, umkm_fields, unit_of_work
from mitra.services.attendance_files import FIELD_COLUMN, Upload, rows
from mitra.services.errors import Conflict, Forbidden, InvalidInput

BATCH = 1000
MAX_ERRORS = 1000  # errors listed in one answer; `rejected` counts them all
WRITABLE = (ActivityStatus.PLANNED, ActivityStatus.HELD)
SORTABLE = {"business_name": Umkm.business_name, "nib": Umkm.nib, "added_at": Attendance.added_at}
# What a partner reads of a business on the list; the rest is for the ministry and the centre.
PUBLIC = ("nib", "business_name", "kbli", "scale")
DETAILS = tuple(f for f in umkm_fields.FIELDS if f != "nib")

_UMKM = Umkm.__table__
_ATTENDANCE = Attendance.__table__
_REGISTERED = (_UMKM.c.id, _UMKM.c.nib, _UMKM.c.registered_by_centre_id, *(_UMKM.c[f] for f in DETAILS))


# -- reading ---------------------------------------------------------------------------------


def listed(principal: Principal, activity_id: int, sort: str = "business_name") -> Select:
    """The activity's list, a business per row (Attendance with its Umkm); NotFound when
    the activity is out of scope."""
    activities.get(principal, activity_id)
    statement = (
        select(Attendance)
        .join(Umkm, Attendance.umkm_id == Umkm.id)
        .where(Attendance.activity_id == activity_id)
        .options(joinedload(Attendance.umkm, innerjoin=True))
    )
    return scoping.ordered(statement, SORTABLE, sort, Umkm.id)


def entries(principal: Principal, items: Iterable[Attendance]) -> list[dict[str, Any]]:
    """The list's rows as `principal` may read them: a partner's have no personal-data keys
    at all (not even empty ones)."""
    items = list(items)
    readable = umkm.personal_readable(principal, [item.umkm for item in items])
    found = []
    for item in items:
        business = item.umkm
        entry: dict[str, Any] = {name: getattr(business, name) for name in PUBLIC}
        entry["added_at"] = item.added_at
        if business.id in readable:
            entry.update(
                regency_code=business.regency_code,
                owner_name=business.owner_name,
                phone=business.phone,
                email=business.email,
                registered_by_centre_id=business.registered_by_centre_id,
            )
        found.append(entry)
    return found


def count(activity_id: int) -> int:
    """How many businesses are on the activity's list."""
    total = db.session.scalar(
        select(func.count()).select_from(_ATTENDANCE).where(_ATTENDANCE.c.activity_id == activity_id)
    )
    return int(total or 0)


def may_write(principal: Principal, activity: Activity) -> bool:
    return principal.role == Role.CENTRE_MANAGER and activity.status in WRITABLE


# -- writing ---------------------------------------------------------------------------------


@dataclass
class _Write:
    """One write's context and what it did."""

    principal: Principal
    activity: Activity
    stamp: datetime
    imported: int = 0  # newly on the list
    updated: int = 0  # on it already, and the business's record changed
    unchanged: int = 0
    registered: int = 0  # new to the register
    listed_ids: list[int] | None = None  # kept when the caller needs them (replace)

    @property
    def centre_id(self) -> int:
        return self.activity.collaboration.centre_id


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    umkm_reached: int = 0
    dry_run: bool = False


class _DryRun(Exception):  # noqa: N818 - not an error: the way out of the savepoint
    pass


def _writable(principal: Principal, activity_id: int) -> Activity:
    activity = activities.get(principal, activity_id, for_update=True)  # NotFound first
    if principal.role != Role.CENTRE_MANAGER:
        raise Forbidden("only the managers of the activity's centre may record its attendance")
    if activity.status not in WRITABLE:
        raise Conflict(
            f"attendance is recorded for a planned or held activity; this one is {activity.status}",
            {"status": [f"is {activity.status}; needs planned or held"]},
        )
    return activity


def import_file(
    principal: Principal, activity_id: int, upload: Upload, dry_run: bool = False, clock=utcnow
) -> ImportResult:
    """Put the businesses of a CSV or XLSX file on the activity's list (nobody is taken off
    it). Bad rows are reported with their row number and column and the rest are kept; a
    NIB the file names twice is on the list once, with its last row's details. With
    `dry_run` the same answer, and nothing stored."""
    activity = _writable(principal, activity_id)
    lines = rows(upload)  # 415 for another kind of file, 422 for another header
    write = _Write(principal, activity, clock())
    result = ImportResult(dry_run=dry_run)
    try:
        with unit_of_work.step():
            for batch in _batches(lines):
                _apply(write, _checked(batch, write, result))
            result.imported, result.updated, result.unchanged = write.imported, write.updated, write.unchanged
            if dry_run:
                result.umkm_reached = count(activity.id)
                raise _DryRun
    except _DryRun:
        return result
    result.umkm_reached = _finish(write, removed=0, source="import")
    return result


def _batches(lines: Iterator[tuple[int, dict[str, str]]]) -> Iterator[list[tuple[int, dict[str, str]]]]:
    while chunk := list(islice(lines, BATCH)):
        yield chunk


def _checked(batch, write: _Write, result: ImportResult) -> dict[str, dict[str, Any]]:
    """The batch's good rows by NIB, the last row of a NIB winning (an earlier one counts as
    unchanged); each bad row's problems go to `result.errors`."""
    kept: dict[str, dict[str, Any]] = {}
    for number, values in batch:
        cleaned, problems = umkm_fields.clean(values)
        if problems:
            result.rejected += 1
            for name, message in problems.items():
                if len(result.errors) < MAX_ERRORS:
                    result.errors.append({"row": number, "column": FIELD_COLUMN[name], "message": message})
            continue
        nib = str(cleaned["nib"])
        if nib in kept:
            write.unchanged += 1
        kept[nib] = cleaned
    return kept


def replace(
    principal: Principal, activity_id: int, listed_rows: Sequence[Mapping[str, Any]], clock=utcnow
) -> dict[str, int]:
    """Make the activity's list exactly `listed_rows`: each a NIB already in the register, or
    a new business with every required field. All or nothing: any bad row is a 422 naming
    `umkm.<index>.<field>`. A business with an outcome recorded under the activity cannot be
    taken off the list (409)."""
    activity = _writable(principal, activity_id)
    errors: dict[str, list[str]] = {}
    wanted: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, row in enumerate(listed_rows):
        cleaned, problems = umkm_fields.clean(row, partial=True)
        if "nib" not in row:
            problems["nib"] = "required"
        for name, message in problems.items():
            errors[f"umkm.{index}.{name}"] = [message]
        if not problems:
            wanted.pop(str(cleaned["nib"]), None)  # the last row of a NIB wins, in its place
            wanted[str(cleaned["nib"])] = (index, cleaned)
    known: dict[str, int] = {}
    for chunk in _chunks(list(wanted), BATCH):
        found = db.session.execute(select(_UMKM.c.nib, _UMKM.c.id).where(_UMKM.c.nib.in_(chunk)))
        known.update((nib, ident) for nib, ident in found)
    for nib, (index, cleaned) in wanted.items():
        if nib not in known:
            for name in umkm_fields.REQUIRED:
                if name not in cleaned:
                    errors[f"umkm.{index}.{name}"] = [f"required: NIB {nib} is not in the register yet"]
    if errors:
        first = next(iter(errors))
        raise InvalidInput(f"{first}: {errors[first][0]}", errors)
    on_list = set(
        db.session.scalars(select(_ATTENDANCE.c.umkm_id).where(_ATTENDANCE.c.activity_id == activity.id))
    )
    leaving = on_list - set(known.values())
    _refuse_leaving_with_outcomes(activity, leaving)
    write = _Write(principal, activity, clock(), listed_ids=[])
    for chunk in _chunks(list(wanted), BATCH):
        _apply(write, {nib: wanted[nib][1] for nib in chunk})
    for chunk in _chunks(sorted(leaving), BATCH):
        db.session.execute(
            delete(_ATTENDANCE).where(
                _ATTENDANCE.c.activity_id == activity.id, _ATTENDANCE.c.umkm_id.in_(chunk)
            )
        )
    reached = _finish(write, removed=len(leaving), source="list")
    return {
        "umkm_reached": reached,
        "added": write.imported,
        "removed": len(leaving),
        "registered": write.registered,
        "updated": write.updated,
    }


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _refuse_leaving_with_outcomes(activity: Activity, leaving: set[int]) -> None:
    for chunk in _chunks(sorted(leaving), BATCH):
        named = db.session.scalars(
            select(Umkm.nib)
            .join(Outcome, Outcome.umkm_id == Umkm.id)
            .where(Outcome.activity_id == activity.id, Outcome.umkm_id.in_(chunk))
            .distinct()
        ).all()
        if named:
            listing = ", ".join(sorted(named)[:10])
            raise Conflict(
                f"an outcome is recorded under this activity for {listing}: they stay on its attendance",
                {"umkm": [f"{nib} has an outcome recorded under this activity" for nib in sorted(named)]},
            )


def _apply(write: _Write, batch: Mapping[str, Mapping[str, Any]]) -> None:
    """Register the batch's new businesses, update the centre's own that changed, and put
    every one on the list; count each NIB once, as imported, updated or unchanged."""
    if not batch:
        return
    session = db.session()
    nibs = list(batch)
    found = {row.nib: row for row in session.execute(select(*_REGISTERED).where(_UMKM.c.nib.in_(nibs)))}
    new = [nib for nib in nibs if nib not in found]
    if new:
        session.execute(
            insert_or_skip(session, _UMKM).on_conflict_do_nothing(index_elements=["nib"]),
            [_registration(write, batch[nib]) for nib in new],
        )
        write.registered += len(new)
        found.update(
            (row.nib, row) for row in session.execute(select(*_REGISTERED).where(_UMKM.c.nib.in_(new)))
        )
    changed = []
    for nib in nibs:
        row = found[nib]
        if nib in new or row.registered_by_centre_id != write.centre_id:
            continue  # just registered as given; or another centre's record, left as it keeps it
        details = {name: batch[nib][name] for name in DETAILS if name in batch[nib]}
        if any(getattr(row, name) != value for name, value in details.items()):
            changed.append(
                {**{f"v_{n}": getattr(row, n) for n in DETAILS}, **_prefixed(details), "v_id": row.id}
            )
    if changed:
        session.execute(_UPDATE, [{**params, "v_now": write.stamp} for params in changed])
    changed_ids = {params["v_id"] for params in changed}
    ids = [found[nib].id for nib in nibs]
    already = set(
        session.scalars(
            select(_ATTENDANCE.c.umkm_id).where(
                _ATTENDANCE.c.activity_id == write.activity.id, _ATTENDANCE.c.umkm_id.in_(ids)
            )
        )
    )
    joining = [ident for ident in ids if ident not in already]
    if joining:
        session.execute(
            insert_or_skip(session, _ATTENDANCE).on_conflict_do_nothing(),
            [
                {
                    "activity_id": write.activity.id,
                    "umkm_id": ident,
                    "added_at": write.stamp,
                    "added_by_id": write.principal.id,
                }
                for ident in joining
            ],
        )
    write.imported += len(joining)
    on_before = [ident for ident in ids if ident in already]
    updated = sum(1 for ident in on_before if ident in changed_ids)
    write.updated += updated
    write.unchanged += len(on_before) - updated
    if write.listed_ids is not None:
        write.listed_ids.extend(ids)


_UPDATE = (
    update(_UMKM)
    .where(_UMKM.c.id == bindparam("v_id"))
    .values(
        {name: bindparam(f"v_{name}") for name in DETAILS}
        | {"version": _UMKM.c.version + 1, "updated_at": bindparam("v_now")}
    )
)


def _prefixed(details: Mapping[str, Any]) -> dict[str, Any]:
    return {f"v_{name}": value for name, value in details.items()}


def _registration(write: _Write, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "nib": cleaned["nib"],
        **{name: cleaned.get(name) for name in DETAILS},
        "registered_by_centre_id": write.centre_id,
        "created_at": write.stamp,
        "updated_at": write.stamp,
        "version": 1,
    }


def _finish(write: _Write, *, removed: int, source: str) -> int:
    """Bring `umkm_reached` in line with the list, and record the write: its audit entry and
    its event. Returns the number of businesses on the list."""
    activity, principal = write.activity, write.principal
    reached = count(activity.id)
    if reached or removed:
        activity.umkm_reached = reached
    db.session.flush()
    audit.record(
        db.session(),
        actor=principal.actor,
        action="activity.attendance",
        subject_type="activity",
        subject_id=activity.id,
        after={
            "source": source,
            "added": write.imported,
            "removed": removed,
            "registered": write.registered,
            "updated": write.updated,
            "umkm_reached": reached,
        },
    )
    collaboration = activity.collaboration
    emit(
        db.session(),
        catalogue.AttendanceRecorded(
            activity_id=activity.id,
            collaboration_id=collaboration.id,
            centre_id=collaboration.centre_id,
            partner_id=collaboration.partner_id,
            umkm_reached=reached,
            added=write.imported,
            removed=removed,
            actor=principal.actor,
        ),
    )
    return reached
