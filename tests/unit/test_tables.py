"""Tables as CSV and XLSX downloads: formulas stay text, numbers stay numbers, moments keep their zone."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from openpyxl import load_workbook

from mitra import i18n
from mitra.web.tables import Column, Link, Moment, Table, export, maybe_export, render_cell

COLUMNS = [
    Column("title", "Judul"),
    Column("participants", "Peserta", kind="number"),
    Column("date", "Tanggal", kind="day"),
    Column("proposed_at", "Diajukan", kind="moment"),
    Column("status", "Status", kind="badge", labels={"proposed": "Diajukan", "active": "Berjalan"}),
]
ROW = {
    "title": "Pelatihan QRIS",
    "participants": 40,
    "date": date(2027, 2, 3),
    "proposed_at": Moment(datetime(2024, 3, 12, 0, 0, tzinfo=UTC), "Asia/Makassar"),
    "status": "proposed",
}


def table(*rows) -> Table:
    return Table("collaborations", "Kolaborasi", COLUMNS, list(rows))


def csv_rows(t: Table) -> list[list[str]]:
    response = export(t, "csv")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def xlsx_rows(t: Table) -> list[tuple]:
    book = load_workbook(io.BytesIO(export(t, "xlsx").get_data()))
    return list(book[t.name].iter_rows(values_only=True))


@pytest.fixture
def babel_app():
    app = Flask(__name__)
    i18n.init_app(app)
    app.add_url_rule("/collaborations", "collaborations", lambda: "")
    return app


# -- formulas --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil.example","klik")', '\'=HYPERLINK("http://evil.example","klik")'),
        ("+62 812 0000", "'+62 812 0000"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Kopi = enak", "Kopi = enak"),  # only a leading sign makes a formula
        ("Pelatihan QRIS", "Pelatihan QRIS"),
        ("'quoted", "'quoted"),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_kept_as_text_in_csv(typed, written):
    (_header, row) = csv_rows(table({**ROW, "title": typed}))
    assert row[0] == written


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example")', "+1", "-1", "@A1"])
def test_and_in_xlsx(typed):
    (_header, row) = xlsx_rows(table({**ROW, "title": typed}))
    assert row[0] == "'" + typed


def test_a_label_is_escaped_too():
    columns = [Column("status", "Status", kind="label", labels={"x": "=danger()"})]
    (_header, row) = csv_rows(Table("t", "t", columns, [{"status": "x"}]))
    assert row == ["'=danger()"]


# -- values ----------------------------------------------------------------------------------------


def test_the_csv_has_the_headers_on_screen_then_plain_values():
    assert csv_rows(table(ROW)) == [
        ["Judul", "Peserta", "Tanggal", "Diajukan", "Status"],
        ["Pelatihan QRIS", "40", "2027-02-03", "2024-03-12T08:00:00+08:00", "Diajukan"],
    ]


def test_a_negative_number_is_a_number_not_a_formula():
    (_header, row) = csv_rows(table({**ROW, "participants": -3}))
    assert row[1] == "-3"
    (_header, cells) = xlsx_rows(table({**ROW, "participants": -3}))
    assert cells[1] == -3


def test_the_xlsx_keeps_numbers_and_days_typed_and_moments_as_iso_text_with_their_offset():
    header, row = xlsx_rows(table(ROW))
    assert header == ("Judul", "Peserta", "Tanggal", "Diajukan", "Status")
    assert row[0] == "Pelatihan QRIS"
    assert row[1] == 40
    assert row[2] == datetime(2027, 2, 3)  # a date cell
    assert row[3] == "2024-03-12T08:00:00+08:00"  # Excel's dates have no zone
    assert row[4] == "Diajukan"


def test_empty_cells_stay_empty():
    empty = {**dict.fromkeys(ROW), "title": "Tanpa data"}
    assert csv_rows(table(empty))[1] == ["Tanpa data", "", "", "", ""]
    assert xlsx_rows(table(empty))[1] == ("Tanpa data", None, None, None, None)


def test_a_moment_without_a_zone_of_its_own_is_told_in_wib(babel_app):
    with babel_app.app_context():
        (_header, row) = csv_rows(table({**ROW, "proposed_at": datetime(2024, 3, 12, tzinfo=UTC)}))
    assert row[3] == "2024-03-12T07:00:00+07:00"


def test_a_code_without_a_label_is_shown_as_the_code():
    (_header, row) = csv_rows(table({**ROW, "status": "archived"}))
    assert row[4] == "archived"


@pytest.mark.parametrize(
    ("fmt", "mimetype"), [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")]
)
def test_the_download_is_named_after_the_table_and_the_day(fmt, mimetype):
    response = export(table(ROW), fmt)
    assert response.mimetype.startswith(mimetype)
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="mitra-collaborations-\d{{8}}\.{fmt}"', disposition)


def test_a_long_table_name_is_cut_to_excels_31_characters():
    long = Table("a" * 40, "caption", [Column("title", "Judul")], [{"title": "x"}])
    book = load_workbook(io.BytesIO(export(long, "xlsx").get_data()))
    assert book.sheetnames == ["a" * 31]


# -- which download a request asks for -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "answered"),
    [
        ("?export=collaborations&format=csv", "csv"),
        ("?export=collaborations&format=xlsx", "xlsx"),
        ("?export=collaborations&format=pdf", None),
        ("?export=activities&format=csv", None),
        ("?format=csv", None),
        ("", None),
    ],
)
def test_the_download_is_the_named_table_in_a_known_format(babel_app, query, answered):
    with babel_app.test_request_context("/collaborations" + query):
        response = maybe_export([table(ROW)])
    if answered is None:
        assert response is None
    else:
        assert response.headers["Content-Disposition"].endswith(f'.{answered}"')


def test_the_export_link_keeps_the_filters_and_drops_an_earlier_export(babel_app):
    with babel_app.test_request_context("/collaborations?status=active&export=old&format=xlsx"):
        assert table().export_url("csv") == "/collaborations?status=active&export=collaborations&format=csv"


# -- on screen -------------------------------------------------------------------------------------


def test_text_on_screen_is_html_escaped(babel_app):
    with babel_app.app_context():
        assert (
            str(render_cell(Column("title", "Judul"), "<script>x</script>"))
            == "&lt;script&gt;x&lt;/script&gt;"
        )


def test_a_moment_on_screen_is_a_time_element_with_its_zone_named(babel_app):
    with babel_app.app_context():
        cell = str(render_cell(COLUMNS[3], ROW["proposed_at"]))
    assert cell == '<time datetime="2024-03-12T08:00:00+08:00">12 Mar 2024 08:00 WITA</time>'


def test_a_link_and_a_badge_on_screen(babel_app):
    with babel_app.app_context():
        link = render_cell(Column("title", "Judul", kind="link"), Link('Kopi "Gayo"', "/c/7?a=1&b=2"))
        badge = render_cell(COLUMNS[4], "active")
    assert str(link) == '<a href="/c/7?a=1&amp;b=2">Kopi &#34;Gayo&#34;</a>'
    assert str(badge) == '<span class="badge badge-active">Berjalan</span>'


@pytest.mark.parametrize("value", [None, "", Moment(None, "Asia/Jakarta")])
def test_an_empty_cell_on_screen_is_empty(value):
    assert str(render_cell(COLUMNS[3], value)) == ""


def test_a_number_on_screen_follows_the_language(babel_app):
    with babel_app.test_request_context("/?lang=en"):
        assert str(render_cell(COLUMNS[1], 1234)) == "1,234"
