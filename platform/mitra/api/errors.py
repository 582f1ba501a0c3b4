"""Every API error is one JSON shape: {"code", "status", "message", "errors": {field: [...]}}.

The handlers answer for paths under /api only; the web pages keep Flask's own error pages.
No exception escapes as an HTML 500: the catch-all answers in JSON. The request's unit of
work has rolled back before any handler runs (`services.unit_of_work.init_app`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, request
from marshmallow import Schema, fields
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from mitra.services.errors import ServiceError

log = logging.getLogger("mitra.api")

API_PREFIX = "/api/"


class ErrorSchema(Schema):
    """The body of every error response."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for a person"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Messages per offending field (empty when no field is to blame)"},
    )


class ApiError(ServiceError):
    """An HTTP-level refusal raised by the API layer itself (body, headers)."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message, errors, headers)
        self.status = status


def error_response(
    status: int,
    message: str,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    extra: Mapping[str, Any] | None = None,  # more keys a refusal's own schema declares
):
    body = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
        "errors": flatten(errors or {}),
        **(extra or {}),
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten(errors: Mapping[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"dotted.field": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    for name, messages in errors.items():
        key = f"{prefix}{name}"
        if isinstance(messages, Mapping):
            flat.update(flatten(messages, f"{key}."))
        elif isinstance(messages, list | tuple):
            for message in messages:
                if isinstance(message, Mapping):
                    flat.update(flatten(message, f"{key}."))
                else:
                    flat.setdefault(key, []).append(str(message))
        else:
            flat.setdefault(key, []).append(str(messages))
    return flat


def summary(errors: Mapping[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())


def _webargs_errors(exc: HTTPException) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {...}, "query": {...}}): drop that level."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("errors") or data.get("messages") or {}
    merged: dict[str, Any] = {}
    for location, per_field in messages.items():
        if isinstance(per_field, Mapping):
            merged.update(per_field)
        else:
            merged[location] = per_field
    return flatten(merged)


def _is_api() -> bool:
    return request.path.startswith(API_PREFIX)


def handle_http_exception(exc: HTTPException):
    if not _is_api():
        return exc
    errors = _webargs_errors(exc)
    data = getattr(exc, "data", None) or {}
    if errors and exc.code in (400, 422):
        message = "invalid input: " + summary(errors)
    else:
        message = data.get("message") or exc.description or HTTPStatus(exc.code or 500).phrase
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return error_response(exc.code or 500, message, errors, headers)


def handle_service_error(exc: ServiceError):
    headers = dict(exc.headers)
    if exc.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="mitra"')
    return error_response(exc.status, exc.message, exc.errors, headers)


def handle_stale(_exc: StaleDataError):
    return error_response(409, "the record was changed by someone else meanwhile; fetch it and retry")


def db_reason(orig: BaseException | None) -> str:
    """What a driver's error says, without the values it may quote: PostgreSQL's DETAIL
    ("Key (email)=(...)", "Failing row contains (...)") and some first lines ("invalid input
    syntax ...: "<value>"") carry the row, which may be personal data and never goes in a
    log. psycopg's errors name their SQLSTATE, table, column and constraint; SQLite's
    messages ("UNIQUE constraint failed: umkm.nib") name only the schema."""
    diag = getattr(orig, "diag", None)
    if diag is not None:
        named = (
            ("sqlstate", getattr(orig, "sqlstate", None)),
            ("table", diag.table_name),
            ("column", diag.column_name),
            ("constraint", diag.constraint_name),
        )
        return " ".join(f"{key}={value}" for key, value in named if value)
    return str(orig).splitlines()[0] if orig is not None else ""


def handle_integrity(exc: IntegrityError):
    log.warning("integrity error reached the API: %s", db_reason(exc.orig))
    return error_response(409, "the request conflicts with data stored meanwhile; fetch and retry")


def handle_data_error(exc: DataError):
    log.warning("data error reached the API: %s", db_reason(exc.orig))
    return error_response(422, "a value does not fit what the database can store")


def handle_operational(exc: OperationalError):
    log.error("database unavailable: %s", db_reason(exc.orig))
    return error_response(
        503, "the database is busy or unavailable; retry shortly", headers={"Retry-After": "5"}
    )


def handle_unexpected(exc: Exception):
    if not _is_api():
        raise exc
    log.exception("unhandled error in %s %s", request.method, request.path)
    return error_response(500, "an unexpected error occurred; it has been logged")


def register_error_handlers(app: Flask) -> None:
    """Registered after flask-smorest's own, which they replace."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceError, _api_only(handle_service_error))
    app.register_error_handler(StaleDataError, _api_only(handle_stale))
    app.register_error_handler(IntegrityError, _api_only(handle_integrity))
    app.register_error_handler(DataError, _api_only(handle_data_error))
    app.register_error_handler(OperationalError, _api_only(handle_operational))
    app.register_error_handler(Exception, handle_unexpected)


def _api_only(handler):
    def handle(exc):
        if not _is_api():
            raise exc
        return handler(exc)

    handle.__name__ = handler.__name__
    return handle
