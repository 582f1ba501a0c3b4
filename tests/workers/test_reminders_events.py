"""The `reminders` consumer group through the real consumer runtime: who hears of a proposal,
a revision, an answer and an expiry, in the app at once and by e-mail; a redelivered event
tells no one twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from kombu import Connection
from sqlalchemy import select

from events.store import outbox
from events.topology import GROUPS
from mitra.extensions import db
from mitra.models import Notification, Reminder
from mitra.services import collaborations, notifications
from tests.factories import CentreFactory, PartnerFactory, UserFactory
from tests.workers import reminders_support as support
from workers import sweeps
from workers.handlers import HANDLERS
from workers.runtime import GroupWorker

smtp_server, mail_to_smtp, clock = support.smtp_server, support.mail_to_smtp, support.clock
pytestmark = pytest.mark.usefixtures("reference_data")

NOW = datetime(2031, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 WIB


class Message:
    """What the runtime needs of a kombu message."""

    def __init__(self, body: str):
        self.body, self.headers, self.properties, self.acked = body, {}, {}, False

    def ack(self) -> None:
        self.acked = True


def deliver(app, since_id: int = 0) -> int:
    """Hand every outbox event the reminders group subscribes to to the real runtime."""
    found = db.session.execute(
        select(outbox.c.id, outbox.c.envelope)
        .where(outbox.c.id > since_id, outbox.c.type.in_(GROUPS["reminders"]))
        .order_by(outbox.c.id)
    ).all()
    db.session.commit()
    worker = GroupWorker(app, Connection("memory://"), ["reminders"], HANDLERS)
    messages = [Message(envelope) for _id, envelope in found]
    for message in messages:
        worker.on_message("reminders", message)
    worker.flush()
    assert all(m.acked for m in messages) and not worker.retries
    return max((i for i, _e in found), default=since_id)


@pytest.fixture
def people(app):
    centre = CentreFactory(code="3507", name="PLUT-KUMKM Kab. Malang", province_code="35")
    bank = PartnerFactory(name="Bank BUMN Mitra UMKM")
    telko = PartnerFactory(name="Telko Nasional", type="telco")
    return {
        "manager": UserFactory(
            email="manajer@mitra.test", name="Manajer", role="centre_manager", centre=centre
        ),
        "deputy": UserFactory(
            email="wakil@mitra.test", name="Wakil", role="centre_manager", centre=centre, language="en"
        ),
        "retired": UserFactory(
            email="pensiun@mitra.test", name="Pensiun", role="centre_manager", centre=centre, is_active=False
        ),
        "bank": UserFactory(email="bank@mitra.test", name="Petugas Bank", role="partner_user", partner=bank),
        "bank_digest": UserFactory(
            email="bank2@mitra.test",
            name="Analis Bank",
            role="partner_user",
            partner=bank,
            email_preference="digest",
            zone="Asia/Makassar",
        ),
        "telko": UserFactory(
            email="telko@mitra.test", name="Petugas Telko", role="partner_user", partner=telko
        ),
        "bank_id": bank.id,
    }


def draft(manager, partner_id: int, title: str, respond_by: date):
    return collaborations.create(
        manager,
        {
            "partner_id": partner_id,
            "title": title,
            "service_area": "pemasaran",
            "starts_on": date(2031, 5, 1),
            "ends_on": date(2031, 7, 1),
            "respond_by": respond_by,
        },
    )


def told(kind: str) -> Counter:
    return Counter(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_each_step_is_told_to_the_right_people_once(app, people, mail_to_smtp, clock):
    p = people
    clock.at(NOW)
    clock_fn = lambda: NOW  # noqa: E731
    first = draft(p["manager"], p["bank_id"], "Pelatihan pemasaran digital", date(2031, 3, 20))
    second = draft(p["manager"], p["bank_id"], "Temu bisnis ekspor", date(2031, 3, 20))
    late = draft(p["manager"], p["bank_id"], "Pendampingan halal", date(2031, 3, 3))
    for c in (first, second, late):
        collaborations.act(p["manager"], c.id, "propose", clock=clock_fn)
    collaborations.act(p["bank"], first.id, "request_info", "Berapa peserta per kelas?", clock=clock_fn)
    collaborations.act(p["manager"], first.id, "revise", "Tiga puluh peserta.", clock=clock_fn)
    collaborations.act(p["bank"], first.id, "decline", "Anggaran tahun ini habis.", clock=clock_fn)
    collaborations.act(p["bank"], second.id, "accept", clock=clock_fn)
    last = deliver(app)

    partner_side = Counter({p["bank"].id: 3, p["bank_digest"].id: 3})
    centre_side = Counter({p["manager"].id: 1, p["deputy"].id: 1})
    assert told("collaboration.proposed") == partner_side
    assert told("collaboration.revised") == Counter({p["bank"].id: 1, p["bank_digest"].id: 1})
    assert told("collaboration.info_requested") == centre_side
    assert told("collaboration.declined") == centre_side
    assert told("collaboration.accepted") == centre_side

    # The words carry the collaboration's title and the text that came with the step.
    deputy = db.session.scalars(
        select(Notification).where(
            Notification.user_id == p["deputy"].id, Notification.kind == "collaboration.declined"
        )
    ).one()
    described = notifications.describe([deputy], p["deputy"])[0]
    assert described["title"] == "Proposal declined: Pelatihan pemasaran digital"
    assert "Anggaran tahun ini habis." in described["body"]
    assert described["link"].endswith(f"/collaborations/{first.id}")

    # E-mails: at once for the immediate users, held for the one who chose the digest.
    sweeps.dispatch_mail(db.session, NOW)
    received = Counter((m.to, m.kind) for m in mail_to_smtp.take())
    assert received == {
        ("bank@mitra.test", "collaboration.proposed"): 3,
        ("bank@mitra.test", "collaboration.revised"): 1,
        **{
            (who, kind): 1
            for who in ("manajer@mitra.test", "wakil@mitra.test")
            for kind in ("collaboration.info_requested", "collaboration.declined", "collaboration.accepted")
        },
    }
    held = db.session.scalars(select(Reminder.status).where(Reminder.recipient_id == p["bank_digest"].id))
    assert set(held) == {"held"}

    # A redelivery of every event tells no one again.
    deliver(app)
    sweeps.dispatch_mail(db.session, NOW + timedelta(minutes=1))
    assert mail_to_smtp.take() == []
    assert sum(told("collaboration.proposed").values()) == 6

    # The unanswered proposal expires after its day at the centre; the centre hears of it.
    midnight = datetime(2031, 3, 3, 17, 0, tzinfo=UTC)  # 00:00 WIB on 4 March
    sweeps.expire_proposals(db.session, clock.at(midnight))
    deliver(app, since_id=last)
    sweeps.dispatch_mail(db.session, midnight)
    expired = mail_to_smtp.take()
    assert sorted((m.to, m.kind, m.subject_ref) for m in expired) == [
        ("manajer@mitra.test", "collaboration.expired", f"collaboration/{late.id}"),
        ("wakil@mitra.test", "collaboration.expired", f"collaboration/{late.id}"),
    ]
    english = next(m for m in expired if m.to == "wakil@mitra.test")
    assert english.subject == "Proposal expired: Pendampingan halal"
