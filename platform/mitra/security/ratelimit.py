"""Failed-login limits per account and per client address, counted over a sliding window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mitra.models import LoginAttempt


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


DEFAULT_LIMITS = LoginLimits()


def retry_after(
    session: Session, email: str, address: str, now: datetime, limits: LoginLimits = DEFAULT_LIMITS
) -> int | None:
    """Seconds until `email` from `address` may try again, or None if it may try now."""
    since = now - limits.window
    # A successful login forgives the account's earlier failures, not the address's.
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since
        )
    )
    waits = [
        _wait(session, LoginAttempt.email == email, max(since, last_success or since),
              limits.per_account, limits.window, now),
        _wait(session, LoginAttempt.address == address, since, limits.per_address, limits.window, now),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None


def _wait(session, criterion, since, limit, window, now) -> int | None:
    # The `limit` most recent failures: once the oldest of them leaves the window, one more try.
    recent = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(criterion, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        )
    )
    if len(recent) < limit:
        return None
    return max(1, int((recent[-1] + window - now).total_seconds()) + 1)


def record(session: Session, email: str, address: str, succeeded: bool, now: datetime) -> None:
    session.add(LoginAttempt(email=email, address=address, succeeded=succeeded, at=now))
