"""The mail sender: the e-mail ledger's steps (`mitra.services.reminders`), each in a unit of
work of its own, in the order that makes a send safe.

1. take the row (`pending|failed -> sending`) and commit: a second sender now skips it;
2. compose it, and commit (nothing is written, but no transaction stays open while SMTP
   talks: on SQLite it would hold the write lock);
3. send, outside any transaction;
4. record the outcome (`sent` with its ReminderSent event, `failed` with the next retry, or
   `unknown`) and commit.
A sender that dies between 1 and 4 leaves the row `sending`; `release_stuck` hands it to an
operator later, because whether the message left is unknown. A job that sends runs without
a job-wide unit (`Job.steps`): a unit around the whole run would make each step a
savepoint, and the mail would leave before its claim was committed.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from mitra.models import ReminderStatus as R
from mitra.services import mail, reminders
from mitra.services.mail import SendAmbiguous, SendFailed, Transport
from mitra.services.reminders import MailPolicy, Window
from mitra.services.unit_of_work import UnitOfWork

log = logging.getLogger("mitra.reminders")
MAX_ROUNDS = 1000  # batches per run: a backlog beyond that waits for the next run


def claim_digests(session: Session, now: datetime, windows: list[Window]) -> int:
    """One digest row per user with held rows, at the reminder hour of the user's zone; each
    user's claim is its own commit."""
    claimed = 0
    for window in windows:
        with UnitOfWork(session):
            waiting = reminders.waiting_for_digest(session, now, window)
        for user_id in waiting:
            with UnitOfWork(session):
                claimed += reminders.claim_digest(session, user_id, now, window)
    return claimed


def dispatch(
    session: Session, now: datetime, transport: Transport | None = None, policy: MailPolicy | None = None
) -> Counter:
    """Send every row due by `now` (pending, or failed and due for a retry)."""
    policy = policy or MailPolicy.from_config(current_app.config)
    own_transport = transport is None
    transport = transport or mail.transport_from(current_app.config)
    with UnitOfWork(session):
        counts: Counter = Counter(unknown=reminders.release_stuck(session, now, policy))
    try:
        for _round in range(MAX_ROUNDS):
            with UnitOfWork(session):
                ids = reminders.due(session, now, policy.batch_size)
            for ident in ids:
                counts[send_one(session, ident, now, transport, policy)] += 1
            if len(ids) < policy.batch_size:
                break
    finally:
        if own_transport:
            transport.close()
    return +counts


def send_one(session: Session, ident: int, now: datetime, transport: Transport, policy: MailPolicy) -> str:
    """Take the row, send it, record the outcome (see the module's docstring); the new status."""
    with UnitOfWork(session):
        if not reminders.take(session, ident, now):
            return "skipped"  # another sender has it, or it changed meanwhile
    with UnitOfWork(session):
        taken = reminders.prepare(session, ident, now)
    if taken.message is None:
        with UnitOfWork(session):
            if taken.error is None:
                return reminders.finish(session, ident, now, status=R.CANCELLED, last_error="no longer due")
            return reminders.record_failure(session, taken, now, taken.error, False, policy)
    try:
        transport.send(taken.message)
    except SendAmbiguous as exc:
        log.error("reminder %s: outcome unknown, flagged for an operator: %s", ident, exc)
        with UnitOfWork(session):
            return reminders.finish(session, ident, now, status=R.UNKNOWN, last_error=str(exc))
    except SendFailed as exc:
        with UnitOfWork(session):
            return reminders.record_failure(session, taken, now, str(exc), exc.permanent, policy)
    with UnitOfWork(session):
        return reminders.record_sent(session, taken, now)
