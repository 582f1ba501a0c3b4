"""Nothing a person typed reaches a mail header as more than one line: a title or a name
holding CR/LF (stored before the forms refused it, or put in by other means) is one clean
Subject and To line, and adds no header of its own."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from sqlalchemy import update

from mitra.extensions import db
from mitra.models import Collaboration, User
from mitra.services import mail
from tests.workers import reminders_support as support
from tests.workers.reminders_support import WIB, build_world, local_eight
from workers import sweeps

smtp_server, mail_to_smtp, clock = support.smtp_server, support.mail_to_smtp, support.clock
pytestmark = pytest.mark.usefixtures("reference_data")

INJECTED = "Pelatihan\r\nBcc: korban@evil.example\r\n\r\nisi palsu"


def _header_lines(raw: bytes) -> list[str]:
    """The header section, unfolded: one entry per header."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return re.sub(r"\r\n[ \t]", " ", head).split("\r\n")


def test_a_subject_with_cr_lf_is_one_header_line(app):
    message = mail.compose(
        '"Petugas\r\nBank" <mitra.bank@mitra.test>',
        INJECTED,
        "isi",
        headers={"X-Mitra-Subject": "collaboration/1\nBcc: x@evil.example"},
    )
    raw = message.as_bytes(policy=mail.MESSAGE_POLICY)
    lines = _header_lines(raw)
    assert not [line for line in lines if line.lower().startswith("bcc")]
    subjects = [line for line in lines if line.startswith("Subject:")]
    assert subjects == ["Subject: Pelatihan Bcc: korban@evil.example isi palsu"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Pelatihan Bcc: korban@evil.example isi palsu"
    assert parsed["Bcc"] is None
    assert parsed["To"].addresses[0].addr_spec == "mitra.bank@mitra.test"
    assert parsed["X-Mitra-Subject"] == "collaboration/1 Bcc: x@evil.example"
    assert parsed.get_content().strip() == "isi"  # the body is the body, not "isi palsu"


def test_a_reminder_about_a_title_with_cr_lf_arrives_with_one_clean_subject(app, mail_to_smtp, clock):
    world = build_world()
    p3 = world.collaborations[(WIB, "p3")]
    bank = world.partner_users["bank"]
    # As if stored before the forms refused it: the mail must not depend on that refusal.
    db.session.execute(update(Collaboration).where(Collaboration.id == p3.id).values(title=INJECTED))
    db.session.execute(update(User).where(User.id == bank.id).values(name="Petugas\r\nCc: x@evil.example"))
    db.session.commit()
    eight = local_eight(WIB)
    clock.at(eight)
    sweeps.sweep_reminders(db.session, eight)

    received = [m for m in mail_to_smtp.take() if m.subject_ref == f"collaboration/{p3.id}"]
    assert received, "the reminder about the proposal was not sent"
    for one in received:
        assert "\n" not in one.subject and "\r" not in one.subject
        assert "Pelatihan Bcc: korban@evil.example isi palsu" in one.subject
        assert one.message["Bcc"] is None and one.message["Cc"] is None
        assert one.to == bank.email  # the only recipient: no header added one
        assert [a.addr_spec for a in one.message["To"].addresses] == [bank.email]
