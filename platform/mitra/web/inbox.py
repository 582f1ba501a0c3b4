"""The partner's inbox: every proposal addressed to the organisation, from every centre."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from mitra.models import CollaborationStatus, Role
from mitra.services import collaborations, pages
from mitra.web import labels
from mitra.web.collaborations import collaboration_table
from mitra.web.paging import paginate, search_words
from mitra.web.session import login_required, viewer
from mitra.web.tables import maybe_export

bp = Blueprint("inbox", __name__)

# A partner never sees a centre's drafts.
STATUSES = [s.value for s in CollaborationStatus if s != CollaborationStatus.DRAFT]


@bp.get("/inbox")
@login_required(Role.PARTNER_USER)
def inbox():
    user = viewer()
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    q = search_words()
    page = paginate(collaborations.search(user, status=status, q=q, sort="-updated_at"))
    table = collaboration_table(
        page.items, name="inbox", caption=_l("Proposals to your organisation"), hide=("partner",)
    )
    if (download := maybe_export([table])) is not None:
        return download
    return render_template(
        "web/inbox.html",
        table=table,
        page=page,
        status=status,
        q=q,
        statuses=STATUSES,
        status_labels=labels.COLLABORATION_STATUS,
        counts=pages.status_counts(user),
    )
