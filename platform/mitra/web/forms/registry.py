"""Registering partners and recording agreements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from mitra.web import labels
from mitra.web.forms import Form, LineField, options

REQUIRED = _l("This field is required.")
DATE = _l("Enter a date.")


class PartnerForm(Form):
    name = LineField(
        _l("Organisation name"),
        validators=[DataRequired(REQUIRED), Length(max=160, message=_l("At most %(max)d characters."))],
    )
    type = SelectField(
        _l("Kind of organisation"),
        choices=options(labels.PARTNER_TYPE.items()),
        invalid_choice_message=_l("Choose a kind from the list."),
    )
    scope = SelectField(
        _l("Reach"),
        choices=options(labels.PARTNER_SCOPE.items()),
        invalid_choice_message=_l("Choose from the list."),
    )
    submit = SubmitField(_l("Register the partner"))


class AgreementForm(Form):
    partner_id = SelectField(
        _l("Partner"),
        coerce=int,
        validators=[DataRequired(_l("Choose a partner."))],
        invalid_choice_message=_l("Choose a partner from the list."),
    )
    kind = SelectField(
        _l("Kind of agreement"),
        choices=options(labels.AGREEMENT_KIND.items()),
        invalid_choice_message=_l("Choose from the list."),
    )
    number = LineField(
        _l("Agreement number"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    signed_on = DateField(_l("Signed on"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    valid_until = DateField(_l("Valid until"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    document_ref = LineField(
        _l("Document reference"),
        validators=[Optional(), Length(max=255, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Record the agreement"))


class CentreForm(Form):
    code = LineField(
        _l("Code"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(
                r"^\d{4}(-P)?$",
                message=_l(
                    "Four digits: the Kemendagri code of the regency or city; add -P for a province unit."
                ),
            ),
        ],
        description=_l("The Kemendagri code of the regency or city, e.g. 3507; a province unit adds -P."),
    )
    name = LineField(
        _l("Name"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    regency_name = LineField(
        _l("Regency or city"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    province = SelectField(
        _l("Province"),
        validators=[DataRequired(_l("Choose from the list."))],
        invalid_choice_message=_l("Choose from the list."),
    )
    tier = SelectField(
        _l("Tier"),
        choices=options(labels.CENTRE_TIER.items()),
        invalid_choice_message=_l("Choose from the list."),
    )
    status = SelectField(
        _l("Status"),
        choices=options(labels.CENTRE_STATUS.items()),
        invalid_choice_message=_l("Choose from the list."),
    )
    established_year = IntegerField(
        _l("Established in"),
        validators=[Optional(), NumberRange(2013, 2100, _l("A year from 2013 on."))],
        invalid_value_message=_l("Enter a whole number."),
    )
    funding = LineField(
        _l("Funding"),
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("For example DAK Fisik 2022."),
    )
    submit = SubmitField(_l("Register the centre"))
