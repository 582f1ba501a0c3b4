"""Who finds which business in the UMKM register, and whose personal data they may read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import Umkm
from mitra.services import scoping
from tests.factories import AttendanceFactory, CentreFactory, UmkmFactory, UserFactory


@pytest.fixture
def world(reference_data):
    attended = AttendanceFactory(activity__collaboration__proposed_at=None)
    activity = attended.activity
    collaboration = activity.collaboration
    proposed = AttendanceFactory(
        activity__collaboration__partnership=collaboration.partnership,
        activity__collaboration__proposed_at=collaboration.created_at,
    )
    other_centre = CentreFactory()
    registered = UmkmFactory(registered_by_centre=other_centre)
    return {
        "centre": collaboration.centre,
        "partner": collaboration.partner,
        "other_centre": other_centre,
        "drafted": attended.umkm,
        "proposed": proposed.umkm,
        "registered": registered,
    }


def _seen(principal) -> dict[str, bool]:
    """nib -> whether the personal data is readable, for every business `principal` finds."""
    rows = db.session.execute(
        scoping.umkm(principal).with_only_columns(Umkm.nib, scoping.umkm_personal_criterion(principal))
    )
    return {nib: bool(personal) for nib, personal in rows}


def test_ministry_finds_every_business_with_personal_data(world):
    ministry = UserFactory(role="ministry_admin")
    seen = _seen(ministry)
    assert len(seen) == 3 and all(seen.values())


def test_a_centre_finds_every_business_and_reads_only_its_own(world):
    manager = UserFactory(role="centre_manager", centre=world["centre"])
    seen = _seen(manager)
    assert seen == {world["drafted"].nib: True, world["proposed"].nib: True, world["registered"].nib: False}
    registrar = UserFactory(role="centre_manager", centre=world["other_centre"])
    assert _seen(registrar)[world["registered"].nib] is True


def test_a_partner_finds_only_businesses_on_proposed_work_and_no_personal_data(world):
    partner_user = UserFactory(role="partner_user", partner=world["partner"])
    assert _seen(partner_user) == {world["proposed"].nib: False}
    assert db.session.scalars(select(Umkm.nib)).all()  # the others exist, unseen
