"""Signing in, passwords and the profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from mitra.web import labels
from mitra.web.forms import EmailLineField, Form, LineField, options

REQUIRED = _l("This field is required.")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"  # the shape only: whether it exists, only a sent mail tells


class LoginForm(Form):
    email = EmailLineField(
        _l("E-mail address"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"}
    )
    submit = SubmitField(_l("Sign in"))


class NewPassword(Form):
    """A new password, typed twice."""

    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(NewPassword):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(Form):
    email = EmailLineField(
        _l("E-mail address"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(EMAIL, message=_l("Enter an e-mail address such as nama@contoh.id.")),
        ],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetForm(NewPassword):
    submit = SubmitField(_l("Set new password"))


class ProfileForm(Form):
    name = LineField(
        _l("Name"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("At most 120 characters."))],
    )
    language = SelectField(_l("Language"), choices=options(labels.LANGUAGE.items()))
    zone = SelectField(_l("Time zone"), choices=options(labels.ZONE.items()))
    email_preference = RadioField(
        _l("E-mail notifications"), choices=options(labels.EMAIL_PREFERENCE.items())
    )
    submit = SubmitField(_l("Save"))
