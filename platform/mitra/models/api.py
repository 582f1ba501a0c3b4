"""What the API keeps about its clients: bearer tokens, throttle counters, idempotent requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.types import BigIntPK, UTCDateTime, utcnow
from mitra.extensions import Model
from mitra.models.enums import one_of
from mitra.models.user import User

API_TOKEN, WEB_SESSION = "api", "session"


class ApiToken(Model):
    """A credential: an API bearer token (`kind` 'api') or a web session (`kind` 'session').
    Only its SHA-256 is stored, so a copy of the database opens nothing. Each kind opens only
    its own door: a web session's id sent as a bearer token is refused, and the reverse."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('api', 'session')", name="kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=API_TOKEN)
    label: Mapped[str | None] = mapped_column(String(100))  # the owner's name for an API token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ThrottleScope(StrEnum):
    """What a throttle counter counts (the key columns it uses)."""

    LOGIN_ACCOUNT_ADDRESS = "login_account_address"  # failed sign-ins: one account, one address
    LOGIN_ADDRESS = "login_address"  # failed sign-ins from one address, to any account
    LOGIN_ACCOUNT = "login_account"  # failed sign-ins to one account, from anywhere (the ceiling)
    RESET_ADDRESS = "reset_address"  # password-reset requests from one address


class ThrottleCounter(Model):
    """How often a key was hit in its current window: one row per key, updated in place.

    The window starts at the key's first hit and lasts the scope's window; the first hit after
    it ends starts a new one on the same row. A refused attempt writes nothing, so a flood
    cannot grow the table; `email` or `address` is '' when the scope does not key on it."""

    __tablename__ = "throttle_counters"
    __table_args__ = (
        UniqueConstraint("scope", "email", "address", name="uq_throttle_counters_key"),
        one_of("scope", ThrottleScope),
        CheckConstraint("hits > 0", name="hits_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scope: Mapped[str] = mapped_column(String(24))
    email: Mapped[str] = mapped_column(String(254), default="")  # as typed, lower-cased
    address: Mapped[str] = mapped_column(String(64), default="")
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    hits: Mapped[int] = mapped_column(default=1)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class IdempotentRequest(Model):
    """The first answer to a POST carrying an `Idempotency-Key`, replayed to its retries."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_requests_user_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body
    status_code: Mapped[int | None]  # None while the first request is still running
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
