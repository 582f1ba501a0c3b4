"""Idempotent POSTs: the first answer to a key is kept and replayed to every retry.

The key is claimed in the same transaction as the work it guards (the service's commit),
so a retry either finds the finished work's answer or finds nothing and does the work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from events.types import utcnow
from mitra.extensions import db
from mitra.models import IdempotentRequest

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
        db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == found.id))
        db.session.commit()
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


def remember(user_id: int, key: str, status_code: int, body: str, headers: Mapping[str, str]) -> None:
    """Keep the answer the claimed request got, for its retries."""
    record = find(user_id, key)
    if record is None:  # the work did not commit its claim (it failed): nothing to replay
        db.session.rollback()
        return
    record.status_code = status_code
    record.response_body = body
    record.response_headers = dict(headers)
    db.session.commit()


def stored(record: IdempotentRequest) -> StoredResponse | None:
    if record.status_code is None:
        return None
    return StoredResponse(record.status_code, record.response_body or "", dict(record.response_headers or {}))
