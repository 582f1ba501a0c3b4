"""The UMKM register on the pages: the list searches by name, NIB, regency and scale; a
business registers through the form, refusals beside their field; an edit over someone
else's is refused; a partner's user meets no owner name, phone or e-mail on any page or
download; a download of personal data is audited with who and when."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import Activity, AuditEntry, Umkm
from mitra.services import outcomes
from tests.factories import AttendanceFactory, UmkmFactory

OWNER, PHONE, EMAIL = "Bapak Sutrisno Wijayakusuma", "0341-998877", "sutrisno.rahasia@contoh.id"
SECRETS = (OWNER, "Wijayakusuma", PHONE, "998877", EMAIL, "sutrisno.rahasia")


def error_beside(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">(.*?)</p>', page, flags=re.S)
    return found.group(1).strip() if found else ""


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.fixture
def business(world, ids) -> Umkm:
    """A business with a distinctive owner on the bank's activity {a}, with an outcome the
    partner reads (it names the bank's collaboration)."""
    found = UmkmFactory(
        nib="9120555000001",
        business_name="Sambal Roa Bu Tris",
        owner_name=OWNER,
        phone=PHONE,
        email=EMAIL,
        registered_by_centre_id=world.ids["centre"],
    )
    AttendanceFactory(activity=db.session.get(Activity, ids["a"]), umkm=found)
    db.session.flush()
    outcomes.record(
        world.users["manager"],
        found.nib,
        {
            "type": "halal_certificate",
            "date": date(2026, 11, 2),
            "activity_id": ids["a"],
            "note": "Sertifikat",
        },
    )
    db.session.commit()
    return found


def form(**fields) -> dict:
    return {
        "nib": "9120555000777",
        "business_name": "Kopi Dampit Lestari",
        "owner_name": "Ibu Lestari",
        "kbli": "10761",
        "scale": "kecil",
        "regency_code": "3507",
        "phone": "",
        "email": "",
        **fields,
    }


def test_pages_render_for_the_centre_and_the_ministry(world, business):
    for who in ("manager", "admin"):
        visitor = world.visitor(who)
        listed = visitor.get("/umkm")
        assert listed.status_code == 200 and "Sambal Roa Bu Tris" in listed.text and OWNER in listed.text
        page = visitor.get(f"/umkm/{business.nib}")
        assert page.status_code == 200
        assert 'data-testid="owner"' in page.text and OWNER in page.text
        assert 'data-testid="outcomes"' in page.text and "Sertifikat" in page.text
        assert "Kelas foto produk" in page.text  # the activity it attended
        assert visitor.get("/umkm/new").status_code == 200
        assert visitor.get(f"/umkm/{business.nib}/edit").status_code == 200
    # Another centre finds the business in the national register, without its owner, and may not edit it.
    other = world.visitor("other_manager")
    page = other.get(f"/umkm/{business.nib}")
    assert page.status_code == 200 and not any(s in page.text for s in SECRETS)
    assert "Kelas foto produk" not in page.text  # Malang's activity is not Gianyar's to see
    assert other.get(f"/umkm/{business.nib}/edit").status_code == 403
    assert other.get("/umkm/9999999999999").status_code == 404


def test_the_list_searches_by_name_nib_regency_and_scale_but_not_the_owner(world, business):
    UmkmFactory(
        nib="9130000000001", business_name="Tenun Ikat Gianyar", regency_code="5104", scale="menengah"
    )
    db.session.commit()
    visitor = world.visitor("manager")

    def shown(query: str) -> set[str]:
        page = visitor.get(f"/umkm?{query}")
        assert page.status_code == 200
        return {name for name in ("Sambal Roa Bu Tris", "Tenun Ikat Gianyar") if name in page.text}

    assert shown("q=sambal") == {"Sambal Roa Bu Tris"}
    assert shown("q=913000") == {"Tenun Ikat Gianyar"}
    assert shown("regency=5104") == {"Tenun Ikat Gianyar"}
    assert shown("scale=mikro") == {"Sambal Roa Bu Tris"}
    assert shown("q=Sutrisno") == set()
    # The search form offers no owner field: no owner's name ends up in a URL.
    fields = set(
        re.findall(
            r'name="([a-z_]+)"', visitor.get("/umkm").text.split('role="search"')[1].split("</form>")[0]
        )
    )
    assert fields == {"q", "regency", "scale"}


def test_a_business_registers_through_the_form_and_refusals_name_their_field(world):
    visitor = world.visitor("manager")
    response = visitor.post("/umkm/new", form())
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/umkm/9120555000777")
    stored = db.session.scalar(select(Umkm).where(Umkm.nib == "9120555000777"))
    assert stored.registered_by_centre_id == world.ids["centre"]

    for fields, field, words in (
        ({"nib": "912055500077"}, "nib", "NIB terdiri atas 13 angka"),
        ({"nib": "91205550007A7"}, "nib", "NIB terdiri atas 13 angka"),
        ({"nib": "9120555000778", "kbli": "107"}, "kbli", "5 angka"),
        ({"nib": "9120555000778", "regency_code": "3599"}, "regency_code", "kabupaten atau kota"),
    ):
        refused = visitor.post("/umkm/new", form(**fields))
        assert refused.status_code == 422, (fields, refused.status_code)
        assert words in error_beside(refused.text, field), (fields, error_beside(refused.text, field))

    again = visitor.post("/umkm/new", form(business_name="Nama Lain"))
    assert again.status_code == 409
    assert "sudah terdaftar" in error_beside(again.text, "nib")
    assert 'href="/umkm/9120555000777"' in again.text
    assert world.visitor("partner").post("/umkm/new", form(nib="9120555000779")).status_code == 404


def test_an_edit_over_a_change_made_meanwhile_is_refused(world, business):
    visitor = world.visitor("manager")
    page = visitor.get(f"/umkm/{business.nib}/edit")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    fields = {**form(), "business_name": "Sambal Roa Juara", "owner_name": OWNER, "version": version}
    del fields["nib"]
    assert visitor.post(f"/umkm/{business.nib}/edit", fields).status_code == 302
    assert db.session.get(Umkm, business.id).business_name == "Sambal Roa Juara"
    stale = visitor.post(f"/umkm/{business.nib}/edit", {**fields, "business_name": "Sambal Lama"})
    assert stale.status_code == 412
    assert "Seseorang telah mengubah data usaha ini" in stale.text
    db.session.expire_all()
    assert db.session.get(Umkm, business.id).business_name == "Sambal Roa Juara"


def test_a_partner_meets_no_owner_name_phone_or_email_on_any_page_or_download(world, ids, business):
    partner = world.visitor("partner")
    responses = {
        "list": partner.get("/umkm"),
        "search": partner.get("/umkm?q=Sambal"),
        "detail": partner.get(f"/umkm/{business.nib}"),
        "collaboration": partner.get(f"/collaborations/{ids['c']}"),
        "csv": partner.get("/umkm?export=umkm&format=csv"),
    }
    assert "Sambal Roa Bu Tris" in responses["list"].text
    assert 'data-testid="outcomes"' in responses["detail"].text and "Sertifikat" in responses["detail"].text
    for name, response in responses.items():
        assert response.status_code == 200, name
        text = response.get_data(as_text=True)
        assert not any(s in text for s in SECRETS), name
    assert "Sambal Roa Bu Tris" in responses["csv"].get_data(as_text=True)
    xlsx = partner.get("/umkm?export=umkm&format=xlsx")
    assert xlsx.status_code == 200
    text = xlsx_text(xlsx.data)
    assert "Sambal Roa Bu Tris" in text and not any(s in text for s in SECRETS)
    # Nothing personal was downloaded, so nothing is audited.
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "umkm.export")) is None


def test_a_download_of_personal_data_is_audited_with_who_and_when(world, business):
    manager = world.visitor("manager")
    csv = manager.get("/umkm?export=umkm&format=csv")
    assert csv.status_code == 200 and OWNER in csv.get_data(as_text=True)
    xlsx = manager.get("/umkm?export=umkm&format=xlsx")
    assert OWNER in xlsx_text(xlsx.data)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "umkm.export").order_by(AuditEntry.id)
    ).all()
    assert [e.after["format"] for e in entries] == ["csv", "xlsx"]
    assert all(e.actor.startswith(f"user:{world.users['manager'].id}:") for e in entries)
    assert all(e.at is not None and e.after["rows"] == 2 for e in entries)  # {n} of the walk, and this one
    assert all(OWNER not in str(e.after) for e in entries)
    # A page that is only looked at is not a download.
    manager.get("/umkm")
    assert (
        db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "umkm.export").offset(2)) is None
    )
