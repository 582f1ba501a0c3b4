"""What the reminder, mail and scheduler tests share: a real SMTP server (aiosmtpd) that keeps
what it receives, a frozen process clock in any TZ, and a small world of centres in WIB, WITA
and WIT with their managers, partners and partner users."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller

from mitra.extensions import db
from mitra.models import Activity, Agreement, Collaboration, Partnership, User
from tests.factories import CentreFactory, PartnerFactory, UserFactory

# The day the world's reminders fall due, in every zone.
DAY = date(2031, 3, 10)
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


@dataclass
class Received:
    to: str
    kind: str
    subject_ref: str  # "collaboration/12"
    at: datetime  # the (frozen) clock when the server took it
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        return self.message.get_body(preferencelist=(subtype,)).get_content()


class Inbox:
    """An aiosmtpd handler keeping every accepted message. `mode` makes it misbehave:
    "refuse" answers 451 to RCPT (nothing taken), "drop" takes the message but closes the
    connection instead of answering the end of DATA (the sender cannot know)."""

    def __init__(self):
        self.messages: list[Received] = []
        self.dropped: list[bytes] = []
        self.mode = "accept"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.mode == "refuse":
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.mode == "drop":
            with self.lock:
                self.dropped.append(envelope.original_content)
            server.transport.abort()
            return "250 never heard"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                Received(
                    to=envelope.rcpt_tos[0],
                    kind=str(message["X-Mitra-Kind"]),
                    subject_ref=str(message["X-Mitra-Subject"]),
                    at=datetime.now(UTC),
                    message=message,
                )
            )
        return "250 Message accepted for delivery"

    def take(self) -> list[Received]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def mail_to_smtp(app, smtp_server):
    """The app sends to the test's SMTP server."""
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_TIMEOUT_SECONDS=5,
        MITRA_BASE_URL="https://mitra.example",
    )
    return smtp_server


@pytest.fixture(params=["UTC", "Asia/Jakarta"])
def process_tz(request):
    """Run the test with the process's local zone set to each value (nothing may depend on it)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


class Clock:
    """The process clock, frozen; moved by the test. Destinations are POSIX timestamps, so
    time-machine leaves TZ alone (given a zone-aware datetime it would set TZ itself)."""

    def __init__(self):
        self.traveller = None

    def at(self, moment: datetime) -> datetime:
        if self.traveller is None:
            self._travel = time_machine.travel(moment.timestamp(), tick=False)
            self.traveller = self._travel.start()
        else:
            self.traveller.move_to(moment.timestamp())
        return moment

    def stop(self) -> None:
        if self.traveller is not None:
            self._travel.stop()


@pytest.fixture
def clock():
    frozen = Clock()
    yield frozen
    frozen.stop()


def local_eight(zone: str, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def quarter_hours(first: datetime, last: datetime):
    moment = first
    while moment <= last:
        yield moment
        moment += timedelta(minutes=15)


@dataclass
class World:
    centres: dict[str, object] = field(default_factory=dict)  # zone -> centre
    managers: dict[str, User] = field(default_factory=dict)  # zone -> the centre's manager
    partners: dict[str, object] = field(default_factory=dict)  # bank, telko, kampus
    partner_users: dict[str, User] = field(default_factory=dict)
    # (recipient email, kind, "type/id") -> the zone whose 08:00 it must arrive at
    expected: dict[tuple[str, str, str], str] = field(default_factory=dict)
    collaborations: dict[tuple[str, str], Collaboration] = field(default_factory=dict)
    agreements: dict[tuple[str, str], Agreement] = field(default_factory=dict)


def build_world(digest_user: bool = False) -> World:
    """Per centre (WIB, WITA, WIT): proposals due in 3 days and 1 day, one past its deadline,
    an activity tomorrow, one two days ago without its outcome, agreements ending in 60, 30
    and 7 days and one ended yesterday. Partner users live in WIB, WIT and WITA."""
    world = World()
    centres = {
        WIB: ("3507", "PLUT-KUMKM Kab. Malang", "35", "id"),
        WITA: ("5104", "PLUT-KUMKM Kab. Gianyar", "51", "en"),
        WIT: ("9106", "PLUT-KUMKM Kab. Biak Numfor", "91", "id"),
    }
    for zone, (code, name, province, language) in centres.items():
        centre = CentreFactory(code=code, name=name, province_code=province, zone=zone)
        world.centres[zone] = centre
        world.managers[zone] = UserFactory(
            email=f"manajer.{code}@mitra.test",
            name=f"Manajer {code}",
            role="centre_manager",
            centre=centre,
            language=language,
        )
    for key, name, zone, language in (
        ("bank", "Bank BUMN Mitra UMKM", WIB, "id"),
        ("telko", "Telko Nasional", WIT, "en"),
        ("kampus", "Universitas Negeri", WITA, "id"),
    ):
        partner = PartnerFactory(name=name)
        world.partners[key] = partner
        world.partner_users[key] = UserFactory(
            email=f"{key}@mitra.test",
            name=f"Petugas {key}",
            role="partner_user",
            partner=partner,
            zone=zone,
            language=language,
            email_preference="digest" if digest_user and key == "bank" else "immediate",
        )
    for zone, centre in world.centres.items():
        _centre_world(world, zone, centre)
    db.session.commit()
    return world


def _centre_world(world: World, zone: str, centre) -> None:
    manager = world.managers[zone]
    partnerships = {
        key: Partnership(centre=centre, partner=partner, status="active")
        for key, partner in world.partners.items()
    }
    db.session.add_all(partnerships.values())

    def collaboration(key: str, status: str, respond_by: date | None, title: str) -> Collaboration:
        c = Collaboration(
            partnership=partnerships["bank"],
            centre=centre,
            partner=world.partners["bank"],
            title=f"{title} {centre.code}",
            service_area="pemasaran",
            status=status,
            starts_on=DAY + timedelta(days=30),
            ends_on=DAY + timedelta(days=90),
            respond_by=respond_by,
            proposed_at=datetime(2031, 2, 1, tzinfo=UTC),
        )
        db.session.add(c)
        world.collaborations[(zone, key)] = c
        return c

    bank = world.partner_users["bank"]
    p3 = collaboration("p3", "proposed", DAY + timedelta(days=3), "Pelatihan pemasaran digital")
    p1 = collaboration("p1", "proposed", DAY + timedelta(days=1), "Temu bisnis ekspor")
    collaboration("late", "proposed", DAY - timedelta(days=1), "Pendampingan sertifikasi halal")
    running = collaboration("running", "active", DAY - timedelta(days=20), "Inkubasi UMKM digital")
    tomorrow = Activity(
        collaboration=running,
        type="training",
        title="Kelas foto produk",
        date=DAY + timedelta(days=1),
        location="Aula PLUT",
        status="planned",
    )
    overdue = Activity(
        collaboration=running, type="exhibition", title="", date=DAY - timedelta(days=2), status="planned"
    )
    db.session.add_all([tomorrow, overdue])
    agreements = {}
    for key, days in (("bank", 60), ("telko", 30), ("kampus", 7)):
        agreements[key] = Agreement(
            partnership=partnerships[key],
            kind="mou",
            number=f"MOU/{days}/{centre.code}",
            signed_on=date(2029, 1, 1),
            valid_until=DAY + timedelta(days=days),
        )
    ended = Agreement(
        partnership=partnerships["bank"],
        kind="pks",
        number=f"PKS/OLD/{centre.code}",
        signed_on=date(2029, 1, 1),
        valid_until=DAY - timedelta(days=1),
    )
    db.session.add_all([*agreements.values(), ended])
    db.session.flush()
    world.agreements.update({(zone, key): a for key, a in agreements.items()})
    world.agreements[(zone, "ended")] = ended

    expect = world.expected
    expect[(bank.email, "proposal-3d", f"collaboration/{p3.id}")] = bank.zone
    expect[(bank.email, "proposal-1d", f"collaboration/{p1.id}")] = bank.zone
    expect[(bank.email, "activity-tomorrow", f"activity/{tomorrow.id}")] = bank.zone
    expect[(manager.email, "activity-tomorrow", f"activity/{tomorrow.id}")] = zone
    expect[(manager.email, "outcome-overdue", f"activity/{overdue.id}")] = zone
    for key, days in (("bank", 60), ("telko", 30), ("kampus", 7)):
        ref = f"agreement/{agreements[key].id}"
        expect[(manager.email, f"agreement-{days}d", ref)] = zone
        user = world.partner_users[key]
        expect[(user.email, f"agreement-{days}d", ref)] = user.zone
