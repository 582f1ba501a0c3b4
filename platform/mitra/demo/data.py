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
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mitra.demo import catalogue as cat
from mitra.demo.plan import (
    HELD_ACTIVITIES_2023,
    SEED,
    Collab,
    plan_2023,
    plan_current,
    reported_at,
)
from mitra.demo.plan import Activity as PlannedActivity
from mitra.models import (
    SERVICE_AREAS,
    Activity,
    Agreement,
    AuditEntry,
    Centre,
    Collaboration,
    Partner,
    Partnership,
    Province,
    Regency,
    ServiceArea,
    User,
)
from mitra.security.passwords import hash_password
from mitra.services import audit
from mitra.services.unit_of_work import UnitOfWork

DEMO_PASSWORD = "mitra-demo-2023"  # nosec B105  # published demo password; refused in production
__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "HELD_ACTIVITIES_2023", "load_reference_data", "seed_demo"]

# (role, e-mail, password) of every demo login; `make run` prints them.
DEMO_LOGINS = [
    ("ministry_admin", "admin@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.malang@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.gianyar@mitra.test", DEMO_PASSWORD),
    ("centre_manager", "manajer.biak@mitra.test", DEMO_PASSWORD),
    ("partner_user", "mitra.bank@mitra.test", DEMO_PASSWORD),
]

# e-mail -> (name, centre code, partner name, zone) of the printed logins
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
    ("regencies", Regency),
    ("service_areas", ServiceArea),
    ("centres", Centre),
    ("partners", Partner),
    ("users", User),
    ("partnerships", Partnership),
    ("agreements", Agreement),
    ("collaborations", Collaboration),
    ("activities", Activity),
    ("audit_entries", AuditEntry),
)
_TABLE_MODELS = dict(TABLES)

Progress = Callable[[str, int, int], None]  # (table, rows in the table, rows created now)


_YEAR = re.compile(r"\b(20\d\d)\b")


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
        regencies = {r.code: r for r in self.session.scalars(select(Regency))}
        for row in _csv_rows("regencies.csv"):
            name, province_code = row["regency_name"], row["province_code"]
            regency = regencies.get(row["regency_code"])
            if regency is None:
                self._add(
                    "regencies", Regency(code=row["regency_code"], name=name, province_code=province_code)
                )
            else:
                regency.name, regency.province_code = name, province_code
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
        self._done("provinces", "regencies", "service_areas")

    # -- demo data: get-or-create, an existing row is left as it is
    def centres(self) -> None:
        rng = random.Random(SEED + 1)  # nosec B311  # reproducible demo data, not a secret
        existing = {c.code: c for c in self.session.scalars(select(Centre))}
        for code, name, row in _catalogue_centres():
            latest = min([2021, *(int(y) for y in _YEAR.findall(row["source_note"]))])
            drawn_year = rng.randint(2013, max(2013, latest))
            drawn_funding = rng.choice(("DAK Fisik", "APBN Kemenkop UKM"))
            year, status, funding = cat.CENTRE_FACTS.get(code, (None, "operational", None))
            if code in cat.NEW_PLUT_CODES:
                tier = "premium"
                if code in cat.REVITALISED_NEW_PLUT:
                    status, funding = "revitalised", "DAK Fisik 2022 (revitalisasi)"
                elif year is None:
                    year = 2022
                funding = funding or "DAK Fisik 2022"
            else:
                tier = "reguler"
            if year is None and status != "under_construction":
                year = drawn_year
            if code not in existing:
                existing[code] = Centre(
                    code=code, region_code=row["regency_code"], name=name,
                    regency_name=row["regency_name"], province_code=row["province_code"],
                    zone=row["iana_zone"], tier=tier, status=status,
                    established_year=year, funding=funding or drawn_funding,
                )  # fmt: skip
                self._add("centres", existing[code])
        self._done("centres")

    def partners(self) -> None:
        centres = self._centres()
        existing = {p.name: p for p in self.session.scalars(select(Partner))}
        rows: list[tuple[str, str, str, str | None]] = [
            (name, kind, "national", None) for name, kind in cat.NATIONAL_PARTNERS
        ]
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
        # One hash for every demo login (they share the printed password): hashing is slow on
        # purpose, and the demo is loaded at every `mitra up` on an empty database.
        password_hash = None
        for role, email, name, centre_code, partner_name, zone in _people():
            if email in existing:
                continue
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            self._add("users", User(
                email=email, name=name, role=role, password_hash=password_hash,
                centre_id=centres[centre_code].id if centre_code else None,
                partner_id=partners[partner_name].id if partner_name else None,
                language="id", zone=zone,
            ))  # fmt: skip
        self._done("users")

    def collaborations(self, collabs: list[Collab], activities: list[PlannedActivity]) -> None:
        s = self.session
        centres, partners = self._centres(), self._partners()
        staff: dict[tuple[str, int | None], User] = {}
        for user in s.scalars(
            select(User).where(User.role.in_(("centre_manager", "partner_user"))).order_by(User.id)
        ):
            key = ("centre", user.centre_id) if user.centre_id else ("partner", user.partner_id)
            staff.setdefault(key, user)
        links = {(p.centre_id, p.partner_id): p for p in s.scalars(select(Partnership))}
        rows = {(c.centre_id, c.partner_id, c.title): c for c in s.scalars(select(Collaboration))}
        saved: dict[int, Collaboration] = {}
        new_rows: list[tuple[Collaboration, Collab]] = []
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
                created = spec.history[0][0]
                row = rows[centre.id, partner.id, spec.title] = Collaboration(
                    centre=centre, partner=partner, partnership=link, title=spec.title,
                    service_area=spec.service_area, description=_description(spec),
                    starts_on=spec.starts_on, ends_on=spec.ends_on, respond_by=spec.respond_by,
                    target_umkm=spec.target_umkm, status=spec.status,
                    proposed_at=spec.proposed_at, answered_at=spec.answered_at,
                    decline_reason=spec.decline_reason, info_question=spec.info_question,
                    created_by_id=staff[("centre", centre.id)].id,
                    created_at=created, updated_at=spec.history[-1][0],
                )  # fmt: skip
                self._add("collaborations", row)
                new_rows.append((row, spec))
            saved[id(spec)] = row
        s.flush()
        have = {(a.collaboration_id, a.title, a.date) for a in s.scalars(select(Activity))}
        new_activities: list[tuple[Activity, PlannedActivity]] = []
        for planned in activities:
            collab = saved[id(planned.collab)]
            if (collab.id, planned.title, planned.date) in have:
                continue
            partner_user = staff[("partner", collab.partner_id)]
            confirmed = next((step[0] for step in planned.history if step[2] == "activity.confirm"), None)
            activity = Activity(
                collaboration=collab, type=planned.type, title=planned.title,
                service_area=planned.collab.service_area, date=planned.date,
                location=collab.centre.regency_name, status=planned.status,
                participants=planned.participants, umkm_reached=planned.umkm_reached,
                notes=planned.notes, document_ref=planned.document_ref, reported_at=reported_at(planned),
                confirmed_at=confirmed, confirmed_by_id=partner_user.id if confirmed else None,
                created_at=planned.history[0][0], updated_at=planned.history[-1][0],
            )  # fmt: skip
            self._add("activities", activity)
            new_activities.append((activity, planned))
            have.add((collab.id, planned.title, planned.date))
        s.flush()
        # The audit trail of what was created now: the timelines tell how each one got here.
        timelines: tuple[tuple[str, list[tuple[Any, Any]]], ...] = (
            ("collaboration", new_rows),
            ("activity", new_activities),
        )
        for subject_type, made in timelines:
            for subject, plan in made:
                collaboration = subject if subject_type == "collaboration" else subject.collaboration
                for at, who, action, before, after in plan.history:
                    if who in ("centre", "partner"):
                        key = (who, collaboration.centre_id if who == "centre" else collaboration.partner_id)
                        actor = staff[key].actor
                    else:
                        actor = who
                    self._audit(
                        at=at,
                        actor=actor,
                        action=action,
                        subject_type=subject_type,
                        subject_id=subject.id,
                        before=before,
                        after=after,
                    )
        self._done("partnerships", "collaborations", "activities", "audit_entries")

    def _audit(self, *, at: datetime, actor: str, action: str, **entry) -> None:
        audit.record(self.session, actor=actor, action=action, at=at, **entry)
        self.created["audit_entries"] += 1

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


def _description(spec: Collab) -> str:
    area = next(name for code, name, _en in SERVICE_AREAS if code == spec.service_area)
    return (
        f"Kerja sama bidang layanan {area} antara PLUT-KUMKM dan {spec.partner}, "
        f"menyasar {spec.target_umkm} UMKM binaan."
    )


def _people() -> list[tuple[str, str, str, str | None, str | None, str]]:
    """(role, e-mail, name, centre code, partner name, zone) of every demo account: the printed
    logins, a manager for every centre with collaborations and a desk officer for every
    partner (they are who the timelines name; they share the demo password)."""
    people = [(role, email, *_DEMO_USERS[email]) for role, email, _password in DEMO_LOGINS]
    centres = {code: (name, row["iana_zone"]) for code, name, row in _catalogue_centres()}
    managed = {centre for _role, _email, _name, centre, _partner, _zone in people if centre}
    for code in cat.CENTRES_2023:
        if code not in managed:
            name, zone = centres[code]
            people.append(
                ("centre_manager", f"manajer.{code.lower()}@mitra.test", f"Manajer {name}", code, None, zone)
            )
    covered = {partner for *_rest, partner, _zone in people if partner}
    names = [name for name, _kind in cat.NATIONAL_PARTNERS] + [n for _c, n, _k in cat.LOCAL_PARTNERS]
    for number, name in enumerate(names, start=1):
        if name not in covered:
            people.append(
                (
                    "partner_user",
                    f"kemitraan.{number:02d}@mitra.test",
                    f"Petugas Kemitraan {name}",
                    None,
                    name,
                    "Asia/Jakarta",
                )
            )
    return people


def load_reference_data(session: Session) -> dict[str, int]:
    """Provinces, regencies (provinces.csv, regencies.csv) and the seven service areas: all
    production needs. Its own
    unit of work, or a step of the caller's."""
    with UnitOfWork(session):
        _Seeder(session, None).reference()
    return {table: _count(session, table) for table in ("provinces", "regencies", "service_areas")}


def seed_demo(session: Session, *, progress: Progress | None = None) -> dict[str, int]:
    """Reference data plus the demo set, in one unit of work (a step of the caller's, when it
    runs in one: `mitra seed-demo` compiles the statistics in the same transaction); returns
    the rows per table."""
    seeder = _Seeder(session, progress)
    with UnitOfWork(session):
        seeder.reference()
        seeder.centres()
        seeder.partners()
        seeder.users()
        regencies = {code: row["regency_name"] for code, _name, row in _catalogue_centres()}
        zones = {code: row["iana_zone"] for code, _name, row in _catalogue_centres()}
        collabs, activities = plan_2023(regencies, zones)
        current, planned = plan_current(zones)
        seeder.collaborations(collabs + current, activities + planned)
        seeder.agreements()
    return {table: _count(session, table) for table, _model in TABLES}
