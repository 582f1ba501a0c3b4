"""Tables the pages show, and the same tables as CSV or XLSX downloads.

A page builds each table once (columns with translated headers, rows of plain values);
the template renders it, and `?export=<table>&format=csv|xlsx` on the same URL answers it as
a file instead: what is on screen is what is downloaded, headers in the viewer's language.
A moment is a `Moment` (the time and its centre's zone): on screen "12 Mar 2024 08:00 WITA",
in both files ISO 8601 with the offset, "2024-03-12T08:00:00+08:00".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response, request, url_for
from markupsafe import Markup, escape
from openpyxl import Workbook

from mitra.i18n import format_day, format_number, moment_iso, moment_text
from mitra.web.labels import label

FORMATS = ("csv", "xlsx")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Moment:
    """A cell's date and time, and the zone it is told in (the row's centre's)."""

    at: datetime | None
    zone: str | None = None


def _moment(value: Any) -> Moment:
    return value if isinstance(value, Moment) else Moment(value)


@dataclass
class Column:
    key: str
    header: Any  # a lazy translated string
    kind: str = "text"  # text | number | day | moment | link | label | badge
    labels: Mapping[str, Any] | None = None  # code -> label, for label and badge

    @property
    def numeric(self) -> bool:
        return self.kind == "number"


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
    """A cell as words, for the screen's title attributes and the CSV."""
    if value is None:
        return ""
    if column.kind in ("label", "badge"):
        return label(column.labels or {}, value)
    if column.kind == "day":
        return value.isoformat()
    if column.kind == "moment":
        moment = _moment(value)
        return moment_iso(moment.at, moment.zone)
    return str(value)


def render_cell(column: Column, value: Any) -> Markup:
    if value is None or value == "" or (isinstance(value, Moment) and value.at is None):
        return Markup("")
    if column.kind == "number":
        return escape(format_number(value))
    if column.kind == "day":
        return escape(format_day(value))
    if column.kind == "moment":
        moment = _moment(value)
        return Markup('<time datetime="{}">{}</time>').format(
            moment_iso(moment.at, moment.zone), moment_text(moment.at, moment.zone)
        )
    if column.kind == "link" and isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.url, value.text)
    if column.kind == "badge":
        return Markup('<span class="badge badge-{}">{}</span>').format(value, _text(column, value))
    return escape(_text(column, value))


def _inert(text: str) -> str:
    """Text a spreadsheet would run as a formula (a title typed as "=HYPERLINK(...)") stays text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [row.get(c.key) if c.numeric else _inert(_text(c, row.get(c.key))) for c in table.columns]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def _xlsx_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "number":
        return value
    if column.kind == "moment":  # Excel's dates have no zone: the ISO text keeps its offset
        return _text(column, value) or None
    if column.kind == "day" and isinstance(value, date):
        return value
    return _inert(_text(column, value))


def _xlsx(table: Table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31])
    sheet.append([str(c.header) for c in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_value(c, row.get(c.key)) for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(table: Table, fmt: str) -> Response:
    stamp = datetime.now().strftime("%Y%m%d")
    filename = f"mitra-{table.name}-{stamp}.{fmt}"
    if fmt == "csv":
        body, mimetype = _csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = _xlsx(table), XLSX_MIME
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def maybe_export(tables: Iterable[Table]) -> Response | None:
    """The download the request asks for (`?export=<name>&format=csv|xlsx`), if any."""
    wanted, fmt = request.args.get("export"), request.args.get("format")
    if not wanted or fmt not in FORMATS:
        return None
    for table in tables:
        if table.name == wanted:
            return export(table, fmt)
    return None
