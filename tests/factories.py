"""factory_boy factories for the tests: centres, partners, users, collaborations, activities,
businesses (UMKM) and their attendance."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from mitra.extensions import db
from mitra.models import Activity, Attendance, Centre, Collaboration, Partner, Partnership, Umkm, User
from mitra.security.passwords import hash_password

PASSWORD = "correct horse battery"
# Hashing once keeps each user factory call cheap (Argon2 is slow on purpose).
PASSWORD_HASH = hash_password(PASSWORD)


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the request's session
        sqlalchemy_session_persistence = "commit"


class CentreFactory(_Factory):
    class Meta:
        model = Centre

    code = factory.Sequence(lambda n: f"35{n % 100:02d}" if n < 100 else f"35{n % 100:02d}-P")
    region_code = factory.LazyAttribute(lambda c: c.code[:4])
    name = factory.LazyAttribute(lambda c: f"PLUT-KUMKM {c.code}")
    regency_name = factory.LazyAttribute(lambda c: f"Kabupaten {c.code}")
    province_code = "35"
    zone = "Asia/Jakarta"


class PartnerFactory(_Factory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mitra Nasional {n}")
    type = "bank"
    scope = "national"


class UserFactory(_Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@mitra.test")
    name = factory.Sequence(lambda n: f"User {n}")
    password_hash = PASSWORD_HASH
    role = "ministry_admin"
    zone = "Asia/Jakarta"


class PartnershipFactory(_Factory):
    class Meta:
        model = Partnership

    centre = factory.SubFactory(CentreFactory)
    partner = factory.SubFactory(PartnerFactory)


class CollaborationFactory(_Factory):
    class Meta:
        model = Collaboration

    partnership = factory.SubFactory(PartnershipFactory)
    centre_id = factory.SelfAttribute("partnership.centre_id")
    partner_id = factory.SelfAttribute("partnership.partner_id")
    title = factory.Sequence(lambda n: f"Pelatihan pemasaran digital {n}")
    service_area = "pemasaran"
    starts_on = date(2031, 3, 1)
    ends_on = date(2031, 6, 30)
    target_umkm = 50
    status = "draft"


class ActivityFactory(_Factory):
    class Meta:
        model = Activity

    collaboration = factory.SubFactory(CollaborationFactory, status="active")
    type = "training"
    title = factory.Sequence(lambda n: f"Pelatihan {n}")
    date = date(2031, 4, 1)
    status = "planned"


class UmkmFactory(_Factory):
    class Meta:
        model = Umkm

    nib = factory.Sequence(lambda n: f"{9120000000000 + n:013d}")
    business_name = factory.Sequence(lambda n: f"Keripik Tempe Sanan {n}")
    owner_name = factory.Sequence(lambda n: f"Ibu Sri Wahyuni {n}")
    kbli = "10794"
    scale = "mikro"
    regency_code = "3507"
    phone = "081234567890"
    email = factory.Sequence(lambda n: f"usaha{n}@contoh.id")


class AttendanceFactory(_Factory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    umkm = factory.SubFactory(UmkmFactory)
