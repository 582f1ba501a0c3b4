"""`GET /healthz`: 200 `{"status": "ok"}` when every dependency is up, else 503
`{"status": "unavailable"}`, to anyone (load balancers, probes). Each dependency's state
(`checks`: database, outbox backlog, broker) names backends, addresses and errors, so only
a ministry admin's API token or `Authorization: Bearer <MITRA_HEALTH_TOKEN>` sees it."""

from __future__ import annotations

import hmac
import time

from flask import Blueprint, current_app, jsonify, request
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy import text

from events.broker import connect
from mitra.extensions import db
from mitra.models import Role
from mitra.security.tokens import bearer_token
from mitra.services import event_ops, tokens, unit_of_work

bp = Blueprint("health", __name__)

_BROKER_CACHE_SECONDS = 5.0
_broker_cache: dict[str, tuple[float, dict]] = {}


def database_state() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the message says why
        unit_of_work.current().rollback()  # a failed check leaves the session unusable
        return {"ok": False, "backend": db.engine.dialect.name, "error": str(exc)[:300]}


def broker_state(url: str) -> dict:
    """Can we reach the broker? Cached briefly so a busy prober does not flood it."""
    cached = _broker_cache.get(url)
    if cached and time.monotonic() - cached[0] < _BROKER_CACHE_SECONDS:
        return cached[1]
    state = {"url": maybe_sanitize_url(url)}
    try:
        with connect(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel  # noqa: B018 - opening a channel proves the broker answers
        state["ok"] = True
    except Exception as exc:  # noqa: BLE001
        state.update(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
    _broker_cache[url] = (time.monotonic(), state)
    return state


def outbox_state() -> dict:
    try:
        backlog, oldest = event_ops.backlog(db.session())
    except Exception as exc:  # noqa: BLE001
        unit_of_work.current().rollback()  # a failed check leaves the session unusable
        return {"ok": False, "error": str(exc)[:300]}
    return {"ok": True, "backlog": backlog, "oldest_unpublished": oldest.isoformat() if oldest else None}


def may_see_checks(authorization: str | None) -> bool:
    """The operator's health token (compared in constant time), or a ministry admin's API
    token. Anything else, a wrong token included, gets the short answer."""
    supplied = bearer_token(authorization)
    if not supplied:
        return False
    expected = current_app.config.get("MITRA_HEALTH_TOKEN")
    if expected and hmac.compare_digest(supplied.encode("utf-8", "surrogatepass"), expected.encode()):
        return True
    try:
        user = tokens.authenticate(supplied)
    except Exception:  # noqa: BLE001 - unknown token, or the database is down: no details
        unit_of_work.current().rollback()  # a failed check leaves the session unusable
        return False
    return user.role == Role.MINISTRY_ADMIN


@bp.get("/healthz")
def healthz():
    checks = {"database": database_state()}
    checks["outbox"] = outbox_state() if checks["database"]["ok"] else {"ok": False}
    checks["broker"] = broker_state(current_app.config["BROKER_URL"])
    unit_of_work.current().rollback()  # the checks wrote nothing; hold no transaction meanwhile
    ok = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if ok else "unavailable"}
    if may_see_checks(request.headers.get("Authorization")):
        body["checks"] = checks
    return jsonify(body), 200 if ok else 503, {"Cache-Control": "no-store"}
