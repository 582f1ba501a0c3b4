"""The registry of PLUT-KUMKM centres: everyone reads it, the ministry maintains it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from mitra.extensions import db
from mitra.models import Centre, Province
from mitra.security.auth import Principal
from mitra.services import audit, lifecycle, scoping
from mitra.services.errors import Conflict, InvalidInput

SORTABLE = {
    "id": Centre.id,
    "code": Centre.code,
    "name": Centre.name,
    "province": Centre.province_code,
    "tier": Centre.tier,
    "created_at": Centre.created_at,
}
EDITABLE = ("name", "regency_name", "zone", "tier", "status", "established_year", "funding")


def search(
    principal: Principal,
    *,
    province: str | None = None,
    zone: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str = "code",
) -> Select:
    statement = scoping.centres(principal)
    statement = scoping.where_given(
        statement,
        (Centre.province_code, province),
        (Centre.zone, zone),
        (Centre.tier, tier),
        (Centre.status, status),
    )
    if q:
        statement = statement.where(scoping.matches(Centre.name, q) | scoping.matches(Centre.regency_name, q))
    return scoping.ordered(statement, SORTABLE, sort, Centre.id)


def get(principal: Principal, ident: int) -> Centre:
    return scoping.one(scoping.centres(principal), Centre, ident, "centre")


def create(principal: Principal, data: Mapping[str, Any]) -> Centre:
    scoping.require_admin(principal, "register a centre")
    province = db.session.get(Province, data["province"])
    if province is None:
        raise InvalidInput.field("province", f"no province has Kemendagri code {data['province']!r}")
    code = data["code"]
    if not code.startswith(province.code):
        raise InvalidInput.field("code", f"must start with its province's code {province.code}")
    if db.session.scalar(select(Centre.id).where(Centre.code == code)) is not None:
        raise Conflict(f"a centre with code {code} exists already", {"code": ["already registered"]})
    values = {k: v for k, v in data.items() if k in EDITABLE}
    centre = Centre(
        code=code,
        region_code=data.get("region_code") or code[:4],
        province_code=province.code,
        **{"zone": province.iana_zone, **values},
    )
    db.session.add(centre)
    lifecycle.flush_unique(f"a centre with code {code} exists already", "code")
    audit.record(
        db.session(),
        actor=principal.actor,
        action="centre.create",
        subject_type="centre",
        subject_id=centre.id,
        after={"code": code, "name": centre.name},
    )
    db.session.flush()
    return centre


def update(
    principal: Principal,
    ident: int,
    changes: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
) -> Centre:
    scoping.require_admin(principal, "change a centre")
    centre = get(principal, ident)
    if precondition:
        precondition(centre)
    if lifecycle.edit(principal, centre, "centre", changes, EDITABLE):
        db.session.flush()
    return centre
