"""Who may see what, as query criteria: every service loads records through these.

- a ministry admin (and the system) sees everything;
- a centre manager sees their own centre's partnerships, collaborations, activities and
  agreements;
- a partner user sees what has been addressed to their organisation, from every centre:
  collaborations once proposed (never a centre's drafts), their activities, and the
  partnerships and agreements those belong to.
Centres and partners are public registries: every signed-in user may read them; each
person sees only their own notifications. The UMKM register is national: a centre finds any
business in it (so nobody registers an NIB twice), a partner only the businesses on the
attendance of activities it can see. A business's personal data (UU 27/2022: owner's name,
phone, e-mail) is the ministry's and the centres' that work with it: the centre that
registered it or held an activity it attended; never a partner's. A collaboration's history, for its partner,
starts at the first proposal: what the centre wrote while drafting stays the centre's.
Anything outside a principal's scope is simply not found, so ids leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, cast

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from mitra.extensions import db
from mitra.models import (
    Activity,
    Agreement,
    ApiToken,
    Attachment,
    Attendance,
    AuditEntry,
    Centre,
    Collaboration,
    Notification,
    Partner,
    Partnership,
    PartnershipStatus,
    Role,
    Umkm,
)
from mitra.models.api import API_TOKEN
from mitra.security.auth import SYSTEM_ROLE, Principal
from mitra.services.errors import Forbidden, NotFound

MAX_ID = 2**31 - 1  # the largest id a 32-bit integer column holds
CENTRE_ROLES = frozenset({Role.MINISTRY_ADMIN.value, Role.CENTRE_MANAGER.value})


def sees_everything(principal: Principal) -> bool:
    return principal.role in (Role.MINISTRY_ADMIN, SYSTEM_ROLE)


def collaboration_criterion(principal: Principal) -> ColumnElement[bool]:
    if sees_everything(principal):
        return true()
    if principal.role == Role.CENTRE_MANAGER:
        return Collaboration.centre_id == principal.centre_id
    if principal.role == Role.PARTNER_USER:
        return and_(Collaboration.partner_id == principal.partner_id, Collaboration.proposed_at.is_not(None))
    return false()


def partnership_criterion(principal: Principal) -> ColumnElement[bool]:
    if sees_everything(principal):
        return true()
    if principal.role == Role.CENTRE_MANAGER:
        return Partnership.centre_id == principal.centre_id
    if principal.role == Role.PARTNER_USER:
        # A prospect a centre has only drafted for is not yet the partner's business.
        # Aliases keep the subqueries apart from an outer query over the same tables.
        proposal, signature = aliased(Collaboration), aliased(Agreement)
        addressed = exists().where(
            proposal.partnership_id == Partnership.id, proposal.proposed_at.is_not(None)
        )
        signed = exists().where(signature.partnership_id == Partnership.id)
        return and_(
            Partnership.partner_id == principal.partner_id,
            or_(Partnership.status != PartnershipStatus.PROSPECT, addressed, signed),
        )
    return false()


def collaborations(principal: Principal) -> Select:
    return select(Collaboration).where(collaboration_criterion(principal))


def activities(principal: Principal) -> Select:
    return (
        select(Activity)
        .join(Collaboration, Activity.collaboration_id == Collaboration.id)
        .where(collaboration_criterion(principal))
    )


def partnerships(principal: Principal) -> Select:
    return select(Partnership).where(partnership_criterion(principal))


def agreements(principal: Principal) -> Select:
    return (
        select(Agreement)
        .join(Partnership, Agreement.partnership_id == Partnership.id)
        .where(partnership_criterion(principal))
    )


def centres(_principal: Principal) -> Select:
    return select(Centre)


def partners(_principal: Principal) -> Select:
    return select(Partner)


def notifications(principal: Principal) -> Select:
    return select(Notification).where(Notification.user_id == principal.id)


def api_tokens(principal: Principal) -> Select:
    """A user's own API tokens (web sessions are not named by any path)."""
    return select(ApiToken).where(ApiToken.user_id == principal.id, ApiToken.kind == API_TOKEN)


def collaboration_history(principal: Principal, ident: int) -> Select:
    """The audit entries of collaboration `ident` that `principal` may read (the caller has
    checked that the collaboration itself is in scope). A partner's start at the first
    proposal: drafts, their edits and the draft's title are not theirs to see."""
    statement = select(AuditEntry).where(
        AuditEntry.subject_type == "collaboration", AuditEntry.subject_id == ident
    )
    if principal.role == Role.PARTNER_USER:
        proposal = aliased(AuditEntry)  # apart from the outer query over the same table
        first = (
            select(func.min(proposal.id))
            .where(
                proposal.subject_type == "collaboration",
                proposal.subject_id == ident,
                proposal.action == "collaboration.propose",
            )
            .scalar_subquery()
        )
        # No proposal on record: nothing to show (NULL compares false), never the drafts.
        statement = statement.where(AuditEntry.id >= first)
    return statement


def _attended(principal: Principal) -> ColumnElement[bool]:
    """The business is on the attendance of an activity `principal` can see."""
    attendance = aliased(Attendance)
    return exists(
        activities(principal)
        .with_only_columns(Activity.id)
        .join(attendance, attendance.activity_id == Activity.id)
        .where(attendance.umkm_id == Umkm.id)
    )


def umkm_criterion(principal: Principal) -> ColumnElement[bool]:
    if principal.role in CENTRE_ROLES or principal.role == SYSTEM_ROLE:
        return true()
    if principal.role == Role.PARTNER_USER:
        return _attended(principal)
    return false()


def umkm_personal_criterion(principal: Principal) -> ColumnElement[bool]:
    """True for the businesses whose personal data `principal` may read (a column
    expression: select it beside the rows, or filter on it)."""
    if sees_everything(principal):
        return true()
    if principal.role == Role.CENTRE_MANAGER:
        return or_(Umkm.registered_by_centre_id == principal.centre_id, _attended(principal))
    return false()


def umkm(principal: Principal) -> Select:
    return select(Umkm).where(umkm_criterion(principal))


def attachment_criterion(principal: Principal) -> ColumnElement[bool]:
    """The attachment's subject (agreement, collaboration or activity) is one `principal`
    can see."""
    if sees_everything(principal):
        return true()
    return or_(
        Attachment.collaboration_id.in_(collaborations(principal).with_only_columns(Collaboration.id)),
        Attachment.activity_id.in_(activities(principal).with_only_columns(Activity.id)),
        Attachment.agreement_id.in_(agreements(principal).with_only_columns(Agreement.id)),
    )


def attachments(principal: Principal) -> Select:
    """The attachments `principal` can see; a removed one is kept, but shown to nobody."""
    return select(Attachment).where(Attachment.removed_at.is_(None), attachment_criterion(principal))


# What each kind of record a path can name is, for `visible`: who may see it, and its model.
VISIBLE: dict[str, tuple[Callable[[Principal], Select], Any]] = {
    "collaboration": (collaborations, Collaboration),
    "activity": (activities, Activity),
    "partnership": (partnerships, Partnership),
    "agreement": (agreements, Agreement),
    "centre": (centres, Centre),
    "partner": (partners, Partner),
    "notification": (notifications, Notification),
    "token": (api_tokens, ApiToken),
    "umkm": (umkm, Umkm),
    "attachment": (attachments, Attachment),
}


def visible(principal: Principal | None, what: str, ident: int) -> None:
    """NotFound unless `principal` may see the `what` with id `ident`: the check a request
    makes before it reads anything else. Reads the id alone, so the session holds no copy
    of the row that a later read (one locked for update) would then be served stale."""
    if what not in VISIBLE:
        raise LookupError(f"no scope is declared for {what!r}: add it to scoping.VISIBLE")
    if principal is None or not 1 <= ident <= MAX_ID:
        raise NotFound(what, ident)
    scoped, model = VISIBLE[what]
    found = db.session.scalar(scoped(principal).with_only_columns(model.id).where(model.id == ident))
    if found is None:
        raise NotFound(what, ident)


@dataclass(frozen=True)
class _BoundScope:
    """A principal of `role` whose centre and partner are bind parameters: a role's scope is
    built once per process, and each request binds its principal's values."""

    role: str
    id = None
    centre_id: ClassVar[Any] = bindparam("scope_centre_id")
    partner_id: ClassVar[Any] = bindparam("scope_partner_id")


@cache
def _collaboration_by_id(role: str, lock: bool, with_centre: bool) -> Select:
    # Reusing one statement object also reuses its SQL cache key, which every request
    # building the statement afresh would compute again.
    # A stand-in: the scope reads only the principal's role, id, centre_id and partner_id.
    statement = collaborations(cast(Principal, _BoundScope(role))).where(
        Collaboration.id == bindparam("ident")
    )
    if with_centre:
        statement = statement.options(joinedload(Collaboration.centre, innerjoin=True))
    return statement.with_for_update(of=Collaboration) if lock else statement


def collaboration(
    principal: Principal, ident: int, *, for_update: bool = False, with_centre: bool = False
) -> Collaboration:
    """The collaboration `ident` if `principal` may see it, else NotFound; with its centre
    in the same query when asked (`with_centre`), locked for update when asked."""
    if not 1 <= ident <= MAX_ID:
        raise NotFound("collaboration", ident)
    lock = for_update and db.session.get_bind().dialect.name == "postgresql"
    statement = _collaboration_by_id(principal.role, lock, with_centre)
    found = db.session.scalar(
        statement,
        {
            "ident": ident,
            "scope_centre_id": principal.centre_id,
            "scope_partner_id": principal.partner_id,
        },
    )
    if found is None:
        raise NotFound("collaboration", ident)
    return found


def one(statement: Select, model: Any, ident: int, what: str, *, for_update: bool = False):
    """The record `ident` among those `statement` lets the principal see, or NotFound."""
    if not 1 <= ident <= MAX_ID:  # no row has it, and no database integer could hold it
        raise NotFound(what, ident)
    statement = statement.where(model.id == ident)
    if for_update and db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=model)
    found = db.session.scalar(statement)
    if found is None:
        raise NotFound(what, ident)
    return found


def require_centre_role(principal: Principal, doing: str) -> None:
    if principal.role not in CENTRE_ROLES:
        raise Forbidden(f"only a centre manager or a ministry admin may {doing}")


def require_partner_role(principal: Principal, doing: str) -> None:
    if principal.role != Role.PARTNER_USER:
        raise Forbidden(f"only a user of the partner organisation may {doing}")


def require_admin(principal: Principal, doing: str) -> None:
    if principal.role != Role.MINISTRY_ADMIN:
        raise Forbidden(f"only a ministry admin may {doing}")


# -- pieces every list query shares ---------------------------------------------------------


def where_given(statement: Select, *pairs: tuple[Any, Any]) -> Select:
    """Each (column, value) pair as `column = value`; a value left out (None) filters nothing."""
    for column, value in pairs:
        if value is not None:
            statement = statement.where(column == value)
    return statement


def matches(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive "contains", with LIKE's wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def ordered(statement: Select, sortable: Mapping[str, Any], sort: str, tiebreak: Any) -> Select:
    """`sort` names a key of `sortable`, with `-` first for descending; ties break on `tiebreak`
    so that pages never overlap."""
    descending = sort.startswith("-")
    column = sortable[sort.removeprefix("-")]
    if descending:
        return statement.order_by(column.desc(), tiebreak.desc())
    return statement.order_by(column.asc(), tiebreak.asc())


def sort_keys(sortable: Mapping[str, Any]) -> list[str]:
    """Every value a list's `sort` parameter accepts."""
    return [key for name in sortable for key in (name, f"-{name}")]
