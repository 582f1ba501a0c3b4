"""One page of a list query, its search words, and the whole of it when the list is downloaded."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from mitra.extensions import db
from mitra.text import flattened

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
        return page_count(self.total, self.per_page)

    def url(self, number: int) -> str:
        args = {**request.args, "page": number}
        return url_for(request.endpoint, **(request.view_args or {}), **args)  # type: ignore[arg-type]  # a routed request has an endpoint; url_for takes any values


def search_words(max_length: int = 200) -> str | None:
    """`?q=` on one line (a control character becomes a space: PostgreSQL takes no NUL),
    trimmed to what a search column can hold; None when empty."""
    return flattened(request.args.get("q") or "").strip()[:max_length] or None


def exporting() -> bool:
    return bool(request.args.get("export"))


def paginate(statement: Select, per_page: int = PER_PAGE) -> Page:
    """The page `?page=` asks for; every row (up to a limit) when the list is being exported."""
    if exporting():
        items = list(db.session.scalars(statement.limit(EXPORT_LIMIT)))
        return Page(items, len(items), 1, max(len(items), 1))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    number = int(min(max(asked_page(request.args.get("page")), 1), page_count(total, per_page)))
    items = list(db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, total, number, per_page)


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def asked_page(raw: str | None) -> float:
    """The number in `?page=`, however written ("3", "1e20", 31 digits), for the caller to
    bring into range: the page links are ours, so anything else is a hand-typed URL, and
    the nearest page answers it better than an error would. Not a number: page 1."""
    if not raw:
        return 1
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)  # "1e20", "2.5", "inf", and digits beyond int()'s 4300
    except ValueError:
        return 1
    return 1 if math.isnan(number) else number
