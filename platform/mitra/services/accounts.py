"""User accounts: creating and listing them (the CLI), and a person's own account: password
change, password reset by e-mailed link, preferences.

A reset link is signed (itsdangerous), expires after an hour and works once: it carries a
fingerprint of the password hash, which the reset itself changes. An account gets at most
RESET_MAILS_PER_HOUR reset e-mails an hour, so the form cannot flood someone's mailbox, and
one client address may ask ratelimit.ResetLimits.per_address times an hour, whatever it asks
for (a refusal that says nothing about any account).
Changing or resetting a password ends every other session and revokes every API token of
the account.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from events.types import utcnow
from mitra.extensions import changed_rows, db
from mitra.models import ApiToken, AuditEntry, Centre, EmailPreference, Language, Partner, Role, User
from mitra.models.enums import INDONESIAN_ZONES
from mitra.security import ratelimit
from mitra.security.passwords import MIN_LENGTH, hash_password, verify_password
from mitra.security.tokens import token_hash
from mitra.services import audit, lifecycle, unit_of_work
from mitra.services.errors import InvalidInput, TooManyRequests

RESET_SALT = "mitra.password-reset"
RESET_MAX_AGE_SECONDS = 3600
RESET_MAILS_PER_HOUR = 3
RESET_REQUESTED = "user.password_reset_requested"
log = logging.getLogger("mitra.accounts")
PROFILE_FIELDS = ("name", "language", "zone", "email_preference")


class AccountError(ValueError):
    """The account cannot be created as asked; the message says why."""


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    centre_code: str | None = None,
    partner_name: str | None = None,
    language: str = "id",
    zone: str | None = None,
    actor: str = "system:cli",
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}, not {role!r}")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password needs at least {MIN_LENGTH} characters")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"a user with e-mail {email} exists already")
    centre = partner = None
    if role == Role.CENTRE_MANAGER:
        if not centre_code or partner_name:
            raise AccountError("a centre manager needs --centre CODE and no --partner")
        centre = db.session.scalar(select(Centre).where(Centre.code == centre_code))
        if centre is None:
            raise AccountError(f"no centre has code {centre_code!r} (see `mitra centres list`)")
    elif role == Role.PARTNER_USER:
        if not partner_name or centre_code:
            raise AccountError("a partner user needs --partner NAME and no --centre")
        partner = db.session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            raise AccountError(f"no partner is named {partner_name!r}")
    elif centre_code or partner_name:
        raise AccountError("a ministry admin is bound to no centre and no partner")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        centre=centre,
        partner=partner,
        language=language,
        zone=zone or (centre.zone if centre else "Asia/Jakarta"),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        db.session(),
        actor=actor,
        action="user.created",
        subject_type="user",
        subject_id=user.id,
        after={"email": email, "role": role},
    )
    db.session.flush()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


class ResetLinkInvalid(Exception):
    """The link is forged, expired, or was used already."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def check_new_password(password: str, field: str = "new_password") -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput.field(field, f"needs at least {MIN_LENGTH} characters")


def end_sessions(user: User, keep_token: str | None = None) -> int:
    """Revoke the account's sessions and API tokens, except `keep_token` (in the caller's unit of work)."""
    statement = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep_token:
        statement = statement.where(ApiToken.token_hash != token_hash(keep_token))
    return changed_rows(db.session(), statement.values(revoked_at=utcnow())) or 0


def change_password(user: User, current: str, new: str, keep_token: str | None = None) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidInput.field("current_password", "is wrong")
    check_new_password(new)
    user.password_hash = hash_password(new)
    ended = end_sessions(user, keep_token)
    audit.record(
        db.session(),
        actor=user.actor,
        action="user.password_changed",
        subject_type="user",
        subject_id=user.id,
        after={"sessions_ended": ended},
    )


def request_reset(
    email: str,
    notify: Callable[[User, str], None],
    address: str = "unknown",
    limits: ratelimit.ResetLimits = ratelimit.DEFAULT_RESET_LIMITS,
) -> None:
    """If an active account has this e-mail, hand it a reset token through `notify`; say
    nothing either way (no account enumeration). TooManyRequests when `address` asked too
    often, decided before any account is looked at."""
    email = email.strip().lower()
    address = (address or "unknown")[:64]
    now = utcnow()
    wait = ratelimit.reset_wait(db.session(), address, now, limits)
    if wait is not None:  # raising rolls back: a flood of refused requests costs no rows
        raise TooManyRequests(f"too many password-reset requests; try again in {wait} seconds", wait)
    ratelimit.count_reset(db.session(), address, now, limits)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.is_active:
        return
    if _resets_in_the_last_hour(user) >= RESET_MAILS_PER_HOUR:
        log.warning(
            "password reset for user %s not sent: %d already in the last hour", user.id, RESET_MAILS_PER_HOUR
        )
        return  # the page says the same: nothing tells the requester
    token = _serializer().dumps([user.id, _fingerprint(user)])
    audit.record(
        db.session(), actor=user.actor, action=RESET_REQUESTED, subject_type="user", subject_id=user.id
    )
    unit_of_work.current().after_commit(lambda: notify(user, token))


def _resets_in_the_last_hour(user: User) -> int:
    """Reset e-mails handed out in the last hour, counted in the audit trail (its
    (subject_type, subject_id) index finds the account's entries)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.subject_type == "user",
                AuditEntry.subject_id == user.id,
                AuditEntry.action == RESET_REQUESTED,
                AuditEntry.at > utcnow() - timedelta(hours=1),
            )
        )
        or 0
    )


def user_for_reset(token: str, max_age: int = RESET_MAX_AGE_SECONDS) -> User:
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise ResetLinkInvalid from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or fingerprint != _fingerprint(user):
        raise ResetLinkInvalid
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset(token)
    check_new_password(new)
    user.password_hash = hash_password(new)
    ended = end_sessions(user)
    audit.record(
        db.session(),
        actor=user.actor,
        action="user.password_reset",
        subject_type="user",
        subject_id=user.id,
        after={"sessions_ended": ended},
    )
    db.session.flush()
    return user


def update_profile(user: User, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Name, language, zone and e-mail preference; audited when anything changed."""
    checks = {
        "language": {lang.value for lang in Language},
        "zone": set(INDONESIAN_ZONES),
        "email_preference": {pref.value for pref in EmailPreference},
    }
    for field, allowed in checks.items():
        if field in changes and changes[field] not in allowed:
            raise InvalidInput.field(field, f"must be one of {', '.join(sorted(allowed))}")
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidInput.field("name", "is required")
    return lifecycle.edit(user, user, "user", changes, PROFILE_FIELDS)
