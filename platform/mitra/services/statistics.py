"""Collaboration statistics: compiled from the source tables, and read within a principal's scope.

Definitions, shared by the recount, the recompute and the reads:
- a collaboration is counted from its proposal on (a draft is the centre's own business, and
  a partner must not learn of it), placed by its start date;
- the collaborations *of* a year start in it and are accepted, active or completed; the
  partners and centres "with a collaboration" are the distinct ones among them;
- acceptance rate = accepted (possibly active or completed by now) / (that + declined);
- days to answer = whole days (86,400 s) from the latest proposal to the partner's answer,
  for collaborations answered since; the median is exact, read from a histogram;
- activities held in a year: status held and a date in that year, placed under their
  collaboration's centre and partner and their own service area (else the collaboration's);
- UMKM assisted = distinct businesses (by NIB) on the attendance of activities held, placed
  as their activity; distinct counts do not add up, so the (cell, business) pairs are
  compiled and the reads count the distinct businesses within their filter and scope;
- outcomes by type, and the financing total in rupiah, placed by the outcome's date: under
  its collaboration's centre and partner (and its activity's service area, else the
  collaboration's) when it names an activity or a collaboration; otherwise under the centre
  that recorded it with partner 0 and service area "", and under centre 0 when the ministry
  recorded it. 0 is no id: those rows form "partnerships" of their own that the consumer
  recounts by the event's centre and no partner; a partner's scope never includes them,
  a centre's includes its own. Breakdowns show them in a row keyed "none".

Compiling is one INSERT ... SELECT ... GROUP BY per table. Every compiled row belongs to one
partnership (centre x partner), so the statistics consumer recounts the partnership an event
names (`recount_partnership`): it reads the rows as they are now instead of adding up event
figures, which makes it idempotent, indifferent to the order competing workers handle events
in, and right even after a draft's dates changed (an edit emits no event).
`recompute_statistics` runs the same statements over everything; neither commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    case,
    cast,
    delete,
    distinct,
    extract,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from mitra.models import (
    SERVICE_AREAS,
    Activity,
    ActivityStatus,
    ActivityTotal,
    AnswerTime,
    Attendance,
    Centre,
    Collaboration,
    CollaborationCount,
    Outcome,
    OutcomeTotal,
    OutcomeType,
    Partner,
    Partnership,
    Province,
    Role,
    UmkmAssisted,
)
from mitra.models import CollaborationStatus as S
from mitra.security.auth import Principal
from mitra.services import scoping
from mitra.services.errors import Forbidden, InvalidInput

COUNTED_STATUSES = tuple(s.value for s in S if s != S.DRAFT)
COLLABORATING = (S.ACCEPTED.value, S.ACTIVE.value, S.COMPLETED.value)
OUTCOME_TYPES = tuple(t.value for t in OutcomeType)
DIMENSIONS = ("province", "service_area", "partner_type", "centre", "partner", "month")
KEY = ("year", "month", "centre_id", "partner_id", "service_area")
NO_ID = 0  # the centre or partner of an outcome that names none (see the definitions)
NONE_KEY = "none"  # the breakdown row of figures with no province, centre, partner or area
NONE_LABELS = {
    "province": "(tanpa provinsi)",
    "service_area": "(tanpa bidang layanan)",
    "partner_type": "(tanpa mitra)",
    "centre": "(tanpa PLUT)",
    "partner": "(tanpa mitra)",
}

collaboration_counts = CollaborationCount.__table__
answer_days = AnswerTime.__table__
activity_totals = ActivityTotal.__table__
umkm_assisted = UmkmAssisted.__table__
outcome_totals = OutcomeTotal.__table__
TABLES = (collaboration_counts, answer_days, activity_totals, umkm_assisted, outcome_totals)


# -- compiling ----------------------------------------------------------------------------------


def recount_partnership(session: Session, centre_id: int, partner_id: int) -> None:
    """Compile again the rows of one centre x partner, from the source rows as they are now
    (partner 0: the centre's outcomes that name no collaboration; centre 0 too: the ministry's)."""
    # On PostgreSQL recounts of one partnership queue here, so each reads what the one before
    # wrote (SQLite lets one writer in at a time anyway).
    partnership_id = session.scalar(
        select(Partnership.id)
        .where(Partnership.centre_id == centre_id, Partnership.partner_id == partner_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: new rows may still refer to it
    )
    if partnership_id is None and session.get_bind().dialect.name == "postgresql":
        # No row to lock (the outcomes of no collaboration): the same queue, by its two ids.
        session.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:centre_id AS integer), CAST(:partner_id AS integer))"),
            {"centre_id": centre_id, "partner_id": partner_id},
        )
    for table in TABLES:
        session.execute(delete(table).where(table.c.centre_id == centre_id, table.c.partner_id == partner_id))
    _compile(session, (centre_id, partner_id, partnership_id))


def recompute_statistics(session: Session) -> dict[str, int]:
    """Rebuild every compiled table from the source tables; the caller commits.

    Returns the rows written per table. On PostgreSQL the tables are locked against
    consumers' recounts (not against dashboard reads) until the caller's commit."""
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(table.name for table in TABLES)
        session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for table in TABLES:
        session.execute(delete(table))
    _compile(session)
    # Most rows are new: give the planner their statistics now rather than at autovacuum's leisure.
    for table in TABLES:
        session.execute(text(f"ANALYZE {table.name}"))
    return {table.name: session.scalar(select(func.count()).select_from(table)) or 0 for table in TABLES}


def compiled(session: Session) -> dict[str, list[tuple]]:
    """Every compiled row, sorted: what a recount and a recompute must agree on."""
    return {table.name: sorted(tuple(row) for row in session.execute(select(table))) for table in TABLES}


def _compile(session: Session, partnership: tuple[int, int, int | None] | None = None) -> None:
    """Fill the compiled tables from the source tables: all of them, or one partnership's
    (centre id, partner id, partnership id) rows, which the caller has deleted."""
    dialect = session.get_bind().dialect.name
    c, a = Collaboration, Activity
    within: list[ColumnElement[bool]] = []
    held = a.status == ActivityStatus.HELD
    if partnership is not None:
        centre_id, partner_id, partnership_id = partnership
        within = [c.centre_id == centre_id, c.partner_id == partner_id]
        if partnership_id is not None:
            # A collaboration belongs to its centre x partner's partnership
            # (`partners.partnership_for`); its index finds the few rows.
            within.append(c.partnership_id == partnership_id)
        # An expression no index serves: the planner then starts from those collaborations,
        # not from every held activity (SQLite without statistics would).
        held = a.status.concat("") == ActivityStatus.HELD

    cell = (
        _year(c.starts_on, dialect).label("year"),
        _month(c.starts_on, dialect).label("month"),
        c.centre_id.label("centre_id"),
        c.partner_id.label("partner_id"),
        c.service_area.label("service_area"),
    )
    counted = (c.proposed_at.is_not(None), *within)
    statuses = select(*cell, c.status.label("status")).where(*counted).subquery()
    session.execute(_insert_grouped(collaboration_counts, statuses, ["status"], [func.count()]))

    seconds = _epoch_seconds(c.answered_at, dialect) - _epoch_seconds(c.proposed_at, dialect)
    days = seconds.self_group().op("/", return_type=Integer)(literal_column("86400", Integer))
    answered = select(*cell, days.label("days")).where(
        *counted, c.answered_at.is_not(None), c.answered_at >= c.proposed_at
    )
    answers = answered.subquery()
    session.execute(_insert_grouped(answer_days, answers, ["days"], [func.count()]))

    rows = (
        select(
            _year(a.date, dialect).label("year"),
            _month(a.date, dialect).label("month"),
            c.centre_id.label("centre_id"),
            c.partner_id.label("partner_id"),
            func.coalesce(a.service_area, c.service_area).label("service_area"),
            a.participants,
            a.umkm_reached,
        )
        .join(c, a.collaboration_id == c.id)
        .where(held, *within)
        .subquery()
    )
    totals = [func.count(), func.sum(rows.c.participants), func.sum(rows.c.umkm_reached)]
    session.execute(_insert_grouped(activity_totals, rows, [], totals))

    attended = (
        select(
            _year(a.date, dialect).label("year"),
            _month(a.date, dialect).label("month"),
            c.centre_id.label("centre_id"),
            c.partner_id.label("partner_id"),
            func.coalesce(a.service_area, c.service_area).label("service_area"),
            Attendance.umkm_id.label("umkm_id"),
        )
        .select_from(Attendance)
        .join(a, Attendance.activity_id == a.id)
        .join(c, a.collaboration_id == c.id)
        .where(held, *within)
        .subquery()
    )
    session.execute(_insert_grouped(umkm_assisted, attended, ["umkm_id"], []))

    outcomes = _outcomes(dialect, partnership)
    # 0 where no row has an amount; cast, as PostgreSQL sums a BIGINT into a NUMERIC.
    amounts = cast(func.coalesce(func.sum(outcomes.c.amount_idr), 0), BigInteger)
    session.execute(_insert_grouped(outcome_totals, outcomes, ["type"], [func.count(), amounts]))


def _outcomes(dialect: str, partnership: tuple[int, int, int | None] | None):
    """Every outcome (or one partnership's) with its cell, type and amount.

    The collaboration is the outcome's own `collaboration_id`, which the service sets from
    the activity when an activity is named (`services.outcomes`)."""
    o, c, a = Outcome, aliased(Collaboration), aliased(Activity)
    no_id = literal_column(str(NO_ID), Integer)
    statement = select(
        _year(o.date, dialect).label("year"),
        _month(o.date, dialect).label("month"),
        func.coalesce(c.centre_id, o.centre_id, no_id).label("centre_id"),
        func.coalesce(c.partner_id, no_id).label("partner_id"),
        func.coalesce(a.service_area, c.service_area, literal_column("''", String)).label("service_area"),
        o.type.label("type"),
        o.amount_idr.label("amount_idr"),
    ).select_from(o)
    if partnership is None:
        statement = statement.outerjoin(c, o.collaboration_id == c.id)
    else:
        centre_id, partner_id, partnership_id = partnership
        if partner_id == NO_ID:
            # No collaboration: the recording centre's (none: the ministry's) outcomes.
            recorder = o.centre_id.is_(None) if centre_id == NO_ID else o.centre_id == centre_id
            statement = statement.outerjoin(c, o.collaboration_id == c.id).where(
                o.collaboration_id.is_(None), recorder
            )
        else:
            within = [c.centre_id == centre_id, c.partner_id == partner_id]
            if partnership_id is not None:
                within.append(c.partnership_id == partnership_id)
            statement = statement.join(c, o.collaboration_id == c.id).where(*within)
    return statement.outerjoin(a, o.activity_id == a.id).subquery()


def _insert_grouped(table, rows, extra_key: list[str], measures: list) -> Any:
    keys = [rows.c[name] for name in (*KEY, *extra_key)]
    measure_names = [col.name for col in table.c if col.name not in (*KEY, *extra_key)]
    # In key order: a year's rows end up side by side, so a dashboard read touches few pages.
    return insert(table).from_select(
        [*KEY, *extra_key, *measure_names], select(*keys, *measures).group_by(*keys).order_by(*keys)
    )


def _year(column, dialect: str) -> ColumnElement[int]:
    # SQLite keeps a date as 'YYYY-MM-DD' text: slicing it beats strftime's parsing.
    if dialect == "sqlite":
        return cast(func.substr(column, 1, 4), Integer)
    return cast(extract("year", column), Integer)


def _month(column, dialect: str) -> ColumnElement[int]:
    if dialect == "sqlite":
        return cast(func.substr(column, 6, 2), Integer)
    return cast(extract("month", column), Integer)


def _epoch_seconds(column, dialect: str) -> ColumnElement[int]:
    """Whole seconds since 1970 (fractions dropped the same way on both databases)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(extract("epoch", column)), BigInteger)


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures: everyone's, one centre's, or one partner's (from every centre)."""

    centre_id: int | None = None
    partner_id: int | None = None

    @classmethod
    def of(cls, principal: Principal) -> Scope:
        if scoping.sees_everything(principal):
            return cls()
        if principal.role == Role.CENTRE_MANAGER:
            return cls(centre_id=principal.centre_id)
        if principal.role == Role.PARTNER_USER:
            return cls(partner_id=principal.partner_id)
        raise Forbidden("this account may not read statistics")

    def describe(self) -> dict[str, Any]:
        if self.centre_id is not None:
            return {"kind": "centre", "centre_id": self.centre_id}
        if self.partner_id is not None:
            return {"kind": "partner", "partner_id": self.partner_id}
        return {"kind": "national"}

    def criteria(self, table) -> list[ColumnElement[bool]]:
        found = []
        if self.centre_id is not None:
            found.append(table.c.centre_id == self.centre_id)
        if self.partner_id is not None:
            found.append(table.c.partner_id == self.partner_id)
        return found


def summary(session: Session, principal: Principal, year: int) -> dict[str, Any]:
    """The year's measures within the principal's scope."""
    scope = Scope.of(principal)
    measures = _measures(session, year, scope, None).get(None) or _nothing()
    return {"year": year, "scope": scope.describe(), **measures}


def breakdown(session: Session, principal: Principal, by: str, year: int) -> dict[str, Any]:
    """The year's measures per province, service area, partner type, centre or month."""
    if by not in DIMENSIONS:
        raise InvalidInput.field("by", f"must be one of {', '.join(DIMENSIONS)}")
    scope = Scope.of(principal)
    found = _measures(session, year, scope, by)
    labels = _labels(session, by, year, found)
    rows = [{"key": key, "label": label, **(found.get(raw) or _nothing())} for raw, key, label in labels]
    return {"year": year, "by": by, "scope": scope.describe(), "rows": rows}


def _measures(session: Session, year: int, scope: Scope, by: str | None) -> dict[Any, dict[str, Any]]:
    """Measures per group key (None: one group), in one pass over each compiled table."""

    def grouped(table, *columns, extra_group=()) -> dict[Any, list[tuple]]:
        group = _group_key(table, by)
        keys = [group] if group is not None else []
        statement = select(*keys, *extra_group, *columns)
        statement = _join_for(statement, table, by).where(table.c.year == year, *scope.criteria(table))
        if keys or extra_group:
            statement = statement.group_by(*keys, *extra_group)
        found: dict[Any, list[tuple]] = defaultdict(list)
        for row in session.execute(statement):
            found[row[0] if keys else None].append(tuple(row[len(keys) :]))
        return found

    t = collaboration_counts
    collaborating = t.c.status.in_(COLLABORATING)
    counts = grouped(
        t,
        *(func.sum(case((t.c.status == status, t.c.collaborations), else_=0)) for status in COUNTED_STATUSES),
        func.count(distinct(case((collaborating, t.c.partner_id)))),
        func.count(distinct(case((collaborating, t.c.centre_id)))),
    )
    d = answer_days
    histograms = grouped(d, func.sum(d.c.collaborations), extra_group=(d.c.days,))
    a = activity_totals
    activities = grouped(a, func.sum(a.c.held), func.sum(a.c.participants), func.sum(a.c.umkm_reached))
    u = umkm_assisted
    assisted = grouped(u, func.count(distinct(u.c.umkm_id)))
    o = outcome_totals
    outcomes = grouped(o, func.sum(o.c.outcomes), func.sum(o.c.amount_idr), extra_group=(o.c.type,))
    return {
        group: _measures_of(
            (counts.get(group) or [(0,) * (len(COUNTED_STATUSES) + 2)])[0],
            [(int(days), int(n)) for days, n in histograms.get(group, [])],
            (activities.get(group) or [(0, 0, 0)])[0],
            int((assisted.get(group) or [(0,)])[0][0] or 0),
            outcomes.get(group, []),
        )
        for group in set(counts) | set(activities) | set(assisted) | set(outcomes)
    }


def _measures_of(
    counts: tuple, histogram: list[tuple[int, int]], activities: tuple, assisted: int, outcomes: list[tuple]
) -> dict[str, Any]:
    """The measures of one group from its status counts (then distinct partners and centres),
    its answer-time histogram, its activity totals, its distinct businesses assisted and its
    outcomes as (type, count, amount) rows."""
    by_status = {status: int(n or 0) for status, n in zip(COUNTED_STATUSES, counts, strict=False)}
    partners, centres = (int(n or 0) for n in counts[len(COUNTED_STATUSES) :])
    accepted = sum(by_status[s] for s in COLLABORATING)
    decided = accepted + by_status[S.DECLINED.value]
    held, participants, umkm_reached = (int(n or 0) for n in activities)
    by_type = dict.fromkeys(OUTCOME_TYPES, 0)
    financing = 0
    for kind, n, amount in outcomes:
        by_type[kind] = int(n or 0)
        if kind == OutcomeType.FINANCING:
            financing = int(amount or 0)
    return {
        "collaborations": accepted,
        "proposals": sum(by_status.values()),
        "collaborations_by_status": by_status,
        "acceptance_rate": round(accepted / decided, 4) if decided else None,
        "median_days_to_answer": _median(histogram),
        "activities_held": held,
        "participants": participants,
        "umkm_reached": umkm_reached,
        "umkm_assisted": assisted,
        "outcomes": by_type,
        "financing_idr": financing,
        "partners_with_collaboration": partners,
        "centres_with_collaboration": centres,
    }


def _nothing() -> dict[str, Any]:
    return _measures_of((0,) * (len(COUNTED_STATUSES) + 2), [], (0, 0, 0), 0, [])


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The exact median of values given as (value, how many times)."""
    total = sum(count for _value, count in histogram)
    if not total:
        return None
    wanted = sorted({(total - 1) // 2, total // 2})
    found, seen = [], 0
    for value, count in sorted(histogram):
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


def _group_key(table, by: str | None):
    # "+ 0": grouping by the bare column tempts SQLite to walk the (centre, partner) index
    # over every year instead of reading the one year's rows (30x slower at 1M activities).
    # Outcomes under no centre or partner (0) have no province or partner type: "" then.
    return {
        None: None,
        "month": table.c.month,
        "service_area": table.c.service_area,
        "centre": table.c.centre_id + literal_column("0", Integer),
        "partner": table.c.partner_id + literal_column("0", Integer),
        # A literal, not a parameter: PostgreSQL matches SELECT to GROUP BY by the text.
        "province": func.coalesce(Centre.province_code, literal_column("''", String)),
        "partner_type": func.coalesce(Partner.type, literal_column("''", String)),
    }[by]


def _join_for(statement: Select, table, by: str | None) -> Select:
    statement = statement.select_from(table)
    if by == "province":
        return statement.outerjoin(Centre, Centre.id == table.c.centre_id)
    if by == "partner_type":
        return statement.outerjoin(Partner, Partner.id == table.c.partner_id)
    return statement


def _labels(session: Session, by: str, year: int, found: dict) -> list[tuple[Any, str, str]]:
    """(raw group key, key, label) of every row the breakdown shows, in reading order.

    Months and service areas are listed in full; the others where there are figures. Figures
    with no province, area, centre or partner (outcomes that name no collaboration) come
    last, keyed "none"."""
    if by == "month":
        return [(month, f"{year}-{month:02d}", f"{year}-{month:02d}") for month in range(1, 13)]
    none = [(raw, NONE_KEY, NONE_LABELS[by]) for raw in ("", NO_ID) if raw in found]
    if by == "service_area":
        return [(code, code, name_id) for code, name_id, _en in SERVICE_AREAS] + none
    if by == "centre":
        centres = session.execute(select(Centre.id, Centre.code, Centre.name).where(Centre.id.in_(found)))
        return sorted(((row.id, row.code, row.name) for row in centres), key=lambda r: r[2]) + none
    if by == "partner":
        partners = session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(found)))
        return sorted(((row.id, str(row.id), row.name) for row in partners), key=lambda r: r[2]) + none
    if by == "province":
        codes = [code for code in found if code]
        provinces = session.execute(select(Province.code, Province.name).where(Province.code.in_(codes)))
        names = {code: name for code, name in provinces}
        return sorted(((code, code, names.get(code, code)) for code in codes), key=lambda r: r[2]) + none
    return sorted((kind, kind, kind) for kind in found if kind) + none
