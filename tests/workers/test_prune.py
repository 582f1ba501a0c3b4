"""The nightly prune: what guards nothing any more goes, what still guards something stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from mitra.extensions import db
from mitra.models import ApiToken, IdempotentRequest, ThrottleCounter
from mitra.services.unit_of_work import UnitOfWork
from tests.factories import UserFactory
from workers.jobs import prune

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)  # 03:00 WIB, when the job runs


def _token(user, n: int, *, expires_at, revoked_at=None) -> ApiToken:
    return ApiToken(
        user_id=user.id,
        token_hash=f"{n:064x}",
        created_at=expires_at - timedelta(hours=12),
        expires_at=expires_at,
        revoked_at=revoked_at,
    )


def _counter(address: str, *, last_at) -> ThrottleCounter:
    return ThrottleCounter(
        scope="login_account_address",
        email="a@mitra.test",
        address=address,
        window_start=last_at - timedelta(minutes=3),
        hits=2,
        last_at=last_at,
    )


def test_prune_removes_stale_api_rows_and_keeps_live_ones(app):
    user = UserFactory()
    db.session.add_all(
        [
            _counter("10.0.0.1", last_at=NOW - timedelta(days=1, minutes=1)),  # guards nothing now
            _counter("10.0.0.2", last_at=NOW - timedelta(minutes=5)),  # still counting
            IdempotentRequest(
                user_id=user.id,
                key="old",
                fingerprint="f",
                status_code=201,
                created_at=NOW - timedelta(days=3),
            ),
            IdempotentRequest(
                user_id=user.id,
                key="fresh",
                fingerprint="f",
                status_code=201,
                created_at=NOW - timedelta(hours=2),
            ),
            _token(user, 1, expires_at=NOW - timedelta(days=40)),  # long expired
            _token(user, 2, expires_at=NOW + timedelta(days=1), revoked_at=NOW - timedelta(days=31)),
            _token(user, 3, expires_at=NOW - timedelta(days=2)),  # expired lately: kept a while
            _token(user, 4, expires_at=NOW + timedelta(hours=6)),  # live
        ]
    )
    db.session.commit()

    with UnitOfWork():  # as the job runner runs it
        pruned = prune(db.session, NOW)

    assert {k: pruned[k] for k in ("throttle_counters", "idempotent_requests", "api_tokens")} == {
        "throttle_counters": 1,
        "idempotent_requests": 1,
        "api_tokens": 2,
    }
    assert db.session.scalars(select(IdempotentRequest.key)).all() == ["fresh"]
    assert sorted(db.session.scalars(select(ApiToken.token_hash)).all()) == [f"{3:064x}", f"{4:064x}"]
    assert db.session.scalars(select(ThrottleCounter.address)).one() == "10.0.0.2"
    db.session.rollback()  # SQLite: the reads above hold the write lock the relay's prune needs
    with UnitOfWork():
        assert prune(db.session, NOW)["api_tokens"] == 0
