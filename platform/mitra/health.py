"""`GET /healthz`: each dependency's state; 200 when all are up, 503 otherwise."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from mitra.extensions import db

bp = Blueprint("health", __name__)


def database_state() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # any failure means "down"; the message says why
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "error": str(exc)[:300]}


@bp.get("/healthz")
def healthz():
    checks = {"database": database_state()}
    ok = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if ok else "degraded", checks=checks), 200 if ok else 503
