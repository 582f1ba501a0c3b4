"""Throttles that a stranger cannot turn against an account's owner.

Failed sign-ins are counted per (account, client address) and per client address: past the
limit, that address is refused for that account (or for every account), while the owner
still signs in from anywhere else. Failures to one account from all addresses together only
raise an alarm (the ceiling), never a lock. Password-reset requests are counted per address.

Each key is one row of `throttle_counters`, updated in place by an upsert that returns the
new count, so the attempt that reaches a limit knows it is the one (even when two race); an
attempt refused by a throttle writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, literal, or_, select
from sqlalchemy.orm import Session

from events.types import UTCDateTime
from mitra.extensions import insert_or_skip
from mitra.models import ThrottleCounter, ThrottleScope

T = ThrottleCounter.__table__.c


@dataclass(frozen=True)
class LoginLimits:
    per_account_address: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    account_ceiling: int = 50  # failures to one account from anywhere: the owner and admins are told
    ceiling_window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class ResetLimits:
    per_address: int = 10
    window: timedelta = timedelta(hours=1)


DEFAULT_LIMITS = LoginLimits()
DEFAULT_RESET_LIMITS = ResetLimits()


@dataclass(frozen=True)
class Failure:
    """What one counted failure reached: the scopes whose limit it has just met."""

    throttled: tuple[str, ...]  # the scopes this failure closed for its address
    ceiling_reached: bool  # the account's ceiling, met by exactly this failure


def login_wait(
    session: Session, email: str, address: str, now: datetime, limits: LoginLimits = DEFAULT_LIMITS
) -> int | None:
    """Seconds until `address` may try `email` again, or None if it may try now."""
    rows = session.execute(
        select(T.scope, T.hits, T.window_start).where(
            or_(
                and_(T.scope == ThrottleScope.LOGIN_ACCOUNT_ADDRESS, T.email == email, T.address == address),
                and_(T.scope == ThrottleScope.LOGIN_ADDRESS, T.email == "", T.address == address),
            )
        )
    ).all()
    limit = {
        ThrottleScope.LOGIN_ACCOUNT_ADDRESS: limits.per_account_address,
        ThrottleScope.LOGIN_ADDRESS: limits.per_address,
    }
    waits = [_wait(hits, start, limit[scope], limits.window, now) for scope, hits, start in rows]
    pending = [w for w in waits if w is not None]
    return max(pending) if pending else None


def count_failure(
    session: Session,
    email: str,
    address: str,
    now: datetime,
    *,
    account_exists: bool,
    limits: LoginLimits = DEFAULT_LIMITS,
) -> Failure:
    """Count a failed sign-in (in the caller's transaction). The ceiling counts only accounts
    that exist: nobody is there to tell about the others."""
    # Always in this order (pair, address, account), so concurrent failures never deadlock.
    pair = _hit(session, ThrottleScope.LOGIN_ACCOUNT_ADDRESS, email, address, limits.window, now)
    anywhere = _hit(session, ThrottleScope.LOGIN_ADDRESS, "", address, limits.window, now)
    throttled = tuple(
        scope
        for scope, hits, limit in (
            (ThrottleScope.LOGIN_ACCOUNT_ADDRESS.value, pair, limits.per_account_address),
            (ThrottleScope.LOGIN_ADDRESS.value, anywhere, limits.per_address),
        )
        if hits == limit
    )
    ceiling = False
    if account_exists:
        hits = _hit(session, ThrottleScope.LOGIN_ACCOUNT, email, "", limits.ceiling_window, now)
        ceiling = hits == limits.account_ceiling
    return Failure(throttled, ceiling)


def forgive(session: Session, email: str, address: str) -> None:
    """A sign-in that succeeded forgives this address its failures for this account (not its
    failures elsewhere, nor the account's ceiling count)."""
    session.execute(
        delete(ThrottleCounter).where(
            T.scope == ThrottleScope.LOGIN_ACCOUNT_ADDRESS, T.email == email, T.address == address
        )
    )


def addresses_failing(
    session: Session, email: str, now: datetime, limits: LoginLimits = DEFAULT_LIMITS
) -> int:
    """How many client addresses failed to sign in to `email` within the ceiling window."""
    return (
        session.scalar(
            select(func.count()).where(
                T.scope == ThrottleScope.LOGIN_ACCOUNT_ADDRESS,
                T.email == email,
                T.last_at > now - limits.ceiling_window,
            )
        )
        or 0
    )


def reset_wait(
    session: Session, address: str, now: datetime, limits: ResetLimits = DEFAULT_RESET_LIMITS
) -> int | None:
    """Seconds until `address` may ask for a password reset again, or None if it may now."""
    row = session.execute(
        select(T.hits, T.window_start).where(
            T.scope == ThrottleScope.RESET_ADDRESS, T.email == "", T.address == address
        )
    ).first()
    return None if row is None else _wait(row.hits, row.window_start, limits.per_address, limits.window, now)


def count_reset(
    session: Session, address: str, now: datetime, limits: ResetLimits = DEFAULT_RESET_LIMITS
) -> None:
    _hit(session, ThrottleScope.RESET_ADDRESS, "", address, limits.window, now)


def _wait(hits: int, window_start: datetime, limit: int, window: timedelta, now: datetime) -> int | None:
    ends = window_start + window
    if hits < limit or ends <= now:
        return None
    return max(1, int((ends - now).total_seconds()) + 1)


def _hit(
    session: Session, scope: ThrottleScope, email: str, address: str, window: timedelta, now: datetime
) -> int:
    """One more hit on the key; the count in its window, this hit included."""
    at = literal(now, UTCDateTime())
    over = T.window_start <= literal(now - window, UTCDateTime())  # the old window has ended
    statement = insert_or_skip(session, ThrottleCounter.__table__).values(
        scope=scope.value, email=email, address=address, window_start=now, hits=1, last_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[T.scope, T.email, T.address],
        set_={
            "hits": case((over, 1), else_=T.hits + 1),
            "window_start": case((over, at), else_=T.window_start),
            "last_at": at,
        },
    ).returning(T.hits)
    return session.execute(statement).scalar_one()
