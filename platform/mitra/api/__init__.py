"""The REST API under /api/v1 (flask-smorest): its OpenAPI document at /api/v1/openapi.json,
its reference page at /api/docs, bearer-token authentication and JSON errors."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from mitra.api.errors import ErrorSchema, register_error_handlers

SPEC_OPTIONS = {
    "info": {
        "description": "Collaborations between Indonesia's PLUT-KUMKM centres and their partners. "
        "Errors are JSON {code, status, message, errors: {field: [messages]}}. Lists take page, "
        "per_page (at most 100) and sort (a field, '-' first for descending) and answer "
        "{items, total, page, per_page}. PATCH needs If-Match with the ETag from GET (428 without, "
        "412 when stale). POSTs accept an Idempotency-Key header.",
    },
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


class MitraApi(Api):
    ERROR_SCHEMA = ErrorSchema


def init_api(app: Flask) -> None:
    from mitra.api import (
        activities,
        agreements,
        attachments,
        attendance,
        auth,
        centres,
        collaborations,
        docs,
        notifications,
        outcomes,
        partners,
        stats,
        umkm,
    )

    app.config.setdefault("API_TITLE", "Mitra API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)

    api = MitraApi(app)
    blueprints = (
        auth.blp,
        centres.blp,
        partners.blp,
        partners.partnerships_blp,
        collaborations.blp,
        activities.blp,
        agreements.blp,
        umkm.blp,
        outcomes.blp,
        stats.blp,
        notifications.blp,
        attachments.blp,
        attendance.blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    app.before_request(auth.gate(frozenset(b.name for b in blueprints)))
    register_error_handlers(app)
