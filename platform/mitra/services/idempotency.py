"""Idempotent POSTs: the first answer to a key is kept and replayed to every retry.

The key is claimed in the same unit of work as the work it guards, so a retry either finds
the finished work's answer or finds nothing and does the work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from events.types import utcnow
from mitra.extensions import db
from mitra.models import IdempotentRequest
from mitra.services import unit_of_work

KEY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    headers: dict[str, str]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Same request, same fingerprint: JSON bodies compare by content, not by spacing."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode("utf-8", "surrogatepass"), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def find(user_id: int, key: str, *, clock: Callable[[], datetime] = utcnow) -> IdempotentRequest | None:
    """The live record of `key`; one past its lifetime is forgotten (and deleted)."""
    found = db.session.scalar(
        select(IdempotentRequest).where(IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)
    )
    if found is not None and found.created_at < clock() - KEY_LIFETIME:
        # Deleted in the caller's unit of work: the claim that follows reuses the key.
        db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == found.id))
        return None
    return found


def claim(user_id: int, key: str, request_fingerprint: str) -> IdempotentRequest | None:
    """Stage the claim in the current transaction: it commits with the work, or not at all.

    None when a concurrent request holds the key already (its row wins the unique key)."""
    record = IdempotentRequest(user_id=user_id, key=key, fingerprint=request_fingerprint)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return None
    return record


def remember(record: IdempotentRequest, status_code: int, body: str, headers: Mapping[str, str]) -> None:
    """Keep the answer the claimed request got, for its retries (committed with the work)."""
    record.status_code = status_code
    record.response_body = body
    record.response_headers = dict(headers)
    db.session.flush()


class Answer(Protocol):
    """What the guarded work returns: an HTTP response, as far as it is kept."""

    status_code: int

    def get_data(self, as_text: bool = ...) -> str | bytes: ...


A = TypeVar("A", bound=Answer)


def once(
    user_id: int,
    key: str,
    request_fingerprint: str,
    work: Callable[[], A],
    kept_headers: Callable[[A], Mapping[str, str]],
) -> A | IdempotentRequest | None:
    """Run `work` once per (user, key) in the running unit of work, and keep its answer.

    Returns the fresh answer, or the earlier record of this key for the caller to replay
    (None: a twin held the key a moment ago and failed, so there is nothing to replay yet).
    A failed answer (status >= 300) is not kept: the unit rolls back, the claim with it."""
    found = find(user_id, key)
    if found is not None:
        return found
    uow = unit_of_work.current()
    record = claim(user_id, key, request_fingerprint)
    if record is None:  # a concurrent twin holds the key: read its answer afresh
        uow.rollback()
        return find(user_id, key)
    try:
        answer = work()
    except Exception:
        uow.rollback()
        found = find(user_id, key)  # a concurrent twin may have won the key
        if found is not None:
            return found
        raise
    if answer.status_code < 300:
        remember(record, answer.status_code, str(answer.get_data(as_text=True)), kept_headers(answer))
    else:
        uow.rollback()
    return answer


def stored(record: IdempotentRequest) -> StoredResponse | None:
    if record.status_code is None:
        return None
    return StoredResponse(record.status_code, record.response_body or "", dict(record.response_headers or {}))
