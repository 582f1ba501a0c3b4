"""Files attached to an agreement, a collaboration or an activity: the signed MoU/PKS, the
attendance sheet, the photos, the report. Both sides of the work bring evidence: the centre
(and the ministry) and the partner's users. A file is checked by its content, images lose
their metadata, and a removal keeps the row, marked, for the audit trail.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from events import catalogue
from events.catalogue import EventType
from events.outbox import emit
from events.types import utcnow
from mitra import storage
from mitra.extensions import db
from mitra.models import Activity, Agreement, Attachment, AttachmentKind, Collaboration, Role
from mitra.security.auth import Principal
from mitra.services import audit, file_types, scoping
from mitra.services.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge

SUBJECTS: dict[str, tuple[Callable[[Principal], Select], Any]] = {
    "agreement": (scoping.agreements, Agreement),
    "collaboration": (scoping.collaborations, Collaboration),
    "activity": (scoping.activities, Activity),
}
SORTABLE = {
    "id": Attachment.id,
    "uploaded_at": Attachment.uploaded_at,
    "filename": Attachment.filename,
    "kind": Attachment.kind,
    "size": Attachment.size,
}
UPLOADERS = frozenset({Role.MINISTRY_ADMIN.value, Role.CENTRE_MANAGER.value, Role.PARTNER_USER.value})
MAX_FILENAME = 200
MAX_TITLE = 200
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"]')


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name as the client gave it, and its bytes."""

    filename: str
    data: bytes


def subject_of(principal: Principal, subject_type: str, ident: int):
    """The agreement, collaboration or activity `ident` if `principal` can see it, else NotFound."""
    scoped, model = SUBJECTS[subject_type]
    return scoping.one(scoped(principal), model, ident, subject_type)


def sides(subject: Agreement | Collaboration | Activity) -> tuple[int, int]:
    """(centre_id, partner_id) of the work the subject belongs to."""
    if isinstance(subject, Activity):
        subject = subject.collaboration
    if isinstance(subject, Agreement):
        return subject.partnership.centre_id, subject.partnership.partner_id
    return subject.centre_id, subject.partner_id


def subject_of_attachment(attachment: Attachment) -> tuple[str, int]:
    subject_type = attachment.subject_type
    return subject_type, getattr(attachment, f"{subject_type}_id")


def search(principal: Principal, subject_type: str, ident: int, sort: str = "uploaded_at") -> Select:
    """The attachments of one subject, oldest first unless `sort` says otherwise; NotFound
    when the subject is out of scope."""
    subject_of(principal, subject_type, ident)
    column = getattr(Attachment, f"{subject_type}_id")
    statement = scoping.attachments(principal).where(column == ident)
    return scoping.ordered(statement, SORTABLE, sort, Attachment.id)


def listed(principal: Principal, subject_type: str, ident: int) -> list[Attachment]:
    """Every attachment of one subject, with who uploaded it (a page shows them all)."""
    statement = search(principal, subject_type, ident).options(joinedload(Attachment.uploaded_by))
    return list(db.session.scalars(statement))


def max_upload_bytes() -> int:
    return current_app.config["MITRA_MAX_UPLOAD_BYTES"]


def get(principal: Principal, ident: int) -> Attachment:
    return scoping.one(scoping.attachments(principal), Attachment, ident, "attachment")


@dataclass(frozen=True)
class Download:
    """What a download hands out: the bytes, their type, the name to save them as, an ETag."""

    data: bytes
    media_type: str
    filename: str
    etag: str


def content(principal: Principal, ident: int) -> Download:
    attachment = get(principal, ident)
    data = _read(attachment.sha256, attachment)
    return Download(data, attachment.content_type, attachment.filename, attachment.sha256)


def thumbnail(principal: Principal, ident: int) -> Download:
    attachment = get(principal, ident)
    if attachment.thumbnail_sha256 is None:
        raise NotFound("thumbnail of attachment", ident)
    data = _read(attachment.thumbnail_sha256, attachment)
    stem = attachment.filename.rsplit(".", 1)[0]
    return Download(data, file_types.THUMBNAIL_TYPE, f"{stem}-thumbnail.jpg", attachment.thumbnail_sha256)


def _read(sha256: str, attachment: Attachment) -> bytes:
    try:
        return storage.current().get(sha256)
    except KeyError:
        # The row is there and the bytes are not: a store restored without its files.
        raise NotFound("content of attachment", attachment.id) from None


def may_upload(principal: Principal) -> bool:
    """Whoever can see the subject and works on it: its centre, the ministry, the partner."""
    return principal.role in UPLOADERS


def may_remove(principal: Principal, attachment: Attachment) -> bool:
    """The uploader, or the subject's centre (a manager) or the ministry; `attachment` is one
    the principal can see, so a centre manager seeing it is the subject's centre."""
    return attachment.uploaded_by_id == principal.id or principal.role in scoping.CENTRE_ROLES


def clean_filename(name: str, media_type: str) -> str:
    """The last part of whatever path was sent, without control characters or quotes,
    at most MAX_FILENAME characters (the extension kept); a name from the type if none is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_IN_NAMES.sub("", name).strip().lstrip(".").strip()
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME]
    return name or f"attachment.{file_types.EXTENSION[media_type]}"


def add(
    principal: Principal,
    subject_type: str,
    ident: int,
    upload: Upload,
    kind: str | None = None,
    title: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Attachment:
    """Attach `upload` to the subject: checked, cleaned, stored, audited, and announced."""
    subject = subject_of(principal, subject_type, ident)
    if not may_upload(principal):
        raise Forbidden("only the centre, the ministry or the partner may attach files")
    kind = kind or AttachmentKind.OTHER
    if kind not in set(AttachmentKind):
        raise InvalidInput.field("kind", "must be one of " + ", ".join(AttachmentKind))
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise InvalidInput.field("title", f"must be at most {MAX_TITLE} characters")
    limit = max_upload_bytes()
    if len(upload.data) > limit:
        raise PayloadTooLarge(
            f"the file is larger than {limit // (1024 * 1024)} MB",
            {"file": [f"must be at most {limit // (1024 * 1024)} MB"]},
        )
    if not upload.data:
        raise InvalidInput.field("file", "is empty")
    media_type = file_types.sniff(upload.data, upload.filename)
    data, small = upload.data, None
    if media_type in file_types.IMAGES:
        data, small = file_types.clean_image(upload.data, media_type)
    # The bytes go to the store before the row commits, never after: they are named by their
    # hash, so a crash between the two leaves only an orphan file nobody points at (harmless),
    # and a retry of the same upload finds its bytes there already.
    store = storage.current()
    sha256 = store.put(data)
    thumbnail_sha256 = store.put(small) if small is not None else None
    attachment = Attachment(
        kind=kind,
        title=title,
        filename=clean_filename(upload.filename, media_type),
        content_type=media_type,
        size=len(data),
        sha256=sha256,
        thumbnail_sha256=thumbnail_sha256,
        uploaded_by_id=principal.id,
        uploaded_at=clock(),
        **{f"{subject_type}_id": subject.id},
    )
    db.session.add(attachment)
    db.session.flush()
    _record(
        principal,
        attachment,
        subject,
        "add",
        catalogue.AttachmentAdded,
        None,
        {
            "filename": attachment.filename,
            "content_type": media_type,
            "size": attachment.size,
            "sha256": sha256,
            "kind": kind,
            "title": title,
        },
    )
    return attachment


def remove(principal: Principal, ident: int, clock: Callable[[], datetime] = utcnow) -> Attachment:
    """Take an attachment off its subject: the row and the bytes stay, marked and audited."""
    attachment = get(principal, ident)
    if not may_remove(principal, attachment):
        raise Forbidden("only whoever attached the file, the subject's centre or the ministry may remove it")
    subject = attachment.subject
    attachment.removed_at = clock()
    attachment.removed_by_id = principal.id
    db.session.flush()
    _record(
        principal,
        attachment,
        subject,
        "remove",
        catalogue.AttachmentRemoved,
        {"removed_at": None},
        {"removed_at": attachment.removed_at.isoformat(), "removed_by_id": principal.id},
    )
    return attachment


def _record(
    principal: Principal, attachment: Attachment, subject, verb: str, event: EventType, before, after
):
    """The audit entry and the event of one step, in the caller's unit of work."""
    subject_type, subject_id = subject_of_attachment(attachment)
    audit.record(
        db.session(),
        actor=principal.actor,
        action=f"attachment.{verb}",
        subject_type="attachment",
        subject_id=attachment.id,
        before=before,
        after={**(after or {}), "subject_type": subject_type, "subject_id": subject_id},
    )
    centre_id, partner_id = sides(subject)
    emit(
        db.session(),
        event(
            attachment_id=attachment.id,
            subject_type=subject_type,
            subject_id=subject_id,
            centre_id=centre_id,
            partner_id=partner_id,
            kind=attachment.kind,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            actor=principal.actor,
        ),
    )
