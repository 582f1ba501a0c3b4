"""The rules of a business's fields, shared by the API, the register's form and the import."""

from __future__ import annotations

import pytest

from mitra.services import umkm_fields

VALID = {
    "nib": "1234567890123",
    "business_name": " Kopi  Gayo ",
    "owner_name": "Siti Aminah",
    "kbli": "10761",
    "scale": "Mikro",
    "regency_code": "1101",
}


def test_a_valid_business_is_cleaned():
    cleaned, errors = umkm_fields.clean(VALID)
    assert errors == {}
    assert cleaned["business_name"] == "Kopi Gayo"
    assert cleaned["scale"] == "mikro"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nib", "123456789012"),  # 12 digits
        ("nib", "12345678901ab"),
        ("nib", "١٢٣٤٥٦٧٨٩٠١٢٣"),  # digits, but not ASCII ones
        ("kbli", "1076"),
        ("scale", "besar"),
        ("regency_code", "3599"),  # four digits, no such regency
        ("business_name", "   "),
        ("email", "not-an-address"),
        ("phone", "call me"),
    ],
)
def test_a_bad_value_is_named_by_its_field(field, value):
    cleaned, errors = umkm_fields.clean({**VALID, field: value})
    assert list(errors) == [field]
    assert field not in cleaned


def test_missing_fields_are_required_unless_partial():
    assert set(umkm_fields.clean({})[1]) == set(umkm_fields.REQUIRED)
    assert umkm_fields.clean({"kbli": "10761"}, partial=True) == ({"kbli": "10761"}, {})


def test_null_clears_an_optional_field_and_is_refused_for_a_required_one():
    cleaned, errors = umkm_fields.clean({"phone": None, "owner_name": None}, partial=True)
    assert cleaned == {"phone": None}
    assert errors == {"owner_name": "required"}


def test_a_value_that_is_not_text_is_an_error_not_a_crash():
    assert umkm_fields.clean({**VALID, "nib": 1234567890123})[1] == {"nib": "must be text"}


def test_the_regencies_are_the_514_of_the_reference_data():
    assert len(umkm_fields.regency_codes()) == 514
