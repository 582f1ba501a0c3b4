"""One unit of work per request, delivery or job: it commits once, or leaves nothing behind.

What is committed is read through a second connection, as another process would see it."""

import pytest
from sqlalchemy import func, select

from events.store import outbox
from mitra.extensions import db
from mitra.services import unit_of_work
from mitra.services.errors import Conflict, SignInRefused
from mitra.services.unit_of_work import UnitOfWork
from tests.e2e.conftest import accepted_event


def stored_events() -> int:
    """Outbox rows another connection sees: only what was committed."""
    with db.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(outbox))


@pytest.fixture
def fresh(app):
    db.session.rollback()  # the fixture's own reads hold no transaction (SQLite locks at BEGIN)
    return app


def test_a_clean_exit_commits_what_was_staged(fresh):
    with UnitOfWork() as uow:
        uow.emit(accepted_event(1))
        assert len(uow.events) == 1
    assert stored_events() == 1


def test_an_exception_leaves_nothing_behind(fresh):
    with pytest.raises(Conflict), UnitOfWork() as uow:
        uow.emit(accepted_event(2))
        uow.record(actor="system:test", action="test.step", subject_type="test", subject_id=None)
        raise Conflict("refused")
    assert stored_events() == 0


def test_a_refusal_that_is_its_own_record_keeps_what_it_wrote(fresh):
    with pytest.raises(SignInRefused), UnitOfWork() as uow:
        uow.emit(accepted_event(3))
        raise SignInRefused("wrong password")
    assert stored_events() == 1


def test_a_step_that_fails_undoes_only_itself(fresh):
    with UnitOfWork() as outer:
        outer.emit(accepted_event(4))
        with pytest.raises(Conflict), unit_of_work.step() as inner:
            inner.emit(accepted_event(5))
            raise Conflict("refused")
        with unit_of_work.step() as kept:
            kept.emit(accepted_event(6))
        assert len(outer.events) == 2  # the kept step's event joined the outer unit
    assert stored_events() == 2


def test_after_commit_hooks_run_once_committed_and_never_after_a_rollback(fresh):
    seen: list[int] = []
    with UnitOfWork() as uow:
        uow.emit(accepted_event(7))
        uow.after_commit(lambda: seen.append(stored_events()))
        assert seen == []
    assert seen == [1]  # the hook saw the committed row: no transaction was open for it

    with pytest.raises(RuntimeError), UnitOfWork() as uow:
        uow.after_commit(lambda: seen.append(-1))
        raise RuntimeError("boom")
    assert seen == [1]


def test_services_outside_any_unit_fail_loudly(fresh):
    with pytest.raises(RuntimeError, match="no unit of work"):
        unit_of_work.current()


def test_a_request_commits_as_its_view_returns_and_rolls_back_when_it_raises(fresh):
    @fresh.get("/api/_uow/ok")
    def ok():
        unit_of_work.current().emit(accepted_event(8))
        return "ok"

    @fresh.get("/api/_uow/refused")
    def refused():
        unit_of_work.current().emit(accepted_event(9))
        raise Conflict("refused")

    client = fresh.test_client()
    assert client.get("/api/_uow/ok").status_code == 200
    assert stored_events() == 1
    assert client.get("/api/_uow/refused").status_code == 409
    assert stored_events() == 1
