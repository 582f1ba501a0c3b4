"""What the API logs of a database refusal names the schema, never the row's values."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from mitra.api.errors import db_reason
from mitra.extensions import db
from tests.factories import UmkmFactory

OWNER = "Siti Rahasia Pribadi"


def _refusal(build) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, db.session.begin_nested():
        build()
        db.session.flush()
    return caught.value


def test_a_duplicate_names_its_constraint_not_the_values(reference_data):
    first = UmkmFactory(owner_name=OWNER, email="siti.rahasia@example.id")
    refusal = _refusal(lambda: UmkmFactory(nib=first.nib, owner_name=OWNER, email="siti.rahasia@example.id"))
    reason = db_reason(refusal.orig)
    if db.engine.dialect.name == "postgresql":  # what the driver says quotes the key
        assert first.nib in str(refusal.orig)
    assert reason
    assert first.nib not in reason
    assert OWNER not in reason and "siti.rahasia" not in reason


def test_a_check_names_its_constraint_not_the_failing_row(reference_data):
    refusal = _refusal(lambda: UmkmFactory(kbli="1x761", owner_name=OWNER))
    reason = db_reason(refusal.orig)
    if db.engine.dialect.name == "postgresql":  # ... and the whole failing row
        assert OWNER in str(refusal.orig)
    assert "kbli" in reason
    assert OWNER not in reason
