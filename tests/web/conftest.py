"""A small world for the pages: two centres (WIB and WITA) with a manager each, two partners
with a user each, a ministry admin, and a visitor (test client) who signs in as any of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from mitra import create_app
from mitra.extensions import db
from mitra.models import User
from mitra.services import activities, collaborations
from tests.factories import (
    PASSWORD,
    AttendanceFactory,
    CentreFactory,
    PartnerFactory,
    UmkmFactory,
    UserFactory,
)

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Visitor:
    """One browser's worth of cookies, signing in through the login form.

    It talks to its own instance of the app, as a browser talks to a server process: each
    request gets a fresh app context (no `g` carried over from the test's own context), and
    the test's session ends its transaction first, as another process's would have to.
    """

    def __init__(self, server_app):
        self.client = server_app.test_client()
        self._token: str | None = None

    def get(self, path: str, **kwargs):
        db.session.commit()
        return self.client.get(path, **kwargs)

    def token(self) -> str:
        """A CSRF token of this session: from the profile page, or the login form before signing in."""
        if self._token is None:
            page = self.get("/account")
            if page.status_code != 200:
                page = self.get("/login")
            self._token = csrf_token(page.text)
        return self._token

    def post(self, path: str, data: dict | None = None, *, with_token: bool = True, **kwargs):
        data = dict(data or {})
        if with_token:
            data.setdefault("csrf_token", self.token())
        db.session.commit()
        return self.client.post(path, data=data, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        self._token = None
        response = self.post("/login", {"email": email, "password": password})
        self._token = None
        return response


@dataclass
class World:
    app: object  # the app that serves the visitors (the test itself works in `app`)
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def visitor(self, who: str | None = None) -> Visitor:
        visitor = Visitor(self.app)
        if who is not None:
            email = self.users[who].email
            response = visitor.login(email)
            assert response.status_code == 302, response.text
        return visitor

    def proposal(self, title: str = "Pelatihan pemasaran digital", propose: bool = True, **overrides) -> int:
        """A collaboration from Malang to the bank, proposed unless told otherwise."""
        data = {
            "partner_id": self.ids["partner"],
            "title": title,
            "service_area": "pemasaran",
            "description": "Kelas pemasaran daring untuk UMKM binaan",
            "starts_on": date(2031, 3, 1),
            "ends_on": date(2031, 6, 30),
            "respond_by": date(2031, 2, 1),
            "target_umkm": 40,
            **overrides,
        }
        collaboration = collaborations.create(self.users["manager"], data)
        if propose:
            collaborations.act(self.users["manager"], collaboration.id, "propose")
        return collaboration.id


@pytest.fixture
def server_app(app, app_config):
    """A second instance of the app over the same database: what the visitors talk to."""
    served = create_app(app_config)
    yield served
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def world(app, server_app, reference_data) -> World:
    malang = CentreFactory(
        code="3507", name="PLUT-KUMKM Kabupaten Malang", regency_name="Kabupaten Malang", province_code="35"
    )
    gianyar = CentreFactory(
        code="5104",
        name="PLUT-KUMKM Kabupaten Gianyar",
        regency_name="Kabupaten Gianyar",
        province_code="51",
        zone="Asia/Makassar",
    )
    bank = PartnerFactory(name="Bank BUMN Mitra UMKM")
    telco = PartnerFactory(name="Telko Nasional", type="telco")
    people = {
        "admin": UserFactory(email="admin@mitra.test", name="Admin Kementerian"),
        "manager": UserFactory(
            email="manajer.malang@mitra.test", name="Manajer Malang", role="centre_manager", centre=malang
        ),
        "other_manager": UserFactory(
            email="manajer.gianyar@mitra.test",
            name="Manajer Gianyar",
            role="centre_manager",
            centre=gianyar,
            zone="Asia/Makassar",
        ),
        "partner": UserFactory(
            email="mitra.bank@mitra.test", name="Petugas Bank", role="partner_user", partner=bank
        ),
        "other_partner": UserFactory(
            email="mitra.telko@mitra.test",
            name="Petugas Telko",
            role="partner_user",
            partner=telco,
            language="en",
        ),
    }
    db.session.commit()
    return World(
        app=server_app,
        users=people,
        ids={"centre": malang.id, "other_centre": gianyar.id, "partner": bank.id, "other_partner": telco.id},
    )


@pytest.fixture
def ids(world) -> dict[str, int]:
    """An accepted collaboration ({c}) with a planned activity ({a}) a business ({n}, its
    NIB; registered by Malang) attended, and a draft ({d})."""
    c = world.proposal()
    collaborations.act(world.users["partner"], c, "accept")
    activity = activities.plan(
        world.users["manager"],
        c,
        {"type": "training", "date": date(2031, 4, 1), "title": "Kelas foto produk"},
    )
    draft = world.proposal("Draf pendampingan ekspor", propose=False)
    business = UmkmFactory(business_name="Keripik Tempe Sanan", registered_by_centre_id=world.ids["centre"])
    AttendanceFactory(activity=activity, umkm=business)
    db.session.commit()
    return {"c": c, "a": activity.id, "d": draft, "n": business.nib}
