"""Evidence on the pages: upload files to an agreement, a collaboration or an activity (one
request per file, so a browser shows each file's progress), see them, download, remove."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from mitra import downloads
from mitra.models import Activity, Agreement
from mitra.services import attachments, file_types, unit_of_work
from mitra.services.errors import ServiceError
from mitra.web import feedback, labels
from mitra.web.session import login_required, viewer

bp = Blueprint("attachments", __name__)
PLURAL = {"agreements": "agreement", "collaborations": "collaboration", "activities": "activity"}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.xlsx,.docx,.csv," + ",".join(file_types.ALLOWED)


def _page_of(subject) -> str:
    """The page that shows a subject's evidence: its own."""
    endpoint = {Agreement: "web.agreements.detail", Activity: "web.activities.detail"}.get(
        type(subject), "web.collaborations.detail"
    )
    return url_for(endpoint, ident=subject.id) + "#attachments"


def _wants_json() -> bool:
    """The page's script uploads each file on its own and reads the answer itself."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _refusal(exc: ServiceError) -> str:
    if exc.status == 415:
        return _("This kind of file is not accepted. Send a PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV file.")
    if exc.status == 413:
        return _("The file is too large.")
    if exc.status == 422 and "file" in exc.errors:
        return _("The file is empty, or the image has too many pixels.")
    return feedback.general_message(exc)


# One rule per kind, each all literal but the id: a literal "attachments" outranks the
# collaboration page's `/collaborations/<id>/<action>` rule.
@bp.post("/agreements/<int:ident>/attachments", defaults={"plural": "agreements"})
@bp.post("/collaborations/<int:ident>/attachments", defaults={"plural": "collaborations"})
@bp.post("/activities/<int:ident>/attachments", defaults={"plural": "activities"})
@login_required()
def upload(plural: str, ident: int):
    user = viewer()
    subject_type = PLURAL[plural]
    subject = attachments.subject_of(user, subject_type, ident)  # 404 first, before the files
    back = _page_of(subject)
    sent = [f for f in request.files.getlist("file") if f.filename]
    if not sent:
        message = _("Choose at least one file.")
        if _wants_json():
            return jsonify(message=message), 422
        flash(message, "error")
        return redirect(back)
    kind = request.form.get("kind") or None
    title = request.form.get("title") or None
    added, refused = [], []
    for file in sent:
        try:
            with unit_of_work.step():  # one file refused leaves the others attached
                attachment = attachments.add(
                    user,
                    subject_type,
                    ident,
                    attachments.Upload(file.filename or "", file.read()),
                    kind,
                    title,
                )
        except ServiceError as exc:
            if exc.status == 404:
                raise
            refused.append((file.filename, exc))
        else:
            added.append(attachment)
    if _wants_json():
        if refused:
            _name, first = refused[0]
            return jsonify(message=_refusal(first)), first.status
        return jsonify(id=added[0].id, filename=added[0].filename), 201
    for name, why in refused:
        flash(_("%(name)s was not attached: %(why)s", name=name, why=_refusal(why)), "error")
    if added:
        flash(_("Files attached: %(count)d.", count=len(added)), "info")
    return redirect(back)


@bp.get("/attachments/<int:ident>/content")
@login_required()
def content(ident: int):
    found = attachments.content(viewer(), ident)
    return downloads.send(found.data, found.media_type, found.filename, found.etag)


@bp.get("/attachments/<int:ident>/thumbnail")
@login_required()
def thumbnail(ident: int):
    found = attachments.thumbnail(viewer(), ident)
    return downloads.send(found.data, found.media_type, found.filename, found.etag)


@bp.post("/attachments/<int:ident>/remove")
@login_required()
def remove(ident: int):
    user = viewer()
    attachment = attachments.get(user, ident)
    back = _page_of(attachment.subject)
    try:
        with unit_of_work.step():
            attachments.remove(user, ident)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(feedback.general_message(exc), "error")
        return redirect(back)
    flash(_("%(name)s was removed.", name=attachment.filename), "info")
    return redirect(back)


def panel(subject_type: str, ident: int) -> dict[str, Any]:
    """What `web/_attachments.html` shows of one subject's evidence, for the viewer."""
    if subject_type not in attachments.SUBJECTS:
        abort(404)
    user = viewer()
    items = attachments.listed(user, subject_type, ident)
    shown = [
        {
            "id": a.id,
            "filename": a.filename,
            "title": a.title,
            "kind": labels.label(labels.ATTACHMENT_KIND, a.kind),
            "size": a.size,
            "uploaded_at": a.uploaded_at,
            "uploaded_by": a.uploaded_by.name,
            "image": a.thumbnail_sha256 is not None,
            "removable": attachments.may_remove(user, a),
        }
        for a in items
    ]
    plural = {v: k for k, v in PLURAL.items()}[subject_type]
    return {
        "subject_type": subject_type,
        "ident": ident,
        "images": [a for a in shown if a["image"]],
        "documents": [a for a in shown if not a["image"]],
        "may_upload": attachments.may_upload(user),
        "upload_url": url_for("web.attachments.upload", plural=plural, ident=ident),
        "kinds": list(labels.ATTACHMENT_KIND.items()),
        "accept": ACCEPT,
        "max_mb": attachments.max_upload_bytes() // (1024 * 1024),
    }


@bp.app_context_processor
def _panel_helper() -> dict[str, Any]:
    return {"attachment_panel": panel}
