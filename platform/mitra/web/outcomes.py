"""Outcomes per business on the pages: the list and the record form that
`templates/web/_outcomes.html` shows on a collaboration's page and on a business's page
(`for_collaboration`, `for_business` build what it reads), and the two thin views the form
posts to. The rules are `services.outcomes`'; a refusal is shown beside the field it names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import Collaboration, Role, Umkm
from mitra.services import collaborations, outcomes, pages, paging, umkm, unit_of_work
from mitra.services.errors import NotFound, ServiceError
from mitra.web import feedback, labels
from mitra.web.forms import options
from mitra.web.forms.outcomes import NONE, BusinessOutcomeForm, CollaborationOutcomeForm, OutcomeForm
from mitra.web.redirects import safe_next
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Table

bp = Blueprint("outcomes", __name__)
CENTRE_ROLES = (Role.CENTRE_MANAGER, Role.MINISTRY_ADMIN)  # who records
ANCHOR = "#outcomes"
SHOWN = 500  # a business's or a collaboration's outcomes, all on the page
PREFIX = "outcome"  # the page has other forms with a date and a type
# What a refusal naming each field means here (feedback's own words are other forms').
MESSAGES = {
    "amount_idr": _l("Financing needs its amount in rupiah; other outcomes have none."),
    "date": _l("The date must not be after today."),
    "activity_id": _l("Choose an activity of yours that the business took part in."),
    "collaboration_id": _l("Choose a collaboration of yours that the partner agreed to."),
    "nib": _l("No business with this NIB is in the register."),
    "type": _l("Choose an outcome from the list."),
}


@dataclass
class OutcomePanel:
    """What `_outcomes.html` shows: the list, and the form when the viewer may record."""

    table: Table
    form: OutcomeForm | None = None
    action: str | None = None


def _activity_label(activity) -> str:
    return (
        f"{activity.date.isoformat()} · {activity.title or labels.label(labels.ACTIVITY_TYPE, activity.type)}"
    )


def outcome_table(items, *, on_collaboration: bool) -> Table:
    """The outcomes, with what each names: on a collaboration's page the business and the
    activity, on a business's page the collaboration and the activity."""
    named = outcomes.ties(viewer(), items)
    columns = [
        Column("date", _l("Date"), "day"),
        Column("type", _l("Outcome"), "label", labels.OUTCOME_TYPE),
        Column("amount_idr", _l("Amount (Rp)"), "rupiah"),
        *([Column("business", _l("Business")), Column("nib", _l("NIB"))] if on_collaboration else []),
        *([] if on_collaboration else [Column("collaboration", _l("Collaboration"), "link")]),
        Column("activity", _l("Activity")),
        Column("note", _l("Note")),
    ]
    rows: list[Mapping[str, Any]] = []
    for o in items:
        collaboration, activity = named[o.id]
        rows.append(
            {
                "date": o.date,
                "type": o.type,
                "amount_idr": o.amount_idr,
                "business": o.umkm.business_name,
                "nib": o.umkm.nib,
                "collaboration": Link(
                    collaboration.title, url_for("web.collaborations.detail", ident=collaboration.id)
                )
                if collaboration is not None
                else None,
                "activity": _activity_label(activity) if activity is not None else None,
                "note": o.note,
            }
        )
    return Table(
        name="outcomes",
        caption=_l("Outcomes for businesses"),
        columns=columns,
        rows=rows,
        empty=_l("No outcome recorded yet."),
    )


def _activity_choices(items) -> list[tuple[int, str]]:
    return [(NONE, _("None"))] + [
        (a.id, f"{a.date.isoformat()} · {a.title or labels.label(labels.ACTIVITY_TYPE, a.type)}")
        for a in items
    ]


def for_collaboration(collaboration: Collaboration, its_activities: list | None = None) -> OutcomePanel:
    """The collaboration's outcomes (its activities' included), and the form to record one
    for a business named by its NIB, for the centre side of an agreed collaboration
    (`its_activities`, when the page has them already, are the form's choices)."""
    user = viewer()
    table = outcome_table(
        paging.rows(outcomes.of_collaboration(user, collaboration.id), SHOWN), on_collaboration=True
    )
    if not outcomes.may_record(user) or collaboration.status not in outcomes.AGREED:
        return OutcomePanel(table)
    form = feedback.refill(
        _collaboration_key(collaboration.id), CollaborationOutcomeForm, prefix=PREFIX
    ) or CollaborationOutcomeForm(prefix=PREFIX, formdata=None)
    if its_activities is None:
        its_activities = pages.activities_of(user, collaboration.id)
    form.activity_id.choices = options(_activity_choices(its_activities))
    return OutcomePanel(table, form, url_for("web.outcomes.record_for_collaboration", ident=collaboration.id))


def for_business(business: Umkm) -> OutcomePanel:
    """The business's outcomes the viewer may read, and, for the ministry and centres, the
    form to record one (naming an activity it attended, or an agreed collaboration)."""
    user = viewer()
    table = outcome_table(
        paging.rows(outcomes.of_business(user, business.nib), SHOWN), on_collaboration=False
    )
    if not outcomes.may_record(user):
        return OutcomePanel(table)
    form = feedback.refill(
        _business_key(business.nib), BusinessOutcomeForm, prefix=PREFIX
    ) or BusinessOutcomeForm(prefix=PREFIX, formdata=None, next=request.path)
    _business_choices(form, business)
    return OutcomePanel(table, form, url_for("web.outcomes.record_for_business", nib=business.nib))


def _business_choices(form: BusinessOutcomeForm, business: Umkm) -> None:
    user = viewer()
    form.activity_id.choices = options(_activity_choices(outcomes.activities_attended(user, business)))
    form.collaboration_id.choices = options(
        [(NONE, _("None"))]
        + [(c.id, f"{c.title} · {c.partner.name}") for c in outcomes.agreed_collaborations(user)]
    )


def _collaboration_key(ident: int) -> str:
    return f"outcome-collaboration-{ident}"


def _business_key(nib: str) -> str:
    return f"outcome-business-{nib}"


def _data(form: OutcomeForm) -> dict[str, Any]:
    return {
        "type": form.type.data,
        "date": form.date.data,
        "amount_idr": form.amount_idr.data,
        "note": form.note.data or None,
    }


def _refused(key: str, form: OutcomeForm, back: str, exc: ServiceError):
    """Each field the refusal names gets its message; none of them on the form: one at the top."""
    placed = False
    for name in exc.errors:
        field = form._fields.get(name)
        if field is not None and name in MESSAGES:
            field.errors = [*field.errors, str(MESSAGES[name])]
            placed = True
    if not placed:
        flash(feedback.general_message(exc), "error")
    return feedback.refused(key, form, back)


@bp.post("/collaborations/<int:ident>/outcomes")
@login_required(*CENTRE_ROLES)
def record_for_collaboration(ident: int):
    user = viewer()
    collaboration = collaborations.get(user, ident)
    form = CollaborationOutcomeForm(prefix=PREFIX)
    form.activity_id.choices = options(_activity_choices(pages.activities_of(user, collaboration.id)))
    key = _collaboration_key(ident)
    back = url_for("web.collaborations.detail", ident=ident) + ANCHOR
    if not form.validate_on_submit():
        return feedback.refused(key, form, back)
    data = _data(form)
    if form.activity_id.data != NONE:
        data["activity_id"] = form.activity_id.data
    else:
        data["collaboration_id"] = ident
    try:
        with unit_of_work.step():
            outcomes.record(user, form.nib.data, data)
    except NotFound:  # the collaboration was found above: it is the NIB
        form.nib.errors = [str(MESSAGES["nib"])]
        return feedback.refused(key, form, back)
    except ServiceError as exc:
        return _refused(key, form, back, exc)
    flash(_("The outcome has been recorded."), "info")
    return redirect(back)


@bp.post("/umkm/<nib>/outcomes")
@login_required(*CENTRE_ROLES)
def record_for_business(nib: str):
    user = viewer()
    business = umkm.find(user, nib)
    form = BusinessOutcomeForm(prefix=PREFIX)
    _business_choices(form, business)
    key = _business_key(nib)
    back = safe_next(form.next.data) or url_for("web.home.index")
    if not form.validate_on_submit():
        return feedback.refused(key, form, back)
    data = _data(form)
    if form.activity_id.data != NONE:
        data["activity_id"] = form.activity_id.data
    if form.collaboration_id.data != NONE:
        data["collaboration_id"] = form.collaboration_id.data
    try:
        with unit_of_work.step():
            outcomes.record(user, nib, data)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return _refused(key, form, back, exc)
    flash(_("The outcome has been recorded."), "info")
    return redirect(back)
