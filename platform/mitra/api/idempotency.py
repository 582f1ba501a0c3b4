"""`Idempotency-Key` on POST: a retry gets the first answer and creates nothing new.

The key is per user; the same key with a different request (method, path or body) is a
client bug and answers 422. A retry arriving while the first request still runs answers 409.
"""

from __future__ import annotations

import re
from functools import wraps

from flask import current_app, g, request

from mitra.api.errors import ApiError
from mitra.models import IdempotentRequest
from mitra.services import idempotency
from mitra.services.errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
VALID_KEY = re.compile(r"^[!-~]{1,255}$")  # visible ASCII, as in a UUID or a random token
REPLAYED_HEADERS = ("Location", "ETag")

DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": VALID_KEY.pattern, "maxLength": 255},
    "description": "Any unique string (e.g. a UUID). Retrying with the same key returns the first "
    "response and creates nothing new; keys are kept for 24 hours.",
}


def idempotent(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not VALID_KEY.match(key):
            raise ApiError(
                400,
                f"{HEADER} must be 1 to 255 visible ASCII characters",
                {HEADER: ["must be 1 to 255 visible ASCII characters"]},
            )
        fingerprint = idempotency.fingerprint(request.method, request.path, request.get_data(cache=True))
        outcome = idempotency.once(
            g.api_user.id,
            key,
            fingerprint,
            lambda: current_app.make_response(view(*args, **kwargs)),
            _kept_headers,
        )
        if outcome is None or isinstance(outcome, IdempotentRequest):
            return _replay(outcome, fingerprint)
        return outcome

    return wrapper


def _kept_headers(response) -> dict[str, str]:
    return {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}


def _replay(found, fingerprint: str):
    if found is None:  # a twin held the key a moment ago, then failed and let it go
        raise Conflict(
            f"a request with this {HEADER} just failed; retry",
            {HEADER: ["retry"]},
            headers={"Retry-After": "1"},
        )
    if found.fingerprint != fingerprint:
        raise InvalidInput(
            f"this {HEADER} was used for a different request; use a new key for a new request",
            {HEADER: ["was used with a different method, path or body"]},
        )
    stored = idempotency.stored(found)
    if stored is None:
        raise Conflict(
            f"the first request with this {HEADER} is still running; retry in a moment",
            {HEADER: ["is in use by a request still running"]},
            headers={"Retry-After": "1"},
        )
    response = current_app.response_class(stored.body, status=stored.status_code, mimetype="application/json")
    response.headers.update(stored.headers)
    response.headers["Idempotent-Replayed"] = "true"
    return response
