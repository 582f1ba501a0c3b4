"""Collaborations: the centre's list, the propose form, and the collaboration page where
each side takes its lifecycle steps and sees the timeline."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mitra.models import SERVICE_AREAS, Role
from mitra.services import activities, collaborations, lifecycle, pages, unit_of_work
from mitra.services.errors import InvalidInput, ServiceError
from mitra.web import feedback, labels, outcomes
from mitra.web.forms import options
from mitra.web.forms.collaborations import (
    ActionForm,
    ActivityForm,
    AnswerForm,
    CancelForm,
    CollaborationForm,
    CompleteForm,
    DeclineForm,
    ExtendForm,
    QuestionForm,
)
from mitra.web.labels import service_area_name
from mitra.web.paging import paginate, search_words
from mitra.web.session import login_required, viewer
from mitra.web.tables import Column, Link, Moment, Table, maybe_export

bp = Blueprint("collaborations", __name__)
CENTRE_ROLES = (Role.CENTRE_MANAGER, Role.MINISTRY_ADMIN)

# The form of each verb a person takes; which verbs there are, which apply, and the text
# each needs, are lifecycle's (tests/unit/test_actions.py: no verb without its form).
FORMS = {
    "propose": ActionForm,
    "accept": ActionForm,
    "decline": DeclineForm,
    "request_info": QuestionForm,
    "revise": AnswerForm,
    "cancel": CancelForm,
    "complete": CompleteForm,
}
# URL word -> lifecycle verb
VERBS = {lifecycle.url_word(verb): verb for verb in lifecycle.PERSON_VERBS}
DONE = {
    "propose": _l("The proposal has been sent to the partner."),
    "accept": _l("You accepted the proposal. The centre has been told."),
    "decline": _l("You declined the proposal. The centre has been told."),
    "request_info": _l("Your question has been sent to the centre."),
    "revise": _l("Your answer has been sent and the proposal is open again."),
    "cancel": _l("The collaboration has been cancelled."),
    "complete": _l("The collaboration is completed."),
    "extend": _l("The collaboration has been extended. The partner has been told."),
}


def collaboration_table(items, name: str = "collaborations", caption=None, hide: tuple = ()) -> Table:
    """`hide` drops columns that say the same on every row (the partner, in its own inbox)."""
    table = Table(
        name=name,
        caption=caption or _l("Collaborations"),
        columns=[
            Column("title", _l("Title"), "link"),
            Column("centre", _l("Centre")),
            Column("partner", _l("Partner")),
            Column("service_area", _l("Service area")),
            Column("status", _l("Status"), "badge", labels.COLLABORATION_STATUS),
            Column("proposed_at", _l("Proposed"), "moment"),
            Column("respond_by", _l("Answer wanted by"), "day"),
            Column("starts_on", _l("Starts"), "day"),
            Column("target_umkm", _l("UMKM to reach"), "number"),
        ],
        rows=[
            {
                "title": Link(c.title, url_for("web.collaborations.detail", ident=c.id)),
                "centre": c.centre.name,
                "partner": c.partner.name,
                "service_area": service_area_name(c.service_area),
                "status": c.status,
                "proposed_at": Moment(c.proposed_at, c.centre.zone),
                "respond_by": c.respond_by,
                "starts_on": c.starts_on,
                "target_umkm": c.target_umkm,
            }
            for c in items
        ],
        empty=_l("No collaboration matches."),
    )
    table.columns = [c for c in table.columns if c.key not in hide]
    return table


def _status_filter() -> str | None:
    status = request.args.get("status") or None
    return status if status in labels.COLLABORATION_STATUS else None


@bp.get("/collaborations")
@login_required(*CENTRE_ROLES)
def index():
    user = viewer()
    status, q = _status_filter(), search_words()
    page = paginate(collaborations.search(user, status=status, q=q, sort="-updated_at"))
    table = collaboration_table(page.items, hide=("centre",) if user.role == Role.CENTRE_MANAGER else ())
    if (download := maybe_export([table])) is not None:
        return download
    return render_template(
        "web/collaborations/index.html",
        table=table,
        page=page,
        status=status,
        q=q,
        counts=pages.status_counts(user),
    )


def _choices(form: CollaborationForm) -> None:
    user = viewer()
    if form.partner_id is not None:
        form.partner_id.choices = options(
            [(0, _("Choose a partner"))] + [(p.id, p.name) for p in pages.partners_by_name(user)]
        )
    form.service_area.choices = options(
        [("", _("Choose a service area"))]
        + [(code, service_area_name(code)) for code, _id, _en in SERVICE_AREAS]
    )


def _proposable(collaboration) -> bool:
    """Whether the form may propose as it saves: a new draft, or a draft not proposed yet."""
    return collaboration is None or "propose" in lifecycle.available(collaboration, viewer())


def _form_page(form: CollaborationForm, collaboration) -> str:
    """The propose form, for a new draft or to edit `collaboration`."""
    if collaboration is None:
        action = url_for("web.collaborations.new")
    else:
        action = url_for("web.collaborations.edit", ident=collaboration.id)
    return render_template(
        "web/collaborations/form.html",
        form=form,
        collaboration=collaboration,
        action=action,
        proposable=_proposable(collaboration),
    )


def _propose_after_saving(collaboration, form: CollaborationForm):
    """The form's "propose" button: the draft is saved; now send it. If the service refuses
    (a deadline already past), the draft's edit form shows why beside the field."""
    try:
        with unit_of_work.step():
            collaborations.act(viewer(), collaboration.id, "propose")
    except InvalidInput as exc:
        feedback.attach(form, exc)
        return _form_page(form, collaboration), 422
    flash(DONE["propose"], "info")
    return redirect(url_for("web.collaborations.detail", ident=collaboration.id))


@bp.route("/collaborations/new", methods=["GET", "POST"])
@login_required(Role.CENTRE_MANAGER)
def new():
    form = CollaborationForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                collaboration = collaborations.create(viewer(), form.data_for_service())
        except InvalidInput as exc:
            feedback.attach(form, exc)
            status = 422
        else:
            if form.propose.data:
                return _propose_after_saving(collaboration, form)
            flash(_("The draft has been saved. The partner sees it once you propose it."), "info")
            return redirect(url_for("web.collaborations.detail", ident=collaboration.id))
    elif request.method == "POST":
        status = 422
    return _form_page(form, None), status


@bp.route("/collaborations/<int:ident>/edit", methods=["GET", "POST"])
@login_required(*CENTRE_ROLES)
def edit(ident: int):
    user = viewer()
    collaboration = collaborations.get(user, ident)
    if not lifecycle.may_edit(collaboration, user):
        abort(404)
    form = CollaborationForm(obj=collaboration)
    del form.partner_id  # a proposal's partner never changes; draft a new one instead
    _choices(form)
    status = 200
    if form.validate_on_submit():
        changes = form.data_for_service()
        try:
            with unit_of_work.step():
                collaborations.update(user, ident, changes)
        except InvalidInput as exc:
            feedback.attach(form, exc)
            status = 422
        else:
            if form.propose.data and _proposable(collaboration):
                return _propose_after_saving(collaboration, form)
            flash(_("Your changes have been saved."), "info")
            return redirect(url_for("web.collaborations.detail", ident=ident))
    elif request.method == "POST":
        status = 422
    return _form_page(form, collaboration), status


def refused_key(ident: int, what: str) -> str:
    """Names a refused form of the collaboration page (`what`: a verb, or "activity")."""
    return f"collaboration-{ident}-{what}"


def _action_forms(collaboration) -> dict:
    """The form of each verb the viewer may take now, refilled if it was just refused."""
    forms = {}
    for verb in lifecycle.available(collaboration, viewer()):
        form_class = FORMS[verb]
        forms[verb] = feedback.refill(
            refused_key(collaboration.id, verb), form_class, prefix=verb
        ) or form_class(prefix=verb, formdata=None)
    return forms


def _confirmation(activity, steps: frozenset[str]):
    """What the confirmation column shows: the partner's link to confirm, or the state."""
    if activity.confirmed_at is not None:
        return str(_l("Confirmed"))
    if activity.status not in activities.CONFIRMABLE:
        return None
    if "confirm" in steps:
        return Link(str(_l("Confirm")), url_for("web.activities.confirm", ident=activity.id))
    return str(_l("Not confirmed yet"))


def _activity_row(activity, steps: frozenset[str]) -> dict:
    a = activity
    return {
        "date": a.date,
        "type": a.type,
        "title": a.title,
        "location": a.location,
        "status": a.status,
        "participants": a.participants if a.status == "held" else None,
        "umkm_reached": a.umkm_reached if a.status == "held" else None,
        "notes": a.notes,
        "document_ref": a.document_ref,
        "report": Link(str(_l("Report outcome")), url_for("web.activities.report", ident=a.id))
        if "report" in steps
        else None,
        "confirmation": _confirmation(a, steps),
        "change": Link(str(_l("Move or cancel")), url_for("web.activities.change", ident=a.id))
        if "change" in steps
        else None,
        "page": Link(str(_l("Evidence and details")), url_for("web.activities.detail", ident=a.id)),
    }


def activity_table(items, collaboration) -> Table:
    user = viewer()
    return Table(
        name="activities",
        caption=_l("Activities"),
        columns=[
            Column("date", _l("Date"), "day"),
            Column("type", _l("Kind"), "label", labels.ACTIVITY_TYPE),
            Column("title", _l("Title")),
            Column("location", _l("Place")),
            Column("status", _l("Status"), "badge", labels.ACTIVITY_STATUS),
            Column("participants", _l("Participants"), "number"),
            Column("umkm_reached", _l("UMKM reached"), "number"),
            Column("notes", _l("Outcome notes")),
            Column("document_ref", _l("Document reference")),
            Column("report", _l("Outcome"), "link"),
            Column("confirmation", _l("Partner confirmation"), "link"),
            Column("change", _l("Change"), "link"),
            Column("page", _l("Details"), "link"),
        ],
        rows=[_activity_row(a, activities.steps(user, a)) for a in items],
        empty=_l("No activity yet."),
    )


def render_detail(collaboration):
    user = viewer()
    items = pages.activities_of(user, collaboration.id)
    table = activity_table(items, collaboration)
    outcome_panel = outcomes.for_collaboration(collaboration, items)
    if (download := maybe_export([table, outcome_panel.table])) is not None:
        return download
    activity_form = None
    if activities.may_plan(user, collaboration):
        activity_form = feedback.refill(
            refused_key(collaboration.id, "activity"), ActivityForm
        ) or ActivityForm(formdata=None)
    extend_form = None
    if lifecycle.may_extend(collaboration, user):
        extend_form = feedback.refill(
            refused_key(collaboration.id, "extend"), ExtendForm, prefix="extend"
        ) or ExtendForm(prefix="extend", formdata=None)
    return render_template(
        "web/collaborations/detail.html",
        collaboration=collaboration,
        forms=_action_forms(collaboration),
        paths={verb: lifecycle.url_word(verb) for verb in lifecycle.PERSON_VERBS},
        activities=table,
        activity_form=activity_form,
        extend_form=extend_form,
        timeline=pages.timeline(user, collaboration),
        editable=lifecycle.may_edit(collaboration, user),
        outcomes=outcome_panel,
    )


@bp.get("/collaborations/<int:ident>")
@login_required()
def detail(ident: int):
    return render_detail(collaborations.get(viewer(), ident))


@bp.post("/collaborations/<int:ident>/<path>")
@login_required()
def act(ident: int, path: str):
    verb = VERBS.get(path)
    if verb is None:
        abort(404)
    user = viewer()
    collaboration = collaborations.get(user, ident)
    form = FORMS[verb](prefix=verb)
    field = lifecycle.TRANSITIONS[verb].requires
    # A refusal goes back to the page (Post/Redirect/Get), to the form that was refused.
    back = url_for("web.collaborations.detail", ident=collaboration.id) + "#actions-heading"
    if not form.validate_on_submit():
        return feedback.refused(refused_key(ident, verb), form, back)
    text = getattr(form, field).data if field else None
    try:
        with unit_of_work.step():  # a refusal undoes the step, and the page says why
            if verb == "complete":
                collaborations.complete(user, ident, text, form.outcomes())
            else:
                collaborations.act(user, ident, verb, text)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return feedback.refused(refused_key(ident, verb), form, back, exc)
    flash(DONE[verb], "info")
    return redirect(url_for("web.collaborations.detail", ident=ident))


@bp.post("/collaborations/<int:ident>/extend")
@login_required(*CENTRE_ROLES)
def extend(ident: int):
    user = viewer()
    collaboration = collaborations.get(user, ident)
    form = ExtendForm(prefix="extend")
    back = url_for("web.collaborations.detail", ident=collaboration.id) + "#actions-heading"
    if not form.validate_on_submit():
        return feedback.refused(refused_key(ident, "extend"), form, back)
    try:
        with unit_of_work.step():
            collaborations.extend(user, ident, form.ends_on.data)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return feedback.refused(refused_key(ident, "extend"), form, back, exc)
    flash(DONE["extend"], "info")
    return redirect(url_for("web.collaborations.detail", ident=ident))
