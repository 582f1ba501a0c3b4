"""The one tabular export writer: a header and rows of plain values as a CSV or XLSX download.

The pages' tables (`mitra.web.tables`) and the statistics API (`mitra.api.stats`) both write
through it, so a download has one set of rules wherever it comes from:
- a text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
  apostrophe and stays text; numbers and dates stay what they are;
- a `Moment` (a time and its centre's zone) is ISO 8601 with the offset in both formats,
  "2024-03-12T08:00:00+08:00", because Excel's dates carry no zone;
- the file is an attachment no shared cache keeps (a download holds one scope's data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook

from mitra.i18n import moment_iso

FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names


@dataclass(frozen=True)
class Moment:
    """A cell's date and time, and the zone it is told in (the row's centre's)."""

    at: datetime | None
    zone: str | None = None

    def iso(self) -> str:
        return moment_iso(self.at, self.zone)


def inert(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (a title typed as "=HYPERLINK(...)") stays text."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Moment):
        return value.iso()
    if isinstance(value, date):
        return value.isoformat()
    return inert(value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Moment):
        return value.iso() or None
    return inert(value)


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, excel_bom: bool) -> bytes:
    """`excel_bom` for files people open in Excel (it reads UTF-8 only after a BOM); without it
    for programs, whose CSV readers would take the BOM for part of the first column's name."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(name) for name in header])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return (("\ufeff" if excel_bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheet_name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name[:SHEET_NAME_LIMIT])
    sheet.append([str(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(
    fmt: str,
    filename: str,
    sheet_name: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    excel_bom: bool,
) -> Response:
    """`rows` under `header` as a `fmt` ("csv" or "xlsx") attachment named `filename`.`fmt`."""
    if fmt == "csv":
        body, mimetype = csv_bytes(header, rows, excel_bom=excel_bom), CSV_TYPE
    elif fmt == "xlsx":
        body, mimetype = xlsx_bytes(sheet_name, header, rows), XLSX_TYPE
    else:
        raise ValueError(f"no export format {fmt!r}")
    return Response(
        body,
        headers={
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )
