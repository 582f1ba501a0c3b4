"""The compiled statistics: counters per (year, month, centre, partner, service area).

Derived data only, rebuilt from the source tables by `mitra.services.statistics`: no
foreign keys (a full recompute empties and refills them in bulk), no surrogate ids. Each
row belongs to exactly one partnership (centre x partner), which is the unit a consumer
recounts when an event arrives. Province and partner type are joined in at read time
from `centres` and `partners`, so renaming or retyping a partner needs no recount.

Outcomes that name no collaboration belong to no partnership: they sit under their recording
centre with partner 0 (and centre 0 when the ministry recorded them), service area "" (see
`mitra.services.statistics`); 0 is no id, so no real partnership's recount touches them.

The key leads with the year, the dashboards' filter; a second index on (centre, partner)
serves the per-partnership recount and the centre- and partner-scoped reads. On SQLite the
tables are WITHOUT ROWID, so the key is the table's own order (see migration 0003).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from mitra.extensions import Model


class _Cell:
    """The dimensions every compiled row has; together with a table's own key, its primary key."""

    # sort_order: a mixin's columns would otherwise come last, and lead no key.
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, sort_order=-1)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True, sort_order=-1)
    centre_id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    partner_id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    service_area: Mapped[str] = mapped_column(String(40), primary_key=True, sort_order=-1)


class CollaborationCount(_Cell, Model):
    """Collaborations by status, placed by their start date; counted from their proposal on
    (a draft is the centre's own business, and a partner's view must not reveal it)."""

    __tablename__ = "stat_collaborations"
    __table_args__ = (
        Index("ix_stat_collaborations_centre_partner", "centre_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    collaborations: Mapped[int]


class AnswerTime(_Cell, Model):
    """How many collaborations the partner answered in `days` whole days after the proposal:
    a histogram, so that medians are exact and still cheap to read."""

    __tablename__ = "stat_answer_days"
    __table_args__ = (
        Index("ix_stat_answer_days_centre_partner", "centre_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    collaborations: Mapped[int]


class ActivityTotal(_Cell, Model):
    """Activities held, placed by the day they were held, with their outcomes."""

    __tablename__ = "stat_activities"
    __table_args__ = (
        Index("ix_stat_activities_centre_partner", "centre_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    held: Mapped[int]
    participants: Mapped[int]
    umkm_reached: Mapped[int]


class UmkmAssisted(_Cell, Model):
    """Each business (by its id) on the attendance of an activity held, once per cell: a
    distinct count does not add up across cells, so the pairs are kept and the reads count
    the distinct businesses within whatever they filter on."""

    __tablename__ = "stat_umkm_assisted"
    __table_args__ = (
        Index("ix_stat_umkm_assisted_centre_partner", "centre_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    umkm_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class OutcomeTotal(_Cell, Model):
    """Outcomes by type, placed by their date; financing with its amounts added up in rupiah."""

    __tablename__ = "stat_outcomes"
    __table_args__ = (
        Index("ix_stat_outcomes_centre_partner", "centre_id", "partner_id"),
        {"sqlite_with_rowid": False},
    )

    type: Mapped[str] = mapped_column(String(24), primary_key=True)
    outcomes: Mapped[int]
    amount_idr: Mapped[int] = mapped_column(BigInteger)  # 0 for every type but financing
