"""`emit_all`: many events staged with one statement, with the guarantee of `emit`."""

from __future__ import annotations

from sqlalchemy import func, select

from events.outbox import emit_all
from events.store import outbox
from mitra.extensions import db
from tests.e2e.conftest import accepted_event


def test_emit_all_commits_with_the_transaction_in_the_given_order(app):
    events = [accepted_event(n) for n in range(5)]
    emit_all(db.session, events)
    db.session.commit()

    rows = db.session.execute(select(outbox.c.event_id, outbox.c.type).order_by(outbox.c.id)).all()
    assert [row.event_id for row in rows] == [event.id for event in events]
    assert {row.type for row in rows} == {"mitra.collaboration.accepted"}


def test_emit_all_of_a_rolled_back_transaction_leaves_nothing(app):
    emit_all(db.session, [accepted_event(n) for n in range(3)])
    db.session.rollback()
    emit_all(db.session, [])
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(outbox)) == 0
