"""Tables the pages show, and the same tables as CSV or XLSX downloads.

A page builds each table once (columns with translated headers, rows of plain values);
the template renders it, and `?export=<table>&format=csv|xlsx` on the same URL answers it as
a file instead: what is on screen is what is downloaded, headers in the viewer's language.
A moment is a `Moment` (the time and its centre's zone): on screen "12 Mar 2024 08:00 WITA",
in both files ISO 8601 with the offset, "2024-03-12T08:00:00+08:00". An amount of rupiah is
a whole number: "Rp 25.000.000" on screen, the number itself in both files (the column's
header names the currency). The files are written by `mitra.exports`, the one writer the
statistics API uses too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response, request, url_for
from markupsafe import Markup, escape

from mitra import exports
from mitra.exports import FORMATS, Moment
from mitra.i18n import format_day, format_number, format_rupiah, moment_text
from mitra.web.labels import label


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


def _moment(value: Any) -> Moment:
    return value if isinstance(value, Moment) else Moment(value)


@dataclass
class Column:
    key: str
    header: Any  # a lazy translated string
    kind: str = "text"  # text | number | rupiah | day | moment | link | label | badge
    labels: Mapping[str, Any] | None = None  # code -> label, for label and badge

    @property
    def numeric(self) -> bool:
        return self.kind in ("number", "rupiah")


@dataclass
class Table:
    name: str
    caption: Any
    columns: list[Column]
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    empty: Any = None

    def export_url(self, fmt: str) -> str:
        args = {k: v for k, v in request.args.items() if k not in ("export", "format")}
        return url_for(request.endpoint, **(request.view_args or {}), **args, export=self.name, format=fmt)  # type: ignore[arg-type]  # a routed request has an endpoint; url_for takes any values


def _text(column: Column, value: Any) -> str:
    """A cell as words, for the screen and the downloads."""
    if value is None:
        return ""
    if column.kind in ("label", "badge"):
        return label(column.labels or {}, value)
    if column.kind == "day":
        return value.isoformat()
    if column.kind == "moment":
        return _moment(value).iso()
    return str(value)


def render_cell(column: Column, value: Any) -> Markup:
    if value is None or value == "" or (isinstance(value, Moment) and value.at is None):
        return Markup("")
    if column.kind == "number":
        return escape(format_number(value))
    if column.kind == "rupiah":
        return escape(format_rupiah(value))
    if column.kind == "day":
        return escape(format_day(value))
    if column.kind == "moment":
        moment = _moment(value)
        return Markup('<time datetime="{}">{}</time>').format(
            moment.iso(), moment_text(moment.at, moment.zone)
        )
    if column.kind == "link" and isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.url, value.text)
    if column.kind == "badge":
        return Markup('<span class="badge badge-{}">{}</span>').format(value, _text(column, value))
    return escape(_text(column, value))


def _plain(column: Column, value: Any) -> Any:
    """A cell as the export writer takes it: numbers, days and moments as they are, else words."""
    if value is None:
        return None
    if column.numeric:
        return value
    if column.kind == "moment":
        return _moment(value)
    if column.kind == "day" and isinstance(value, date):
        return value
    return _text(column, value)


def export(table: Table, fmt: str) -> Response:
    stamp = datetime.now().strftime("%Y%m%d")
    rows = ([_plain(c, row.get(c.key)) for c in table.columns] for row in table.rows)
    return exports.download(
        fmt,
        f"mitra-{table.name}-{stamp}",
        table.name,
        [c.header for c in table.columns],
        rows,
        excel_bom=True,  # people open these in Excel
    )


def maybe_export(tables: Iterable[Table]) -> Response | None:
    """The download the request asks for (`?export=<name>&format=csv|xlsx`), if any."""
    wanted, fmt = request.args.get("export"), request.args.get("format")
    if not wanted or fmt not in FORMATS:
        return None
    for table in tables:
        if table.name == wanted:
            return export(table, fmt)
    return None
