"""Fields and schemas every resource shares.

Strings refuse NUL and lone surrogates (no database stores them) and follow `mitra.text`:
one line unless `multiline` (then line ends become LF); integers in a body must be JSON
integers (not strings, floats or booleans) and fit a 32-bit column.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from mitra import text as typed
from mitra.models import SERVICE_AREAS
from mitra.services.scoping import MAX_ID

MAX_COUNT = 10_000_000
SERVICE_AREA_CODES = [code for code, _id, _en in SERVICE_AREAS]


class Text(fields.String):
    """A string that any database can store; surrounding whitespace is dropped.

    One line (`mitra.text.single_line`) by default; `multiline` for paragraphs
    (`mitra.text.paragraphs`); `verbatim` (a password) checks only what storage needs."""

    def __init__(self, *, strip: bool = True, multiline: bool = False, verbatim: bool = False, **kwargs):
        self.strip = strip
        self.multiline = multiline
        self.verbatim = verbatim
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text and self.verbatim:
            raise ValidationError("must not contain NUL characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("must be valid Unicode text (it holds a lone surrogate)") from None
        if not self.verbatim:
            try:
                text = typed.paragraphs(text) if self.multiline else typed.single_line(text)
            except typed.Refused as exc:
                raise ValidationError(str(exc)) from None
        return text.strip() if self.strip else text


def required_text(max_length: int, **kwargs) -> Text:
    return Text(required=True, validate=validate.Length(1, max_length), **kwargs)


def optional_text(max_length: int, **kwargs) -> Text:
    return Text(validate=validate.Length(0, max_length), **kwargs)


def body_id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def query_id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


def count(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(0, MAX_COUNT), **kwargs)


def one_of(values, **kwargs) -> Text:
    return Text(validate=validate.OneOf([str(v) for v in values]), **kwargs)


def service_area(**kwargs) -> Text:
    return one_of(SERVICE_AREA_CODES, **kwargs)


class EmptySchema(Schema):
    """No fields: any field sent is refused by name."""


class ReasonSchema(Schema):
    reason = required_text(2000, multiline=True, metadata={"description": "Why; kept in the audit trail"})


class QuestionSchema(Schema):
    question = required_text(2000, multiline=True, metadata={"description": "What the partner needs to know"})


class AnswerSchema(Schema):
    answer = required_text(
        2000, multiline=True, metadata={"description": "The centre's answer to the question"}
    )


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    actor = fields.String(required=True, metadata={"description": "user:<id>, system:<job> or anonymous"})
    actor_name = fields.String(
        required=True,
        metadata={
            "description": "who, for a person: name (centre or partner), e.g. Siti Rahma (PLUT Jawa Barat)"
        },
    )
    action = fields.String(required=True)
    at = fields.DateTime(required=True)
    before = fields.Dict(allow_none=True, required=True)
    after = fields.Dict(allow_none=True, required=True)
