"""E-mail delivery through the ledger: the .eml fallback, languages and parts, retries with
backoff when the server refuses, and an ambiguous send flagged for an operator, never resent."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from events.store import outbox
from mitra.cli.reminders import reminders_group
from mitra.extensions import db
from mitra.models import Reminder
from mitra.services import mail, reminders
from tests.workers import reminders_support as support
from tests.workers.reminders_support import WIB, build_world, local_eight
from workers import sweeps

smtp_server, mail_to_smtp, clock = support.smtp_server, support.mail_to_smtp, support.clock
pytestmark = pytest.mark.usefixtures("reference_data")

EIGHT = local_eight(WIB)


def rows(**where) -> list[Reminder]:
    db.session.expire_all()
    statement = select(Reminder).filter_by(**where).order_by(Reminder.id)
    return list(db.session.scalars(statement))


def sent_events() -> int:
    return db.session.scalar(select(func.count()).where(outbox.c.type == "mitra.reminder.sent"))


def test_without_a_mail_server_each_message_is_an_eml_file_in_the_instance(app, clock, caplog, tmp_path):
    # An instance folder of its own: other tests leave their mail in the shared one.
    app.config.update(MAIL_SERVER="", MITRA_BASE_URL="http://127.0.0.1:5000", INSTANCE_PATH=str(tmp_path))
    world = build_world()
    clock.at(EIGHT)
    caplog.set_level("INFO", logger="mitra.mail")
    logging.getLogger("mitra.mail").disabled = False  # migrations' fileConfig disabled it in tests
    sweeps.sweep_reminders(db.session, EIGHT)

    folder = support_path(app) / "mail"
    files = sorted(folder.glob("*.eml"))
    wib = [key for key, zone in world.expected.items() if zone == WIB]
    assert len(files) == len(wib) and not list(folder.glob("*.partial"))
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["X-Mitra-Kind"] and message["Auto-Submitted"] == "auto-generated"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    assert "http://127.0.0.1:5000/" in message.get_body(("plain",)).get_content()
    assert str(files[0]) in caplog.text
    assert {r.status for r in rows()} == {"sent"} and sent_events() == len(wib)


def support_path(app):
    from pathlib import Path

    return Path(app.config["INSTANCE_PATH"])


def test_bahasa_indonesia_by_default_english_by_choice_plain_and_html(app, mail_to_smtp, clock):
    world = build_world()
    for moment in (local_eight("Asia/Jayapura"), local_eight("Asia/Makassar"), EIGHT):
        clock.at(moment)
        sweeps.sweep_reminders(db.session, moment)
    received = {(m.to, m.kind, m.subject_ref): m for m in mail_to_smtp.take()}

    bank = world.partner_users["bank"]  # language id
    p3 = world.collaborations[(WIB, "p3")]
    indonesian = received[(bank.email, "proposal-3d", f"collaboration/{p3.id}")]
    assert indonesian.subject == f'3 hari lagi: jawab usulan "{p3.title}"'
    assert indonesian.message["Content-Language"] == "id"
    text, html = indonesian.part("plain"), indonesian.part("html")
    assert "Yth. Petugas bank" in text and "13 Maret 2031" in text  # respond_by, in Indonesian
    assert f"https://mitra.example/collaborations/{p3.id}" in text
    assert f'href="https://mitra.example/collaborations/{p3.id}"' in html
    assert "Buka di Mitra" in html and ("&#34;" in html or "&quot;" in html)  # the title, escaped

    telko = world.partner_users["telko"]  # language en
    agreement = world.agreements[(WIB, "telko")]
    english = received[(telko.email, "agreement-30d", f"agreement/{agreement.id}")]
    assert english.subject == f"{agreement.number} ends in 30 days"  # the number names the MoU
    assert english.message["Content-Language"] == "en"
    assert "Dear Petugas telko" in english.part("plain") and "April 9, 2031" in english.part("plain")
    assert "Open in Mitra" in english.part("html")

    manager = world.managers["Asia/Makassar"]  # the Gianyar manager reads English
    overdue = [
        m for (to, kind, _ref), m in received.items() if to == manager.email and kind == "outcome-overdue"
    ]
    assert overdue and overdue[0].subject.startswith("Report the outcome: Exhibition")


def test_a_refused_send_is_retried_with_exponential_backoff(app, mail_to_smtp, clock):
    world = build_world()
    mail_to_smtp.mode = "refuse"
    clock.at(EIGHT)
    sweeps.sweep_reminders(db.session, EIGHT)
    failed = rows(status="failed")
    assert failed and all(
        r.attempts == 1 and r.next_attempt_at == EIGHT + timedelta(seconds=60) for r in failed
    )
    assert "451" in failed[0].last_error

    # Not before its time; then again with the delay doubled.
    sweeps.dispatch_mail(db.session, EIGHT + timedelta(seconds=59))
    assert rows(status="failed")[0].attempts == 1
    sweeps.dispatch_mail(db.session, EIGHT + timedelta(seconds=60))
    assert {(r.attempts, r.next_attempt_at) for r in rows(status="failed")} == {
        (2, EIGHT + timedelta(seconds=180))
    }

    mail_to_smtp.mode = "accept"
    sweeps.dispatch_mail(db.session, EIGHT + timedelta(seconds=180))
    wib = [key for key, zone in world.expected.items() if zone == WIB]
    assert len(mail_to_smtp.take()) == len(wib)
    assert {(r.status, r.attempts) for r in rows()} == {("sent", 3)} and sent_events() == len(wib)


def test_a_permanent_refusal_is_not_retried(app, clock):
    build_world()

    class Refusing:
        def send(self, message):
            raise mail.SendFailed("RCPT TO: the server answered 550 no such user", permanent=True)

        def close(self):
            pass

    sweeps.sweep_reminders(db.session, clock.at(EIGHT), transport=Refusing())
    assert {(r.status, r.attempts, r.next_attempt_at) for r in rows()} == {("failed", 1, None)}


def test_an_ambiguous_send_is_flagged_and_never_resent(app, mail_to_smtp, clock):
    build_world()
    mail_to_smtp.mode = "drop"  # takes the whole message, then hangs up without a reply
    clock.at(EIGHT)
    sweeps.sweep_reminders(db.session, EIGHT)
    unknown = rows(status="unknown")
    assert unknown and len(unknown) == len(mail_to_smtp.dropped) and not rows(status="sent")
    assert "after the message was sent" in unknown[0].last_error and unknown[0].attempts == 1

    mail_to_smtp.mode = "accept"
    for later in (EIGHT + timedelta(minutes=15), EIGHT + timedelta(hours=2), EIGHT + timedelta(days=1)):
        sweeps.sweep_reminders(db.session, clock.at(later))
    assert mail_to_smtp.take() == [] and len(rows(status="unknown")) == len(unknown)
    assert sent_events() == 0

    listed = app.test_cli_runner().invoke(reminders_group, ["unknown"])
    assert listed.exit_code == 0, listed.output
    assert all(f"\n{r.id}\t{r.kind}\t" in listed.output for r in unknown)

    # An operator decides: one arrived after all, one is sent again (same Message-ID).
    first, second = unknown[0], unknown[1]
    result = app.test_cli_runner().invoke(reminders_group, ["resolve", str(first.id), "--as", "sent"])
    assert result.exit_code == 0, result.output
    result = app.test_cli_runner().invoke(reminders_group, ["resolve", str(second.id), "--as", "resend"])
    assert result.exit_code == 0, result.output
    sweeps.dispatch_mail(db.session, clock.at(EIGHT + timedelta(days=1, minutes=1)))
    resent = mail_to_smtp.take()
    assert len(resent) == 1 and resent[0].message["Message-ID"].startswith(f"<mitra-reminder-{second.id}@")


def test_a_sender_that_died_mid_send_leaves_the_row_unknown(app, clock):
    build_world()
    claimed = sweeps.claim_reminders(db.session, clock.at(EIGHT))
    assert claimed
    victim = rows(status="pending")[0]
    victim.status, victim.attempts = "sending", 1  # as a killed process leaves it
    db.session.commit()
    later = EIGHT + timedelta(minutes=16)

    class Null:
        def send(self, message):
            pass

        def close(self):
            pass

    sweeps.dispatch_mail(db.session, clock.at(later), transport=Null())
    assert rows(id=victim.id)[0].status == "unknown"


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_smtp_calls_time_out(app, silent_server, clock):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_server, MAIL_TIMEOUT_SECONDS=0.3)
    build_world()
    clock.at(EIGHT)
    started = time.monotonic()
    sweeps.sweep_reminders(db.session, EIGHT)
    failed = rows(status="failed")
    assert failed and "cannot open an SMTP session" in failed[0].last_error
    assert "timed out" in failed[0].last_error
    assert not rows(status="sending") and time.monotonic() - started < 3  # one timeout, not one per row


def test_send_one_message_now(app, mail_to_smtp):
    mail.send(
        to="someone@mitra.test", subject="Atur ulang kata sandi", text="Tautan: https://x", html="<p>x</p>"
    )
    received = mail_to_smtp.take()
    assert [m.to for m in received] == ["someone@mitra.test"]
    assert received[0].subject == "Atur ulang kata sandi"


def test_dispatch_policy_reads_the_configuration(app):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=10, REMINDER_LOCAL_HOUR=9)
    policy = reminders.MailPolicy.from_config(app.config)
    assert (policy.max_attempts, policy.retry_base_seconds, policy.local_hour) == (3, 10.0, 9)
