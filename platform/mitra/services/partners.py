"""The partner registry, and the partnership each centre holds with a partner.

The ministry registers national partners; a centre manager registers local ones, which
only their centre (or the ministry) may change. A partnership appears on its own, as a
prospect, the first time a centre drafts a collaboration or records an agreement with a
partner; the partnership-status worker moves it along after that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from mitra.extensions import db
from mitra.models import Centre, Partner, PartnerScope, Partnership, Role
from mitra.security.auth import Principal
from mitra.services import audit, lifecycle, scoping
from mitra.services.errors import Conflict, Forbidden, InvalidInput

SORTABLE = {"id": Partner.id, "name": Partner.name, "type": Partner.type, "created_at": Partner.created_at}
PARTNERSHIP_SORTABLE = {
    "id": Partnership.id,
    "status": Partnership.status,
    "created_at": Partnership.created_at,
    "updated_at": Partnership.updated_at,
}


def search(
    principal: Principal,
    *,
    type: str | None = None,  # noqa: A002 - the contract's field name
    scope: str | None = None,
    registered_by_centre_id: int | None = None,
    q: str | None = None,
    sort: str = "name",
) -> Select:
    statement = scoping.partners(principal)
    if type is not None:
        statement = statement.where(Partner.type == type)
    if scope is not None:
        statement = statement.where(Partner.scope == scope)
    if registered_by_centre_id is not None:
        statement = statement.where(Partner.registered_by_centre_id == registered_by_centre_id)
    if q:
        statement = statement.where(scoping.matches(Partner.name, q))
    return scoping.ordered(statement, SORTABLE, sort, Partner.id)


def get(principal: Principal, ident: int) -> Partner:
    return scoping.one(scoping.partners(principal), Partner, ident, "partner")


def create(principal: Principal, data: Mapping[str, Any]) -> Partner:
    if principal.role == Role.CENTRE_MANAGER:
        if data.get("scope", PartnerScope.LOCAL) != PartnerScope.LOCAL:
            raise Forbidden("only a ministry admin may register a national partner")
        if data.get("registered_by_centre_id") not in (None, principal.centre_id):
            raise InvalidInput.field("registered_by_centre_id", "must be your own centre")
        scope, centre_id = PartnerScope.LOCAL.value, principal.centre_id
    elif principal.role == Role.MINISTRY_ADMIN:
        scope = data.get("scope", PartnerScope.NATIONAL)
        centre_id = data.get("registered_by_centre_id")
        if centre_id is not None and scope != PartnerScope.LOCAL:
            raise InvalidInput.field("registered_by_centre_id", "only a local partner has one")
        if centre_id is not None and db.session.get(Centre, centre_id) is None:
            raise InvalidInput.field("registered_by_centre_id", f"no centre has id {centre_id}")
    else:
        raise Forbidden("only a ministry admin or a centre manager may register a partner")
    name = data["name"]
    _check_name_free(name)
    partner = Partner(name=name, type=data["type"], scope=scope, registered_by_centre_id=centre_id)
    db.session.add(partner)
    lifecycle.flush_unique(f"a partner named {name!r} exists already", "name")
    audit.record(
        db.session(),
        actor=principal.actor,
        action="partner.create",
        subject_type="partner",
        subject_id=partner.id,
        after={"name": name, "type": partner.type, "scope": scope},
    )
    db.session.flush()
    return partner


def update(
    principal: Principal,
    ident: int,
    changes: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
) -> Partner:
    partner = get(principal, ident)
    if principal.role == Role.MINISTRY_ADMIN:
        allowed: tuple[str, ...] = ("name", "type", "scope")
    elif (
        principal.role == Role.CENTRE_MANAGER
        and partner.scope == PartnerScope.LOCAL
        and partner.registered_by_centre_id == principal.centre_id
    ):
        allowed = ("name", "type")
    else:
        raise Forbidden("only a ministry admin, or the centre that registered a local partner, may change it")
    if precondition:
        precondition(partner)
    if "name" in changes and changes["name"] != partner.name:
        _check_name_free(changes["name"])
    if lifecycle.edit(principal, partner, "partner", changes, allowed):
        lifecycle.flush_unique(f"a partner named {changes.get('name')!r} exists already", "name")
        db.session.flush()
    return partner


def _check_name_free(name: str) -> None:
    taken = db.session.scalar(select(Partner.id).where(func.lower(Partner.name) == name.lower()))
    if taken is not None:
        raise Conflict(f"a partner named {name!r} exists already", {"name": ["is taken"]})


# -- partnerships -------------------------------------------------------------------------------


def search_partnerships(
    principal: Principal,
    *,
    status: str | None = None,
    centre_id: int | None = None,
    partner_id: int | None = None,
    q: str | None = None,
    sort: str = "-updated_at",
) -> Select:
    statement = scoping.partnerships(principal)
    statement = scoping.where_given(
        statement,
        (Partnership.status, status),
        (Partnership.centre_id, centre_id),
        (Partnership.partner_id, partner_id),
    )
    if q:
        names = select(Partner.id).where(scoping.matches(Partner.name, q))
        statement = statement.where(Partnership.partner_id.in_(names))
    return scoping.ordered(statement, PARTNERSHIP_SORTABLE, sort, Partnership.id)


def get_partnership(principal: Principal, ident: int) -> Partnership:
    return scoping.one(scoping.partnerships(principal), Partnership, ident, "partnership")


def partnership_for(principal: Principal, centre_id: int, partner_id: int) -> Partnership:
    """The partnership of `centre_id` with `partner_id`, created as a prospect the first time.

    Runs inside the caller's transaction; a concurrent first time is settled by the unique
    key (centre, partner) and a savepoint."""

    def existing() -> Partnership | None:
        return db.session.scalar(
            select(Partnership).where(
                Partnership.centre_id == centre_id, Partnership.partner_id == partner_id
            )
        )

    found = existing()
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            partnership = Partnership(centre_id=centre_id, partner_id=partner_id)
            db.session.add(partnership)
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
    audit.record(
        db.session(),
        actor=principal.actor,
        action="partnership.create",
        subject_type="partnership",
        subject_id=partnership.id,
        after={"centre_id": centre_id, "partner_id": partner_id, "status": partnership.status},
    )
    return partnership
