"""A small world for the API: two centres with a manager each, two partners with a user each,
a ministry admin, and bearer tokens for all of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from mitra.extensions import db
from mitra.models import User
from mitra.services import tokens
from tests.factories import CentreFactory, PartnerFactory, UserFactory


@dataclass
class World:
    client: object
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def call(self, who: str | None, method: str, path: str, json=None, headers=None, **kwargs):
        all_headers = dict(headers or {})
        if who is not None:
            all_headers.update(self.headers(who))
        return self.client.open(path, method=method.upper(), json=json, headers=all_headers, **kwargs)

    def draft(self, who: str = "manager", **overrides) -> dict:
        body = {
            "partner_id": self.ids["partner"],
            "title": "Pelatihan pemasaran digital",
            "service_area": "pemasaran",
            "description": "Kelas pemasaran daring untuk UMKM binaan",
            "starts_on": "2031-03-01",
            "ends_on": "2031-06-30",
            "respond_by": "2031-02-01",
            "target_umkm": 40,
            **overrides,
        }
        response = self.call(who, "POST", "/api/v1/collaborations", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def act(self, who: str, collaboration_id: int, verb: str, body: dict | None = None, status=200):
        response = self.call(who, "POST", f"/api/v1/collaborations/{collaboration_id}/{verb}", json=body)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def accepted(self, manager: str = "manager", partner: str = "partner", **overrides) -> dict:
        """A collaboration `manager` drafted and proposed and `partner` accepted: what an
        activity, an agreement's evidence or an outcome needs under it."""
        draft = self.draft(manager, **overrides)
        self.act(manager, draft["id"], "propose")
        return self.act(partner, draft["id"], "accept")

    def sign(self, partnership_id: int, who: str = "manager", **overrides) -> dict:
        """An MoU signed under the partnership (10 January 2031, valid two years unless told)."""
        body = {
            "partnership_id": partnership_id,
            "kind": "mou",
            "number": "MoU/001/2031",
            "signed_on": "2031-01-10",
            "valid_until": "2033-01-09",
            **overrides,
        }
        response = self.call(who, "POST", "/api/v1/agreements", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def plan(self, collaboration_id: int, who: str = "manager", **overrides) -> dict:
        """An activity planned under the collaboration (a training on 1 April 2031 unless told)."""
        body = {"type": "training", "date": "2031-04-01", **overrides}
        response = self.call(who, "POST", f"/api/v1/collaborations/{collaboration_id}/activities", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


@pytest.fixture
def world(app, client, reference_data) -> World:
    malang = CentreFactory(code="3507", name="PLUT-KUMKM Kab. Malang", province_code="35")
    gianyar = CentreFactory(
        code="5104", name="PLUT-KUMKM Kab. Gianyar", province_code="51", zone="Asia/Makassar"
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
            email="mitra.telko@mitra.test", name="Petugas Telko", role="partner_user", partner=telco
        ),
    }
    world = World(client=client, users=people)
    for who, user in people.items():
        world.tokens[who], _expires = tokens.issue(user)
    db.session.commit()
    world.ids.update(centre=malang.id, other_centre=gianyar.id, partner=bank.id, other_partner=telco.id)
    return world


def row_counts() -> dict[str, int]:
    """Rows in every table, the outbox included."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
