"""One page of a list query, and the whole of it when the list is downloaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from mitra.extensions import db

PER_PAGE = 25
EXPORT_LIMIT = 100_000


@dataclass
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def url(self, number: int) -> str:
        args = {**request.args, "page": number}
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def exporting() -> bool:
    return bool(request.args.get("export"))


def paginate(statement: Select, per_page: int = PER_PAGE) -> Page:
    """The page `?page=` asks for; every row (up to a limit) when the list is being exported."""
    if exporting():
        items = list(db.session.scalars(statement.limit(EXPORT_LIMIT)))
        return Page(items, len(items), 1, max(len(items), 1))
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    items = list(db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, total, number, per_page)
