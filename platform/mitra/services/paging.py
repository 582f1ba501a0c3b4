"""One page of a list query, for the API and the pages alike: counted, then sliced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from mitra.extensions import db


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int  # 1-based
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // per_page))


def page(statement: Select, number: float, per_page: int, *, clamp: bool = False) -> Page:
    """Page `number` of `statement`'s rows, `per_page` to a page.

    With `clamp`, a number out of range (0, -1, 1e20, inf) becomes the nearest page, as the
    web's hand-typed URLs want. Without it, the number is kept and a page past the end is
    empty, as the API answers; it is not even asked for, so no offset can overflow."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    last = page_count(total, per_page)
    if clamp:
        number = min(max(number, 1), last)
    number = int(number)
    if number > last:
        return Page([], total, number, per_page)
    items = list(db.session.scalars(statement.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, total, number, per_page)


def rows(statement: Select, limit: int) -> list[Any]:
    """At most `limit` of `statement`'s rows, uncounted: a whole list, to download."""
    return list(db.session.scalars(statement.limit(limit)))
