"""ETags and If-Match: a PATCH must prove it edits the version its client last read.

Choice: If-Match is required on every PATCH (428 when missing, 412 when stale) and optional
on the action POSTs (checked when sent). Collaborations and activities carry a version
counter; the registries hash their `updated_at`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import request

from mitra.services.errors import PreconditionFailed, PreconditionRequired
from mitra.services.lifecycle import Precondition

IF_MATCH_DOC = {
    "in": "header",
    "name": "If-Match",
    "schema": {"type": "string"},
    "description": "The ETag of the copy being changed, as returned by GET.",
}


def etag_of(record: Any) -> str:
    kind = type(record).__name__.lower()
    version = getattr(record, "version", None)
    if version is not None:
        return f"{kind}-{record.id}-v{version}"
    stamp = f"{kind}:{record.id}:{record.updated_at.isoformat()}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


def etag_header(record: Any) -> dict[str, str]:
    return {"ETag": f'"{etag_of(record)}"'}


def if_match(*, required: bool) -> Precondition:
    """A check the service runs on the record once loaded and authorised, in its transaction
    (so a record out of the user's scope still answers 404, whatever the headers say)."""
    sent = "If-Match" in request.headers
    tags = request.if_match

    def check(record: Any) -> None:
        if not sent:
            if required:
                raise PreconditionRequired(
                    "send If-Match with the ETag from your GET, so no one else's change is overwritten",
                    {"If-Match": ["is required"]},
                )
            return
        current = etag_of(record)
        if not tags.star_tag and not tags.contains(current):
            raise PreconditionFailed(
                f'the record changed since you read it (its ETag is now "{current}"); GET it again',
                {"If-Match": [f'does not match the current ETag "{current}"']},
            )

    return check


def doc(*, required: bool) -> dict:
    return {"parameters": [{**IF_MATCH_DOC, "required": required}]}
