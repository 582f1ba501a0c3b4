"""The registries: partners (search, register) and PLUT-KUMKM centres (search)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import PartnerScope, Role
from mitra.services import centres, pages, partners, unit_of_work
from mitra.services.errors import ServiceError
from mitra.web import feedback, labels
from mitra.web.forms import options
from mitra.web.forms.registry import CentreForm, PartnerForm
from mitra.web.paging import paginate, search_words
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Table, maybe_export

bp = Blueprint("registry", __name__)
REGISTRARS = (Role.CENTRE_MANAGER, Role.MINISTRY_ADMIN)


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


@bp.get("/partners")
@login_required(*REGISTRARS)
def partner_list():
    user = viewer()
    q = search_words()
    kind = _choice(request.args.get("type"), labels.PARTNER_TYPE)
    scope = _choice(request.args.get("scope"), labels.PARTNER_SCOPE)
    page = paginate(partners.search(user, q=q, type=kind, scope=scope, sort="name"))
    centre_names = pages.centre_names()
    table = Table(
        "partners",
        _l("Partners"),
        [
            Column("name", _l("Name")),
            Column("type", _l("Kind"), "label", labels.PARTNER_TYPE),
            Column("scope", _l("Reach"), "label", labels.PARTNER_SCOPE),
            Column("registered_by", _l("Registered by")),
        ],
        [
            {
                "name": p.name,
                "type": p.type,
                "scope": p.scope,
                "registered_by": centre_names.get(p.registered_by_centre_id) or _("Ministry"),
            }
            for p in page.items
        ],
        empty=_l("No partner matches."),
    )
    if (download := maybe_export([table])) is not None:
        return download
    return render_template("web/registry/partners.html", table=table, page=page, q=q, kind=kind, scope=scope)


@bp.route("/partners/new", methods=["GET", "POST"])
@login_required(*REGISTRARS)
def partner_new():
    user = viewer()
    form = PartnerForm()
    if user.role == Role.CENTRE_MANAGER:
        del form.scope  # a centre registers local partners; national ones are the ministry's
    status = 200
    if form.validate_on_submit():
        data = {"name": form.name.data.strip(), "type": form.type.data}
        data["scope"] = form.scope.data if form.scope is not None else PartnerScope.LOCAL.value
        try:
            with unit_of_work.step():
                partner = partners.create(user, data)
        except ServiceError as exc:
            feedback.attach(form, exc)
            status = exc.status
        else:
            flash(_("%(name)s has been registered.", name=partner.name), "info")
            return redirect(url_for("web.registry.partner_list", q=partner.name))
    elif request.method == "POST":
        status = 422
    return render_template("web/registry/partner_form.html", form=form), status


@bp.get("/centres")
@login_required()
def centre_list():
    user = viewer()
    q = search_words()
    provinces = pages.provinces()
    province = _choice(request.args.get("province"), {p.code for p in provinces})
    page = paginate(centres.search(user, q=q, province=province, sort="code"))
    table = Table(
        "centres",
        _l("PLUT-KUMKM centres"),
        [
            Column("code", _l("Code")),
            Column("name", _l("Name")),
            Column("province", _l("Province")),
            Column("zone", _l("Zone")),
            Column("tier", _l("Tier"), "label", labels.CENTRE_TIER),
            Column("status", _l("Status"), "label", labels.CENTRE_STATUS),
            Column("established", _l("Since")),
        ],
        [
            {
                "code": c.code,
                "name": c.name,
                "province": c.province.name,
                "zone": c.province.zone,
                "tier": c.tier,
                "status": c.status,
                "established": c.established_year,
            }
            for c in page.items
        ],
        empty=_l("No centre matches."),
    )
    if (download := maybe_export([table])) is not None:
        return download
    return render_template(
        "web/registry/centres.html", table=table, page=page, q=q, province=province, provinces=provinces
    )


@bp.route("/centres/new", methods=["GET", "POST"])
@login_required(Role.MINISTRY_ADMIN)
def centre_new():
    form = CentreForm()
    form.province.choices = options(
        [("", _("Choose a province"))] + [(p.code, p.name) for p in pages.provinces()]
    )
    status = 200
    if form.validate_on_submit():
        data = {
            name: getattr(form, name).data
            for name in (
                "code",
                "name",
                "regency_name",
                "province",
                "tier",
                "status",
                "established_year",
                "funding",
            )
        }
        data["funding"] = data["funding"] or None
        try:
            with unit_of_work.step():
                centre = centres.create(viewer(), data)
        except ServiceError as exc:
            feedback.attach(form, exc)
            status = exc.status
        else:
            flash(_("%(name)s has been registered.", name=centre.name), "info")
            return redirect(url_for("web.registry.centre_list", q=centre.name))
    elif request.method == "POST":
        status = 422
    return render_template("web/registry/centre_form.html", form=form), status
