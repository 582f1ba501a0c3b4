"""The export writer: formulas stay text, moments keep their centre's offset, files open right."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from mitra.exports import Moment, csv_bytes, inert, xlsx_bytes

NOON_UTC = datetime(2024, 3, 12, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+62 811", "-1", "@cmd", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["Pelatihan", "", " =padded", -1, 2.5, None, date(2024, 3, 12)])
def test_everything_else_is_left_as_it_is(value):
    assert inert(value) == value


def test_csv_writes_moments_in_their_zone_and_days_as_iso():
    rows = [["=HYPERLINK(1)", -3, date(2024, 3, 12), Moment(NOON_UTC, "Asia/Makassar"), None]]
    text = csv_bytes(["Judul", "n", "Hari", "Waktu", "Kosong"], rows, excel_bom=False).decode("utf-8")
    assert text.endswith("\r\n")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["Judul", "n", "Hari", "Waktu", "Kosong"]
    assert row == ["'=HYPERLINK(1)", "-3", "2024-03-12", "2024-03-12T12:00:00+08:00", ""]


def test_the_bom_is_only_there_when_asked_for():
    assert csv_bytes(["a"], [], excel_bom=True).startswith("\ufeff".encode())
    assert csv_bytes(["a"], [], excel_bom=False) == b"a\r\n"


def test_xlsx_keeps_numbers_and_days_typed_and_moments_as_offset_text():
    rows = [["@x", 40, date(2024, 3, 12), Moment(NOON_UTC, "Asia/Jayapura"), Moment(None, "Asia/Jakarta")]]
    body = xlsx_bytes("a sheet name longer than Excel's thirty-one", ["t", "n", "d", "m", "empty"], rows)
    book = load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet.title == "a sheet name longer than Excel'"
    assert [c.value for c in sheet[2]][:4] == ["'@x", 40, datetime(2024, 3, 12), "2024-03-12T13:00:00+09:00"]
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(2, 5).value is None
