"""In-app notifications (made by the reminders consumer): the list, opening one, marking read."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from mitra.extensions import db
from mitra.i18n import language
from mitra.services import notifications
from mitra.web.paging import paginate
from mitra.web.session import login_required, viewer

bp = Blueprint("notifications", __name__)


def described(items) -> list[dict]:
    """Each notification with its words in the viewer's language and a link on this site."""
    texts = notifications.Renderer(db.session(), language(), base_url="/").render(items, check_due=False)
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "created_at": n.created_at,
            "read": n.read_at is not None,
            "title": t.title if t else n.kind,
            "body": t.body if t else "",
            "link": t.link if t else None,
            "zone": t.zone if t else None,
        }
        for n, t in zip(items, texts, strict=True)
    ]


@bp.get("/notifications")
@login_required()
def index():
    page = paginate(notifications.search(viewer()))
    return render_template("web/notifications.html", notices=described(page.items), page=page)


@bp.post("/notifications/<int:ident>/open")
@login_required()
def open_one(ident: int):
    """Mark it read and go to what it is about."""
    notification = notifications.mark_read(viewer(), ident)
    link = described([notification])[0]["link"]
    return redirect(link or url_for("web.notifications.index"))


@bp.post("/notifications/read")
@login_required()
def mark_all_read():
    notifications.mark_all_read(viewer())
    return redirect(url_for("web.notifications.index"))
