"""`/api/v1/stats`: the year's collaboration statistics, as JSON, CSV or an Excel workbook:
collaborations, answers, activities, the businesses assisted and what they got.

Read from the compiled statistics (`mitra.services.statistics`) within the caller's scope:
the ministry sees the nation, a centre manager their centre, a partner user their
organisation's work with every centre. The year defaults to the current one in WIB.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate

from events.types import utcnow
from mitra import exports
from mitra.api.auth import user
from mitra.api.requests import ApiBlueprint
from mitra.services import statistics, unit_of_work
from mitra.services.statistics import COUNTED_STATUSES, DIMENSIONS, OUTCOME_TYPES

blp = ApiBlueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Collaboration statistics of a year, within your scope",
)

REPORTING_ZONE = ZoneInfo("Asia/Jakarta")
FORMATS = ("json", *exports.FORMATS)
# The columns of a download, in order: the measures flattened.
MEASURES = (
    "collaborations", "proposals", *(f"collaborations_{s}" for s in COUNTED_STATUSES),
    "acceptance_rate", "median_days_to_answer", "activities_held", "participants", "umkm_reached",
    "umkm_assisted", *(f"outcomes_{t}" for t in OUTCOME_TYPES), "financing_idr",
    "partners_with_collaboration", "centres_with_collaboration",
)  # fmt: skip


def downloads_doc(schema: type[Schema]) -> dict[str, Any]:
    """The 200 answer in its three forms (a manual `content` replaces the generated one)."""
    return {
        "responses": {
            "200": {
                "description": "The figures; with format=csv or xlsx, a file to save",
                "content": {
                    "application/json": {"schema": schema},
                    "text/csv": {"schema": {"type": "string"}},
                    exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
                "headers": {
                    "Content-Disposition": {
                        "schema": {"type": "string"},
                        "description": "with format=csv or xlsx: attachment and its file name",
                    }
                },
            }
        }
    }


# -- schemas ------------------------------------------------------------------------------------


class StatsArgs(Schema):
    year = fields.Integer(
        validate=validate.Range(2000, 2100),
        metadata={"description": "calendar year; the current one (WIB) by default"},
    )
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "json, or a download: csv or xlsx"},
    )


class BreakdownArgs(StatsArgs):
    by = fields.String(
        required=True,
        validate=validate.OneOf(DIMENSIONS),
        metadata={"description": "what each row is: " + ", ".join(DIMENSIONS)},
    )


class ScopeSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "national, centre or partner"})
    centre_id = fields.Integer()
    partner_id = fields.Integer()


StatusCountsSchema = Schema.from_dict(
    {status: fields.Integer(required=True) for status in COUNTED_STATUSES}, name="StatusCountsSchema"
)
OutcomeCountsSchema = Schema.from_dict(
    {kind: fields.Integer(required=True) for kind in OUTCOME_TYPES}, name="OutcomeCountsSchema"
)


class MeasuresSchema(Schema):
    collaborations = fields.Integer(
        required=True,
        metadata={"description": "collaborations starting this year that are accepted, active or completed"},
    )
    proposals = fields.Integer(
        required=True,
        metadata={"description": "collaborations starting this year that were ever proposed, in any status"},
    )
    collaborations_by_status = fields.Nested(StatusCountsSchema, required=True)
    acceptance_rate = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "accepted / (accepted + declined); null when none was answered"},
    )
    median_days_to_answer = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "whole days from the latest proposal to the partner's answer"},
    )
    activities_held = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    umkm_reached = fields.Integer(
        required=True, metadata={"description": "the activities' own counts, added up"}
    )
    umkm_assisted = fields.Integer(
        required=True,
        metadata={
            "description": "distinct businesses (NIB) on the attendance of activities held; a "
            "business on two activities counts once, so rows of a breakdown need not add up to it"
        },
    )
    outcomes = fields.Nested(
        OutcomeCountsSchema,
        required=True,
        metadata={"description": "outcomes recorded for businesses, by type, placed by their date"},
    )
    financing_idr = fields.Integer(
        required=True, metadata={"description": "the financing outcomes' amounts added up, in whole rupiah"}
    )
    partners_with_collaboration = fields.Integer(required=True)
    centres_with_collaboration = fields.Integer(required=True)


class SummarySchema(MeasuresSchema):
    year = fields.Integer(required=True)
    scope = fields.Nested(ScopeSchema, required=True)


class BreakdownRowSchema(MeasuresSchema):
    key = fields.String(
        required=True,
        metadata={
            "description": "province code, service area code, partner type, centre code, partner id "
            "or YYYY-MM; `none` for outcomes that name no collaboration (no partner, area, "
            "and no centre or province when the ministry recorded them)"
        },
    )
    label = fields.String(required=True)


class BreakdownSchema(Schema):
    year = fields.Integer(required=True)
    by = fields.String(required=True)
    scope = fields.Nested(ScopeSchema, required=True)
    rows = fields.List(fields.Nested(BreakdownRowSchema), required=True)


# -- views --------------------------------------------------------------------------------------


@blp.route("/summary")
@blp.arguments(StatsArgs, location="query")
@blp.response(200, SummarySchema)
@blp.doc(**downloads_doc(SummarySchema))
def get_summary(args):
    """The year's figures: collaborations, answers, activities, businesses assisted, outcomes,
    financing, partners and centres"""
    year = args.get("year") or current_year()
    figures = statistics.summary(unit_of_work.current().session, user(), year)
    if args["format"] == "json":
        return figures
    row = [year, _scope_name(figures["scope"]), *_flatten(figures)]
    return exports.download(
        args["format"],
        f"mitra-stats-summary-{year}",
        f"Ringkasan {year}",
        ["year", "scope", *MEASURES],
        [row],
        excel_bom=False,  # read by programs: a BOM would stick to the first column's name
    )


@blp.route("/breakdown")
@blp.arguments(BreakdownArgs, location="query")
@blp.response(200, BreakdownSchema)
@blp.doc(**downloads_doc(BreakdownSchema))
def get_breakdown(args):
    """The year's figures per province, service area, partner type, centre, partner or month"""
    year, by = args.get("year") or current_year(), args["by"]
    figures = statistics.breakdown(unit_of_work.current().session, user(), by, year)
    if args["format"] == "json":
        return figures
    rows = [[row["key"], row["label"], *_flatten(row)] for row in figures["rows"]]
    return exports.download(
        args["format"],
        f"mitra-stats-{by}-{year}",
        f"Per {by} {year}",
        [by, "label", *MEASURES],
        rows,
        excel_bom=False,
    )


def current_year() -> int:
    return utcnow().astimezone(REPORTING_ZONE).year


# -- downloads ----------------------------------------------------------------------------------


def _flatten(measures: dict[str, Any]) -> list[Any]:
    by_status = measures["collaborations_by_status"]
    flat = {
        **measures,
        **{f"collaborations_{s}": n for s, n in by_status.items()},
        **{f"outcomes_{kind}": n for kind, n in measures["outcomes"].items()},
    }
    return [flat[name] for name in MEASURES]


def _scope_name(scope: dict[str, Any]) -> str:
    if scope["kind"] == "national":
        return "national"
    ident = scope.get("centre_id") or scope.get("partner_id")
    return f"{scope['kind']}:{ident}"
