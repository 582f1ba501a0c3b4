"""One unit of work per request, delivery or job: one transaction that commits once or not at all.

The caller that starts the work (the app for a request, the worker for a delivery, the
scheduler for a job, a command for the CLI) opens a `UnitOfWork`; the services it calls
write through the session it holds, record audit entries and stage outbox events on it, and
never commit. Leaving the block commits; an exception rolls everything back, the idempotency
claim, audit rows and staged events included, so nothing half-done is ever stored.

A `UnitOfWork` opened while another is running is a step inside it (a SAVEPOINT): a web form
that shows a refused action on the same page rolls back just that step and keeps the
request's own writes (a login attempt counted, a token's last use).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from events.catalogue import Event
from events.outbox import emit as _emit
from mitra.extensions import db
from mitra.services import audit

_current: ContextVar[UnitOfWork | None] = ContextVar("mitra_unit_of_work", default=None)


class UnitOfWork:
    """`with UnitOfWork() as uow:` ... commits on a clean exit, rolls back on an exception."""

    def __init__(self, session: Session | scoped_session | None = None, *, actor: str | None = None):
        # The scoped proxy (`db.session`) stands for this thread's session: hold that one.
        self._session = session() if isinstance(session, scoped_session) else session
        self.actor = actor
        self.audited: list[dict[str, Any]] = []
        self.events: list[Event] = []
        self._after_commit: list[Callable[[], None]] = []
        self.outer: UnitOfWork | None = None
        self._step: SessionTransaction | None = None
        self._token: Token[UnitOfWork | None] | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self.outer.session if self.outer is not None else db.session()
        return self._session

    def __enter__(self) -> UnitOfWork:
        self.outer = _current.get()
        if self.outer is not None:
            if self.actor is None:
                self.actor = self.outer.actor
            self._step = self.session.begin_nested()
        self._token = _current.set(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._token is not None:
            _current.reset(self._token)
        self.end(exc)

    def end(self, exc: BaseException | None = None) -> None:
        """Commit, unless `exc` says the work failed; a refusal that is itself the record
        (a failed sign-in counted: `keeps_writes`) commits what it wrote."""
        if exc is None or getattr(exc, "keeps_writes", False):
            self.commit()
        else:
            self.rollback()

    @property
    def is_step(self) -> bool:
        return self.outer is not None

    def commit(self) -> None:
        """Flush, then commit (a step: release its savepoint and hand what it wrote outward).

        The session's objects are not expired: they hold what was just committed, and what
        is read from them next comes from memory instead of one reload per row."""
        if self._step is not None and self.outer is not None:
            if self._step.is_active:
                self._step.commit()
            self.outer.audited.extend(self.audited)
            self.outer.events.extend(self.events)
            self.outer._after_commit.extend(self._after_commit)
            self._forget()
            return
        session = self.session
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire
        hooks = self._after_commit
        self._forget()
        for hook in hooks:  # after the commit: no transaction stays open while SMTP talks
            hook()

    def rollback(self) -> None:
        """Undo everything written in this unit (a step: only what the step wrote)."""
        if self._step is not None:
            if self._step.is_active:
                self._step.rollback()
        else:
            self.session.rollback()
        self._forget()

    def record(self, **entry: Any) -> None:
        """An audit entry, written in this unit's transaction (see `audit.record`)."""
        audit.record(self.session, **entry)
        self.audited.append(entry)

    def emit(self, event: Event) -> Event:
        """Stage `event` in the outbox: the relay publishes it once this unit commits."""
        _emit(self.session, event)
        self.events.append(event)
        return event

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once this unit has committed (never if it rolls back)."""
        self._after_commit.append(hook)

    def _forget(self) -> None:
        self.audited = []
        self.events = []
        self._after_commit = []


def current() -> UnitOfWork:
    """The unit of work running now; services that need it outside a request fail loudly."""
    found = _current.get()
    if found is None:
        raise RuntimeError("no unit of work is open: wrap the call in `with UnitOfWork():`")
    return found


def running() -> UnitOfWork | None:
    return _current.get()


@contextmanager
def step() -> Iterator[UnitOfWork]:
    """A savepoint inside the running unit: what the block writes is undone if it raises."""
    with UnitOfWork() as inner:
        yield inner


def init_app(app: Flask) -> None:
    """Every request runs in one unit of work, from the first `before_request` (which loads
    the caller and may note its token's last use) to the end of the view, the rendered page
    or serialised body included. It commits as the view returns, so a failing commit reaches
    the error handlers like any other error; an exception rolls it back before they run, so
    the page they render reads a clean session and stores nothing of the failed work."""
    full_dispatch = app.full_dispatch_request
    dispatch = app.dispatch_request
    handle_user_exception = app.handle_user_exception

    def full_dispatch_request():
        with UnitOfWork():
            return full_dispatch()

    def dispatch_request():
        response = dispatch()
        current().commit()
        return response

    def handle_user_exception_after_rollback(exc):
        current().end(exc)
        return handle_user_exception(exc)

    app.full_dispatch_request = full_dispatch_request  # type: ignore[method-assign]
    app.dispatch_request = dispatch_request  # type: ignore[method-assign]
    app.handle_user_exception = handle_user_exception_after_rollback  # type: ignore[method-assign]
