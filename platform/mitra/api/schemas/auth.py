"""Signing in and the signed-in user."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mitra.api.schemas.common import Text


class TokenRequestSchema(Schema):
    email = Text(required=True, validate=validate.Length(1, 254))
    password = Text(
        required=True, strip=False, verbatim=True, validate=validate.Length(1, 1024), load_only=True
    )
    label = Text(
        validate=validate.Length(max=100),
        metadata={"description": "your name for this token, shown in `GET /auth/tokens`"},
    )


class TokenSchema(Schema):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`"})
    expires_at = fields.DateTime(required=True)


class ApiTokenInfoSchema(Schema):
    """One of your API tokens, as listed: never the token itself."""

    id = fields.Integer(required=True)
    label = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(
        required=True, allow_none=True, metadata={"description": "to the minute; null until first used"}
    )


class MeSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    centre_id = fields.Integer(required=True, allow_none=True)
    partner_id = fields.Integer(required=True, allow_none=True)
    language = fields.String(required=True)
    zone = fields.String(required=True)
