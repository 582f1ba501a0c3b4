"""An activity's attendance: the businesses on it, the list sent to replace it, an import's
counts and errors."""

from __future__ import annotations

import flask_smorest
from marshmallow import Schema, fields, validate

from mitra.api.listing import list_args
from mitra.api.schemas.common import Text
from mitra.services import attendance

MAX_LISTED = 20_000  # a JSON body of 1 MB holds fewer NIBs than this anyway
PERSONAL = "ministry and centre only (never sent to a partner): "


class AttendeeSchema(Schema):
    nib = fields.String(required=True)
    business_name = fields.String(required=True)
    kbli = fields.String(required=True, metadata={"description": "KBLI 2020, 5 digits"})
    scale = fields.String(required=True, metadata={"description": "mikro, kecil or menengah"})
    added_at = fields.DateTime(required=True)
    regency_code = fields.String(metadata={"description": PERSONAL + "Kemendagri regency code"})
    owner_name = fields.String(metadata={"description": PERSONAL + "the owner's name"})
    phone = fields.String(allow_none=True, metadata={"description": PERSONAL + "phone"})
    email = fields.String(allow_none=True, metadata={"description": PERSONAL + "e-mail"})
    registered_by_centre_id = fields.Integer(
        allow_none=True, metadata={"description": PERSONAL + "the centre that registered it"}
    )


class ListedBusinessSchema(Schema):
    nib = Text(required=True, metadata={"description": "13 digits; alone for a business already registered"})
    business_name = Text(metadata={"description": "a new business: required"})
    owner_name = Text(metadata={"description": "a new business: required"})
    kbli = Text(metadata={"description": "a new business: required, KBLI 2020 (5 digits)"})
    scale = Text(metadata={"description": "a new business: required, mikro, kecil or menengah"})
    regency_code = Text(metadata={"description": "a new business: required, Kemendagri regency code"})
    phone = Text(allow_none=True)
    email = Text(allow_none=True)


class AttendanceListSchema(Schema):
    umkm = fields.List(
        fields.Nested(ListedBusinessSchema),
        required=True,
        validate=validate.Length(max=MAX_LISTED),
        metadata={"description": "every business that took part; the list replaces the attendance"},
    )


class AttendanceReplacedSchema(Schema):
    umkm_reached = fields.Integer(required=True, metadata={"description": "businesses on the list now"})
    added = fields.Integer(required=True)
    removed = fields.Integer(required=True)
    registered = fields.Integer(required=True, metadata={"description": "new to the register"})
    updated = fields.Integer(
        required=True, metadata={"description": "on the list before, and their record changed"}
    )


class ImportErrorSchema(Schema):
    row = fields.Integer(required=True, metadata={"description": "as a spreadsheet counts: the header is 1"})
    column = fields.String(required=True, metadata={"description": "the header's name of the column"})
    message = fields.String(required=True)


class ImportResultSchema(Schema):
    imported = fields.Integer(required=True, metadata={"description": "businesses newly on the list"})
    updated = fields.Integer(
        required=True,
        metadata={"description": "rows of a business on the list already whose record the row changed"},
    )
    unchanged = fields.Integer(required=True, metadata={"description": "rows that changed nothing"})
    rejected = fields.Integer(required=True, metadata={"description": "rows not kept (see errors)"})
    errors = fields.List(
        fields.Nested(ImportErrorSchema),
        required=True,
        metadata={"description": f"each problem of a row not kept (the first {attendance.MAX_ERRORS})"},
    )
    umkm_reached = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)


class ImportArgs(Schema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "1: check the file and count, store nothing"}
    )


class ImportFileSchema(Schema):
    file = flask_smorest.fields.Upload(
        required=True,
        metadata={
            "description": "CSV (UTF-8, comma or semicolon) or XLSX, by its content; header "
            "nib,nama_usaha,nama_pemilik,kbli,skala,kode_wilayah[,telepon][,email]"
        },
    )


class TemplateArgs(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


AttendanceListArgs = list_args("Attendance", attendance.SORTABLE, "business_name")
