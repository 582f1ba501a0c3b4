"""Signing in to the API: bearer tokens issued for a password, checked, and revoked.

One generic refusal covers an unknown e-mail, a wrong password and an inactive account;
failures are rate-limited per account and per client address; every sign-in and every
failure is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update

from events.types import utcnow
from mitra.extensions import db
from mitra.models import ApiToken, User
from mitra.security import ratelimit
from mitra.security.auth import ANONYMOUS
from mitra.security.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from mitra.security.tokens import new_token, token_hash
from mitra.services import audit
from mitra.services.errors import TooManyRequests, Unauthenticated

Clock = Callable[[], datetime]

DEFAULT_LIFETIME = timedelta(hours=12)
WRONG_CREDENTIALS = "the e-mail address or the password is wrong, or the account is not active"
INVALID_TOKEN = "the bearer token is missing, unknown, expired or revoked; request a new one"  # nosec B105  # an error message
# Writing last_used_at on every request would make every GET a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Built once: every API request runs it, and a reused statement keeps its cache key.
_USER_BY_TOKEN = (
    select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def sign_in(
    email: str,
    password: str,
    address: str,
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    limits: ratelimit.LoginLimits = ratelimit.DEFAULT_LIMITS,
    clock: Clock = utcnow,
) -> tuple[str, datetime]:
    """Check the password and issue a token: (the token, when it expires)."""
    email = email.strip().lower()[:254]
    address = (address or "unknown")[:64]
    now = clock()
    wait = ratelimit.retry_after(db.session, email, address, now, limits)
    if wait is not None:
        _failed(email, address, None, "throttled", now, count=False)
        raise TooManyRequests(f"too many failed sign-ins; try again in {wait} seconds", wait)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # Verify even for an unknown e-mail, so the answer takes as long either way.
    password_ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not password_ok or not user.is_active:
        reason = "unknown_email" if user is None else "wrong_password" if not password_ok else "inactive"
        _failed(email, address, user, reason, now, count=True)
        raise Unauthenticated(WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token, expires_at = issue(user, lifetime=lifetime, clock=clock)
    ratelimit.record(db.session, email, address, True, now)
    audit.record(
        db.session, actor=user.actor, action="auth.login", subject_type="user", subject_id=user.id,
        after={"via": "api_token", "address": address, "expires_at": expires_at.isoformat()},
    )
    db.session.commit()
    return token, expires_at


def issue(
    user: User, *, lifetime: timedelta = DEFAULT_LIFETIME, clock: Clock = utcnow
) -> tuple[str, datetime]:
    """A new token for `user`, in the caller's transaction (the caller commits)."""
    token = new_token()
    now = clock()
    expires_at = now + lifetime
    db.session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), created_at=now,
                            expires_at=expires_at))
    return token, expires_at


def authenticate(token: str | None, *, clock: Clock = utcnow) -> User:
    """The active user a valid token belongs to, or Unauthenticated.

    One query reads the user and the token's columns together; the token row itself is
    written (last_used_at) at most once per LAST_USED_RESOLUTION."""
    if not token:
        raise Unauthenticated(INVALID_TOKEN)
    now = clock()
    found = db.session.execute(_USER_BY_TOKEN, {"token_hash": token_hash(token)}).first()
    if found is None:
        raise Unauthenticated(INVALID_TOKEN)
    user, token_id, revoked_at, expires_at, last_used_at = found
    if revoked_at is not None or expires_at <= now or not user.is_active:
        raise Unauthenticated(INVALID_TOKEN)
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return user


def revoke(token: str, *, clock: Clock = utcnow) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated(INVALID_TOKEN)
    row.revoked_at = clock()
    audit.record(
        db.session, actor=row.user.actor, action="auth.token_revoked", subject_type="user",
        subject_id=row.user_id, after={"token_id": row.id},
    )
    db.session.commit()


def _failed(email: str, address: str, user: User | None, reason: str, now: datetime, count: bool) -> None:
    if count:
        ratelimit.record(db.session, email, address, False, now)
    audit.record(
        db.session, actor=ANONYMOUS, action="auth.login_failed", subject_type="user",
        subject_id=user.id if user else None,
        after={"email": email, "address": address, "reason": reason},
    )
    db.session.commit()
