"""What people do through the pages: propose, answer, follow up, plan and report, keep the
registries, read notifications and download tables."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook

from events.types import utcnow
from mitra.demo.data import seed_demo
from mitra.extensions import db
from mitra.services import activities, collaborations, notifications, statistics

FORM = {
    "partner_id": "",
    "title": "Pelatihan pemasaran digital",
    "service_area": "pemasaran",
    "description": "Kelas pemasaran daring",
    "starts_on": "2031-03-01",
    "ends_on": "2031-06-30",
    "respond_by": "2031-02-01",
    "target_umkm": "40",
}


def error_beside(page: str, field: str) -> str:
    """The message shown right under the field `field` (empty when none)."""
    found = re.search(rf'id="{field}-error">(.*?)</p>', page, flags=re.S)
    return found.group(1).strip() if found else ""


def test_the_propose_form_explains_each_mistake_beside_its_field(world):
    visitor = world.visitor("manager")
    page = visitor.post(
        "/collaborations/new",
        {**FORM, "partner_id": "0", "title": "", "target_umkm": "-3", "starts_on": "kemarin", "propose": "x"},
    )
    assert page.status_code == 422
    assert error_beside(page.text, "partner_id") == "Pilih mitra."
    assert error_beside(page.text, "title") == "Isian ini wajib diisi."
    assert error_beside(page.text, "starts_on") == "Isikan tanggal."
    assert error_beside(page.text, "target_umkm") == "Harus nol atau lebih."
    assert 'aria-invalid="true"' in page.text and 'aria-describedby="title-error"' in page.text
    assert db.session.scalar(collaborations.search(world.users["admin"])) is None

    order = visitor.post(
        "/collaborations/new",
        {**FORM, "partner_id": str(world.ids["partner"]), "ends_on": "2031-01-01", "propose": "x"},
    )
    assert order.status_code == 422
    assert error_beside(order.text, "ends_on") == "Tanggal berakhir tidak boleh sebelum tanggal mulai."


def test_a_past_deadline_keeps_the_draft_and_says_why(world):
    visitor = world.visitor("manager")
    yesterday = (utcnow().date() - timedelta(days=2)).isoformat()
    page = visitor.post(
        "/collaborations/new",
        {**FORM, "partner_id": str(world.ids["partner"]), "respond_by": yesterday, "propose": "x"},
    )
    assert page.status_code == 422
    assert error_beside(page.text, "respond_by").startswith("Batas jawaban sudah lewat")
    draft = db.session.scalar(collaborations.search(world.users["admin"]))
    assert draft.status == "draft"
    assert f'action="/collaborations/{draft.id}/edit"' in page.text
    fixed = visitor.post(f"/collaborations/{draft.id}/edit", {**FORM, "respond_by": "", "propose": "x"})
    assert fixed.status_code == 302
    db.session.expire_all()
    assert draft.status == "proposed" and draft.respond_by is not None


def test_propose_decline_with_a_reason(world):
    manager, partner = world.visitor("manager"), world.visitor("partner")
    response = manager.post(
        "/collaborations/new", {**FORM, "partner_id": str(world.ids["partner"]), "propose": "x"}
    )
    assert response.status_code == 302
    c = int(response.headers["Location"].rsplit("/", 1)[1])
    inbox = partner.get("/inbox?status=proposed").text
    assert "Pelatihan pemasaran digital" in inbox
    assert "Pelatihan pemasaran digital" not in partner.get("/inbox?status=accepted").text

    refused = partner.post(f"/collaborations/{c}/decline", {"decline-reason": "  "})
    assert refused.status_code == 303
    page = partner.get(f"/collaborations/{c}").text
    assert error_beside(page, "decline-reason") == "Mohon sebutkan alasannya."
    done = partner.post(f"/collaborations/{c}/decline", {"decline-reason": "Anggaran tahun ini habis"})
    assert done.status_code == 302
    page = manager.get(f"/collaborations/{c}").text
    assert "Ditolak" in page and "Anggaran tahun ini habis" in page
    again = partner.post(f"/collaborations/{c}/accept", {})
    assert again.status_code == 303
    assert "Tindakan ini belum dapat dilakukan" in partner.get(f"/collaborations/{c}").text


def test_question_answer_accept_and_the_timeline_names_both_people(world):
    c = world.proposal()
    manager, partner = world.visitor("manager"), world.visitor("partner")
    assert (
        partner.post(
            f"/collaborations/{c}/request-info", {"request_info-question": "Berapa UMKM per kelas?"}
        ).status_code
        == 302
    )
    page = manager.get(f"/collaborations/{c}").text
    assert "Informasi diminta" in page and "Berapa UMKM per kelas?" in page
    assert manager.post(f"/collaborations/{c}/revise", {"revise-answer": "Dua puluh UMKM"}).status_code == 302
    assert partner.post(f"/collaborations/{c}/accept", {}).status_code == 302
    page = manager.get(f"/collaborations/{c}").text
    assert 'data-testid="collaboration-status">Diterima' in page
    timeline = page.split('data-testid="timeline"')[1]
    assert "Manajer Malang" in timeline and "Petugas Bank" in timeline
    assert "menerima usulan" in timeline and "Dua puluh UMKM" in timeline


def test_plan_an_activity_and_report_its_outcome(world):
    today = utcnow().date()
    c = world.proposal(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))
    collaborations.act(world.users["partner"], c, "accept")
    manager = world.visitor("manager")
    past = (utcnow().date() - timedelta(days=3)).isoformat()
    planned = manager.post(
        f"/collaborations/{c}/activities",
        {"type": "training", "date": past, "title": "Kelas foto produk", "location": "PLUT"},
    )
    assert planned.status_code == 302
    dashboard = manager.get("/centre").text
    assert "Kelas foto produk" in dashboard.split("Hasil yang terlambat dilaporkan")[1]
    activity = db.session.scalar(activities.search(world.users["manager"]))
    refused = manager.post(f"/activities/{activity.id}/report", {"participants": "", "umkm_reached": "x"})
    assert refused.status_code == 303
    form = manager.get(f"/activities/{activity.id}/report").text
    assert error_beside(form, "participants") == "Isikan bilangan bulat."
    assert 'value="x"' in form  # what was typed stays
    reported = manager.post(
        f"/activities/{activity.id}/report", {"participants": "1234", "umkm_reached": "25", "notes": "Lancar"}
    )
    assert reported.status_code == 302
    page = manager.get(f"/collaborations/{c}").text
    assert "Terlaksana" in page and "1.234" in page
    assert "Semua kegiatan yang telah lewat sudah dilaporkan hasilnya." in manager.get("/centre").text


def test_the_partner_sees_upcoming_activities(world):
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "accept")
    activities.plan(
        world.users["manager"], c, {"type": "exhibition", "date": date(2031, 4, 1), "title": "Pameran kriya"}
    )
    page = world.visitor("partner").get("/activities/upcoming").text
    assert "Pameran kriya" in page and "Pameran" in page and "PLUT-KUMKM Kabupaten Malang" in page


def test_the_partner_confirms_an_activity_from_the_collaboration_page(world):
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "accept")
    activity = activities.plan(
        world.users["manager"],
        c,
        {"type": "training", "date": date(2031, 4, 1), "title": "Kelas ekspor", "location": "Aula PLUT"},
    )
    partner = world.visitor("partner")
    detail = partner.get(f"/collaborations/{c}").text
    assert "Konfirmasi mitra" in detail and f'href="/activities/{activity.id}/confirm"' in detail
    page = partner.get(f"/activities/{activity.id}/confirm")
    assert page.status_code == 200 and "Aula PLUT" in page.text
    assert "Konfirmasi keikutsertaan kami" in page.text

    done = partner.post(f"/activities/{activity.id}/confirm", {}, follow_redirects=True)
    assert "Kegiatan telah dikonfirmasi." in done.text and "Sudah dikonfirmasi" in done.text
    again = partner.post(f"/activities/{activity.id}/confirm", {})
    assert again.status_code == 303
    assert "tidak dapat dikonfirmasi sekarang" in partner.get(f"/activities/{activity.id}/confirm").text
    assert "Sudah dikonfirmasi" in world.visitor("manager").get(f"/collaborations/{c}").text
    assert world.visitor("manager").get(f"/activities/{activity.id}/confirm").status_code == 404
    assert world.visitor("other_partner").get(f"/activities/{activity.id}/confirm").status_code == 404


def test_register_a_local_partner_and_find_it(world):
    manager = world.visitor("manager")
    form = manager.get("/partners/new").text
    assert 'name="scope"' not in form  # a centre registers local partners only
    registered = manager.post("/partners/new", {"name": "Koperasi Tani Makmur", "type": "association"})
    assert registered.status_code == 302
    duplicate = manager.post("/partners/new", {"name": "koperasi tani makmur", "type": "association"})
    assert duplicate.status_code == 409
    assert error_beside(duplicate.text, "name") == "Nama ini sudah terdaftar."
    found = manager.get("/partners?q=tani").text
    assert "Koperasi Tani Makmur" in found and "Lokal" in found and "PLUT-KUMKM Kabupaten Malang" in found


def test_the_ministry_registers_national_partners(world):
    admin = world.visitor("admin")
    assert 'name="scope"' in admin.get("/partners/new").text
    assert (
        admin.post(
            "/partners/new", {"name": "Lokapasar Nusantara", "type": "marketplace", "scope": "national"}
        ).status_code
        == 302
    )
    assert "Nasional" in admin.get("/partners?scope=national&type=marketplace").text


def test_the_ministry_registers_a_centre(world):
    admin = world.visitor("admin")
    data = {
        "code": "3508",
        "name": "PLUT-KUMKM Kabupaten Lumajang",
        "regency_name": "Kabupaten Lumajang",
        "province": "35",
        "tier": "reguler",
        "status": "operational",
        "established_year": "2022",
        "funding": "DAK Fisik 2022",
    }
    wrong = admin.post("/centres/new", {**data, "code": "5108"})
    assert wrong.status_code == 422
    assert error_beside(wrong.text, "code").startswith("Kode ini tidak sesuai")
    assert admin.post("/centres/new", data).status_code == 302
    listed = admin.get("/centres?q=Lumajang&province=35").text
    assert "PLUT-KUMKM Kabupaten Lumajang" in listed and "WIB" in listed


def test_record_an_agreement_and_see_its_expiry(world):
    manager = world.visitor("manager")
    soon = (utcnow().date() + timedelta(days=20)).isoformat()
    data = {
        "partner_id": str(world.ids["partner"]),
        "kind": "mou",
        "number": "MoU/001/2026",
        "signed_on": "2025-01-10",
        "valid_until": soon,
        "document_ref": "",
    }
    assert manager.post("/agreements/new", data).status_code == 302
    page = manager.get("/agreements").text
    assert "MoU/001/2026" in page and "Segera berakhir" in page
    twice = manager.post("/agreements/new", data)
    assert twice.status_code == 409
    assert error_beside(twice.text, "number") == (
        "Kemitraan ini sudah memiliki perjanjian dengan nomor tersebut."
    )
    backwards = manager.post("/agreements/new", {**data, "number": "PKS/2", "valid_until": "2024-01-01"})
    assert error_beside(backwards.text, "valid_until").startswith("Akhir masa berlaku")
    assert "MoU/001/2026" in world.visitor("partner").get("/agreements").text


def test_notifications_show_their_count_and_open_their_subject(world):
    c = world.proposal()
    user = world.users["partner"]
    notifications.create(db.session, user, "collaboration.proposed", c, at=utcnow())
    db.session.commit()
    partner = world.visitor("partner")
    assert re.search(r'data-testid="unread-count">1<', partner.get("/inbox").text)
    page = partner.get("/notifications").text
    assert "Pelatihan pemasaran digital" in page
    ident = re.search(r"/notifications/(\d+)/open", page).group(1)
    opened = partner.post(f"/notifications/{ident}/open")
    assert opened.headers["Location"] == f"/collaborations/{c}"
    assert re.search(r'data-testid="unread-count">0<', partner.get("/inbox").text)
    english = partner.get("/notifications?lang=en").text
    assert "Pelatihan pemasaran digital" in english
    assert world.visitor("other_partner").post(f"/notifications/{ident}/open").status_code == 404


def test_profile_language_zone_and_mail_preference(world):
    partner = world.visitor("partner")
    saved = partner.post(
        "/account",
        {"name": "Petugas Bank", "language": "en", "zone": "Asia/Makassar", "email_preference": "digest"},
    )
    assert saved.status_code == 302
    page = partner.get("/account").text
    assert 'lang="en"' in page and "Your profile has been saved." in page
    db.session.expire_all()
    user = world.users["partner"]
    assert (user.language, user.zone, user.email_preference) == ("en", "Asia/Makassar", "digest")
    bad = partner.post(
        "/account", {"name": "", "language": "fr", "zone": "Europe/Paris", "email_preference": "never"}
    )
    assert bad.status_code == 200 and bad.text.count('class="field-error"') >= 3


def test_tables_download_as_csv_and_xlsx(world):
    world.proposal()
    partner = world.visitor("partner")
    response = partner.get("/inbox?export=inbox&format=csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Judul", "PLUT"]
    assert rows[1][0] == "Pelatihan pemasaran digital" and "Diusulkan" in rows[1]
    english = partner.get("/inbox?export=inbox&format=csv&lang=en")
    assert english.data.decode("utf-8-sig").startswith("Title,Centre")
    book = partner.get("/inbox?export=inbox&format=xlsx")
    sheet = load_workbook(io.BytesIO(book.data)).active
    assert sheet["A2"].value == "Pelatihan pemasaran digital"
    assert sheet.cell(2, 8).value == 40  # UMKM to reach, as a number


def test_downloads_never_carry_a_formula(world):
    world.proposal('=HYPERLINK("http://contoh.id","klik")')
    partner = world.visitor("partner")
    text = partner.get("/inbox?export=inbox&format=csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0].startswith("'=HYPERLINK")
    sheet = load_workbook(io.BytesIO(partner.get("/inbox?export=inbox&format=xlsx").data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")


def test_the_national_dashboard_reads_the_compiled_statistics(world):
    seed_demo(db.session)
    statistics.recompute_statistics(db.session)
    db.session.commit()
    admin = world.visitor("admin")
    page = admin.get("/ministry?year=2023").text
    assert re.search(r'data-testid="figure-activities">49<', page)
    assert re.search(r'data-testid="figure-partners">73<', page)
    assert re.search(r'data-testid="figure-centres">32<', page)
    assert page.count("<svg") >= 5
    for table in ("statuses", "service_areas", "provinces", "months", "partner_types"):
        download = admin.get(f"/ministry?year=2023&export={table}&format=xlsx")
        assert download.status_code == 200 and download.data[:2] == b"PK", table
    provinces = admin.get("/ministry?year=2023&export=provinces&format=csv").data.decode("utf-8-sig")
    assert provinces.startswith("Provinsi,Usulan")
