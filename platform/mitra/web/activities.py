"""Activities: the centre plans them under a collaboration and reports how they went; the
partner sees what is coming up and confirms that it takes part."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import Role
from mitra.services import activities, collaborations, pages, unit_of_work
from mitra.services.errors import ServiceError
from mitra.web import attendance, feedback, labels
from mitra.web.collaborations import CENTRE_ROLES, refused_key
from mitra.web.forms.collaborations import (
    ActivityForm,
    CancelActivityForm,
    ConfirmForm,
    MoveActivityForm,
    ReportForm,
)
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Table, maybe_export

bp = Blueprint("activities", __name__)


@bp.post("/collaborations/<int:ident>/activities")
@login_required(*CENTRE_ROLES)
def plan(ident: int):
    user = viewer()
    collaboration = collaborations.get(user, ident)
    form = ActivityForm()
    back = url_for("web.collaborations.detail", ident=collaboration.id) + "#plan-heading"
    if not form.validate_on_submit():
        return feedback.refused(refused_key(ident, "activity"), form, back)
    data = {
        "type": form.type.data,
        "title": form.title.data or "",
        "date": form.date.data,
        "location": form.location.data or "",
    }
    try:
        with unit_of_work.step():
            activities.plan(user, ident, data)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return feedback.refused(refused_key(ident, "activity"), form, back, exc)
    flash(_("The activity has been planned."), "info")
    return redirect(url_for("web.collaborations.detail", ident=ident) + "#activities")


@bp.get("/activities/<int:ident>")
@login_required()
def detail(ident: int):
    activity = activities.get(viewer(), ident)
    return render_template(
        "web/activities/detail.html", activity=activity, attendance=attendance.for_activity(activity)
    )


@bp.route("/activities/<int:ident>/report", methods=["GET", "POST"])
@login_required(*CENTRE_ROLES)
def report(ident: int):
    user = viewer()
    activity = activities.get(user, ident)
    key, back = f"report-{ident}", url_for("web.activities.report", ident=ident)
    if request.method == "GET":
        form = feedback.refill(key, ReportForm) or ReportForm()
        return render_template("web/activities/report.html", form=form, activity=activity)
    form = ReportForm()
    if not form.validate_on_submit():
        return feedback.refused(key, form, back)
    data = {
        "participants": form.participants.data,
        "umkm_reached": form.umkm_reached.data,
        "notes": form.notes.data or None,
        "document_ref": form.document_ref.data or None,
    }
    try:
        with unit_of_work.step():
            activities.report(user, ident, data)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return feedback.refused(key, form, back, exc)
    flash(_("The outcome has been reported."), "info")
    return redirect(url_for("web.collaborations.detail", ident=activity.collaboration_id) + "#activities")


@bp.route("/activities/<int:ident>/change", methods=["GET", "POST"])
@login_required(*CENTRE_ROLES)
def change(ident: int):
    """Move a planned activity (date, place) or cancel it with a reason; the partner is told."""
    user = viewer()
    activity = activities.get(user, ident)
    move = MoveActivityForm(prefix="move", obj=activity if request.method == "GET" else None)
    cancel = CancelActivityForm(prefix="cancel")
    status = 200
    if request.method == "POST":
        moving = "move-submit" in request.form
        form = move if moving else cancel
        if not form.validate_on_submit():
            status = 422
        else:
            try:
                with unit_of_work.step():  # a refusal undoes the step; the form says why
                    if moving:
                        activities.update(
                            user, ident, {"date": move.date.data, "location": move.location.data or ""}
                        )
                    else:
                        activities.cancel(user, ident, cancel.reason.data)
            except ServiceError as exc:
                if exc.status == 404:
                    raise
                feedback.attach(form, exc)
                status = exc.status
                activity = activities.get(user, ident)
            else:
                flash(
                    _("The activity has been moved. The partner has been told.")
                    if moving
                    else _("The activity has been cancelled. The partner has been told."),
                    "info",
                )
                return redirect(
                    url_for("web.collaborations.detail", ident=activity.collaboration_id) + "#activities"
                )
    return render_template(
        "web/activities/change.html",
        move=move,
        cancel=cancel,
        activity=activity,
        steps=activities.steps(user, activity),
    ), status


@bp.route("/activities/<int:ident>/confirm", methods=["GET", "POST"])
@login_required(Role.PARTNER_USER)
def confirm(ident: int):
    user = viewer()
    activity = activities.get(user, ident)
    form = ConfirmForm()
    if request.method == "GET":
        steps = activities.steps(user, activity)
        return render_template("web/activities/confirm.html", form=form, activity=activity, steps=steps)
    back = url_for("web.activities.confirm", ident=ident)
    if not form.validate_on_submit():
        return feedback.refused(f"confirm-{ident}", form, back)
    try:
        with unit_of_work.step():
            activities.confirm(user, ident)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(
            _("This activity cannot be confirmed now: it was confirmed already, or it is no longer planned."),
            "error",
        )
        return redirect(back, 303)
    flash(_("The activity has been confirmed."), "info")
    return redirect(url_for("web.collaborations.detail", ident=activity.collaboration_id) + "#activities")


def upcoming_table(items) -> Table:
    return Table(
        name="upcoming",
        caption=_l("Upcoming activities"),
        columns=[
            Column("date", _l("Date"), "day"),
            Column("type", _l("Kind"), "label", labels.ACTIVITY_TYPE),
            Column("title", _l("Title")),
            Column("location", _l("Place")),
            Column("collaboration", _l("Collaboration"), "link"),
            Column("centre", _l("Centre")),
            Column("status", _l("Status"), "badge", labels.ACTIVITY_STATUS),
        ],
        rows=[
            {
                "date": a.date,
                "type": a.type,
                "title": a.title,
                "location": a.location,
                "status": a.status,
                "collaboration": Link(
                    a.collaboration.title, url_for("web.collaborations.detail", ident=a.collaboration_id)
                ),
                "centre": a.collaboration.centre.name,
            }
            for a in items
        ],
        empty=_l("No activity is planned from today on."),
    )


@bp.get("/activities/upcoming")
@login_required(Role.PARTNER_USER, Role.CENTRE_MANAGER)
def upcoming():
    table = upcoming_table(pages.upcoming_activities(viewer()))
    if (download := maybe_export([table])) is not None:
        return download
    return render_template("web/activities/upcoming.html", table=table)
