"""`/api/v1/activities/{id}/attendance`: a file of ten rows with two bad ones keeps eight
and names the two by row and column, the same file again adds nobody, an XLSX of the same
rows (an NIB stored as a number) gives the same answer, a dry run stores nothing, the list
replaced by PUT, a cancelled activity refused, outsiders 404, partners see no personal data,
and each write is audited and announced with the activity's new umkm_reached."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from events.envelope import decode
from events.store import outbox
from mitra.extensions import db
from mitra.models import Activity, AuditEntry, Umkm
from mitra.services import activities
from mitra.services.errors import InvalidInput
from mitra.services.unit_of_work import UnitOfWork
from tests.api.conftest import row_counts
from tests.factories import UmkmFactory
from tests.support import sample_files

HEADER = ["nib", "nama_usaha", "nama_pemilik", "kbli", "skala", "kode_wilayah"]
GOOD = [
    [f"{3507000000001 + n:013d}", f"Usaha {n}", f"Pemilik {n}", "10794", "mikro", "3507"] for n in range(8)
]
# The first business's NIB begins with a zero: a spreadsheet that stores it as a number drops it.
GOOD[0][0] = "0350700000001"
BAD_KBLI = ["3507000000100", "Usaha KBLI", "Pemilik", "1079", "mikro", "3507"]  # 4 digits
BAD_NIB = ["35070000", "Usaha NIB", "Pemilik", "10794", "kecil", "3507"]  # too short
# Header = row 1; GOOD rows 2-4, the bad KBLI row 5, GOOD rows 6-9, the bad NIB row 10, GOOD 11.
ROWS = [*GOOD[:3], BAD_KBLI, *GOOD[3:7], BAD_NIB, GOOD[7]]
EXPECTED_ERRORS = [(5, "kbli"), (10, "nib")]


def csv_bytes(rows, delimiter=",", bom=True) -> bytes:
    lines = [delimiter.join(HEADER), *(delimiter.join(row) for row in rows)]
    return ("\ufeff" if bom else "").encode() + ("\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        cells: list[object] = list(row)
        if row[0] == GOOD[0][0]:
            cells[0] = int(row[0])  # stored as a number: 350700000001, the zero gone
            cells[3] = int(row[3])
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def work(world):
    """Malang's accepted collaboration with the bank and a planned activity under it."""
    collaboration = world.accepted()
    activity = world.plan(collaboration["id"])
    return {"collaboration": collaboration["id"], "activity": activity["id"]}


def upload(world, who, activity_id, data: bytes, name="hadir.csv", query=""):
    return world.call(
        who,
        "POST",
        f"/api/v1/activities/{activity_id}/attendance/import{query}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def reached(activity_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Activity, activity_id).umkm_reached


def attendance_events(activity_id: int) -> list[dict]:
    found = db.session.scalars(
        select(outbox.c.envelope)
        .where(outbox.c.type == "mitra.activity.attendance_recorded")
        .order_by(outbox.c.id)
    )
    return [e.data for e in map(decode, found) if e.data["activity_id"] == activity_id]


def test_a_csv_keeps_the_good_rows_and_names_each_bad_one_by_row_and_column(world, work):
    response = upload(world, "manager", work["activity"], csv_bytes(ROWS))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["imported"], body["updated"], body["unchanged"], body["rejected"]) == (8, 0, 0, 2)
    assert [(e["row"], e["column"]) for e in body["errors"]] == EXPECTED_ERRORS
    assert all(e["message"] for e in body["errors"])
    assert body["umkm_reached"] == 8 and reached(work["activity"]) == 8
    registered = db.session.scalar(select(Umkm).where(Umkm.nib == GOOD[0][0]))
    assert registered.registered_by_centre_id == world.ids["centre"]
    assert registered.business_name == "Usaha 0"
    # One audit entry and one event, with the new figure.
    [event] = attendance_events(work["activity"])
    assert (event["umkm_reached"], event["added"], event["removed"]) == (8, 8, 0)
    assert event["centre_id"] == world.ids["centre"] and event["partner_id"] == world.ids["partner"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "activity.attendance"))
    assert entry.subject_id == work["activity"] and entry.after["added"] == 8

    again = upload(world, "manager", work["activity"], csv_bytes(ROWS)).get_json()
    assert (again["imported"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 8, 2)
    assert reached(work["activity"]) == 8
    assert [e["added"] for e in attendance_events(work["activity"])] == [8, 0]


def test_an_xlsx_of_the_same_rows_gives_the_same_answer(world, work):
    response = upload(world, "manager", work["activity"], xlsx_bytes(ROWS), name="hadir.xlsx")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["imported"], body["rejected"]) == (8, 2)
    assert [(e["row"], e["column"]) for e in body["errors"]] == EXPECTED_ERRORS
    # The number 350700000001 came back as the NIB it was, with its leading zero.
    assert db.session.scalar(select(Umkm.kbli).where(Umkm.nib == GOOD[0][0])) == "10794"
    assert reached(work["activity"]) == 8


def test_semicolons_without_a_bom_and_a_repeated_nib_whose_last_row_wins(world, work):
    repeated = [GOOD[0], GOOD[1], [GOOD[0][0], "Nama Baru", *GOOD[0][2:]]]
    body = upload(world, "manager", work["activity"], csv_bytes(repeated, ";", bom=False)).get_json()
    assert (body["imported"], body["unchanged"], body["rejected"]) == (2, 1, 0), body
    assert db.session.scalar(select(Umkm.business_name).where(Umkm.nib == GOOD[0][0])) == "Nama Baru"


def test_a_dry_run_answers_the_same_and_stores_nothing(world, work):
    before = row_counts()
    response = upload(world, "manager", work["activity"], csv_bytes(ROWS), query="?dry_run=1")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["imported"], body["rejected"], body["dry_run"]) == (8, 2, True)
    assert [(e["row"], e["column"]) for e in body["errors"]] == EXPECTED_ERRORS
    assert row_counts() == before
    assert reached(work["activity"]) == 0


def test_another_centres_business_is_listed_but_its_record_is_left_as_that_centre_keeps_it(world, work):
    theirs = UmkmFactory(
        nib=GOOD[1][0], business_name="Nama Gianyar", registered_by_centre_id=world.ids["other_centre"]
    )
    ours = UmkmFactory(nib=GOOD[2][0], business_name="Nama Lama", registered_by_centre_id=world.ids["centre"])
    body = upload(world, "manager", work["activity"], csv_bytes(GOOD[:3])).get_json()
    assert (body["imported"], body["updated"], body["unchanged"]) == (3, 0, 0), body
    db.session.expire_all()
    assert db.session.get(Umkm, theirs.id).business_name == "Nama Gianyar"
    assert db.session.get(Umkm, ours.id).business_name == "Usaha 2"  # the centre's own: updated
    # On the list already: the centre's own record changed counts as updated, theirs as unchanged.
    changed = [[*GOOD[1][:1], "Lain Lagi", *GOOD[1][2:]], [*GOOD[2][:1], "Lain Lagi", *GOOD[2][2:]]]
    body = upload(world, "manager", work["activity"], csv_bytes(changed)).get_json()
    assert (body["imported"], body["updated"], body["unchanged"]) == (0, 1, 1), body


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (sample_files.image("PNG"), "hadir.csv"),
        (sample_files.PDF, "hadir.xlsx"),
        (sample_files.docx(), "hadir.xlsx"),
        (sample_files.HTML, "hadir.csv"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_415(world, work, data, name):
    before = row_counts()
    response = upload(world, "manager", work["activity"], data, name=name)
    assert response.status_code == 415, response.get_json()
    assert "file" in response.get_json()["errors"]
    assert row_counts() == before


@pytest.mark.parametrize(
    "first_line",
    ["nib,nama,pemilik,kbli,skala,wilayah", "nama_usaha,nib,nama_pemilik,kbli,skala,kode_wilayah", ""],
)
def test_another_header_is_one_clear_422(world, work, first_line):
    data = (first_line + "\r\n" + ",".join(GOOD[0]) + "\r\n").encode() if first_line else b""
    response = upload(world, "manager", work["activity"], data)
    assert response.status_code == 422, response.get_json()
    assert list(response.get_json()["errors"]) == ["file"]
    assert "nib,nama_usaha,nama_pemilik,kbli,skala,kode_wilayah" in response.get_json()["message"]


def test_put_lists_registered_businesses_by_nib_and_registers_new_ones(world, work):
    known = UmkmFactory(registered_by_centre_id=world.ids["other_centre"])
    gone = UmkmFactory()
    path = f"/api/v1/activities/{work['activity']}/attendance"
    first = world.call("manager", "PUT", path, json={"umkm": [{"nib": gone.nib}]})
    assert first.status_code == 200, first.get_json()
    new = dict(
        zip(["nib", "business_name", "owner_name", "kbli", "scale", "regency_code"], GOOD[3], strict=True)
    )
    response = world.call("manager", "PUT", path, json={"umkm": [{"nib": known.nib}, new]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"umkm_reached": 2, "added": 2, "removed": 1, "registered": 1, "updated": 0}
    listed = world.call("manager", "GET", path).get_json()
    assert sorted(item["nib"] for item in listed["items"]) == sorted([known.nib, GOOD[3][0]])
    assert listed["items"][0]["owner_name"]  # the centre reads the owner's name
    assert reached(work["activity"]) == 2
    assert [(e["added"], e["removed"], e["umkm_reached"]) for e in attendance_events(work["activity"])] == [
        (1, 0, 1),
        (2, 1, 2),
    ]
    # A NIB nobody registered needs every required field; nothing is stored then.
    refused = world.call(
        "manager", "PUT", path, json={"umkm": [{"nib": known.nib}, {"nib": "3507999999999"}]}
    )
    assert refused.status_code == 422
    assert "umkm.1.business_name" in refused.get_json()["errors"]
    assert reached(work["activity"]) == 2


def test_a_report_must_agree_with_the_attendance(world, work):
    upload(world, "manager", work["activity"], csv_bytes(GOOD[:3]))
    manager = world.users["manager"]
    held = lambda: datetime(2031, 4, 2, 3, 0, tzinfo=UTC)  # noqa: E731 - the day after the activity
    with pytest.raises(InvalidInput) as refused, UnitOfWork():
        activities.report(manager, work["activity"], {"participants": 5, "umkm_reached": 4}, clock=held)
    assert list(refused.value.errors) == ["umkm_reached"]
    with UnitOfWork():
        activities.report(manager, work["activity"], {"participants": 5, "umkm_reached": 3}, clock=held)
    assert reached(work["activity"]) == 3


def test_a_partner_reads_the_list_without_any_personal_data(world, work):
    upload(world, "manager", work["activity"], csv_bytes(GOOD))
    listed = world.call("partner", "GET", f"/api/v1/activities/{work['activity']}/attendance?per_page=100")
    assert listed.status_code == 200, listed.get_json()
    items = listed.get_json()["items"]
    assert len(items) == 8
    for item in items:
        assert set(item) == {"nib", "business_name", "kbli", "scale", "added_at"}
    assert "Pemilik" not in listed.text


def test_who_may_write(world, work):
    path = f"/api/v1/activities/{work['activity']}/attendance"
    body = {"umkm": []}
    for outsider in ("other_manager", "other_partner"):
        assert world.call(outsider, "PUT", path, json=body).status_code == 404
        assert upload(world, outsider, work["activity"], csv_bytes(GOOD)).status_code == 404
        assert world.call(outsider, "GET", path).status_code == 404
    for onlooker in ("partner", "admin"):
        assert world.call(onlooker, "PUT", path, json=body).status_code == 403
        assert upload(world, onlooker, work["activity"], csv_bytes(GOOD)).status_code == 403


def test_a_cancelled_activity_takes_no_attendance(world, work):
    cancelled = world.call(
        "manager", "POST", f"/api/v1/activities/{work['activity']}/cancel", json={"reason": "Banjir"}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    before = row_counts()
    assert upload(world, "manager", work["activity"], csv_bytes(GOOD)).status_code == 409
    path = f"/api/v1/activities/{work['activity']}/attendance"
    assert world.call("manager", "PUT", path, json={"umkm": []}).status_code == 409
    assert row_counts() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_header_and_an_example_that_imports(world, work, fmt):
    template = world.call("manager", "GET", f"/api/v1/attendance/template?format={fmt}")
    assert template.status_code == 200
    assert f"kehadiran-umkm.{fmt}" in template.headers["Content-Disposition"]
    body = upload(world, "manager", work["activity"], template.data, name=f"t.{fmt}").get_json()
    assert (body["imported"], body["rejected"]) == (1, 0), body
