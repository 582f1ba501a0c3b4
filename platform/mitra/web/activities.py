"""Activities: the centre plans them under a collaboration and reports how they went; the
partner sees what is coming up and confirms that it takes part."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import Role
from mitra.services import activities, collaborations
from mitra.services.errors import ServiceError
from mitra.web import feedback, labels, readmodels
from mitra.web.collaborations import CENTRE_ROLES, render_detail
from mitra.web.forms.collaborations import ActivityForm, ConfirmForm, ReportForm
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Table, maybe_export

bp = Blueprint("activities", __name__)


@bp.post("/collaborations/<int:ident>/activities")
@login_required(*CENTRE_ROLES)
def plan(ident: int):
    user = viewer()
    collaboration = collaborations.get(user, ident)
    form = ActivityForm()
    if not form.validate_on_submit():
        return render_detail(collaboration, activity_form=form, status=422)
    data = {"type": form.type.data, "title": form.title.data or "", "date": form.date.data,
            "location": form.location.data or ""}
    try:
        activities.plan(user, ident, data)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        feedback.attach(form, exc)
        return render_detail(collaborations.get(user, ident), activity_form=form, status=exc.status)
    flash(_("The activity has been planned."), "info")
    return redirect(url_for("web.collaborations.detail", ident=ident) + "#activities")


@bp.route("/activities/<int:ident>/report", methods=["GET", "POST"])
@login_required(*CENTRE_ROLES)
def report(ident: int):
    user = viewer()
    activity = activities.get(user, ident)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        data = {"participants": form.participants.data, "umkm_reached": form.umkm_reached.data,
                "notes": form.notes.data or None, "document_ref": form.document_ref.data or None}
        try:
            activities.report(user, ident, data)
        except ServiceError as exc:
            if exc.status == 404:
                raise
            feedback.attach(form, exc)
            status = exc.status
            activity = activities.get(user, ident)
        else:
            flash(_("The outcome has been reported."), "info")
            return redirect(url_for("web.collaborations.detail", ident=activity.collaboration_id)
                            + "#activities")
    elif request.method == "POST":
        status = 422
    return render_template("web/activities/report.html", form=form, activity=activity), status


@bp.route("/activities/<int:ident>/confirm", methods=["GET", "POST"])
@login_required(Role.PARTNER_USER)
def confirm(ident: int):
    user = viewer()
    activity = activities.get(user, ident)
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        try:
            activities.confirm(user, ident)
        except ServiceError as exc:
            if exc.status == 404:
                raise
            flash(_("This activity cannot be confirmed now: it was confirmed already, or it is no "
                    "longer planned."), "error")
            status = exc.status
            activity = activities.get(user, ident)
        else:
            flash(_("The activity has been confirmed."), "info")
            return redirect(url_for("web.collaborations.detail", ident=activity.collaboration_id)
                            + "#activities")
    elif request.method == "POST":
        status = 400
    return render_template("web/activities/confirm.html", form=form, activity=activity), status


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
        ],
        rows=[
            {
                "date": a.date, "type": a.type, "title": a.title, "location": a.location,
                "collaboration": Link(a.collaboration.title,
                                      url_for("web.collaborations.detail", ident=a.collaboration_id)),
                "centre": a.collaboration.centre.name,
            }
            for a in items
        ],
        empty=_l("No activity is planned from today on."),
    )


@bp.get("/activities/upcoming")
@login_required(Role.PARTNER_USER, Role.CENTRE_MANAGER)
def upcoming():
    table = upcoming_table(readmodels.upcoming_activities(viewer()))
    if (download := maybe_export([table])) is not None:
        return download
    return render_template("web/activities/upcoming.html", table=table)
