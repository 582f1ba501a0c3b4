"""Agreements (MoU, PKS) signed within a partnership; their validity keeps it alive."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from events import catalogue
from events.outbox import emit
from mitra.extensions import db
from mitra.models import Agreement, Centre, Partner, Partnership, Role
from mitra.security.auth import Principal
from mitra.services import audit, lifecycle, partners, scoping
from mitra.services.errors import Conflict, InvalidInput, NotFound

SORTABLE = {
    "id": Agreement.id,
    "number": Agreement.number,
    "kind": Agreement.kind,
    "signed_on": Agreement.signed_on,
    "valid_until": Agreement.valid_until,
    "created_at": Agreement.created_at,
}


def search(
    principal: Principal,
    *,
    partnership_id: int | None = None,
    centre_id: int | None = None,
    partner_id: int | None = None,
    kind: str | None = None,
    valid_on: date | None = None,
    expires_until: date | None = None,
    q: str | None = None,
    sort: str = "-signed_on",
) -> Select:
    statement = scoping.agreements(principal)
    statement = scoping.where_given(
        statement,
        (Agreement.partnership_id, partnership_id),
        (Partnership.centre_id, centre_id),
        (Partnership.partner_id, partner_id),
        (Agreement.kind, kind),
    )
    if valid_on is not None:
        statement = statement.where(Agreement.signed_on <= valid_on, Agreement.valid_until >= valid_on)
    if expires_until is not None:
        statement = statement.where(Agreement.valid_until <= expires_until)
    if q:
        statement = statement.where(scoping.matches(Agreement.number, q))
    return scoping.ordered(statement, SORTABLE, sort, Agreement.id)


def get(principal: Principal, ident: int) -> Agreement:
    return scoping.one(scoping.agreements(principal), Agreement, ident, "agreement")


def record(principal: Principal, data: Mapping[str, Any]) -> Agreement:
    """Record a signed agreement, within a partnership named by id or by centre and partner."""
    scoping.require_centre_role(principal, "record an agreement")
    partnership = _partnership(principal, data)
    if data["valid_until"] < data["signed_on"]:
        raise InvalidInput.field("valid_until", "must not be before signed_on")
    number = data["number"]
    taken = select(Agreement.id).where(Agreement.partnership_id == partnership.id, Agreement.number == number)
    if db.session.scalar(taken) is not None:
        raise Conflict(
            f"this partnership already has an agreement numbered {number!r}", {"number": ["is taken"]}
        )
    agreement = Agreement(
        partnership=partnership,
        kind=data["kind"],
        number=number,
        signed_on=data["signed_on"],
        valid_until=data["valid_until"],
        document_ref=data.get("document_ref"),
    )
    db.session.add(agreement)
    lifecycle.flush_unique(f"this partnership already has an agreement numbered {number!r}", "number")
    audit.record(
        db.session(),
        actor=principal.actor,
        action="agreement.record",
        subject_type="agreement",
        subject_id=agreement.id,
        after={
            "kind": agreement.kind,
            "number": number,
            "signed_on": agreement.signed_on.isoformat(),
            "valid_until": agreement.valid_until.isoformat(),
        },
    )
    emit(
        db.session(),
        catalogue.AgreementSigned(
            agreement_id=agreement.id,
            partnership_id=partnership.id,
            centre_id=partnership.centre_id,
            partner_id=partnership.partner_id,
            kind=agreement.kind,
            number=number,
            signed_on=agreement.signed_on,
            valid_until=agreement.valid_until,
            actor=principal.actor,
        ),
    )
    db.session.flush()
    return agreement


def _partnership(principal: Principal, data: Mapping[str, Any]) -> Partnership:
    if data.get("partnership_id") is not None:
        if data.get("partner_id") is not None or data.get("centre_id") is not None:
            raise InvalidInput.field("partnership_id", "give either partnership_id or partner_id, not both")
        try:
            return partners.get_partnership(principal, data["partnership_id"])
        except NotFound:
            raise InvalidInput.field(
                "partnership_id", f"no partnership has id {data['partnership_id']}"
            ) from None
    partner_id = data.get("partner_id")
    if partner_id is None:
        raise InvalidInput.field("partnership_id", "is required, unless partner_id is given")
    if db.session.get(Partner, partner_id) is None:
        raise InvalidInput.field("partner_id", f"no partner has id {partner_id}")
    centre_id = data.get("centre_id")
    if principal.role == Role.CENTRE_MANAGER:
        if centre_id not in (None, principal.centre_id):
            raise InvalidInput.field("centre_id", "must be your own centre, or left out")
        centre_id = principal.centre_id
    elif centre_id is not None and db.session.get(Centre, centre_id) is None:
        raise InvalidInput.field("centre_id", f"no centre has id {centre_id}")
    if centre_id is None:
        raise InvalidInput.field("centre_id", "is required with partner_id")
    return partners.partnership_for(principal, centre_id, partner_id)
