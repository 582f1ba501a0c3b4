"""Telling a person, in their language, why the service refused: beside the field at fault,
or else once at the top of the page. Services speak English to developers; pages never show that.

A refused action on a page is answered Post/Redirect/Get: the values typed and the messages
are kept in the session (`keep`), the browser is sent back to the page, and the page fills the
form in again (`refill`), so reloading it asks nothing again and never meets a POST-only URL."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from mitra.security.passwords import MIN_LENGTH
from mitra.services.errors import Conflict, Forbidden, InvalidInput, ServiceError, TooManyRequests

# What a refusal naming this field means, whichever service raised it.
FIELD_MESSAGES = {
    "respond_by": _l("The answer deadline has passed; choose a later date."),
    "ends_on": _l("The end date must not be before the start date."),
    "valid_until": _l("The end of validity must not be before the signing date."),
    "reason": _l("Please give a reason."),
    "question": _l("Please write your question."),
    "answer": _l("Please answer the partner's question."),
    "name": _l("This name is already registered."),
    "number": _l("This partnership already has an agreement with this number."),
    "partner_id": _l("Choose a partner from the list."),
    "current_password": _l("The current password is wrong."),
    "date": _l("An activity can be reported on or after its date."),
    "code": _l("This code does not fit the province, or a centre has it already."),
}


def new_password_message() -> str:
    return _("The new password needs at least %(count)d characters.", count=MIN_LENGTH)


def general_message(exc: ServiceError) -> str:
    if isinstance(exc, TooManyRequests):
        minutes = max(1, round(exc.retry_after / 60))
        return _("Too many failed sign-ins. Try again in %(minutes)d minutes.", minutes=minutes)
    if isinstance(exc, Forbidden):
        return _("Your role may not do this.")
    if isinstance(exc, Conflict):
        return _(
            "This cannot be done now: the record is in another state, or someone changed it "
            "meanwhile. The page shows its current state."
        )
    if isinstance(exc, InvalidInput):
        return _("Please correct the marked fields.")
    return _("The request could not be carried out.")


def field_message(field: str) -> str:
    if field == "new_password":
        return new_password_message()
    return str(FIELD_MESSAGES.get(field, _l("This value is not accepted.")))


def attach(form: FlaskForm | None, exc: ServiceError) -> None:
    """Put the refusal beside the fields it names; when the form has none of them, say it once
    at the top of the page: what the first named field needs, else what the refusal means."""
    unplaced = []
    for field_name in exc.errors:
        if field_name == "status":
            continue
        field = getattr(form, field_name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, field_message(field_name)]
        else:
            unplaced.append(field_name)
    if len(unplaced) == len([name for name in exc.errors if name != "status"]):
        flash(field_message(unplaced[0]) if unplaced else general_message(exc), "error")


KEPT = "refused_form"
MAX_KEPT_CHARS = 2000  # the longest text field; the session is a cookie of about 4 kB


def keep(key: str, form: FlaskForm) -> None:
    """The refused form's values and messages, for the page the browser is sent back to."""
    data = [
        (name, value[:MAX_KEPT_CHARS])
        for name, value in request.form.items(multi=True)
        if not name.endswith("csrf_token")
    ]
    errors = {
        name: [str(e) for e in field.errors]
        for name, field in form._fields.items()
        if field.errors and isinstance(field.errors, list | tuple)
    }
    session[KEPT] = {"key": key, "data": data, "errors": errors}


def refused(key: str, form: FlaskForm, to: str, exc: ServiceError | None = None):
    """Answer a refused POST: messages beside the fields (or one at the top), values kept,
    303 back to the page `to`."""
    if exc is not None:
        attach(form, exc)
    elif (csrf := getattr(form, "csrf_token", None)) is not None and csrf.errors:
        flash(str(csrf.errors[0]), "error")  # no field shows it: the page was open too long
    keep(key, form)
    return redirect(to, 303)


def refill(key: str, form_class: type[FlaskForm], **kwargs: Any) -> FlaskForm | None:
    """The form refused just before, filled in again with its messages; None if none is kept."""
    kept = session.get(KEPT)
    if not kept or kept.get("key") != key:
        return None
    session.pop(KEPT)
    form = form_class(formdata=MultiDict(kept["data"]), **kwargs)
    for name, messages in kept["errors"].items():
        if (field := form._fields.get(name)) is not None:
            field.errors = messages
    return form
