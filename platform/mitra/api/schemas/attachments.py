"""Files attached to agreements, collaborations and activities."""

from __future__ import annotations

import flask_smorest
from marshmallow import Schema, fields

from mitra import links
from mitra.api.listing import list_args
from mitra.api.schemas.common import one_of, optional_text
from mitra.models import AttachmentKind
from mitra.services import attachments


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True, metadata={"description": "as it was sent, without any path"})
    content_type = fields.String(
        required=True, metadata={"description": "as Mitra read it from the content, never as claimed"}
    )
    size = fields.Integer(required=True, metadata={"description": "bytes stored (an image re-encoded)"})
    sha256 = fields.String(
        required=True, metadata={"description": "of the bytes stored; the download's ETag"}
    )
    kind = fields.String(required=True)
    title = fields.String(required=True)
    uploaded_by = fields.Integer(
        required=True, attribute="uploaded_by_id", metadata={"description": "user id"}
    )
    uploaded_at = fields.DateTime(required=True)
    thumbnail_url = fields.Function(
        lambda a: (
            links.absolute_url("attachments.get_thumbnail", attachment_id=a.id)
            if a.thumbnail_sha256
            else None
        ),
        metadata={"type": "string", "nullable": True, "description": "images only: a 320 px JPEG"},
    )


class AttachmentFormSchema(Schema):
    kind = one_of(
        AttachmentKind,
        load_default=str(AttachmentKind.OTHER),
        metadata={"description": "what it is evidence of: " + ", ".join(AttachmentKind)},
    )
    title = optional_text(attachments.MAX_TITLE)


class AttachmentFileSchema(Schema):
    file = flask_smorest.fields.Upload(
        required=True,
        metadata={"description": "PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV, by its content"},
    )


AttachmentListArgs = list_args("Attachment", attachments.SORTABLE, "uploaded_at")
