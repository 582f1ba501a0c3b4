"""Registering a business and changing its record. The fields' rules are
`services.umkm_fields`' (the service checks them and names the field at fault); the form
only says what is required and how long a line may be."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mitra.services.umkm_fields import MAX_LENGTH
from mitra.web import labels
from mitra.web.forms import EmailLineField, Form, LineField, options

REQUIRED = _l("This field is required.")
AT_MOST = _l("At most %(max)d characters.")


def _line(label, name: str, *, required: bool = True, **kwargs) -> LineField:
    first = DataRequired(REQUIRED) if required else Optional()
    return LineField(label, validators=[first, Length(max=MAX_LENGTH[name], message=AT_MOST)], **kwargs)


class UmkmForm(Form):
    business_name = _line(_l("Business name"), "business_name")
    owner_name = _line(
        _l("Owner's name"), "owner_name", description=_l("Personal data: never shown to partners.")
    )
    kbli = LineField(
        _l("KBLI 2020 code"),
        validators=[DataRequired(REQUIRED)],
        description=_l("Five digits, e.g. 10794."),
    )
    scale = SelectField(
        _l("Scale"),
        choices=options(labels.UMKM_SCALE.items()),
        invalid_choice_message=_l("Choose from the list."),
    )
    regency_code = SelectField(
        _l("Regency or city"),
        validators=[DataRequired(_l("Choose a regency or city."))],
        invalid_choice_message=_l("Choose a regency or city from the list."),
    )
    phone = _line(_l("Phone"), "phone", required=False)
    email = EmailLineField(
        _l("E-mail"), validators=[Optional(), Length(max=MAX_LENGTH["email"], message=AT_MOST)]
    )


class RegisterUmkmForm(UmkmForm):
    nib = LineField(
        _l("NIB"),
        validators=[DataRequired(REQUIRED)],
        description=_l("The 13 digits of the Nomor Induk Berusaha issued by OSS."),
    )
    submit = SubmitField(_l("Register the business"))


class EditUmkmForm(UmkmForm):
    version = IntegerField(widget=HiddenInput())  # the copy being changed
    submit = SubmitField(_l("Save the changes"))
