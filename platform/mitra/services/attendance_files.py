"""An attendance import file read row by row: CSV (UTF-8 with or without BOM, comma or
semicolon) or XLSX (the first sheet), told apart by content, never by name.

Rows stream out as (row number as a spreadsheet counts them, the header being row 1,
{umkm_fields name: text}); nothing holds the whole file. A number cell of an XLSX is given
back as text the way the register keeps it: an NIB stored as a number lost its leading
zeros, so it gets them back (13 digits), and so does a KBLI code (5 digits).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from mitra.models.evidence import KBLI_LENGTH, NIB_LENGTH
from mitra.services import file_types
from mitra.services.errors import InvalidInput, UnsupportedMediaType

# The header, in the order of the template; each column is the register field it fills.
REQUIRED_COLUMNS = {
    "nib": "nib",
    "nama_usaha": "business_name",
    "nama_pemilik": "owner_name",
    "kbli": "kbli",
    "skala": "scale",
    "kode_wilayah": "regency_code",
}
OPTIONAL_COLUMNS = {"telepon": "phone", "email": "email"}
COLUMNS = {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS}
HEADER = ",".join(REQUIRED_COLUMNS)
FIELD_COLUMN = {field: column for column, field in COLUMNS.items()}
EXAMPLE = {
    "nib": "0220001234567",
    "nama_usaha": "Keripik Tempe Sanan",
    "nama_pemilik": "Sri Wahyuni",
    "kbli": "10794",
    "skala": "mikro",
    "kode_wilayah": "3507",
    "telepon": "081234567890",
    "email": "keripik.sanan@contoh.id",
}
# Digits that a spreadsheet may have stored as a number, and how many there are.
PADDED = {"nib": NIB_LENGTH, "kbli": KBLI_LENGTH}
HEAD_BYTES = 64 * 1024  # what is read to tell the kind of file
CSV, XLSX = file_types.CSV, file_types.XLSX

Row = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name (which never decides its kind) and a binary stream that can
    seek (Werkzeug's spooled upload, an open file, BytesIO)."""

    filename: str
    stream: IO[bytes]


def _refuse(why: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        f"the attendance is imported from a CSV or XLSX file: {why}",
        {"file": [f"{why}; send a CSV or XLSX file"]},
    )


def sniff(upload: Upload) -> str:
    """CSV or XLSX, read from the bytes; anything else is UnsupportedMediaType (415)."""
    stream = upload.stream
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _workbook(stream)
    try:
        # Text has no magic bytes: whatever the name, it is a CSV if it reads as one.
        kind = file_types.sniff(_whole_characters(head, len(head) == HEAD_BYTES), "import.csv")
    except UnsupportedMediaType as refused:
        raise _refuse(refused.message.split(": ", 1)[-1].replace("named .csv, but ", "")) from None
    if kind != CSV:
        raise _refuse(f"it is a {file_types.EXTENSION[kind].upper()} file")
    return CSV


def _whole_characters(head: bytes, cut: bool) -> bytes:
    """`head` without a UTF-8 character the read may have cut in two at its end."""
    if not cut:
        return head
    end = len(head)
    for back in range(1, min(4, end) + 1):
        byte = head[end - back]
        if byte < 0x80:
            return head
        if byte >= 0xC0:  # the first byte of a character: whole only if all its bytes came
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return head if back >= needed else head[: end - back]
    return head


def _workbook(stream: IO[bytes]) -> str:
    folder, main = file_types.OOXML[XLSX]
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                raise _refuse("a zip archive that is not a workbook")
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(file_types.CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _refuse("a damaged zip archive") from None
    finally:
        stream.seek(0)
    if main not in declared or not any(name.startswith(folder) for name in names):
        raise _refuse("an Office document that is not a workbook")
    return XLSX


def rows(upload: Upload) -> Iterator[Row]:
    """The data rows of the file, its header checked first: a header that is not the
    template's is one InvalidInput (422) naming `file`, raised by this call, before any row."""
    kind = sniff(upload)
    cells = _csv_cells(upload.stream) if kind == CSV else _xlsx_cells(upload.stream)
    try:
        header = next(cells)
    except StopIteration:
        cells.close()
        raise _bad_header([]) from None
    fields = _fields(header)
    return _data(cells, fields)


def _data(cells: Generator[list[str], None, None], fields: list[str]) -> Iterator[Row]:
    width = len(fields)
    try:
        for number, line in enumerate(cells, start=2):
            if not any(cell.strip() for cell in line):
                continue  # a blank row: spreadsheets leave them, and they say nothing
            line = line[:width] + [""] * (width - len(line))
            yield number, dict(zip(fields, line, strict=True))
    finally:
        cells.close()


def _fields(header: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()  # a spreadsheet's empty trailing columns
    required = list(REQUIRED_COLUMNS)
    extra = names[len(required) :]
    if (
        names[: len(required)] != required
        or len(set(extra)) != len(extra)
        or not set(extra) <= set(OPTIONAL_COLUMNS)
    ):
        raise _bad_header(names)
    return [COLUMNS[name] for name in names]


def _bad_header(found: list[str]) -> InvalidInput:
    expected = f"the first row must be the header {HEADER} (optionally followed by telepon, email)"
    seen = ",".join(found) if found else "nothing"
    message = f"{expected}; the file has {seen}"
    return InvalidInput(message, {"file": [message]})


def _csv_cells(stream: IO[bytes]) -> Generator[list[str], None, None]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        yield next(csv.reader([first], delimiter=delimiter), [])
        yield from csv.reader(text, delimiter=delimiter)
    except UnicodeDecodeError:
        raise _refuse("it is not UTF-8 text throughout") from None
    except csv.Error as exc:
        raise _refuse(f"it cannot be read as CSV ({exc})") from None
    finally:
        text.detach()  # the upload's stream stays open for whoever owns it


def _xlsx_cells(stream: IO[bytes]) -> Generator[list[str], None, None]:
    from openpyxl import load_workbook  # only an XLSX import pays for loading it

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse(f"the workbook cannot be read ({exc.__class__.__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record no size, or a wrong one: read every row
        lines = sheet.iter_rows(values_only=True)
        header = [_text(value) for value in next(lines, ())]
        yield header
        named = [COLUMNS.get(name.strip().lower()) for name in header]
        for values in lines:
            yield [_cell(named[i] if i < len(named) else None, v) for i, v in enumerate(values)]
    finally:
        workbook.close()


def _cell(field: str | None, value: Any) -> str:
    if field in PADDED and isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return str(int(value)).zfill(PADDED[field])
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def template() -> tuple[list[str], list[list[str]]]:
    """The template's header and its one example row (`mitra.exports` writes them)."""
    return list(COLUMNS), [list(EXAMPLE.values())]
