"""The UMKM register: a business by its NIB, and who may read its owner's name and contacts.

The shapes only: every field's rule (13-digit NIB, 5-digit KBLI, scale, one of the 514
regency codes, phone, e-mail) is `services.umkm_fields`', the one the form and the import
follow too, and a field that breaks it answers 422 naming it."""

from __future__ import annotations

from marshmallow import Schema, fields

from mitra.api.errors import ErrorSchema
from mitra.api.listing import list_args
from mitra.api.schemas.common import Text, one_of, optional_text
from mitra.models import UmkmScale
from mitra.services import umkm

SCALES = ", ".join(s.value for s in UmkmScale)
PERSONAL = "personal data: present only for the ministry and the centres that work with the business"


class UmkmSchema(Schema):
    nib = fields.String(required=True, metadata={"description": "Nomor Induk Berusaha, 13 digits (OSS)"})
    business_name = fields.String(required=True)
    kbli = fields.String(required=True, metadata={"description": "KBLI 2020 code, 5 digits"})
    scale = fields.String(required=True, metadata={"description": SCALES})
    regency_code = fields.String(required=True, metadata={"description": "Kemendagri regency code"})
    regency_name = fields.String(required=True)
    registered_by_centre_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "the centre that registered it (none: the ministry)"},
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    # Left out of the record entirely (not null) for anyone who may not read them.
    owner_name = fields.String(metadata={"description": PERSONAL})
    phone = fields.String(allow_none=True, metadata={"description": PERSONAL})
    email = fields.String(allow_none=True, metadata={"description": PERSONAL})


class _UmkmFields(Schema):
    business_name = Text(metadata={"description": "at most 200 characters"})
    owner_name = Text(metadata={"description": "at most 120 characters; " + PERSONAL})
    kbli = Text(metadata={"description": "KBLI 2020 code, 5 digits"})
    scale = Text(metadata={"description": SCALES})
    regency_code = Text(metadata={"description": "one of the 514 Kemendagri regency codes, e.g. 3507"})
    phone = Text(allow_none=True, metadata={"description": "optional; null clears it"})
    email = Text(allow_none=True, metadata={"description": "optional; null clears it"})


class UmkmCreateSchema(_UmkmFields):
    nib = Text(required=True, metadata={"description": "13 digits, as OSS issued it"})
    business_name = Text(required=True, metadata={"description": "at most 200 characters"})
    owner_name = Text(required=True, metadata={"description": "at most 120 characters; " + PERSONAL})
    kbli = Text(required=True, metadata={"description": "KBLI 2020 code, 5 digits"})
    scale = Text(required=True, metadata={"description": SCALES})
    regency_code = Text(required=True, metadata={"description": "one of the 514 Kemendagri regency codes"})


class UmkmPatchSchema(_UmkmFields):
    """Any of the fields but the NIB, which identifies the business."""


class DuplicateSchema(ErrorSchema):
    existing = fields.String(
        required=True, metadata={"description": "the URL of the business registered already"}
    )


UmkmListArgs = list_args(
    "Umkm",
    umkm.SORTABLE,
    "business_name",
    q=optional_text(
        200, metadata={"description": "text in the business's name, or the first digits of its NIB"}
    ),
    nib=Text(metadata={"description": "exactly this NIB"}),
    regency_code=Text(metadata={"description": "Kemendagri regency code"}),
    scale=one_of(UmkmScale, metadata={"description": SCALES}),
)
