"""The UMKM register: businesses by their NIB, found, registered, changed and searched.

The rules, enforced here:
- the register is national: the ministry and every centre find any business (so nobody
  registers an NIB twice); a partner only those on the attendance of its own activities
  (`scoping.umkm`). A business out of scope, an unknown NIB and a malformed one are the same
  404;
- the ministry and the centres register (a partner user: 403); a business remembers the
  centre that registered it (none: the ministry). An NIB registered already is a 409 that
  names the existing record (`AlreadyRegistered`), also when two requests race for it;
- the ministry changes any business, a centre those it works with (the one it registered,
  or one that attended its activities); the NIB itself never changes;
- every field follows `umkm_fields`, the one set of rules the API, the form and the import
  share.
Personal data (UU 27/2022): the owner's name, phone and e-mail are read by the ministry and
the centres that work with the business, never by a partner (`may_read_personal`,
`personal_readable`); `readable` leaves them out of a record entirely for anyone else. They
never enter an audit entry, an error message or a log: a change to them is recorded by the
field's name alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from mitra.extensions import db
from mitra.models import Regency, Umkm
from mitra.models.evidence import NIB_LENGTH
from mitra.security.auth import Principal
from mitra.services import audit, lifecycle, scoping, umkm_fields
from mitra.services.errors import Conflict, Forbidden, InvalidInput, NotFound

SORTABLE = {
    "business_name": Umkm.business_name,
    "nib": Umkm.nib,
    "regency_code": Umkm.regency_code,
    "scale": Umkm.scale,
    "created_at": Umkm.created_at,
    "updated_at": Umkm.updated_at,
}
PUBLIC = ("nib", "business_name", "kbli", "scale", "regency_code")
PERSONAL = umkm_fields.PERSONAL
EDITABLE = tuple(f for f in umkm_fields.FIELDS if f != "nib")


class AlreadyRegistered(Conflict):
    """The NIB is in the register already: `nib` names the existing record."""

    def __init__(self, nib: str):
        super().__init__(
            f"a business with NIB {nib} is registered already", {"nib": ["is registered already"]}
        )
        self.nib = nib


def _well_formed(nib: str) -> bool:
    return len(nib) == NIB_LENGTH and nib.isascii() and nib.isdigit()


def find(principal: Principal, nib: str) -> Umkm:
    """The business with NIB `nib` among those `principal` may find, else NotFound (the same
    for a malformed NIB, an unknown one and one out of scope)."""
    if not _well_formed(nib):
        raise NotFound("umkm", nib)
    found = db.session.scalar(
        scoping.umkm(principal).where(Umkm.nib == nib).options(joinedload(Umkm.regency, innerjoin=True))
    )
    if found is None:
        raise NotFound("umkm", nib)
    return found


# -- personal data ----------------------------------------------------------------------------


def personal_readable(principal: Principal, businesses: Sequence[Umkm]) -> set[int]:
    """The ids, among `businesses`, whose owner's name, phone and e-mail `principal` may read:
    the one decision every reader (API, pages, exports) goes through. One query at most."""
    if not businesses or principal.role not in scoping.CENTRE_ROLES:
        return set()  # a partner never; nobody else either
    if scoping.sees_everything(principal):
        return {b.id for b in businesses}
    statement = select(Umkm.id).where(
        Umkm.id.in_([b.id for b in businesses]), scoping.umkm_personal_criterion(principal)
    )
    return set(db.session.scalars(statement))


def may_read_personal(principal: Principal, business: Umkm) -> bool:
    return business.id in personal_readable(principal, [business])


def readable(principal: Principal, businesses: Sequence[Umkm]) -> list[dict[str, Any]]:
    """Each business as `principal` may read it: the public fields always, the personal ones
    only where allowed, and otherwise absent (not empty: absent)."""
    allowed = personal_readable(principal, businesses)
    records = []
    for business in businesses:
        record: dict[str, Any] = {name: getattr(business, name) for name in PUBLIC}
        record.update(
            regency_name=business.regency.name,
            registered_by_centre_id=business.registered_by_centre_id,
            created_at=business.created_at,
            updated_at=business.updated_at,
        )
        if business.id in allowed:
            record.update({name: getattr(business, name) for name in PERSONAL})
        records.append(record)
    return records


# -- searching --------------------------------------------------------------------------------


def search(
    principal: Principal,
    *,
    q: str | None = None,
    nib: str | None = None,
    regency_code: str | None = None,
    scale: str | None = None,
    sort: str = "business_name",
) -> Select:
    """The businesses `principal` may find. `q` is text in the business's name or the start
    of its NIB; never the owner's name (personal data is not a search key)."""
    statement = scoping.umkm(principal).options(joinedload(Umkm.regency, innerjoin=True))
    statement = scoping.where_given(
        statement, (Umkm.nib, nib), (Umkm.regency_code, regency_code), (Umkm.scale, scale)
    )
    if q:
        named = scoping.matches(Umkm.business_name, q)
        digits = q.strip()
        if digits.isascii() and digits.isdigit():
            named = or_(named, Umkm.nib.startswith(digits, autoescape=True))
        statement = statement.where(named)
    return scoping.ordered(statement, SORTABLE, sort, Umkm.id)


def regencies() -> list[Regency]:
    """Every regency and city, by name: what a business's regency is chosen from."""
    return list(db.session.scalars(select(Regency).order_by(Regency.name, Regency.code)))


# -- registering and changing -----------------------------------------------------------------


def _cleaned(values: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    cleaned, errors = umkm_fields.clean(values, partial=partial)
    if errors:
        # The fields' names only: a message never repeats what was typed in a personal field.
        raise InvalidInput(
            "invalid fields: " + ", ".join(errors), {name: [message] for name, message in errors.items()}
        )
    return cleaned


def _existing(nib: str) -> int | None:
    return db.session.scalar(select(Umkm.id).where(Umkm.nib == nib))


def _audited(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an audit entry keeps of `values`: the public fields' values, and the names of
    the personal fields that were given (never their contents)."""
    kept: dict[str, Any] = {name: value for name, value in values.items() if name not in PERSONAL}
    personal = sorted(name for name in values if name in PERSONAL)
    if personal:
        kept["personal_fields"] = personal
    return kept


def register(principal: Principal, data: Mapping[str, Any]) -> Umkm:
    """Register a business (ministry, centre): every field of `umkm_fields`; the centre that
    registers it is the caller's. Audited as `umkm.create`."""
    scoping.require_centre_role(principal, "register a business")
    cleaned = _cleaned(data, partial=False)
    nib = cleaned["nib"]
    if _existing(nib) is not None:
        raise AlreadyRegistered(nib)
    business = Umkm(**cleaned, registered_by_centre_id=principal.centre_id)
    try:
        # A concurrent request may have taken the NIB since the check: the unique key says
        # so, and the savepoint keeps the rest of the unit of work usable.
        with db.session.begin_nested():
            db.session.add(business)
    except IntegrityError:
        if _existing(nib) is not None:
            raise AlreadyRegistered(nib) from None
        # Not re-raised: PostgreSQL's message quotes the failing row, owner and contacts
        # included, and the API's handler would log it.
        raise Conflict("a database rule refused the business; no field named it") from None
    audit.record(
        db.session(),
        actor=principal.actor,
        action="umkm.create",
        subject_type="umkm",
        subject_id=business.id,
        after=_audited({**cleaned, "registered_by_centre_id": business.registered_by_centre_id}),
    )
    return business


def may_edit(principal: Principal, business: Umkm) -> bool:
    """The ministry, and the centres that work with the business (the one that registered
    it, or one whose activity it attended)."""
    return principal.role in scoping.CENTRE_ROLES and may_read_personal(principal, business)


def editable(principal: Principal, nib: str) -> Umkm:
    """The business with NIB `nib`, for `principal` to change: NotFound out of scope, then
    Forbidden unless `may_edit`."""
    business = find(principal, nib)
    if not may_edit(principal, business):
        raise Forbidden("only the ministry, or a centre that works with the business, may change it")
    return business


def update(
    principal: Principal,
    nib: str,
    changes: Mapping[str, Any],
    precondition: lifecycle.Precondition | None = None,
) -> Umkm:
    """Change a business's fields (not its NIB). Audited as `umkm.update` with what changed."""
    business = editable(principal, nib)
    if precondition:
        precondition(business)
    if "nib" in changes and changes["nib"] != business.nib:
        raise InvalidInput.field("nib", "the NIB identifies the business and cannot be changed")
    cleaned = _cleaned({k: v for k, v in changes.items() if k != "nib"}, partial=True)
    before, after = {}, {}
    for name, value in cleaned.items():
        if getattr(business, name) != value:
            before[name], after[name] = getattr(business, name), value
            setattr(business, name, value)
    if after:
        db.session.flush()
        audit.record(
            db.session(),
            actor=principal.actor,
            action="umkm.update",
            subject_type="umkm",
            subject_id=business.id,
            before=_audited(before),
            after=_audited(after),
        )
    return business


def record_export(principal: Principal, *, rows: int, fmt: str, personal: bool) -> None:
    """An export that carries personal data is audited as `umkm.export`: who (the actor),
    when (the entry's time), how many rows and in what format; never what they held."""
    if not personal:
        return
    audit.record(
        db.session(),
        actor=principal.actor,
        action="umkm.export",
        subject_type="umkm",
        subject_id=None,
        after={"rows": rows, "format": fmt, "personal_fields": list(PERSONAL)},
    )
