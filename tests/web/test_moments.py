"""A collaboration's moments are told in its centre's zone, named, whatever the server's own
clock (TZ) and whoever reads them: on pages "5 Jan 2031 10:00 WITA", in CSV and XLSX
"2031-01-05T10:00:00+08:00"; a list of many centres tells each row in its own centre's zone."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from mitra.extensions import db
from mitra.i18n import moment_iso, moment_text
from mitra.services import collaborations

PROPOSED = datetime(2031, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["UTC", "Asia/Jakarta"])
def server_tz(request):
    """The process's own zone, as a server might have it; restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _gianyar_and_malang(world) -> tuple[int, int]:
    gianyar = collaborations.create(
        world.users["other_manager"],
        {
            "partner_id": world.ids["partner"],
            "title": "Pameran produk Gianyar",
            "service_area": "pemasaran",
            "starts_on": date(2031, 3, 1),
            "ends_on": date(2031, 6, 30),
        },
    ).id
    collaborations.act(world.users["other_manager"], gianyar, "propose")
    malang = world.proposal("Pelatihan Malang")
    for ident in (gianyar, malang):
        collaborations.get(world.users["admin"], ident).proposed_at = PROPOSED
    db.session.commit()
    return gianyar, malang


def test_the_helpers_name_the_zone_whatever_the_server_clock(app, server_tz):
    with app.test_request_context():
        assert moment_text(PROPOSED, "Asia/Makassar") == "5 Jan 2031 10:00 WITA"
        assert moment_text(PROPOSED, "Asia/Jayapura", locale="en") == "Jan 5, 2031 11:00 WIT"
        assert moment_iso(PROPOSED, "Asia/Jayapura") == "2031-01-05T11:00:00+09:00"
        naive = PROPOSED.replace(tzinfo=None)  # as SQLite keeps it: UTC, not the server's clock
        assert moment_iso(naive, "Asia/Makassar") == "2031-01-05T10:00:00+08:00"


def test_the_ministry_list_tells_each_row_in_its_centres_zone(world, server_tz):
    _gianyar_and_malang(world)
    admin = world.visitor("admin")
    page = admin.get("/collaborations").text
    gianyar_row = page.split("Pameran produk Gianyar")[1].split("</tr>")[0]
    malang_row = page.split("Pelatihan Malang")[1].split("</tr>")[0]
    assert "5 Jan 2031 10:00 WITA" in gianyar_row and 'datetime="2031-01-05T10:00:00+08:00"' in gianyar_row
    assert "5 Jan 2031 09:00 WIB" in malang_row

    rows = list(
        csv.DictReader(
            io.StringIO(
                admin.get("/collaborations?export=collaborations&format=csv").data.decode("utf-8-sig")
            )
        )
    )
    proposed = {row["Judul"]: row["Diusulkan"] for row in rows}
    assert proposed == {
        "Pameran produk Gianyar": "2031-01-05T10:00:00+08:00",
        "Pelatihan Malang": "2031-01-05T09:00:00+07:00",
    }

    book = load_workbook(io.BytesIO(admin.get("/collaborations?export=collaborations&format=xlsx").data))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    cells = {
        row[header.index("Judul")]: row[header.index("Diusulkan")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert cells == {
        "Pameran produk Gianyar": "2031-01-05T10:00:00+08:00",
        "Pelatihan Malang": "2031-01-05T09:00:00+07:00",
    }


def test_the_timeline_is_in_the_centres_zone_for_the_partner_in_papua(world, server_tz):
    gianyar, _malang = _gianyar_and_malang(world)
    world.users["partner"].zone = "Asia/Jayapura"
    db.session.commit()
    page = world.visitor("partner").get(f"/collaborations/{gianyar}").text
    timeline = page.split('data-testid="timeline"')[1]
    assert "WITA" in timeline and " WIT<" not in timeline and "WIB" not in timeline
