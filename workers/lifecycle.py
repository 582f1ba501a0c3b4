"""The `lifecycle` job: collaborations start, are reminded of their end, and close.

Every run, in each centre's own calendar:
- `accepted` collaborations whose `starts_on` has come become `active`;
- the centre's managers of an `active` collaboration are reminded to close or extend it on
  its end date, and again 7 days before the automatic close (a milestone row under a unique
  key commits with the notifications, so each reminder is given once; a run that missed a
  day catches up for CATCH_UP_DAYS);
- an `active` collaboration `MITRA_AUTO_COMPLETE_DAYS` past its end, with no activity still
  planned, is completed with the summary AUTO_SUMMARY.
Transitions are taken set-based, a batch at a time: one UPDATE guarded by the state it
leaves (a row another run or a request moved meanwhile is not touched, so each is moved
once), its audit rows and its events, in one commit. The actor is `system:lifecycle`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, insert, select, update
from sqlalchemy.orm import Session

from events.catalogue import Event, EventType
from events.outbox import emit_all
from mitra.extensions import insert_or_skip
from mitra.models import (
    Activity,
    ActivityStatus,
    AuditEntry,
    Centre,
    Collaboration,
    CollaborationStatus,
    Milestone,
)
from mitra.services import lifecycle, notifications, reminders
from mitra.services.unit_of_work import UnitOfWork

S = CollaborationStatus
ACTOR = lifecycle.LIFECYCLE_ACTOR
AUTO_SUMMARY = "closed automatically: period ended"
BATCH = 1000
CATCH_UP_DAYS = 3
DEFAULT_AUTO_COMPLETE_DAYS = 30

_TABLE = Collaboration.__table__
# What an event of a transition says about its collaboration (lifecycle.event_data).
_EVENT_COLUMNS = (
    "id",
    "centre_id",
    "partner_id",
    "partnership_id",
    "title",
    "service_area",
    "starts_on",
    "ends_on",
    "respond_by",
    "target_umkm",
)


def run_lifecycle(session: Session, now_utc: datetime, auto_complete_days: int | None = None) -> dict:
    """The job: start, remind, close (see the module's docstring); each batch is a unit of work."""
    if auto_complete_days is None:
        auto_complete_days = int(
            current_app.config.get("MITRA_AUTO_COMPLETE_DAYS") or DEFAULT_AUTO_COMPLETE_DAYS
        )
    done: Counter = Counter()
    for today, zones in reminders.zones_by_local_date(now_utc).items():
        in_zones = _TABLE.c.centre_id.in_(select(Centre.id).where(Centre.zone.in_(zones)))
        done["activated"] += _move(
            session,
            "activate",
            now_utc,
            (_TABLE.c.status == S.ACCEPTED, _TABLE.c.starts_on <= today, in_zones),
        )
        for kind, offset in reminder_days(auto_complete_days):
            done[kind] += _remind(session, kind, offset, today, zones, now_utc)
        nothing_planned = ~exists().where(
            Activity.collaboration_id == _TABLE.c.id, Activity.status == ActivityStatus.PLANNED
        )
        done["completed"] += _move(
            session,
            "complete",
            now_utc,
            (
                _TABLE.c.status == S.ACTIVE,
                _TABLE.c.ends_on <= today - timedelta(days=auto_complete_days),
                in_zones,
                nothing_planned,
            ),
            closing_summary=AUTO_SUMMARY,
        )
    return dict(+done)


def reminder_days(auto_complete_days: int) -> tuple[tuple[str, int], ...]:
    """(kind, days after ends_on): the end date, and 7 days before the automatic close."""
    return (("collaboration-ended", 0), ("collaboration-closing-7d", max(1, auto_complete_days - 7)))


def _move(session: Session, verb: str, now: datetime, where: tuple, **values: Any) -> int:
    """Take `verb` on every collaboration matching `where`, BATCH per unit of work."""
    step = lifecycle.TRANSITIONS[verb]
    columns = [_TABLE.c[name] for name in _EVENT_COLUMNS]
    moved = 0
    while True:
        with UnitOfWork(session):  # a batch, its audit rows and its events: one commit
            ids = session.scalars(select(_TABLE.c.id).where(*where).order_by(_TABLE.c.id).limit(BATCH)).all()
            if not ids:
                break
            rows = session.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(ids), _TABLE.c.status.in_(step.sources))
                .values(status=step.target, version=_TABLE.c.version + 1, updated_at=now, **values)
                .returning(_TABLE.c.status, *columns)
            ).all()
            text = values.get("closing_summary")
            previous = step.sources[0]
            after = {"status": step.target, **({step.requires: text} if step.requires else {})}
            if rows:
                session.execute(
                    insert(AuditEntry.__table__),
                    [
                        {
                            "actor": ACTOR.actor,
                            "action": step.action,
                            "subject_type": "collaboration",
                            "subject_id": row.id,
                            "before": {"status": previous},
                            "after": after,
                            "at": now,
                        }
                        for row in rows
                    ],
                )
                emit_all(session, _events(step.event, [_event_data(row, previous, text) for row in rows]))
        moved += len(rows)
        if len(ids) < BATCH:
            break
    return moved


def _event_data(row, previous: str, text: str | None) -> dict[str, Any]:
    return {
        "collaboration_id": row.id,
        "centre_id": row.centre_id,
        "partner_id": row.partner_id,
        "partnership_id": row.partnership_id,
        "title": row.title,
        "service_area": row.service_area,
        "status": row.status,
        "previous_status": previous,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "respond_by": row.respond_by,
        "target_umkm": row.target_umkm,
        "actor": ACTOR.actor,
        "reason": text,
    }


def _events(event_type: EventType, rows: list[dict[str, Any]]) -> list[Event]:
    """The events of one batch. The first is made (and validated) by its type; the others
    share its shape and column types, so they take the same JSON form without running the
    schema again: validating every one cost ten times the batch's SQL."""
    first = event_type(**rows[0])
    made = [first]
    for data in rows[1:]:
        payload = {
            name: value.isoformat() if isinstance(value, date) else value for name, value in data.items()
        }
        made.append(Event(type=event_type, subject=event_type.subject.format(**payload), data=payload))
    if made[-1].data.keys() != first.data.keys():  # a shape the schema changed: validate all
        return [event_type(**data) for data in rows]
    return made


def _remind(
    session: Session, kind: str, offset: int, today: date, zones: tuple[str, ...], now: datetime
) -> int:
    """Tell the centre's managers of each active collaboration whose reminder day (ends_on +
    offset) came in the last CATCH_UP_DAYS; once each, by its milestone row."""
    last = today - timedelta(days=offset)
    with UnitOfWork(session):
        due = session.execute(
            select(Collaboration.id, Collaboration.centre_id, Collaboration.ends_on)
            .join(Centre, Centre.id == Collaboration.centre_id)
            .where(
                Collaboration.status == S.ACTIVE,
                Collaboration.ends_on.between(last - timedelta(days=CATCH_UP_DAYS), last),
                Centre.zone.in_(zones),
                ~exists().where(
                    Milestone.kind == kind,
                    Milestone.subject_type == "collaboration",
                    Milestone.subject_id == Collaboration.id,
                ),
            )
            .order_by(Collaboration.id)
        ).all()

    told = 0
    for ident, centre_id, ends_on in due:
        with UnitOfWork(session):  # the milestone with its notifications and their e-mail copies
            inserted = session.scalar(
                insert_or_skip(session, Milestone)
                .values(
                    kind=kind,
                    subject_type="collaboration",
                    subject_id=ident,
                    due_on=ends_on + timedelta(days=offset),
                    created_at=now,
                )
                .on_conflict_do_nothing()
                .returning(Milestone.id)
            )
            if inserted is not None:
                for user in notifications.centre_managers(session, centre_id):
                    notification = notifications.create(session, user, kind, ident, at=now)
                    reminders.stage_copy(session, notification, user, now)
                told += 1
    return told
