"""Telling a person, in their language, why the service refused: beside the field at fault,
or at the top of the page. Services speak English to developers; pages never show that."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

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
        return _("This cannot be done now: the record is in another state, or someone changed it "
                 "meanwhile. The page shows its current state.")
    if isinstance(exc, InvalidInput):
        return _("Please correct the marked fields.")
    return _("The request could not be carried out.")


def field_message(field: str) -> str:
    if field == "new_password":
        return new_password_message()
    return str(FIELD_MESSAGES.get(field, _l("This value is not accepted.")))


def attach(form: FlaskForm | None, exc: ServiceError) -> None:
    """Put the refusal beside the fields it names, and say so at the top of the page."""
    placed = False
    for field_name in exc.errors:
        if field_name == "status":
            continue
        field = getattr(form, field_name, None) if form is not None else None
        if field is not None and hasattr(field, "errors"):
            errors = list(field.errors)
            errors.append(field_message(field_name))
            field.errors = errors
            placed = True
        else:
            flash(field_message(field_name), "error")
    flash(general_message(exc) if not placed else _("Please correct the marked fields."), "error")
