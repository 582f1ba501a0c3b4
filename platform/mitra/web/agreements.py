"""Agreements (MoU, PKS) and when they expire; a centre records the ones it signs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import Role
from mitra.services import agreements, pages, unit_of_work
from mitra.services.errors import ServiceError
from mitra.web import feedback, labels
from mitra.web.forms import options
from mitra.web.forms.registry import AgreementForm
from mitra.web.paging import paginate, search_words
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Table, maybe_export

bp = Blueprint("agreements", __name__)


@bp.get("/agreements")
@login_required()
def index():
    user = viewer()
    today = pages.today_for(user)
    q = search_words(80)
    show = request.args.get("show")
    criteria = {"q": q, "sort": "valid_until"}
    if show == "valid":
        criteria["valid_on"] = today
    page = paginate(agreements.search(user, **criteria))
    table = Table(
        "agreements",
        _l("Agreements"),
        [
            Column("number", _l("Number"), "link"),
            Column("kind", _l("Kind"), "label", labels.AGREEMENT_KIND),
            Column("centre", _l("Centre")),
            Column("partner", _l("Partner")),
            Column("signed_on", _l("Signed on"), "day"),
            Column("valid_until", _l("Valid until"), "day"),
            Column("days_left", _l("Days left"), "number"),
            Column(
                "state",
                _l("State"),
                "badge",
                {"valid": _l("Valid"), "expiring": _l("Expiring soon"), "expired": _l("Expired")},
            ),
        ],
        [
            {
                "number": Link(a.number, url_for("web.agreements.detail", ident=a.id)),
                "kind": a.kind,
                "centre": a.partnership.centre.name,
                "partner": a.partnership.partner.name,
                "signed_on": a.signed_on,
                "valid_until": a.valid_until,
                "days_left": max(0, (a.valid_until - today).days),
                "state": "expired"
                if a.valid_until < today
                else "expiring"
                if (a.valid_until - today).days <= 60
                else "valid",
            }
            for a in page.items
        ],
        empty=_l("No agreement recorded."),
    )
    if (download := maybe_export([table])) is not None:
        return download
    return render_template("web/agreements/index.html", table=table, page=page, q=q, show=show)


@bp.get("/agreements/<int:ident>")
@login_required()
def detail(ident: int):
    return render_template("web/agreements/detail.html", agreement=agreements.get(viewer(), ident))


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required(Role.CENTRE_MANAGER)
def new():
    user = viewer()
    form = AgreementForm()
    form.partner_id.choices = options(
        [(0, _("Choose a partner"))] + [(p.id, p.name) for p in pages.partners_by_name(user)]
    )
    status = 200
    if form.validate_on_submit():
        data = {
            name: getattr(form, name).data
            for name in ("partner_id", "kind", "number", "signed_on", "valid_until", "document_ref")
        }
        data["document_ref"] = data["document_ref"] or None
        try:
            with unit_of_work.step():
                agreements.record(user, data)
        except ServiceError as exc:
            feedback.attach(form, exc)
            status = exc.status
        else:
            flash(_("The agreement has been recorded."), "info")
            return redirect(url_for("web.agreements.index"))
    elif request.method == "POST":
        status = 422
    return render_template("web/agreements/form.html", form=form), status
