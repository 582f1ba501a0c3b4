"""A list page's arguments: `?page=` (the page is `services.paging`'s), `?q=`, and `?export=`,
the whole list to download."""

from __future__ import annotations

import math

from flask import request, url_for
from sqlalchemy import Select

from mitra.services import paging
from mitra.services.paging import Page
from mitra.text import flattened

PER_PAGE = 25
EXPORT_LIMIT = 100_000


def page_url(number: int) -> str:
    """This list's URL at page `number`, its other arguments kept (the pager's links)."""
    args = {**request.args, "page": number}
    return url_for(request.endpoint, **(request.view_args or {}), **args)  # type: ignore[arg-type]  # a routed request has an endpoint; url_for takes any values


def search_words(max_length: int = 200) -> str | None:
    """`?q=` on one line (a control character becomes a space: PostgreSQL takes no NUL),
    trimmed to what a search column can hold; None when empty."""
    return flattened(request.args.get("q") or "").strip()[:max_length] or None


def exporting() -> bool:
    return bool(request.args.get("export"))


def paginate(statement: Select, per_page: int = PER_PAGE) -> Page:
    """The page `?page=` asks for, or the nearest one; every row (up to a limit) when the
    list is being exported."""
    if exporting():
        items = paging.rows(statement, EXPORT_LIMIT)
        return Page(items, len(items), 1, max(len(items), 1))
    return paging.page(statement, asked_page(request.args.get("page")), per_page, clamp=True)


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
