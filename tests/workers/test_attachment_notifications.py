"""New evidence is told to the other side: the partner's users hear of what the centre
attached, the centre's managers of what the partner attached, both of the ministry's."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from mitra.extensions import db
from mitra.models import Notification, User
from mitra.services import attachments, collaborations, notifications
from tests.factories import CentreFactory, PartnerFactory, UserFactory
from tests.support import sample_files as files
from tests.workers.test_reminders_events import deliver

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def people(app):
    centre = CentreFactory(code="3507", name="PLUT-KUMKM Kab. Malang", province_code="35")
    bank = PartnerFactory(name="Bank BUMN Mitra UMKM")
    found = {
        "manager": UserFactory(name="Manajer Malang", role="centre_manager", centre=centre),
        "deputy": UserFactory(name="Wakil", role="centre_manager", centre=centre, language="en"),
        "bank": UserFactory(name="Petugas Bank", role="partner_user", partner=bank),
        "telko": UserFactory(role="partner_user", partner=PartnerFactory(name="Telko")),
        "admin": UserFactory(name="Admin Kementerian", role="ministry_admin"),
    }
    collaboration = collaborations.create(
        found["manager"],
        {
            "partner_id": bank.id,
            "title": "Pelatihan pemasaran digital",
            "service_area": "pemasaran",
            "starts_on": date(2031, 5, 1),
            "ends_on": date(2031, 7, 1),
            "respond_by": date(2031, 4, 1),
        },
    )
    collaborations.act(found["manager"], collaboration.id, "propose")
    db.session.commit()
    found["collaboration"] = collaboration
    return found


def attach(who: User, collaboration, filename: str):
    added = attachments.add(who, "collaboration", collaboration.id, attachments.Upload(filename, files.PDF))
    db.session.commit()
    return added


def told() -> Counter:
    return Counter(
        db.session.scalars(select(Notification.user_id).where(Notification.kind == "attachment.added"))
    )


def test_each_upload_is_told_to_the_side_that_did_not_bring_it(app, people):
    p, collaboration = people, people["collaboration"]
    since = deliver(app)
    attach(p["manager"], collaboration, "daftar-hadir.pdf")
    since = deliver(app, since)
    assert told() == {p["bank"].id: 1}
    attach(p["bank"], collaboration, "laporan-bank.pdf")
    since = deliver(app, since)
    assert told() == {p["bank"].id: 1, p["manager"].id: 1, p["deputy"].id: 1}
    attach(p["admin"], collaboration, "catatan.pdf")
    deliver(app, since)
    assert told() == {p["bank"].id: 2, p["manager"].id: 2, p["deputy"].id: 2}
    assert p["telko"].id not in told() and p["admin"].id not in told()


def test_the_notification_names_the_file_who_brought_it_and_links_the_page(app, people):
    p, collaboration = people, people["collaboration"]
    since = deliver(app)
    added = attach(p["bank"], collaboration, "laporan-bank.pdf")
    deliver(app, since)
    deputy = db.session.get(User, p["deputy"].id)
    [shown] = [
        item
        for item in notifications.describe(db.session.scalars(notifications.search(deputy)).all(), deputy)
        if item["kind"] == "attachment.added"
    ]
    assert shown["subject_type"] == "attachment" and shown["subject_id"] == added.id
    assert shown["title"] == "New evidence: laporan-bank.pdf"
    assert "Petugas Bank" in shown["body"] and "Pelatihan pemasaran digital" in shown["body"]
    assert shown["link"].endswith(f"/collaborations/{collaboration.id}#attachments")
