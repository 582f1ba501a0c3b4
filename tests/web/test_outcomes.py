"""Outcomes per business on the pages: recorded from a collaboration's page by the business's
NIB, refused beside the field at fault, listed with the amount the Indonesian way
(Rp 25.000.000), and counted on the dashboards."""

from __future__ import annotations

import re
from datetime import date

from flask import g, render_template

from events.envelope import decode
from events.store import outbox
from mitra.extensions import db
from mitra.models import Activity, Outcome
from mitra.services import outcomes, statistics
from mitra.web import outcomes as web_outcomes
from tests.factories import AttendanceFactory, UmkmFactory
from workers.handlers import HANDLERS

TODAY_OR_BEFORE = "2026-11-02"


def error_beside(page: str, field: str) -> str:
    found = re.search(rf'id="outcome-{field}-error">(.*?)</p>', page, flags=re.S)
    return found.group(1).strip() if found else ""


def form(nib: str, **fields) -> dict:
    return {
        "outcome-nib": nib,
        "outcome-type": "financing",
        "outcome-date": TODAY_OR_BEFORE,
        "outcome-amount_idr": "Rp 25.000.000",
        "outcome-activity_id": "0",
        "outcome-note": "KUR mikro",
        **{f"outcome-{name}": value for name, value in fields.items()},
    }


def compile_statistics() -> None:
    """What the statistics consumer does with the events so far."""
    for envelope in db.session.scalars(outbox.select().with_only_columns(outbox.c.envelope)):
        event = decode(envelope)
        if (handler := HANDLERS["statistics"].get(event.type.type)) is not None:
            handler(db.session, event)
    db.session.commit()


def test_a_centre_records_financing_and_the_page_lists_it_in_rupiah(world, ids):
    business = UmkmFactory(business_name="Keripik Tempe Sanan")
    visitor = world.visitor("manager")
    page = visitor.get(f"/collaborations/{ids['c']}")
    assert 'data-testid="outcome-form"' in page.text
    assert "Catat capaian" in page.text  # Indonesian by default

    response = visitor.post(f"/collaborations/{ids['c']}/outcomes", form(business.nib))
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith(f"/collaborations/{ids['c']}#outcomes")
    page = visitor.get(f"/collaborations/{ids['c']}")
    assert "Capaian telah dicatat." in page.text
    table = page.text[page.text.index('data-testid="table-outcomes"') :]
    assert "Rp 25.000.000" in table and "Keripik Tempe Sanan" in table and business.nib in table
    [outcome] = db.session.scalars(Outcome.__table__.select().with_only_columns(Outcome.amount_idr))
    assert outcome == 25_000_000

    # The partner reads the list and gets no form; the English page groups the English way.
    partner = world.visitor("partner")
    seen = partner.get(f"/collaborations/{ids['c']}")
    assert "Rp 25.000.000" in seen.text and 'data-testid="outcome-form"' not in seen.text
    assert "Rp 25,000,000" in partner.get(f"/collaborations/{ids['c']}?lang=en").text
    assert partner.post(f"/collaborations/{ids['c']}/outcomes", form(business.nib)).status_code == 404


def test_refusals_are_shown_beside_their_field(world, ids):
    business = UmkmFactory()
    visitor = world.visitor("manager")
    path = f"/collaborations/{ids['c']}/outcomes"
    cases = [
        (form(business.nib, amount_idr=""), "amount_idr", "Pembiayaan wajib disertai jumlahnya"),
        (form(business.nib, type="halal_certificate"), "amount_idr", "Pembiayaan wajib disertai jumlahnya"),
        (form(business.nib, amount_idr="dua juta"), "amount_idr", "Isi jumlah dalam rupiah bulat"),
        (form("9999999999999"), "nib", "Tidak ada usaha dengan NIB ini"),
        (form("12345"), "nib", "NIB terdiri atas 13 angka."),
        (form(business.nib, date="2099-01-01"), "date", "Tanggal tidak boleh setelah hari ini."),
        # Not on the activity's attendance.
        (form(business.nib, activity_id=str(ids["a"])), "activity_id", "Pilih kegiatan Anda yang diikuti"),
    ]
    for data, field, message in cases:
        response = visitor.post(path, data)
        assert response.status_code == 303, (field, response.text)
        page = visitor.get(f"/collaborations/{ids['c']}")
        assert message in error_beside(page.text, field), (field, data)
    assert db.session.query(Outcome).count() == 0

    AttendanceFactory(activity=db.session.get(Activity, ids["a"]), umkm=business)
    ok = visitor.post(path, form(business.nib, activity_id=str(ids["a"]), type="nib_issued", amount_idr=""))
    assert ok.status_code == 302
    assert db.session.scalar(Outcome.__table__.select().with_only_columns(Outcome.activity_id)) == ids["a"]


def test_from_a_business_page_the_browser_goes_back_where_it_was(world, ids):
    business = UmkmFactory()
    visitor = world.visitor("manager")
    data = {
        "outcome-type": "export",
        "outcome-date": TODAY_OR_BEFORE,
        "outcome-activity_id": "0",
        "outcome-collaboration_id": str(ids["c"]),
        "outcome-next": f"/umkm/{business.nib}",
    }
    response = visitor.post(f"/umkm/{business.nib}/outcomes", data)
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith(f"/umkm/{business.nib}")
    elsewhere = visitor.post(
        f"/umkm/{business.nib}/outcomes", {**data, "outcome-next": "https://example.com/"}
    )
    assert elsewhere.headers["Location"].endswith("/")  # never another site
    assert visitor.post("/umkm/9999999999999/outcomes", data).status_code == 404


def test_the_dashboards_count_businesses_assisted_and_financing(world, ids):
    business = UmkmFactory()
    visitor = world.visitor("manager")
    year = date.today().year
    assert (
        visitor.post(
            f"/collaborations/{ids['c']}/outcomes", form(business.nib, date=f"{year}-01-02")
        ).status_code
        == 302
    )
    compile_statistics()
    assert statistics.summary(db.session, world.users["admin"], year)["financing_idr"] == 25_000_000

    centre = visitor.get("/centre")
    assert re.search(r'data-testid="figure-financing">Rp 25\.000\.000<', centre.text), centre.text
    ministry = world.visitor("admin").get(f"/ministry?year={year}")
    assert re.search(r'data-testid="figure-financing">Rp 25\.000\.000<', ministry.text)
    assert 'data-testid="table-outcome_types"' in ministry.text
    download = world.visitor("admin").get(f"/ministry?year={year}&export=outcome_types&format=csv")
    assert "25000000" in download.get_data(as_text=True)


def business_panel(app, who, business, page: str) -> str:
    """The partial as the business's page will include it, for `who`, on `page` (a stand-in
    for that page: the browser is sent back to wherever the form was)."""
    with app.test_request_context(page):
        g.api_user = who  # the viewer of this request
        return render_template("web/_outcomes.html", outcomes=web_outcomes.for_business(business))


def test_the_business_panel_offers_what_the_viewer_may_name_and_shows_what_it_may_read(app, world, ids):
    business = UmkmFactory()
    AttendanceFactory(activity=db.session.get(Activity, ids["a"]), umkm=business)
    manager, partner = world.users["manager"], world.users["partner"]
    outcomes.record(
        manager, business.nib, {"type": "bpom_permit", "date": date(2026, 11, 2), "activity_id": ids["a"]}
    )
    outcomes.record(manager, business.nib, {"type": "other", "date": date(2026, 11, 3), "note": "pameran"})
    db.session.commit()

    mine = business_panel(app, manager, business, "/centre")
    assert (
        'data-testid="outcome-form"' in mine and 'name="outcome-next" type="hidden" value="/centre"' in mine
    )
    assert f'<option value="{ids["a"]}">2031-04-01 · Kelas foto produk</option>' in mine
    assert f'<option value="{ids["c"]}">Pelatihan pemasaran digital · Bank BUMN Mitra UMKM</option>' in mine
    assert "Izin edar BPOM" in mine and "pameran" in mine

    # The bank: the outcome of its activity only, no form; another centre: both, but not
    # the title of Malang's collaboration.
    theirs = business_panel(app, partner, business, "/inbox")
    assert "Izin edar BPOM" in theirs and "pameran" not in theirs and "outcome-form" not in theirs
    other = business_panel(app, world.users["other_manager"], business, "/centre")
    assert "pameran" in other and "Pelatihan pemasaran digital" not in other
