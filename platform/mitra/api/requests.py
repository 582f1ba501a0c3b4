"""Request paths and bodies, checked once before any view sees them: the records a path
names must be in the caller's scope (else 404), and bodies must be JSON objects in UTF-8.

A body that is not JSON answers 415; one that is not UTF-8, not JSON or not an object
answers 400 saying exactly why; one over MAX_JSON_BYTES answers 413 (MAX_CONTENT_LENGTH, the
larger limit a file upload needs, Werkzeug enforces on reading). The parsed object is what
webargs then loads through the view's schema. A view marked `takes_upload` reads a multipart
body of its own instead.
"""

from __future__ import annotations

import json

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import RAISE
from webargs import core
from webargs.flaskparser import FlaskParser

from mitra.api.errors import ApiError
from mitra.services import scoping, umkm
from mitra.services.errors import NotFound

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def check_json_body() -> None:
    """Parse the body of a POST, PUT or PATCH into `g.json_body` (absent when empty)."""
    g.json_body = core.missing
    if request.method not in BODY_METHODS:
        return
    limit = current_app.config.get("MAX_JSON_BYTES")
    if limit and (request.content_length or 0) > limit:
        raise ApiError(413, f"the body is larger than {limit} bytes")
    raw = request.get_data(cache=True)  # 413 here when over MAX_CONTENT_LENGTH
    if not raw:
        return
    if limit and len(raw) > limit:  # sent without a Content-Length (chunked)
        raise ApiError(413, f"the body is larger than {limit} bytes")
    if not core.is_json(request.mimetype):
        sent = request.mimetype or "no Content-Type"
        raise ApiError(
            415,
            f"the body must be JSON (Content-Type: application/json), not {sent}",
            {"Content-Type": [f"{sent} is not supported; use application/json"]},
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8"
        raise ApiError(400, f"the body is not valid UTF-8: {problem}", {"body": [problem]}) from None
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        problem = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        raise ApiError(400, f"the body is not valid JSON: {problem}", {"body": [problem]}) from None
    except (ValueError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ApiError(400, f"the body is not valid JSON: {problem}", {"body": [problem]}) from None
    if not isinstance(body, dict):
        kind = type(body).__name__.replace("dict", "object").replace("list", "array")
        raise ApiError(
            400, f"the body must be a JSON object, not a JSON {kind}", {"body": ["must be a JSON object"]}
        )
    g.json_body = body


def check_path_ids() -> None:
    """Every record the path names must be one the caller may see: else 404, the same for
    an id that was never used and another tenant's, before the body, the query or any
    precondition is looked at. Each `<what>_id` parameter is checked through the scope
    `scoping.VISIBLE` declares for `<what>` (the one the services load through); a
    parameter with no declared scope fails the request rather than go unchecked."""
    for name, value in (request.view_args or {}).items():
        if name == "nib":  # a business is named by its NIB, not by an id
            principal = g.get("api_user")
            if principal is None:
                raise NotFound("umkm", value)
            umkm.find(principal, value)
            continue
        what = name.removesuffix("_id")
        if not isinstance(value, int) or what == name:
            raise LookupError(f"path parameter {name!r} names no record kind scoping.VISIBLE knows")
        scoping.visible(g.get("api_user"), what, value)


def takes_upload(view):
    """Mark a view whose body is a multipart upload (a file), not JSON: `check_json_body`
    leaves it alone, and the file is streamed from where Werkzeug spooled it (to disk past
    500 kB), never read whole into memory. MAX_CONTENT_LENGTH still answers 413."""
    view.takes_upload = True
    return view


class ApiParser(FlaskParser):
    """webargs reading the body `check_json_body` parsed, and refusing unknown query keys."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "querystring": RAISE,
    }

    def _raw_load_json(self, req):
        return g.get("json_body", core.missing)


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()


# Path ids: digits only. Werkzeug's min/max would make an out-of-range id answer 405 on one
# method and 404 on another; the services answer 404 for any id no row can have instead.
ID = "int"
ETAG_DOC = {"ETag": {"schema": {"type": "string"}, "description": "Send back as If-Match to change it"}}
