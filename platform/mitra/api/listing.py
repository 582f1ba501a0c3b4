"""Lists: `page` and `per_page` in, {"items", "total", "page", "per_page"} out."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select

from mitra.services import paging
from mitra.services.scoping import sort_keys

MAX_PER_PAGE = 100
MAX_PAGE = 100_000


class PageArgs(Schema):
    page = fields.Integer(
        load_default=1, validate=validate.Range(1, MAX_PAGE), metadata={"description": "1-based page number"}
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(1, MAX_PER_PAGE),
        metadata={"description": f"items per page, at most {MAX_PER_PAGE}"},
    )


def list_args(name: str, sortable: Mapping[str, Any], default_sort: str, **filters) -> type[Schema]:
    """The query schema of one list: paging, its filters, and `sort` over its whitelist."""
    keys = sort_keys(sortable)
    sort = fields.String(
        load_default=default_sort,
        validate=validate.OneOf(keys),
        metadata={"description": "a field to sort by, `-` first for descending: " + ", ".join(sortable)},
    )
    return type(f"{name}ListArgs", (PageArgs,), {"sort": sort, **filters})


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of one page of `item`s (one class per item schema, so one name in the spec)."""
    name = item.__name__.removesuffix("Schema")
    return type(
        f"{name}PageSchema",
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
        },
    )


def paginate(statement: Select, args: Mapping[str, Any]) -> dict[str, Any]:
    """The page asked for, as it was asked: past the end, an empty one."""
    found = paging.page(statement, args["page"], args["per_page"])
    return {"items": found.items, "total": found.total, "page": found.number, "per_page": found.per_page}


def filters(args: Mapping[str, Any]) -> dict[str, Any]:
    """The args a service's search takes: everything but paging."""
    return {k: v for k, v in args.items() if k not in ("page", "per_page")}
