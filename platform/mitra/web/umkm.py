"""The UMKM register on the pages: the list with its search (name or NIB, regency, scale;
never the owner) and downloads, a business's page with the activities it attended and its
outcomes, and the forms to register and change one.

Who sees what is `services.umkm`'s: the ministry and the centres find every business, a
partner the businesses on its own activities; the owner's name, phone and e-mail appear
only where `umkm.personal_readable` allows, and a download that carries them is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import Role, Umkm
from mitra.services import outcomes, umkm, unit_of_work
from mitra.services.errors import PreconditionFailed, ServiceError
from mitra.web import labels
from mitra.web import outcomes as outcome_panel
from mitra.web.forms import options
from mitra.web.forms.umkm import EditUmkmForm, RegisterUmkmForm, UmkmForm
from mitra.web.paging import paginate, search_words
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Table, maybe_export

bp = Blueprint("umkm", __name__)
REGISTRARS = (Role.CENTRE_MANAGER, Role.MINISTRY_ADMIN)
# What a refusal naming each field means here, beside the field.
MESSAGES = {
    "nib": _l("An NIB is 13 digits."),
    "business_name": _l("Write the business's name, at most 200 characters."),
    "owner_name": _l("Write the owner's name, at most 120 characters."),
    "kbli": _l("A KBLI 2020 code is 5 digits."),
    "scale": _l("Choose a scale from the list."),
    "regency_code": _l("Choose a regency or city from the list."),
    "phone": _l("A phone number is digits, optionally with +, spaces, dashes or brackets."),
    "email": _l("This is not an e-mail address."),
}
TAKEN = _l("A business with this NIB is in the register already.")
STALE = _l("Someone changed this business meanwhile. The form shows the record as it is now.")
EDITED = ("business_name", "owner_name", "kbli", "scale", "regency_code", "phone", "email")


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def _table(user, items: list[Umkm]) -> tuple[Table, bool]:
    """The businesses, with the owner's name and contacts where the viewer may read them;
    and whether any row carries them."""
    readable = umkm.personal_readable(user, items)
    personal_columns = user.role in REGISTRARS  # a partner's table has no such column at all
    columns = [
        Column("nib", _l("NIB"), "link"),
        Column("business_name", _l("Business name")),
        Column("kbli", _l("KBLI")),
        Column("scale", _l("Scale"), "label", labels.UMKM_SCALE),
        Column("regency", _l("Regency or city")),
    ]
    if personal_columns:
        columns += [
            Column("owner_name", _l("Owner")),
            Column("phone", _l("Phone")),
            Column("email", _l("E-mail")),
        ]
    rows: list[Mapping[str, Any]] = []
    for b in items:
        row: dict[str, Any] = {
            "nib": Link(b.nib, url_for("web.umkm.detail", nib=b.nib)),
            "business_name": b.business_name,
            "kbli": b.kbli,
            "scale": b.scale,
            "regency": b.regency.name,
        }
        if personal_columns and b.id in readable:
            row.update(owner_name=b.owner_name, phone=b.phone, email=b.email)
        rows.append(row)
    table = Table("umkm", _l("Businesses (UMKM)"), columns, rows, empty=_l("No business matches."))
    return table, bool(readable) and personal_columns


@bp.get("/umkm")
@login_required()
def index():
    user = viewer()
    q = search_words(80)
    regencies = umkm.regencies()
    regency = _choice(request.args.get("regency"), {r.code for r in regencies})
    scale = _choice(request.args.get("scale"), labels.UMKM_SCALE)
    page = paginate(umkm.search(user, q=q, regency_code=regency, scale=scale))
    table, personal = _table(user, page.items)
    if (download := maybe_export([table])) is not None:
        umkm.record_export(user, rows=len(table.rows), fmt=request.args["format"], personal=personal)
        return download
    return render_template(
        "web/umkm/index.html",
        table=table,
        page=page,
        q=q,
        regency=regency,
        scale=scale,
        regencies=regencies,
        may_register=user.role in REGISTRARS,
    )


@bp.get("/umkm/<nib>")
@login_required()
def detail(nib: str):
    user = viewer()
    business = umkm.find(user, nib)
    [record] = umkm.readable(user, [business])
    return render_template(
        "web/umkm/detail.html",
        business=business,
        record=record,
        attended=outcomes.activities_attended(user, business),
        may_edit=umkm.may_edit(user, business),
        outcomes=outcome_panel.for_business(business),
    )


def _regency_choices(form: UmkmForm) -> None:
    form.regency_code.choices = options(
        [("", _("Choose a regency or city"))] + [(r.code, f"{r.name} ({r.code})") for r in umkm.regencies()]
    )


def _attach(form: UmkmForm, exc: ServiceError) -> None:
    """Each field the refusal names gets its words; none on the form: one message at the top."""
    placed = False
    for name in exc.errors:
        field = form._fields.get(name)
        if field is not None:
            message = (
                TAKEN if isinstance(exc, umkm.AlreadyRegistered) else MESSAGES.get(name, MESSAGES["nib"])
            )
            field.errors = [*field.errors, str(message)]
            placed = True
    if not placed:
        flash(str(STALE) if isinstance(exc, PreconditionFailed) else _("Your role may not do this."), "error")


def _values(form: UmkmForm, names) -> dict[str, Any]:
    return {name: getattr(form, name).data or "" for name in names}


@bp.route("/umkm/new", methods=["GET", "POST"])
@login_required(*REGISTRARS)
def new():
    user = viewer()
    form = RegisterUmkmForm()
    _regency_choices(form)
    status, existing = 200, None
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                business = umkm.register(user, _values(form, ("nib", *EDITED)))
        except umkm.AlreadyRegistered as exc:
            _attach(form, exc)
            status, existing = exc.status, url_for("web.umkm.detail", nib=exc.nib)
        except ServiceError as exc:
            _attach(form, exc)
            status = exc.status
        else:
            flash(_("%(name)s has been registered.", name=business.business_name), "info")
            return redirect(url_for("web.umkm.detail", nib=business.nib))
    elif request.method == "POST":
        status = 422
    return render_template("web/umkm/form.html", form=form, existing=existing, business=None), status


def _same_version(version: int | None):
    def check(business: Umkm) -> None:
        if business.version != version:
            raise PreconditionFailed("the business changed since the form was opened")

    return check


@bp.route("/umkm/<nib>/edit", methods=["GET", "POST"])
@login_required(*REGISTRARS)
def edit(nib: str):
    user = viewer()
    business = umkm.editable(user, nib)
    form = EditUmkmForm(obj=business if request.method == "GET" else None)
    _regency_choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                umkm.update(user, nib, _values(form, EDITED), _same_version(form.version.data))
        except ServiceError as exc:
            _attach(form, exc)
            status = exc.status
            if isinstance(exc, PreconditionFailed):
                form = EditUmkmForm(formdata=None, obj=umkm.find(user, nib))
                _regency_choices(form)
                _attach(form, exc)
        else:
            flash(_("The changes have been saved."), "info")
            return redirect(url_for("web.umkm.detail", nib=nib))
    elif request.method == "POST":
        status = 422
    return render_template("web/umkm/form.html", form=form, existing=None, business=business), status
