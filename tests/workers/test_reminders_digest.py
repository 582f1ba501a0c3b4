"""The daily digest: a user who chose it gets one e-mail at 08:00 in their zone holding
everything due, while in-app notifications stay immediate."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mitra.extensions import db
from mitra.i18n import ZONE_LABELS
from mitra.models import Notification, Reminder
from mitra.services import notifications, reminders
from tests.workers import reminders_support as support
from tests.workers.reminders_support import DAY, WIB, build_world, local_eight, quarter_hours
from workers import sweeps

smtp_server, mail_to_smtp, clock = support.smtp_server, support.mail_to_smtp, support.clock
pytestmark = pytest.mark.usefixtures("reference_data")


def test_one_digest_at_eight_local_holds_everything_due(app, mail_to_smtp, clock):
    world = build_world(digest_user=True)
    bank = world.partner_users["bank"]  # WIB, Indonesian, digest

    # Yesterday afternoon a proposal reached the bank: in the app at once, its e-mail held.
    yesterday = clock.at(datetime(2031, 3, 9, 9, 0, tzinfo=UTC))
    proposal = world.collaborations[(WIB, "p3")]
    told = notifications.create(db.session, bank, "collaboration.proposed", proposal.id, at=yesterday)
    reminders.stage_copy(db.session, told, bank, yesterday)
    db.session.commit()
    sweeps.dispatch_mail(db.session, yesterday)
    assert mail_to_smtp.take() == []

    first, last = datetime(2031, 3, 9, 15, tzinfo=UTC), datetime(2031, 3, 10, 16, 45, tzinfo=UTC)
    for moment in quarter_hours(first, last):
        clock.at(moment)
        sweeps.sweep_reminders(db.session, moment)
        sweeps.dispatch_mail(db.session, moment)
    received = mail_to_smtp.take()

    digests = [m for m in received if m.to == bank.email]
    assert [(m.kind, m.subject_ref, m.at) for m in digests] == [
        ("digest", f"user/{bank.id}", local_eight(WIB))
    ]
    digest = digests[0]
    owed = [key for key in world.expected if key[0] == bank.email]
    assert digest.subject == f"Ringkasan harian Mitra, 10 Maret 2031: {len(owed) + 1} hal"
    text, html = digest.part("plain"), digest.part("html")
    assert text.count("https://mitra.example/") == len(owed) + 1 == html.count('href="https://mitra.example/')
    assert f"Usulan kerja sama baru: {proposal.title}" in text  # yesterday's event
    assert f'3 hari lagi: jawab usulan "{proposal.title}"' in text  # today's reminder
    assert "ringkasan harian pukul 08.00 WIB" in text and "pukul 08.00 WIB" in html

    # Everyone else still got their own e-mails, one each.
    others = [m for m in received if m.to != bank.email]
    assert sorted((m.to, m.kind, m.subject_ref) for m in others) == sorted(
        key for key in world.expected if key[0] != bank.email
    )
    # Each footer names whose 08:00 the digest would come at: the reader's (WIB, WITA, WIT).
    for m in others:
        label = ZONE_LABELS[world.expected[(m.to, m.kind, m.subject_ref)]]
        assert re.search(rf"08[.:]00 {label}\b", m.part("plain")), (m.to, label)

    # In the app, each item is there on its own, from its own moment.
    in_app = db.session.scalar(select(func.count()).where(Notification.user_id == bank.id))
    assert in_app == len(owed) + 1
    statuses = db.session.execute(
        select(Reminder.status, func.count())
        .where(Reminder.recipient_id == bank.id)
        .group_by(Reminder.status)
    ).all()
    assert dict(statuses) == {"digested": len(owed) + 1, "sent": 1}

    # The next morning brings no second digest: nothing new is due.
    for moment in quarter_hours(
        local_eight(WIB, DAY + timedelta(days=1)),
        local_eight(WIB, DAY + timedelta(days=1)) + timedelta(minutes=45),
    ):
        sweeps.sweep_reminders(db.session, clock.at(moment))
    assert [m for m in mail_to_smtp.take() if m.to == bank.email] == []


def test_a_digest_is_claimed_once_even_by_concurrent_sweeps(app, clock):
    world = build_world(digest_user=True)
    eight = clock.at(local_eight(WIB))
    sweeps.claim_reminders(db.session, eight)
    sweeps.claim_reminders(db.session, eight + timedelta(minutes=15))
    bank = world.partner_users["bank"]
    digests = db.session.scalars(
        select(Reminder).where(Reminder.kind == "digest", Reminder.recipient_id == bank.id)
    ).all()
    assert len(digests) == 1 and digests[0].due_on == DAY
    assert db.session.scalar(select(func.count()).where(Reminder.digest_id == digests[0].id)) == len(
        [k for k in world.expected if k[0] == bank.email]
    )
