"""The rules of a business's fields, one place for every way a business arrives: the API's
JSON, the register's web form and each row of an attendance import.

Plain functions over strings, no session and no marshmallow, so a 50,000-row import checks
its rows at the speed of a loop. Each check returns the cleaned value or raises FieldError
with a message that names what is wrong; `clean` gathers them per field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

from mitra.models.enums import UmkmScale
from mitra.models.evidence import KBLI_LENGTH, NIB_LENGTH

# The fields of a business, in the order the import's header names them.
REQUIRED = ("nib", "business_name", "owner_name", "kbli", "scale", "regency_code")
OPTIONAL = ("phone", "email")
FIELDS = REQUIRED + OPTIONAL
# The fields that are personal data (UU 27/2022): only the ministry and the centres see them.
PERSONAL = ("owner_name", "phone", "email")
MAX_LENGTH = {"business_name": 200, "owner_name": 120, "phone": 30, "email": 254}

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FieldError(ValueError):
    """One field's value breaks its rule; the message says how."""


@cache
def regency_codes() -> frozenset[str]:
    """The 514 Kemendagri regency codes, read once from the reference data the database holds."""
    with resources.files("mitra.data").joinpath("regencies.csv").open(encoding="utf-8") as handle:
        return frozenset(row["regency_code"] for row in csv.DictReader(handle))


def _digits(value: str, length: int, what: str) -> str:
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise FieldError(f"{what} is {length} digits; {value!r} is not")
    return value


def nib(value: str) -> str:
    """An NIB as OSS issues it: 13 decimal digits."""
    return _digits(value.strip(), NIB_LENGTH, "an NIB")


def kbli(value: str) -> str:
    """A KBLI 2020 code: 5 decimal digits."""
    return _digits(value.strip(), KBLI_LENGTH, "a KBLI 2020 code")


def scale(value: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in UmkmScale.__members__.values():
        raise FieldError(f"the scale is one of {', '.join(UmkmScale)}; {value!r} is not")
    return cleaned


def regency_code(value: str) -> str:
    cleaned = value.strip()
    if cleaned not in regency_codes():
        raise FieldError(f"{cleaned!r} is not one of the 514 Kemendagri regency codes")
    return cleaned


def _text(field: str):
    def check(value: str) -> str:
        cleaned = " ".join(value.split())
        if not cleaned:
            raise FieldError("may not be blank")
        if len(cleaned) > MAX_LENGTH[field]:
            raise FieldError(f"at most {MAX_LENGTH[field]} characters")
        return cleaned

    return check


def phone(value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if not _PHONE.match(cleaned):
        raise FieldError("a phone number is digits, optionally with +, spaces, dashes or brackets")
    return cleaned


def email(value: str) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if len(cleaned) > MAX_LENGTH["email"] or not _EMAIL.match(cleaned):
        raise FieldError("not an e-mail address")
    return cleaned


CHECKS = {
    "nib": nib,
    "business_name": _text("business_name"),
    "owner_name": _text("owner_name"),
    "kbli": kbli,
    "scale": scale,
    "regency_code": regency_code,
    "phone": phone,
    "email": email,
}


def clean(values: Mapping[str, object], *, partial: bool = False) -> tuple[dict[str, object], dict[str, str]]:
    """(cleaned values, {field: message}) for the fields in `values`.

    Unknown keys are ignored; a required field that is missing is an error unless `partial`
    (a PATCH names only what changes). A value that is not a string is an error, not a crash.
    """
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        if field not in values:
            if field in REQUIRED and not partial:
                errors[field] = "required"
            continue
        if values[field] is None:  # null clears an optional field and is refused for the rest
            if field in OPTIONAL:
                cleaned[field] = None
            else:
                errors[field] = "required"
            continue
        value = values[field]
        if not isinstance(value, str):
            errors[field] = "must be text"
            continue
        try:
            cleaned[field] = CHECKS[field](value)
        except FieldError as refused:
            errors[field] = str(refused)
    return cleaned, errors
