"""What the API's request schemas take and refuse, and the messages a client reads."""

from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError

from mitra.api.listing import MAX_PAGE, PageArgs, page_of
from mitra.api.schemas.activities import ActivityCreateSchema, ActivityListArgs, ActivityReportSchema
from mitra.api.schemas.agreements import AgreementCreateSchema
from mitra.api.schemas.auth import TokenRequestSchema
from mitra.api.schemas.collaborations import (
    CollaborationCreateSchema,
    CollaborationPatchSchema,
    CollaborationSchema,
    CompleteSchema,
)
from mitra.api.schemas.common import MAX_COUNT, EmptySchema, ReasonSchema
from mitra.api.schemas.registry import CentreCreateSchema, PartnerCreateSchema

PROPOSAL = {
    "partner_id": 2,
    "title": "Pelatihan QRIS",
    "service_area": "pembiayaan",
    "starts_on": "2027-01-04",
    "ends_on": "2027-03-31",
}


def refused(schema, data) -> dict:
    with pytest.raises(ValidationError) as error:
        schema().load(data)
    return error.value.messages


# -- collaborations -------------------------------------------------------------------------------


def test_a_proposal_is_loaded_with_dates_and_trimmed_text():
    loaded = CollaborationCreateSchema().load({**PROPOSAL, "title": "  Pelatihan QRIS  "})
    assert loaded["title"] == "Pelatihan QRIS"
    assert (loaded["starts_on"], loaded["ends_on"]) == (date(2027, 1, 4), date(2027, 3, 31))
    assert "centre_id" not in loaded  # a centre manager's own centre, decided by the service


@pytest.mark.parametrize("field", ["partner_id", "title", "service_area", "starts_on", "ends_on"])
def test_a_proposal_without_a_required_field_names_it(field):
    data = {k: v for k, v in PROPOSAL.items() if k != field}
    assert refused(CollaborationCreateSchema, data) == {field: ["Missing data for required field."]}


def test_a_proposal_ending_before_it_starts_is_refused_on_ends_on():
    messages = refused(CollaborationCreateSchema, {**PROPOSAL, "ends_on": "2027-01-03"})
    assert messages == {"ends_on": ["must not be before starts_on"]}


def test_a_one_day_collaboration_is_allowed():
    loaded = CollaborationCreateSchema().load({**PROPOSAL, "ends_on": "2027-01-04"})
    assert loaded["ends_on"] == loaded["starts_on"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"partner_id": "2"}, "partner_id"),  # a JSON integer, not a string
        ({"partner_id": 2.5}, "partner_id"),
        ({"partner_id": 0}, "partner_id"),
        ({"partner_id": 2**31}, "partner_id"),  # beyond a 32-bit id column
        ({"service_area": "kuliner"}, "service_area"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Pelatihan\nekspor"}, "title"),
        ({"title": "lone \ud800 surrogate"}, "title"),
        ({"description": "nul \x00"}, "description"),
        ({"target_umkm": -1}, "target_umkm"),
        ({"target_umkm": MAX_COUNT + 1}, "target_umkm"),
        ({"starts_on": "04/01/2027"}, "starts_on"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_proposal_with_a_bad_field_is_refused_on_that_field(change, field):
    assert list(refused(CollaborationCreateSchema, {**PROPOSAL, **change})) == [field]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"partner_id": "2"}, "Not a valid integer."),
        ({"title": "Pelatihan\nekspor"}, "must be a single line without tabs or control characters"),
        ({"title": "lone \ud800 surrogate"}, "must be valid Unicode text (it holds a lone surrogate)"),
        ({"description": "nul \x00"}, "(it holds U+0000 (NUL))"),
        ({"service_area": "kuliner"}, "Must be one of: kelembagaan, sdm, produksi, pembiayaan"),
        ({"colour": "red"}, "Unknown field."),
    ],
)
def test_the_refusal_says_what_is_wrong(change, message):
    (messages,) = refused(CollaborationCreateSchema, {**PROPOSAL, **change}).values()
    assert message in messages[0]


def test_a_description_gets_lf_line_ends_and_keeps_its_paragraphs():
    loaded = CollaborationCreateSchema().load({**PROPOSAL, "description": "Satu.\r\n\r\nDua.\rTiga."})
    assert loaded["description"] == "Satu.\n\nDua.\nTiga."


def test_a_patch_may_change_one_field_and_still_checks_the_dates_it_gets():
    assert CollaborationPatchSchema().load({"ends_on": "2027-05-01"}) == {"ends_on": date(2027, 5, 1)}
    assert CollaborationPatchSchema().load({}) == {}
    messages = refused(CollaborationPatchSchema, {"starts_on": "2027-05-02", "ends_on": "2027-05-01"})
    assert messages == {"ends_on": ["must not be before starts_on"]}


def test_a_patch_may_clear_the_deadline_but_not_the_title():
    assert CollaborationPatchSchema().load({"respond_by": None}) == {"respond_by": None}
    assert "title" in refused(CollaborationPatchSchema, {"title": None})


@pytest.mark.parametrize(
    ("outcomes", "ok"),
    [
        ({"umkm_assisted": 40}, True),
        ({}, True),
        ({"umkm_assisted": -1}, False),
        ({"umkm_assisted": "40"}, False),
        ({"": 1}, False),
        ({"k" * 61: 1}, False),
        ({f"figure_{n}": n for n in range(21)}, False),
        ({f"figure_{n}": n for n in range(20)}, True),
    ],
)
def test_closing_outcomes_are_at_most_twenty_named_non_negative_figures(outcomes, ok):
    data = {"summary": "Selesai sesuai rencana.", "outcomes": outcomes}
    if ok:
        assert CompleteSchema().load(data)["outcomes"] == outcomes
    else:
        assert "outcomes" in refused(CompleteSchema, data)


def test_closing_needs_a_summary():
    assert refused(CompleteSchema, {"summary": " \n "}) == {
        "summary": ["Length must be between 1 and 10000."]
    }


def test_a_closing_summary_may_have_paragraphs_as_on_the_page():
    # The page's form takes paragraphs; the API refused any line break until this test.
    loaded = CompleteSchema().load({"summary": "Pelatihan selesai.\r\n\r\n40 UMKM terdampingi."})
    assert loaded["summary"] == "Pelatihan selesai.\n\n40 UMKM terdampingi."
    assert "summary" in refused(CompleteSchema, {"summary": "nul \x00"})


def test_a_reason_may_span_lines_but_not_hold_control_characters():
    assert ReasonSchema().load({"reason": "Anggaran\r\nhabis"}) == {"reason": "Anggaran\nhabis"}
    assert "reason" in refused(ReasonSchema, {"reason": "escape \x1b[31m"})
    assert refused(ReasonSchema, {}) == {"reason": ["Missing data for required field."]}


def test_the_response_schema_writes_dates_as_iso_text():
    from types import SimpleNamespace

    row = SimpleNamespace(starts_on=date(2027, 1, 4), respond_by=None)
    dumped = CollaborationSchema(only=("starts_on", "respond_by")).dump(row)
    assert dumped == {"starts_on": "2027-01-04", "respond_by": None}


def test_a_body_for_an_action_without_fields_refuses_any_field():
    assert EmptySchema().load({}) == {}
    assert refused(EmptySchema, {"reason": "x"}) == {"reason": ["Unknown field."]}


# -- activities and agreements --------------------------------------------------------------------


def test_an_activity_needs_a_known_type_and_a_date():
    assert ActivityCreateSchema().load({"type": "training", "date": "2027-02-03"}) == {
        "type": "training",
        "date": date(2027, 2, 3),
    }
    assert set(refused(ActivityCreateSchema, {"type": "party"})) == {"type", "date"}


@pytest.mark.parametrize(
    ("report", "field"),
    [
        ({"participants": 30}, "umkm_reached"),
        ({"participants": -1, "umkm_reached": 0}, "participants"),
        ({"participants": 30, "umkm_reached": 1.5}, "umkm_reached"),
        ({"participants": 30, "umkm_reached": 12, "document_ref": "x" * 256}, "document_ref"),
    ],
)
def test_a_report_needs_whole_non_negative_counts(report, field):
    assert field in refused(ActivityReportSchema, report)


def test_a_report_may_leave_out_its_notes():
    assert ActivityReportSchema().load({"participants": 30, "umkm_reached": 12, "notes": None}) == {
        "participants": 30,
        "umkm_reached": 12,
        "notes": None,
    }


AGREEMENT = {"partner_id": 2, "kind": "pks", "number": "PKS/12/2031", "signed_on": "2026-01-05"}


@pytest.mark.parametrize(
    ("valid_until", "errors"),
    [
        ("2027-01-04", {}),
        ("2026-01-05", {}),  # valid the day it is signed
        ("2026-01-04", {"valid_until": ["must not be before signed_on"]}),
    ],
)
def test_an_agreement_is_not_valid_before_it_is_signed(valid_until, errors):
    data = {**AGREEMENT, "valid_until": valid_until}
    if errors:
        assert refused(AgreementCreateSchema, data) == errors
    else:
        assert AgreementCreateSchema().load(data)["valid_until"] == date.fromisoformat(valid_until)


@pytest.mark.parametrize("kind", ["mou", "pks"])
def test_an_agreement_is_a_mou_or_a_pks(kind):
    assert (
        AgreementCreateSchema().load({**AGREEMENT, "kind": kind, "valid_until": "2027-01-04"})["kind"] == kind
    )


def test_any_other_kind_of_agreement_is_refused():
    assert refused(AgreementCreateSchema, {**AGREEMENT, "kind": "spk", "valid_until": "2027-01-04"}) == {
        "kind": ["Must be one of: mou, pks."]
    }


# -- the registries: Kemendagri codes --------------------------------------------------------------

CENTRE = {
    "code": "3507",
    "province": "35",
    "name": "PLUT Kabupaten Malang",
    "regency_name": "Kabupaten Malang",
}


@pytest.mark.parametrize("code", ["3507", "3500-P", "9471"])
def test_a_centre_code_is_a_regency_code_or_a_province_unit(code):
    assert CentreCreateSchema().load({**CENTRE, "code": code})["code"] == code


@pytest.mark.parametrize("code", ["357", "35071", "3507-p", "3507P", "35O7", "3507-PP", " 3507 x"])
def test_anything_else_is_not_a_centre_code(code):
    assert refused(CentreCreateSchema, {**CENTRE, "code": code}) == {
        "code": ["must be a four-digit Kemendagri regency code, with -P for a province unit"]
    }


@pytest.mark.parametrize(
    ("province", "ok"), [("35", True), ("91", True), ("3", False), ("351", False), ("3a", False)]
)
def test_a_province_is_a_two_digit_kemendagri_code(province, ok):
    data = {**CENTRE, "province": province}
    if ok:
        assert CentreCreateSchema().load(data)["province"] == province
    else:
        assert refused(CentreCreateSchema, data) == {
            "province": ["must be a two-digit Kemendagri province code"]
        }


@pytest.mark.parametrize(("region_code", "ok"), [("3507", True), ("350", False), ("35a7", False)])
def test_a_region_code_is_four_digits(region_code, ok):
    data = {**CENTRE, "region_code": region_code}
    if ok:
        assert CentreCreateSchema().load(data)["region_code"] == region_code
    else:
        assert refused(CentreCreateSchema, data) == {"region_code": ["must be four digits"]}


@pytest.mark.parametrize(
    ("year", "ok"), [(2013, True), (2100, True), (None, True), (2012, False), (2101, False), ("2020", False)]
)
def test_a_centre_was_established_from_2013_on(year, ok):
    data = {**CENTRE, "established_year": year}
    if ok:
        assert CentreCreateSchema().load(data)["established_year"] == year
    else:
        assert "established_year" in refused(CentreCreateSchema, data)


@pytest.mark.parametrize(
    ("zone", "ok"), [("Asia/Makassar", True), ("Asia/Singapore", False), ("WITA", False)]
)
def test_a_centre_keeps_one_of_indonesias_zones(zone, ok):
    data = {**CENTRE, "zone": zone}
    if ok:
        assert CentreCreateSchema().load(data)["zone"] == zone
    else:
        assert "zone" in refused(CentreCreateSchema, data)


def test_a_partner_needs_a_known_type():
    assert PartnerCreateSchema().load({"name": "Bank Rakyat", "type": "bank"}) == {
        "name": "Bank Rakyat",
        "type": "bank",
    }
    assert "type" in refused(PartnerCreateSchema, {"name": "Bank Rakyat", "type": "casino"})


# -- signing in ------------------------------------------------------------------------------------


def test_a_password_is_taken_as_typed_even_its_spaces_and_line_breaks():
    loaded = TokenRequestSchema().load({"email": " siti@plut.test ", "password": "  kata\nsandi  "})
    assert loaded == {"email": "siti@plut.test", "password": "  kata\nsandi  "}


def test_a_password_holding_nul_is_refused():
    assert refused(TokenRequestSchema, {"email": "siti@plut.test", "password": "a\x00b"}) == {
        "password": ["must not contain NUL characters"]
    }


@pytest.mark.parametrize("email", ["siti@plut.test\r\nBcc: x@example.com", "", "x" * 255])
def test_an_email_must_be_one_short_line(email):
    assert "email" in refused(TokenRequestSchema, {"email": email, "password": "rahasia"})


# -- paging and sorting ---------------------------------------------------------------------------


def test_a_list_starts_at_page_one_with_twenty_items():
    assert PageArgs().load({}) == {"page": 1, "per_page": 20}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": MAX_PAGE + 1}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"page": "two"}, "page"),
    ],
)
def test_page_numbers_and_sizes_outside_their_range_are_refused(args, field):
    assert list(refused(PageArgs, args)) == [field]


def test_query_strings_give_numbers_as_text():
    assert PageArgs().load({"page": "3", "per_page": "100"}) == {"page": 3, "per_page": 100}


@pytest.mark.parametrize("sort", ["date", "-date", "title", "-updated_at", "id"])
def test_a_list_sorts_by_a_whitelisted_field_either_way(sort):
    assert ActivityListArgs().load({"sort": sort})["sort"] == sort


@pytest.mark.parametrize("sort", ["notes", "--date", "date desc", "+date"])
def test_any_other_sort_is_refused(sort):
    assert list(refused(ActivityListArgs, {"sort": sort})) == ["sort"]


def test_a_list_has_a_default_sort():
    assert ActivityListArgs().load({}) == {"page": 1, "per_page": 20, "sort": "date"}


def test_a_page_of_one_item_schema_is_one_named_schema():
    page = page_of(CollaborationSchema)
    assert page is page_of(CollaborationSchema)
    assert page.__name__ == "CollaborationPageSchema"
    assert set(page().fields) == {"items", "total", "page", "per_page"}
