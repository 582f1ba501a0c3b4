"""`/api/v1/{agreements|collaborations|activities}/{id}/attachments` and
`/api/v1/attachments/{id}`: evidence files, uploaded, listed, downloaded and removed."""

from __future__ import annotations

from typing import Any

from mitra import downloads
from mitra.api import listing
from mitra.api.auth import user
from mitra.api.requests import ID, ApiBlueprint, takes_upload
from mitra.api.schemas.attachments import (
    AttachmentFileSchema,
    AttachmentFormSchema,
    AttachmentListArgs,
    AttachmentSchema,
)
from mitra.services import attachments, file_types

blp = ApiBlueprint(
    "attachments",
    __name__,
    url_prefix="/api/v1",
    description="Files attached to agreements, collaborations and activities",
)
ONE = f"/attachments/<{ID}:attachment_id>"
DOWNLOAD_HEADERS = {
    "Content-Disposition": {
        "schema": {"type": "string"},
        "description": "attachment, with the original file name (RFC 6266: filename and filename*)",
    },
    "ETag": {"schema": {"type": "string"}, "description": "the SHA-256 of the bytes"},
}


def _download_doc(media_types: tuple[str, ...], description: str) -> dict[str, Any]:
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in media_types},
                "headers": DOWNLOAD_HEADERS,
            }
        }
    }


def _routes(subject_type: str, plural: str) -> None:
    """The list and upload views of one kind of subject."""
    path = f"/{plural}/<{ID}:{subject_type}_id>/attachments"

    @blp.route(path, endpoint=f"list_{subject_type}_attachments")
    @blp.arguments(AttachmentListArgs, location="query")
    @blp.response(200, listing.page_of(AttachmentSchema))
    def list_attachments(args, **ids):
        found = attachments.search(user(), subject_type, ids[f"{subject_type}_id"], args["sort"])
        return listing.paginate(found, args)

    @blp.route(path, methods=["POST"], endpoint=f"add_{subject_type}_attachment")
    @takes_upload
    @blp.arguments(AttachmentFormSchema, location="form")
    @blp.arguments(AttachmentFileSchema, location="files")
    @blp.response(201, AttachmentSchema)
    def add_attachment(form, files, **ids):
        upload = files["file"]
        attachment = attachments.add(
            user(),
            subject_type,
            ids[f"{subject_type}_id"],
            attachments.Upload(upload.filename or "", upload.read()),
            kind=form.get("kind"),
            title=form.get("title"),
        )
        return attachment

    list_attachments.__doc__ = f"List the files attached to {_a(subject_type)}"
    add_attachment.__doc__ = (
        f"Attach a file to {_a(subject_type)} (its centre, the ministry, or the partner); "
        "checked by content (415 otherwise), at most MITRA_MAX_UPLOAD_MB (413); images lose "
        "their metadata and get a thumbnail"
    )


def _a(subject_type: str) -> str:
    return f"an {subject_type}" if subject_type[0] in "aeiou" else f"a {subject_type}"


_routes("agreement", "agreements")
_routes("collaboration", "collaborations")
_routes("activity", "activities")


@blp.route(f"{ONE}/content")
@blp.doc(**_download_doc(file_types.ALLOWED, "The file, to save"))
def get_content(attachment_id):
    """Download an attachment (always as a download, with its sniffed type and nosniff)"""
    found = attachments.content(user(), attachment_id)
    return downloads.send(found.data, found.media_type, found.filename, found.etag)


@blp.route(f"{ONE}/thumbnail")
@blp.doc(**_download_doc((file_types.THUMBNAIL_TYPE,), "A 320 px JPEG of an image (404 for other files)"))
def get_thumbnail(attachment_id):
    """Download an image attachment's thumbnail"""
    found = attachments.thumbnail(user(), attachment_id)
    return downloads.send(found.data, found.media_type, found.filename, found.etag)


@blp.route(ONE, methods=["DELETE"])
@blp.response(204)
def remove_attachment(attachment_id):
    """Remove an attachment (whoever attached it, the subject's centre, or the ministry); it is
    kept, marked removed, and audited"""
    attachments.remove(user(), attachment_id)
