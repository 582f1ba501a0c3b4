"""What a hand-edited URL or a pasted value does to the pages: `?page=` out of range shows the
nearest page, `next=` leads only to a local path, search words with control characters
still search, and a form field with a line break, tab or NUL where one line belongs is
refused beside the field, storing nothing. Never a 500."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wtforms import StringField, TextAreaField

from mitra.web import forms
from mitra.web.forms import accounts as account_forms
from mitra.web.forms import collaborations as collaboration_forms
from mitra.web.forms import registry as registry_forms
from tests.api.conftest import row_counts
from tests.factories import PASSWORD, PartnerFactory
from tests.web.test_flows import FORM, error_beside

PAGES_ASKED = ["1e20", str(10**30), "9" * 5000, "-1", "0", "abc", "2.5", "inf", "-inf", "nan", "", "%00"]
LISTS = {
    "partner": ["/inbox", "/agreements", "/notifications", "/centres", "/activities/upcoming"],
    "manager": [
        "/collaborations",
        "/partners",
        "/agreements",
        "/notifications",
        "/centres",
        "/activities/upcoming",
    ],
    "admin": ["/collaborations", "/partners", "/centres", "/agreements", "/notifications"],
}
ONE_LINE = "Tulis dalam satu baris, tanpa tab atau karakter kendali lain."
NO_CONTROLS = "Teks ini memuat karakter kendali yang tidak dapat disimpan; hapus karakter itu."


# -- paging ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(LISTS))
def test_every_list_answers_any_page_asked_with_a_page(world, ids, role):
    visitor = world.visitor(role)
    for path in LISTS[role]:
        for page in PAGES_ASKED:
            response = visitor.get(f"{path}?page={page}")
            assert response.status_code == 200, (path, page, response.status_code)
        with_filters = visitor.get(f"{path}?q=Pelatihan&status=proposed&page={10**30}")
        assert with_filters.status_code == 200, path


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("1e20", 2),
        (str(10**30), 2),
        ("9" * 5000, 2),
        ("inf", 2),
        ("3", 2),
        ("2.5", 2),
        ("-1", 1),
        ("0", 1),
        ("abc", 1),
        ("nan", 1),
        ("-inf", 1),
    ],
)
def test_a_page_out_of_range_shows_the_nearest_one(world, asked, shown):
    for number in range(30):  # with the world's two: 32 partners, two pages of 25
        PartnerFactory(name=f"Koperasi Nomor {number:02d}")
    page = world.visitor("admin").get(f"/partners?lang=en&page={asked}").text
    assert f"Page {shown} of 2" in page
    assert ('rel="next"' in page) == (shown == 1) and ('rel="prev"' in page) == (shown == 2)
    assert ("Koperasi Nomor 29" in page) == (shown == 2)  # sorted by name: the last one is on page 2


# -- next= ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/inbox%0d%0aSet-Cookie:%20sid=stolen",
        "/inbox%0aX-Evil:%201",
        "%0d%0a",
        "/inbox%00",
        "//evil.example",
        "https://evil.example",
        "/%5Cevil.example",
        "%5C%5Cevil",
        "/%09/evil.example",
        "javascript:alert(1)",
        "inbox",
    ],
)
def test_next_after_login_goes_home_unless_it_is_a_local_path(world, target):
    response = world.visitor().post(
        f"/login?next={target}", {"email": "mitra.bank@mitra.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers.get("Location", "")


def test_next_with_words_in_other_scripts_still_leads_back(world):
    response = world.visitor().post(
        "/login?next=/partners%3Fq%3DKoperasi%20%C3%A9",
        {"email": "manajer.malang@mitra.test", "password": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/partners?q=Koperasi")


# -- search words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["%00", "Pelatihan%00", "Pelatihan%0d%0apemasaran", "%1b[31m"])
def test_search_words_with_control_characters_still_search(world, ids, q):
    visitor = world.visitor("manager")
    for path in ("/collaborations", "/partners", "/centres", "/agreements"):
        response = visitor.get(f"{path}?q={q}")
        assert response.status_code == 200, path
    assert "Pelatihan pemasaran digital" in visitor.get("/collaborations?q=Pelatihan%00").text


# -- forms ----------------------------------------------------------------------------------------


def _form_fields():
    for module in (account_forms, collaboration_forms, registry_forms):
        for name in dir(module):
            form = getattr(module, name)
            if isinstance(form, type) and issubclass(form, forms.Form) and form is not forms.Form:
                for field_name, field in vars(form).items():
                    if hasattr(field, "field_class"):
                        yield f"{form.__name__}.{field_name}", field.field_class


def test_every_text_field_of_every_form_follows_the_rules():
    """A plain StringField or TextAreaField would let a line break or NUL through."""
    seen = dict(_form_fields())
    assert len(seen) > 30
    text_fields = {name: cls for name, cls in seen.items() if issubclass(cls, (StringField, TextAreaField))}
    loose = {
        name
        for name, cls in text_fields.items()
        if not issubclass(cls, (forms.LineField, forms.ParagraphsField)) and "Password" not in cls.__name__
    }
    assert not loose
    assert text_fields["CollaborationForm.title"] is forms.LineField
    assert text_fields["CollaborationForm.description"] is forms.ParagraphsField


@pytest.mark.parametrize(
    "title",
    [
        "Pelatihan\npemasaran",
        "Pelatihan\r\nBcc: x@example.com",
        "Pelatihan\x00",
        "Pelatihan\tpemasaran",
        "Pelatihan\x85",
    ],
)
@pytest.mark.parametrize("button", ["propose", "save_draft"])
def test_a_title_with_a_control_character_is_refused_beside_it(world, title, button):
    visitor = world.visitor("manager")
    before = row_counts()
    page = visitor.post(
        "/collaborations/new", {**FORM, "partner_id": str(world.ids["partner"]), "title": title, button: "x"}
    )
    assert page.status_code == 422
    assert error_beside(page.text, "title") == ONE_LINE
    assert row_counts() == before


def test_an_edited_title_with_lf_changes_nothing(world, ids):
    visitor = world.visitor("manager")
    before = row_counts()
    page = visitor.post(
        f"/collaborations/{ids['d']}/edit",
        {**FORM, "partner_id": str(world.ids["partner"]), "title": "Draf\nbaru", "save_draft": "x"},
    )
    assert page.status_code == 422 and error_beside(page.text, "title") == ONE_LINE
    assert row_counts() == before
    assert "Draf pendampingan ekspor" in visitor.get(f"/collaborations/{ids['d']}").text


# who, path, a valid form, the single-line fields to spoil (ids: {c}: an accepted collaboration)
FORMS = [
    (
        "manager",
        "/collaborations/{c}/activities",
        {"type": "training", "date": "2031-05-01", "title": "Kelas foto", "location": "Aula"},
        ["title", "location"],
    ),
    ("manager", "/partners/new", {"name": "Koperasi Tani Makmur", "type": "association"}, ["name"]),
    (
        "manager",
        "/agreements/new",
        {
            "partner_id": "{partner}",
            "kind": "mou",
            "number": "MoU/9/2031",
            "signed_on": "2031-01-01",
            "valid_until": "2032-01-01",
            "document_ref": "arsip/9",
        },
        ["number", "document_ref"],
    ),
    (
        "admin",
        "/centres/new",
        {
            "code": "3508",
            "name": "PLUT-KUMKM Kabupaten Lumajang",
            "regency_name": "Kabupaten Lumajang",
            "province": "35",
            "tier": "reguler",
            "status": "operational",
            "funding": "DAK Fisik 2022",
        },
        ["name", "regency_name", "funding"],
    ),
    (
        "partner",
        "/account",
        {"name": "Petugas Bank", "language": "id", "zone": "Asia/Jakarta", "email_preference": "immediate"},
        ["name"],
    ),
]


@pytest.mark.parametrize(("who", "path", "data", "names"), FORMS, ids=[f[1] for f in FORMS])
def test_every_single_line_field_refuses_control_characters(world, ids, who, path, data, names):
    visitor = world.visitor(who)
    path = path.format(**ids)
    data = {k: v.format(partner=world.ids["partner"]) for k, v in data.items()}
    before = row_counts()
    for name in names:
        for control in ("\n", "\r", "\t", "\x00", "\x7f"):
            # A refused form comes back (Post/Redirect/Get for the collaboration page's forms).
            page = visitor.post(path, {**data, name: f"Satu{control}dua"}, follow_redirects=True)
            assert page.status_code in (200, 422), (name, repr(control))  # the profile answers 200
            assert error_beside(page.text, name) == ONE_LINE, (name, repr(control))
        # A lone control character is as refused, though Optional() reads it as blank.
        assert error_beside(visitor.post(path, {**data, name: "\t"}, follow_redirects=True).text, name) in (
            ONE_LINE,
            "Isian ini wajib diisi.",
        )
    assert row_counts() == before
    assert visitor.post(path, data).status_code == 302  # the same form, unspoilt, is taken


def test_a_reason_with_nul_is_refused_and_the_proposal_stays(world):
    c = world.proposal()
    partner = world.visitor("partner")
    before = row_counts()
    refused = partner.post(
        f"/collaborations/{c}/decline", {"decline-reason": "Anggaran\x00habis"}, follow_redirects=True
    )
    assert refused.status_code == 200
    assert error_beside(refused.text, "decline-reason") == NO_CONTROLS
    assert row_counts() == before


def test_paragraphs_are_stored_with_lf_line_ends(world, ids):
    from mitra.extensions import db
    from mitra.services import collaborations

    c = world.proposal()
    partner = world.visitor("partner")
    done = partner.post(f"/collaborations/{c}/decline", {"decline-reason": "Anggaran habis\r\nTahun depan\r"})
    assert done.status_code == 302
    db.session.expire_all()
    assert collaborations.get(world.users["admin"], c).decline_reason == "Anggaran habis\nTahun depan"


def test_a_login_or_reset_address_with_a_line_break_is_refused_not_a_500(world):
    visitor = world.visitor()
    signed = visitor.post(
        "/login", {"email": "mitra.bank@mitra.test\r\nBcc: x@example.com", "password": PASSWORD}
    )
    assert signed.status_code == 400 and error_beside(signed.text, "email") == ONE_LINE
    folder = Path(world.app.config["INSTANCE_PATH"]) / "mail"
    before = len(list(folder.glob("*.eml"))) if folder.exists() else 0
    reset = visitor.post("/account/reset", {"email": "mitra.bank@mitra.test\nBcc: x@example.com"})
    assert reset.status_code == 200 and error_beside(reset.text, "email")  # its shape is wrong first
    assert (len(list(folder.glob("*.eml"))) if folder.exists() else 0) == before
    assert re.search(r'name="csrf_token"', reset.text)  # the form again, to correct
