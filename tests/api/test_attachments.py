"""Attachments through the API: what is accepted by content, what comes back, who sees it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from events.outbox import outbox
from mitra.extensions import db
from mitra.models import Attachment, AuditEntry
from tests.support import sample_files as files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def collaboration(world) -> dict:
    """A collaboration of the manager's centre, proposed to the partner (so both see it)."""
    found = world.draft()
    world.act("manager", found["id"], "propose")
    return found


def upload(world, who, path, data, filename, claimed="application/octet-stream", **form):
    body = {"file": (io.BytesIO(data), filename, claimed), **form}
    return world.call(who, "POST", path, data=body, content_type="multipart/form-data")


def attach(world, collaboration, data=files.PDF, filename="laporan.pdf", who="manager", **form):
    path = f"/api/v1/collaborations/{collaboration['id']}/attachments"
    response = upload(world, who, path, data, filename, form.pop("claimed", "application/pdf"), **form)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_pdf_downloads_byte_identical_as_an_attachment_never_sniffed(world, collaboration):
    added = attach(world, collaboration, kind="report", title="Laporan pelatihan")
    assert added["content_type"] == "application/pdf"
    assert added["size"] == len(files.PDF) and added["kind"] == "report"
    assert added["title"] == "Laporan pelatihan" and added["filename"] == "laporan.pdf"
    assert added["uploaded_by"] == world.users["manager"].id and added["thumbnail_url"] is None
    response = world.call("partner", "GET", f"/api/v1/attachments/{added['id']}/content")
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "laporan.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    assert response.headers["ETag"].strip('"') == added["sha256"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (files.HTML, "report.pdf"),
        (files.SVG, "report.pdf"),
        (files.SVG, "foto.svg"),
        (b"MZ\x90\x00" + bytes(100), "setup.pdf"),
        (files.plain_zip(), "laporan.docx"),
        (files.HTML, "daftar.csv"),
    ],
    ids=files.by_name,
)
def test_content_not_on_the_allow_list_gets_415(world, collaboration, data, filename):
    path = f"/api/v1/collaborations/{collaboration['id']}/attachments"
    response = upload(world, "manager", path, data, filename)
    assert response.status_code == 415, response.get_json()
    body = response.get_json()
    assert body["code"] == 415 and "file" in body["errors"]
    assert db.session.scalar(select(Attachment.id)) is None


def test_an_11_mb_file_gets_a_413_problem(world, collaboration):
    path = f"/api/v1/collaborations/{collaboration['id']}/attachments"
    response = upload(world, "manager", path, files.PDF + bytes(11 * 1024 * 1024), "besar.pdf")
    assert response.status_code == 413
    assert response.is_json and response.get_json()["code"] == 413
    assert db.session.scalar(select(Attachment.id)) is None


def test_a_file_just_under_the_limit_is_taken(world, collaboration):
    limit = world.client.application.config["MITRA_MAX_UPLOAD_BYTES"]
    data = files.PDF + bytes(limit - len(files.PDF))
    assert attach(world, collaboration, data, "tepat.pdf")["size"] == limit


def test_a_jpeg_with_gps_comes_back_without_exif_and_with_a_thumbnail(world, collaboration):
    original = files.jpeg_with_gps((1200, 900))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(files.GPS_IFD)  # it has a place
    added = attach(world, collaboration, original, "foto.jpg", who="partner", kind="photo")
    assert added["content_type"] == "image/jpeg"
    assert added["thumbnail_url"] == (f"http://127.0.0.1:5000/api/v1/attachments/{added['id']}/thumbnail")
    content = world.call("manager", "GET", f"/api/v1/attachments/{added['id']}/content")
    stored = content.data
    assert b"Exif" not in stored and b"KameraPonsel" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (1200, 900)
    assert not image.getexif() and "exif" not in image.info
    assert added["size"] == len(stored) and added["sha256"] != _sha256(original)
    thumbnail = world.call("manager", "GET", f"/api/v1/attachments/{added['id']}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.data)).size == (320, 240)


def test_a_pdf_has_no_thumbnail(world, collaboration):
    added = attach(world, collaboration)
    assert world.call("manager", "GET", f"/api/v1/attachments/{added['id']}/thumbnail").status_code == 404


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (files.xlsx(), "daftar hadir.xlsx", XLSX),
        (files.docx(), "notulen.docx", DOCX),
        (files.CSV, "peserta.csv", "text/csv"),
        (files.image("PNG"), "bagan.png", "image/png"),
        (files.image("WEBP"), "foto.webp", "image/webp"),
    ],
    ids=files.by_name,
)
def test_office_documents_csv_and_other_images_are_accepted(
    world, collaboration, data, filename, content_type
):
    added = attach(world, collaboration, data, filename, claimed="text/html")  # the claim is ignored
    assert added["content_type"] == content_type and added["filename"] == filename
    if content_type not in ("image/png", "image/webp"):
        got = world.call("manager", "GET", f"/api/v1/attachments/{added['id']}/content")
        assert got.data == data


def test_a_unicode_filename_downloads_rfc_6266_encoded(world, collaboration):
    added = attach(world, collaboration, filename="../../Laporan Akhir – Café.pdf")
    assert added["filename"] == "Laporan Akhir – Café.pdf"  # the path is gone
    disposition = world.call("manager", "GET", f"/api/v1/attachments/{added['id']}/content").headers[
        "Content-Disposition"
    ]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Laporan%20Akhir%20%E2%80%93%20Caf%C3%A9.pdf" in disposition
    disposition.encode("latin-1")  # a header carries no raw non-ASCII


def test_the_list_shows_what_was_attached_to_that_subject(world, collaboration):
    first = attach(world, collaboration)
    second = attach(world, collaboration, files.xlsx(), "hadir.xlsx", who="partner", kind="attendance")
    listed = world.call("partner", "GET", f"/api/v1/collaborations/{collaboration['id']}/attachments")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.get_json()["items"]] == [first["id"], second["id"]]
    other = world.draft(title="Lain")
    empty = world.call("manager", "GET", f"/api/v1/collaborations/{other['id']}/attachments")
    assert empty.get_json()["items"] == []


def test_an_outsider_gets_404_everywhere(world, collaboration):
    added = attach(world, collaboration, files.jpeg_with_gps(), "foto.jpg")
    for outsider in ("other_manager", "other_partner"):
        base = f"/api/v1/collaborations/{collaboration['id']}/attachments"
        assert world.call(outsider, "GET", base).status_code == 404
        assert upload(world, outsider, base, files.PDF, "x.pdf").status_code == 404
        for suffix in ("/content", "/thumbnail"):
            assert (
                world.call(outsider, "GET", f"/api/v1/attachments/{added['id']}{suffix}").status_code == 404
            )
        assert world.call(outsider, "DELETE", f"/api/v1/attachments/{added['id']}").status_code == 404
    assert db.session.get(Attachment, added["id"]).removed_at is None


def test_a_draft_is_not_the_partners_to_attach_to(world):
    draft = world.draft()
    path = f"/api/v1/collaborations/{draft['id']}/attachments"
    assert upload(world, "partner", path, files.PDF, "x.pdf").status_code == 404


def test_removal_keeps_the_row_audits_it_and_hides_it(world, collaboration):
    added = attach(world, collaboration)
    response = world.call("manager", "DELETE", f"/api/v1/attachments/{added['id']}")
    assert response.status_code == 204
    db.session.expire_all()
    row = db.session.get(Attachment, added["id"])
    assert row.removed_at is not None and row.removed_by_id == world.users["manager"].id
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.subject_type == "attachment", AuditEntry.subject_id == row.id
        )
    ).all()
    assert actions == ["attachment.add", "attachment.remove"]
    types = db.session.scalars(select(outbox.c.type).where(outbox.c.type.like("mitra.attachment.%"))).all()
    assert types == ["mitra.attachment.added", "mitra.attachment.removed"]
    listed = world.call("manager", "GET", f"/api/v1/collaborations/{collaboration['id']}/attachments")
    assert listed.get_json()["items"] == []
    assert world.call("manager", "GET", f"/api/v1/attachments/{row.id}/content").status_code == 404
    assert world.call("manager", "DELETE", f"/api/v1/attachments/{row.id}").status_code == 404


def test_only_the_uploader_the_centre_or_the_ministry_may_remove(world, collaboration):
    by_manager = attach(world, collaboration)
    refused = world.call("partner", "DELETE", f"/api/v1/attachments/{by_manager['id']}")
    assert refused.status_code == 403
    by_partner = attach(world, collaboration, who="partner")
    assert world.call("partner", "DELETE", f"/api/v1/attachments/{by_partner['id']}").status_code == 204
    assert world.call("admin", "DELETE", f"/api/v1/attachments/{by_manager['id']}").status_code == 204


def test_activities_and_agreements_take_attachments_too(world, collaboration):
    world.act("partner", collaboration["id"], "accept")
    activity = world.plan(collaboration["id"])
    agreement = world.sign(
        collaboration["partnership_id"], number="MoU/7", signed_on="2024-01-01", valid_until="2026-12-31"
    )
    for path in (f"/api/v1/activities/{activity['id']}", f"/api/v1/agreements/{agreement['id']}"):
        response = upload(world, "partner", f"{path}/attachments", files.PDF, "bukti.pdf", kind="agreement")
        assert response.status_code == 201, response.get_json()
        listed = world.call("manager", "GET", f"{path}/attachments").get_json()["items"]
        assert [a["id"] for a in listed] == [response.get_json()["id"]]
        assert world.call("other_partner", "GET", f"{path}/attachments").status_code == 404


def test_kind_and_missing_file_are_named(world, collaboration):
    path = f"/api/v1/collaborations/{collaboration['id']}/attachments"
    wrong_kind = upload(world, "manager", path, files.PDF, "x.pdf", kind="selfie")
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.get_json()["errors"]
    no_file = world.call("manager", "POST", path, data={"kind": "other"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.get_json()["errors"]


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
