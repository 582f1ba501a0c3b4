"""The attendance on the pages: the activity's page lists the businesses (the owner for the
centre, never for the partner) with the way to the import for its centre; the import page
takes a file, says the counts and shows each refused row with its row, column and problem."""

from __future__ import annotations

import io

from tests.api.test_attendance import GOOD, ROWS, csv_bytes


def send(visitor, activity_id: int, data: bytes, name: str = "hadir.csv", **form):
    return visitor.post(
        f"/activities/{activity_id}/attendance/import",
        {"file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


def test_the_import_page_counts_and_shows_the_error_table(world, ids):
    manager = world.visitor("manager")
    page = manager.get(f"/activities/{ids['a']}/attendance/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "template.csv" in page.text

    checked = send(manager, ids["a"], csv_bytes(ROWS), dry_run="y")
    assert checked.status_code == 200, checked.text
    assert 'data-testid="imported">8<' in checked.text
    assert "Pemilik 0" not in manager.get(f"/activities/{ids['a']}").text  # the dry run stored nothing

    done = send(manager, ids["a"], csv_bytes(ROWS))
    assert done.status_code == 200
    table = done.text.split('data-testid="table-import-errors"', 1)[1]
    for row, column in ((">5<", ">kbli<"), (">10<", ">nib<")):
        assert row in table and column in table
    assert 'data-testid="rejected">2<' in done.text

    detail = manager.get(f"/activities/{ids['a']}")
    assert 'data-testid="attendance-import"' in detail.text
    assert "Usaha 0" in detail.text and "Pemilik 0" in detail.text
    partner_view = world.visitor("partner").get(f"/activities/{ids['a']}")
    assert partner_view.status_code == 200
    assert "Usaha 0" in partner_view.text and "Pemilik 0" not in partner_view.text
    assert 'data-testid="attendance-import"' not in partner_view.text


def test_a_refused_file_is_said_beside_the_field(world, ids):
    manager = world.visitor("manager")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    refused = send(manager, ids["a"], png, name="hadir.csv")
    assert refused.status_code == 415
    assert "field-error" in refused.text
    header = send(manager, ids["a"], b"nib;nama\r\n" + GOOD[0][0].encode() + b";x\r\n")
    assert header.status_code == 422 and "field-error" in header.text


def test_the_template_downloads(world, ids):
    manager = world.visitor("manager")
    csv = manager.get("/attendance/template.csv")
    assert csv.status_code == 200 and csv.data.decode("utf-8-sig").startswith("nib,nama_usaha,")
    assert manager.get("/attendance/template.xlsx").status_code == 200
    assert manager.get("/attendance/template.pdf").status_code == 404
