"""The ministry's national dashboard: the year's headline figures, charts and tables, read
from the compiled statistics (`services.statistics`, kept current by the statistics worker)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from events.types import utcnow
from mitra.models import Role
from mitra.services import pages, statistics
from mitra.web import charts, labels
from mitra.web.labels import service_area_name
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Table, maybe_export

bp = Blueprint("ministry", __name__)
TOP_PROVINCES = 15
REPORTING_ZONE = ZoneInfo("Asia/Jakarta")
BREAKDOWNS = ("service_area", "province", "month", "partner_type")


def current_year() -> int:
    """The reporting year runs in WIB, as in the statistics API."""
    return utcnow().astimezone(REPORTING_ZONE).year


def chosen_year() -> int:
    current = current_year()
    try:
        year = int(request.args.get("year", current))
    except ValueError:
        return current
    return year if 2000 <= year <= 2100 else current


MEASURES = (
    "proposals",
    "collaborations",
    "activities_held",
    "participants",
    "umkm_reached",
    "umkm_assisted",
    "financing_idr",
)
# The row of figures that no collaboration places (outcomes recorded on their own).
NO_COLLABORATION = _l("Not tied to a collaboration")


def _measure_columns() -> list[Column]:
    return [
        Column("proposals", _l("Proposals"), "number"),
        Column("collaborations", _l("Agreed collaborations"), "number"),
        Column("activities_held", _l("Activities held"), "number"),
        Column("participants", _l("Participants"), "number"),
        Column("umkm_reached", _l("UMKM reached"), "number"),
        Column("umkm_assisted", _l("UMKM assisted"), "number"),
        Column("outcomes", _l("Outcomes"), "number"),
        Column("financing_idr", _l("Financing (Rp)"), "rupiah"),
    ]


def _measures(row: dict) -> dict:
    return {**{name: row[name] for name in MEASURES}, "outcomes": sum(row["outcomes"].values())}


def _with_figures(row: dict) -> bool:
    return bool(row["proposals"] or row["activities_held"] or sum(row["outcomes"].values()))


def _name(row: dict, named=None) -> str:
    """A breakdown row's name: `named(key)` (else its label), or the words for the figures
    of no collaboration."""
    if row["key"] == statistics.NONE_KEY:
        return str(NO_COLLABORATION)
    return named(row["key"]) if named is not None else row["label"]


def outcome_type_table(summary: dict) -> Table:
    """The year's outcomes by type, financing with its total."""
    return Table(
        "outcome_types",
        _l("Outcomes for businesses by type"),
        [
            Column("type", _l("Outcome"), "label", labels.OUTCOME_TYPE),
            Column("count", _l("Outcomes"), "number"),
            Column("amount", _l("Amount (Rp)"), "rupiah"),
        ],
        [
            {"type": kind, "count": n, "amount": summary["financing_idr"] if kind == "financing" else None}
            for kind, n in summary["outcomes"].items()
        ],
    )


def tables(summary: dict, parts: dict[str, dict]) -> list[Table]:
    months = [str(m) for m in labels.MONTHS_SHORT]
    provinces = [r for r in parts["province"]["rows"] if _with_figures(r)]
    return [
        Table(
            "statuses",
            _l("Collaborations by status"),
            [
                Column("status", _l("Status"), "badge", labels.COLLABORATION_STATUS),
                Column("count", _l("Collaborations"), "number"),
            ],
            [{"status": s, "count": n} for s, n in summary["collaborations_by_status"].items()],
        ),
        Table(
            "service_areas",
            _l("Collaborations by service area"),
            [Column("area", _l("Service area")), *_measure_columns()],
            [
                {"area": _name(r, service_area_name), **_measures(r)}
                for r in parts["service_area"]["rows"]
                if r["key"] != statistics.NONE_KEY or _with_figures(r)
            ],
        ),
        Table(
            "provinces",
            _l("Activities and UMKM reached by province"),
            [Column("province", _l("Province")), *_measure_columns()],
            [
                {"province": _name(r), **_measures(r)}
                for r in sorted(
                    provinces, key=lambda r: (r["key"] == statistics.NONE_KEY, -r["umkm_reached"], r["label"])
                )
            ],
            empty=_l("No figures for this year."),
        ),
        Table(
            "months",
            _l("Month by month"),
            [Column("month", _l("Month")), *_measure_columns()],
            [{"month": months[i], **_measures(r)} for i, r in enumerate(parts["month"]["rows"])],
        ),
        Table(
            "partner_types",
            _l("Collaborations by kind of partner"),
            [
                Column(
                    "type", _l("Kind of partner"), "label", {**labels.PARTNER_TYPE, "none": NO_COLLABORATION}
                ),
                Column("partners", _l("Partners with a collaboration"), "number"),
                *_measure_columns(),
            ],
            [
                {"type": r["key"], "partners": r["partners_with_collaboration"], **_measures(r)}
                for r in sorted(
                    parts["partner_type"]["rows"],
                    key=lambda r: (r["key"] == statistics.NONE_KEY, -r["proposals"]),
                )
            ],
            empty=_l("No figures for this year."),
        ),
        outcome_type_table(summary),
    ]


def chart_set(parts: dict[str, dict]) -> dict:
    held = [r for r in parts["province"]["rows"] if r["activities_held"]]
    by_activities = sorted(held, key=lambda r: (-r["activities_held"], r["label"]))[:TOP_PROVINCES]
    by_umkm = sorted(held, key=lambda r: (-r["umkm_reached"], r["label"]))[:TOP_PROVINCES]
    types = sorted(parts["partner_type"]["rows"], key=lambda r: (-r["collaborations"], r["key"]))
    return {
        "service_areas": charts.bars(
            _("Agreed collaborations by service area"),
            [
                (service_area_name(r["key"]), r["collaborations"])
                for r in parts["service_area"]["rows"]
                if r["key"] != statistics.NONE_KEY  # outcomes alone: no collaboration to draw
            ],
        ),
        "activities": charts.bars(
            _("Activities held by province"), [(r["label"], r["activities_held"]) for r in by_activities]
        ),
        "umkm": charts.bars(
            _("UMKM reached by province"),
            [(r["label"], r["umkm_reached"]) for r in by_umkm],
            charts.PALETTE[1],
        ),
        "months": charts.columns(
            _("Month by month"),
            [str(m) for m in labels.MONTHS_SHORT],
            [
                charts.Series(_("Collaborations starting"), [r["proposals"] for r in parts["month"]["rows"]]),
                charts.Series(_("Activities held"), [r["activities_held"] for r in parts["month"]["rows"]]),
            ],
        ),
        "partner_types": charts.bars(
            _("Agreed collaborations by kind of partner"),
            [
                (labels.label(labels.PARTNER_TYPE, r["key"]), r["collaborations"])
                for r in types
                if r["proposals"]
            ],
            charts.PALETTE[2],
        ),
    }


@bp.get("/ministry")
@login_required(Role.MINISTRY_ADMIN)
def dashboard():
    user = viewer()
    year = chosen_year()
    summary, parts = pages.national_figures(user, year, BREAKDOWNS)
    all_tables = tables(summary, parts)
    if (download := maybe_export(all_tables)) is not None:
        return download
    return render_template(
        "web/ministry/dashboard.html",
        summary=summary,
        year=year,
        years=pages.years_with_figures(current_year()),
        tables={t.name: t for t in all_tables},
        charts=chart_set(parts),
    )
