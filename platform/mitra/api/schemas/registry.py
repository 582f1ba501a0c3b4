"""Centres and partners: the two public registries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mitra.api.listing import list_args
from mitra.api.schemas.common import Text, body_id, one_of, optional_text, query_id, required_text
from mitra.models import CentreStatus, CentreTier, PartnerScope, PartnerType
from mitra.models.enums import INDONESIAN_ZONES
from mitra.services import centres, partners

PROVINCE_CODE = validate.Regexp(r"^\d{2}$", error="must be a two-digit Kemendagri province code")
CENTRE_CODE = validate.Regexp(
    r"^\d{4}(-P)?$", error="must be a four-digit Kemendagri regency code, with -P for a province unit"
)


class CentreSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    province = fields.String(
        required=True, attribute="province_code", metadata={"description": "Kemendagri province code"}
    )
    province_name = fields.String(required=True, attribute="province.name")
    region_code = fields.String(required=True)
    regency_name = fields.String(required=True)
    zone = fields.String(required=True, metadata={"description": "IANA time zone of the centre"})
    tier = fields.String(required=True)
    status = fields.String(required=True)
    established_year = fields.Integer(required=True, allow_none=True)
    funding = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class _CentreFields(Schema):
    name = required_text(120)
    regency_name = required_text(80)
    zone = one_of(INDONESIAN_ZONES)
    tier = one_of(CentreTier)
    status = one_of(CentreStatus)
    established_year = fields.Integer(strict=True, allow_none=True, validate=validate.Range(2013, 2100))
    funding = optional_text(120, allow_none=True)


class CentreCreateSchema(_CentreFields):
    code = Text(required=True, validate=CENTRE_CODE)
    province = Text(required=True, validate=PROVINCE_CODE)
    region_code = Text(validate=validate.Regexp(r"^\d{4}$", error="must be four digits"))


class CentrePatchSchema(_CentreFields):
    name = Text(validate=validate.Length(1, 120))
    regency_name = Text(validate=validate.Length(1, 80))


CentreListArgs = list_args(
    "Centre",
    centres.SORTABLE,
    "code",
    province=Text(validate=PROVINCE_CODE),
    zone=one_of(INDONESIAN_ZONES),
    tier=one_of(CentreTier),
    status=one_of(CentreStatus),
    q=optional_text(200, metadata={"description": "text in the centre's or regency's name"}),
)


class PartnerSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    scope = fields.String(required=True, metadata={"description": "national or local"})
    registered_by_centre_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PartnerCreateSchema(Schema):
    name = required_text(160)
    type = one_of(PartnerType, required=True)
    scope = one_of(
        PartnerScope,
        metadata={"description": "national (ministry only) or local; a centre manager's partner is local"},
    )
    registered_by_centre_id = body_id(allow_none=True)


class PartnerPatchSchema(Schema):
    name = Text(validate=validate.Length(1, 160))
    type = one_of(PartnerType)
    scope = one_of(PartnerScope)


PartnerListArgs = list_args(
    "Partner",
    partners.SORTABLE,
    "name",
    type=one_of(PartnerType),
    scope=one_of(PartnerScope),
    registered_by_centre_id=query_id(),
    q=optional_text(200, metadata={"description": "text in the partner's name"}),
)
