"""Signing in: credentials issued for a password, checked, listed and revoked.

Two kinds share one table: API bearer tokens (`API_TOKEN`) and web sessions (`WEB_SESSION`,
see web/session.py). Each is checked as its own kind only: a web session's id sent as a
bearer token is unknown to the API.

One generic refusal covers an unknown e-mail, a wrong password and an inactive account;
failures are throttled per (account, client address) and per client address, and failures to
one account from everywhere past its ceiling are mailed to its owner and the ministry admins
(security/ratelimit.py). Every sign-in and every counted failure is in the audit trail; an
attempt refused by a throttle writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, func, select, update

from events.types import utcnow
from mitra.extensions import db
from mitra.models import ApiToken, ThrottleScope, User
from mitra.models.api import API_TOKEN, WEB_SESSION
from mitra.security import ratelimit
from mitra.security.auth import ANONYMOUS
from mitra.security.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from mitra.security.tokens import new_token, token_hash
from mitra.services import audit, login_alerts, scoping, unit_of_work
from mitra.services.errors import NotFound, SignInRefused, TooManyRequests, Unauthenticated

Clock = Callable[[], datetime]
# (the account, its failures, from how many addresses, over what window)
CeilingAlert = Callable[[User, int, int, timedelta], None]

DEFAULT_LIFETIME = timedelta(hours=12)
WRONG_CREDENTIALS = "the e-mail address or the password is wrong, or the account is not active"
INVALID_TOKEN = "the bearer token is missing, unknown, expired or revoked; request a new one"  # nosec B105  # an error message
# Writing last_used_at on every request would make every GET a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Built once: every API request runs it, and a reused statement keeps its cache key.
_USER_BY_TOKEN = (
    select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.kind == bindparam("kind"))
)
KINDS = (API_TOKEN, WEB_SESSION)


def sign_in(
    email: str,
    password: str,
    address: str,
    *,
    kind: str = API_TOKEN,
    label: str | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    limits: ratelimit.LoginLimits = ratelimit.DEFAULT_LIMITS,
    clock: Clock = utcnow,
    alert: CeilingAlert = login_alerts.ceiling_reached,
) -> tuple[str, datetime]:
    """Check the password and issue a credential of `kind`: (the token, when it expires)."""
    email = email.strip().lower()[:254]
    address = (address or "unknown")[:64]
    now = clock()
    wait = ratelimit.login_wait(db.session(), email, address, now, limits)
    if wait is not None:
        # Raising rolls the unit of work back: a flood of refused attempts costs no rows.
        raise TooManyRequests(f"too many failed sign-ins; try again in {wait} seconds", wait)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # Verify even for an unknown e-mail, so the answer takes as long either way.
    password_ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if user is None or not password_ok or not user.is_active:
        reason = "unknown_email" if user is None else "wrong_password" if not password_ok else "inactive"
        _failed(email, address, user, reason, now, limits, alert)
        raise SignInRefused(WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token, expires_at = issue(user, kind=kind, label=label, lifetime=lifetime, clock=clock)
    ratelimit.forgive(db.session(), email, address)
    audit.record(
        db.session(),
        actor=user.actor,
        action="auth.login",
        subject_type="user",
        subject_id=user.id,
        after={
            "via": "api_token" if kind == API_TOKEN else "web_session",
            "address": address,
            "expires_at": expires_at.isoformat(),
        },
    )
    db.session.flush()
    return token, expires_at


def issue(
    user: User,
    *,
    kind: str = API_TOKEN,
    label: str | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
    clock: Clock = utcnow,
) -> tuple[str, datetime]:
    """A new credential for `user`, in the caller's transaction (the caller commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of credential {kind!r}")
    token = new_token()
    now = clock()
    expires_at = now + lifetime
    db.session.add(
        ApiToken(
            user_id=user.id,
            kind=kind,
            label=label or None,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token, expires_at


def authenticate(token: str | None, *, kind: str = API_TOKEN, clock: Clock = utcnow) -> User:
    """The active user a valid credential of `kind` belongs to, or Unauthenticated.

    One query reads the user and the token's columns together; the token row itself is
    written (last_used_at) at most once per LAST_USED_RESOLUTION."""
    if not token:
        raise Unauthenticated(INVALID_TOKEN)
    now = clock()
    found = db.session.execute(_USER_BY_TOKEN, {"token_hash": token_hash(token), "kind": kind}).first()
    if found is None:
        raise Unauthenticated(INVALID_TOKEN)
    user, token_id, revoked_at, expires_at, last_used_at = found
    if revoked_at is not None or expires_at <= now or not user.is_active:
        raise Unauthenticated(INVALID_TOKEN)
    if last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION:
        # Written in the request's unit of work, which commits with the request.
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return user


def revoke(token: str | None, *, kind: str = API_TOKEN, clock: Clock = utcnow) -> None:
    """End the credential `token` of `kind` (signing out, or an API client's own token)."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token or ""), ApiToken.kind == kind)
    )
    if row is None or row.revoked_at is not None:
        raise Unauthenticated(INVALID_TOKEN)
    _revoke(row, clock())
    db.session.flush()


API_TOKEN_SORTS = {
    "created_at": ApiToken.created_at,
    "expires_at": ApiToken.expires_at,
    "last_used_at": ApiToken.last_used_at,
}


def live_api_tokens(user: User, sort: str = "-created_at", *, clock: Clock = utcnow) -> Select:
    """`user`'s API tokens that still open the API (web sessions are not listed)."""
    statement = select(ApiToken).where(
        ApiToken.user_id == user.id,
        ApiToken.kind == API_TOKEN,
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > clock(),
    )
    return scoping.ordered(statement, API_TOKEN_SORTS, sort, ApiToken.id)


def revoke_api_token(user: User, token_id: int, *, clock: Clock = utcnow) -> None:
    """Revoke one of `user`'s live API tokens by its id; any other id is NotFound."""
    now = clock()
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.kind == API_TOKEN,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
    )
    if row is None:
        raise NotFound("token", token_id)
    _revoke(row, now)
    db.session.flush()


def _revoke(row: ApiToken, now: datetime) -> None:
    row.revoked_at = now
    audit.record(
        db.session(),
        actor=row.user.actor,
        action="auth.token_revoked",
        subject_type="user",
        subject_id=row.user_id,
        after={"token_id": row.id, "kind": row.kind},
    )


def _failed(
    email: str,
    address: str,
    user: User | None,
    reason: str,
    now: datetime,
    limits: ratelimit.LoginLimits,
    alert: CeilingAlert,
) -> None:
    failure = ratelimit.count_failure(
        db.session(), email, address, now, account_exists=user is not None, limits=limits
    )
    audit.record(
        db.session(),
        actor=ANONYMOUS,
        action="auth.login_failed",
        subject_type="user",
        subject_id=user.id if user else None,
        after={"email": email, "address": address, "reason": reason},
    )
    for scope in failure.throttled:  # once per window: the attempts refused from now on are not
        audit.record(
            db.session(),
            actor=ANONYMOUS,
            action="auth.login_throttled",
            subject_type="user",
            subject_id=user.id if user and scope == ThrottleScope.LOGIN_ACCOUNT_ADDRESS else None,
            after={"email": email, "address": address, "scope": scope},
        )
    addresses = 0
    if failure.ceiling_reached and user is not None:  # the ceiling counts only accounts
        addresses = ratelimit.addresses_failing(db.session(), email, now, limits)
        audit.record(
            db.session(),
            actor=ANONYMOUS,
            action="auth.login_ceiling_reached",
            subject_type="user",
            subject_id=user.id,
            after={"failures": limits.account_ceiling, "addresses": addresses},
        )
    if failure.ceiling_reached and user is not None:  # the ceiling counts only accounts
        unit_of_work.current().after_commit(
            lambda: alert(user, limits.account_ceiling, addresses, limits.ceiling_window)
        )
