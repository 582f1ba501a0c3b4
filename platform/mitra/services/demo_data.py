"""Reference data (provinces, service areas) and the PLUT-KUMKM demo data set.

`load_reference_data` is what a production database needs; `seed_demo` adds the centres,
partners, users, collaborations and activities of a demo that matches the programme's 2023
figures: 49 development activities held, with 73 partners, at 32 PLUT-KUMKM.

Both are idempotent (get-or-create by natural key) and deterministic: every value comes from
the catalogue or from a `random.Random` with a fixed seed, never from today's date. The plan
is drawn in full before the database is read, so a rerun draws the same values.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mitra.models import (
    SERVICE_AREAS,
    Activity,
    Agreement,
    Centre,
    Collaboration,
    Partner,
    Partnership,
    Province,
    ServiceArea,
    User,
)
from mitra.security.passwords import hash_password
from mitra.services import demo_catalogue as cat

SEED = 2023
DEMO_PASSWORD = "mitra-demo-2023"  # nosec B105  # published demo password; refused in production
HELD_ACTIVITIES_2023 = 49
CANCELLED_ACTIVITIES_2023 = 4

# (role, e-mail, password) of every demo login; `make run` prints them.
DEMO_LOGINS = [
    ("ministry_admin", "admin@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.malang@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.gianyar@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.biak@mitra.test", DEMO_PASSWORD),
    ("partner_user", "mitra.bank@mitra.test", DEMO_PASSWORD),
]

# e-mail -> (name, centre code, partner name, zone)
_DEMO_USERS = {
    "admin@mitra.test": ("Admin Kementerian", None, None, "Asia/Jakarta"),
    "manajer.malang@mitra.test": ("Manajer PLUT-KUMKM Malang", "3507", None, "Asia/Jakarta"),
    "manajer.gianyar@mitra.test": ("Manajer PLUT-KUMKM Gianyar", "5104", None, "Asia/Makassar"),
    "manajer.biak@mitra.test": ("Manajer PLUT-KUMKM Biak Numfor", "9106", None, "Asia/Jayapura"),
    "mitra.bank@mitra.test": ("Mitra Bank BUMN", None, cat.NATIONAL_PARTNERS[0][0], "Asia/Jakarta"),
}

# When a row has no date of its own (a draft): a fixed moment, never "now".
_FALLBACK_STAMP = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)

TABLES = (
    ("provinces", Province),
    ("service_areas", ServiceArea),
    ("centres", Centre),
    ("partners", Partner),
    ("users", User),
    ("partnerships", Partnership),
    ("agreements", Agreement),
    ("collaborations", Collaboration),
    ("activities", Activity),
)
_TABLE_MODELS = dict(TABLES)

Progress = Callable[[str, int, int], None]  # (table, rows in the table, rows created now)


def _csv_rows(name: str) -> list[dict[str, str]]:
    with resources.files("mitra").joinpath("data", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _catalogue_centres() -> list[tuple[str, str, dict[str, str]]]:
    """(code, name, csv row) of every centre in plut_centres.csv."""
    centres = []
    for row in _csv_rows("plut_centres.csv"):
        regency = row["regency_code"]
        if row["source_note"].startswith("province-level"):
            centres.append((f"{regency}-P", f"PLUT-KUMKM Provinsi {row['province_name']}", row))
        else:
            centres.append((regency, f"PLUT-KUMKM {row['regency_name']}", row))
    return centres


def _utc(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


@dataclass
class _Collab:
    centre: str
    partner: str
    title: str
    service_area: str
    starts_on: date
    ends_on: date
    respond_by: date | None
    target_umkm: int
    status: str
    proposed_at: datetime | None
    answered_at: datetime | None
    decline_reason: str | None = None
    info_question: str | None = None


@dataclass
class _Activity:
    collab: _Collab
    type: str
    title: str
    date: date
    status: str
    participants: int
    umkm_reached: int
    notes: str | None = None


class _Seeder:
    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.session = session
        self.progress = progress
        self.created: Counter[str] = Counter()

    def _done(self, *tables: str) -> None:
        self.session.flush()
        if self.progress:
            for table in tables:
                self.progress(table, _count(self.session, table), self.created[table])

    def _add(self, table: str, row) -> None:
        self.session.add(row)
        self.created[table] += 1

    # -- reference data: synced to the files, so a corrected name reaches old databases too
    def reference(self) -> None:
        provinces = {p.code: p for p in self.session.scalars(select(Province))}
        for row in _csv_rows("provinces.csv"):
            values = {k: row[k] for k in ("name", "capital", "zone", "iana_zone")}
            province = provinces.get(row["code"])
            if province is None:
                self._add("provinces", Province(code=row["code"], **values))
            else:
                for key, value in values.items():
                    setattr(province, key, value)
        areas = {a.code: a for a in self.session.scalars(select(ServiceArea))}
        for position, (code, name_id, name_en) in enumerate(SERVICE_AREAS, start=1):
            area = areas.get(code)
            if area is None:
                self._add(
                    "service_areas",
                    ServiceArea(code=code, position=position, name_id=name_id, name_en=name_en),
                )
            else:
                area.position, area.name_id, area.name_en = position, name_id, name_en
        self._done("provinces", "service_areas")

    # -- demo data: get-or-create, an existing row is left as it is
    def centres(self) -> None:
        rng = random.Random(SEED + 1)  # nosec B311  # reproducible demo data, not a secret
        existing = {c.code: c for c in self.session.scalars(select(Centre))}
        for code, name, row in _catalogue_centres():
            drawn_year, drawn_funding = (
                rng.randint(2013, 2021),
                rng.choice(("DAK Fisik", "APBN Kemenkop UKM")),
            )
            if code in cat.NEW_PLUT_CODES:
                tier, year, funding = "premium", 2022, "DAK Fisik 2022"
            else:
                tier, funding = "reguler", drawn_funding
                year = cat.ATTESTED_YEARS.get(code, drawn_year)
            if code not in existing:
                existing[code] = Centre(
                    code=code, region_code=row["regency_code"], name=name,
                    regency_name=row["regency_name"], province_code=row["province_code"],
                    zone=row["iana_zone"], tier=tier, status="operational",
                    established_year=year, funding=funding,
                )  # fmt: skip
                self._add("centres", existing[code])
        self._done("centres")

    def partners(self) -> None:
        centres = self._centres()
        existing = {p.name: p for p in self.session.scalars(select(Partner))}
        rows = [(name, kind, "national", None) for name, kind in cat.NATIONAL_PARTNERS]
        rows += [(name, kind, "local", code) for code, name, kind in cat.LOCAL_PARTNERS]
        for name, kind, scope, centre_code in rows:
            if name not in existing:
                centre = centres[centre_code] if centre_code else None
                self._add(
                    "partners",
                    Partner(name=name, type=kind, scope=scope, registered_by_centre_id=centre and centre.id),
                )
        self._done("partners")

    def users(self) -> None:
        centres, partners = self._centres(), self._partners()
        existing = {e.lower() for e in self.session.scalars(select(User.email))}
        for role, email, password in DEMO_LOGINS:
            if email in existing:
                continue
            name, centre_code, partner_name, zone = _DEMO_USERS[email]
            self._add("users", User(
                email=email, name=name, role=role, password_hash=hash_password(password),
                centre_id=centres[centre_code].id if centre_code else None,
                partner_id=partners[partner_name].id if partner_name else None,
                language="id", zone=zone,
            ))  # fmt: skip
        self._done("users")

    def collaborations(self, collabs: list[_Collab], activities: list[_Activity]) -> None:
        s = self.session
        centres, partners = self._centres(), self._partners()
        managers = {u.centre_id: u.id for u in s.scalars(select(User).where(User.role == "centre_manager"))}
        links = {(p.centre_id, p.partner_id): p for p in s.scalars(select(Partnership))}
        rows = {(c.centre_id, c.partner_id, c.title): c for c in s.scalars(select(Collaboration))}
        saved: dict[int, Collaboration] = {}
        for spec in collabs:
            centre, partner = centres[spec.centre], partners[spec.partner]
            link = links.get((centre.id, partner.id))
            if link is None:
                link = links[centre.id, partner.id] = Partnership(
                    centre=centre, partner=partner, status="active",
                    status_changed_at=spec.answered_at or _FALLBACK_STAMP,
                    created_at=spec.proposed_at or _FALLBACK_STAMP,
                    updated_at=spec.answered_at or _FALLBACK_STAMP,
                )  # fmt: skip
                self._add("partnerships", link)
            row = rows.get((centre.id, partner.id, spec.title))
            if row is None:
                stamp = spec.proposed_at or _FALLBACK_STAMP
                row = rows[centre.id, partner.id, spec.title] = Collaboration(
                    centre=centre, partner=partner, partnership=link, title=spec.title,
                    service_area=spec.service_area, description=_description(spec),
                    starts_on=spec.starts_on, ends_on=spec.ends_on, respond_by=spec.respond_by,
                    target_umkm=spec.target_umkm, status=spec.status,
                    proposed_at=spec.proposed_at, answered_at=spec.answered_at,
                    decline_reason=spec.decline_reason, info_question=spec.info_question,
                    created_by_id=managers.get(centre.id),
                    created_at=stamp - timedelta(days=2), updated_at=spec.answered_at or stamp,
                )  # fmt: skip
                self._add("collaborations", row)
            saved[id(spec)] = row
        s.flush()
        have = {(a.collaboration_id, a.title, a.date) for a in s.scalars(select(Activity))}
        for spec in activities:
            collab = saved[id(spec.collab)]
            if (collab.id, spec.title, spec.date) in have:
                continue
            reported = None
            if spec.status == "held":
                reported = datetime.combine(spec.date + timedelta(days=2), time(3), UTC)
            stamp = datetime.combine(spec.date - timedelta(days=21), time(2), UTC)
            self._add("activities", Activity(
                collaboration=collab, type=spec.type, title=spec.title,
                service_area=spec.collab.service_area, date=spec.date,
                location=collab.centre.regency_name, status=spec.status,
                participants=spec.participants, umkm_reached=spec.umkm_reached,
                notes=spec.notes, reported_at=reported,
                created_at=stamp, updated_at=reported or stamp,
            ))  # fmt: skip
            have.add((collab.id, spec.title, spec.date))
        self._done("partnerships", "collaborations", "activities")

    def agreements(self) -> None:
        centres, partners = self._centres(), self._partners()
        links = {(p.centre_id, p.partner_id): p for p in self.session.scalars(select(Partnership))}
        have = {(a.partnership_id, a.number) for a in self.session.scalars(select(Agreement))}
        for centre_code, partner_name, kind, number, signed_on, valid_until in cat.AGREEMENTS:
            link = links[centres[centre_code].id, partners[partner_name].id]
            if (link.id, number) not in have:
                stamp = datetime.combine(signed_on, time(4), UTC)
                self._add("agreements", Agreement(
                    partnership=link, kind=kind, number=number, signed_on=signed_on,
                    valid_until=valid_until, document_ref=f"arsip/{number.replace('/', '-')}.pdf",
                    created_at=stamp, updated_at=stamp,
                ))  # fmt: skip
        self._done("agreements")

    def _centres(self) -> dict[str, Centre]:
        return {c.code: c for c in self.session.scalars(select(Centre))}

    def _partners(self) -> dict[str, Partner]:
        return {p.name: p for p in self.session.scalars(select(Partner))}


def _count(session: Session, table: str) -> int:
    return session.scalar(select(func.count()).select_from(_TABLE_MODELS[table])) or 0


def _description(spec: _Collab) -> str:
    area = next(name for code, name, _en in SERVICE_AREAS if code == spec.service_area)
    return (
        f"Kerja sama bidang layanan {area} antara PLUT-KUMKM dan {spec.partner}, "
        f"menyasar {spec.target_umkm} UMKM binaan."
    )


def _plan_2023() -> tuple[list[_Collab], list[_Activity]]:
    """The completed 2023 collaborations (every partner, the 32 centres) and their activities."""
    rng = random.Random(SEED + 2)  # nosec B311  # reproducible demo data, not a secret
    regencies = {code: row["regency_name"] for code, _name, row in _catalogue_centres()}
    kinds = dict(cat.NATIONAL_PARTNERS) | {n: k for _c, n, k in cat.LOCAL_PARTNERS}
    pairs = [(code, name) for code, name, _kind in cat.LOCAL_PARTNERS]
    for name, _kind in cat.NATIONAL_PARTNERS:
        codes = cat.FIXED_NATIONAL_CENTRES.get(name)
        if codes is None:
            codes = rng.sample(cat.CENTRES_2023, rng.randint(1, 3))
        pairs += [(code, name) for code in codes]
    collabs = []
    for code, name in pairs:
        area = rng.choice(cat.TYPE_AREAS[kinds[name]])
        title = f"{rng.choice(cat.COLLABORATION_TITLES[area])} {regencies[code]} 2023"
        starts = date(2023, 3, 1) + timedelta(days=rng.randint(0, 121))
        ends = min(starts + timedelta(days=rng.randint(45, 170)), date(2023, 12, 20))
        respond_by = starts - timedelta(days=rng.randint(7, 21))
        proposed = datetime.combine(
            respond_by - timedelta(days=rng.randint(14, 35)), time(rng.choice((1, 2, 3, 6))), UTC
        )
        answered = proposed + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 6))
        collabs.append(_Collab(
            centre=code, partner=name, title=title, service_area=area, starts_on=starts,
            ends_on=ends, respond_by=respond_by, target_umkm=rng.randrange(10, 201, 5),
            status="completed", proposed_at=proposed, answered_at=answered,
        ))  # fmt: skip
    activities: list[_Activity] = []
    order = collabs[:]
    rng.shuffle(order)
    held = iter(order)
    while len(activities) < HELD_ACTIVITIES_2023:
        collab = next(held)
        count = min(rng.choice((1, 1, 2)), HELD_ACTIVITIES_2023 - len(activities))
        for kind, title in rng.sample(cat.ACTIVITY_KINDS[collab.service_area], count):
            participants = rng.randint(10, 120)
            activities.append(_Activity(
                collab, kind, title, _day_within(rng, collab), "held", participants,
                rng.randint(max(1, participants * 6 // 10), participants),
            ))  # fmt: skip
    for note in cat.CANCEL_NOTES[:CANCELLED_ACTIVITIES_2023]:
        collab = next(held)
        kind, title = rng.choice(cat.ACTIVITY_KINDS[collab.service_area])
        activities.append(_Activity(collab, kind, title, _day_within(rng, collab), "cancelled", 0, 0, note))
    return collabs, activities


def _day_within(rng: random.Random, collab: _Collab) -> date:
    return collab.starts_on + timedelta(days=rng.randint(0, (collab.ends_on - collab.starts_on).days))


def _plan_current() -> tuple[list[_Collab], list[_Activity]]:
    """Late-2026 collaborations in every state, for the dashboards; none starts in 2023."""
    collabs = []
    for row in cat.CURRENT_COLLABORATIONS:
        code, partner, status, area, title, starts, ends, respond_by, proposed, answered, text = row
        collabs.append(_Collab(
            centre=code, partner=partner, title=title, service_area=area, starts_on=starts,
            ends_on=ends, respond_by=respond_by, target_umkm=40 + 5 * len(collabs),
            status=status, proposed_at=_utc(proposed), answered_at=_utc(answered),
            decline_reason=text if status == "declined" else None,
            info_question=text if status == "info_requested" else None,
        ))  # fmt: skip
    by_title = {c.title: c for c in collabs}
    activities = [
        _Activity(by_title[collab_title], kind, title, day, status, participants, reached)
        for collab_title, kind, title, day, status, participants, reached in cat.CURRENT_ACTIVITIES
    ]
    return collabs, activities


def load_reference_data(session: Session, *, commit: bool = True) -> dict[str, int]:
    """Provinces (provinces.csv) and the seven service areas: all production needs."""
    seeder = _Seeder(session, None)
    seeder.reference()
    if commit:
        session.commit()
    return {table: _count(session, table) for table in ("provinces", "service_areas")}


def seed_demo(session: Session, *, progress: Progress | None = None) -> dict[str, int]:
    """Reference data plus the demo set, in one transaction; returns the rows per table."""
    seeder = _Seeder(session, progress)
    try:
        seeder.reference()
        seeder.centres()
        seeder.partners()
        seeder.users()
        collabs, activities = _plan_2023()
        current, planned = _plan_current()
        seeder.collaborations(collabs + current, activities + planned)
        seeder.agreements()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {table: _count(session, table) for table, _model in TABLES}
