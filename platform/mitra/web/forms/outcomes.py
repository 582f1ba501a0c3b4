"""Recording a business's outcome: on the collaboration's page (the business named by its
NIB) and on the business's page (the activity or collaboration chosen from a list)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from mitra.web import labels
from mitra.web.forms import Form, LineField, ParagraphsField, options

DATE = _l("Enter a date.")
WHOLE_RUPIAH = _l("Enter the amount in whole rupiah, for example 25.000.000.")
MAX_AMOUNT_IDR = 10**15  # as the API's
NONE = 0  # the choice "no activity" / "no collaboration"


class RupiahField(IntegerField):
    """Whole rupiah, as people write them: "25.000.000", "Rp 25.000.000" or "25,000,000"
    (the rupiah has no cents in use, so dots and commas can only group thousands)."""

    def process_formdata(self, valuelist):
        if valuelist:
            written = valuelist[0].strip()
            if written[:2].lower() == "rp":
                written = written[2:]
            valuelist = [written.replace(".", "").replace(",", "").replace(" ", "")]
        super().process_formdata(valuelist)


class OutcomeForm(Form):
    type = SelectField(
        _l("Outcome"),
        choices=options(labels.OUTCOME_TYPE.items()),
        invalid_choice_message=_l("Choose an outcome from the list."),
    )
    date = DateField(_l("Date"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    amount_idr = RupiahField(
        _l("Amount (Rp)"),
        invalid_value_message=WHOLE_RUPIAH,
        validators=[Optional(), NumberRange(min=1, max=MAX_AMOUNT_IDR, message=WHOLE_RUPIAH)],
        description=_l("Financing only: the amount in rupiah."),
    )
    activity_id = SelectField(
        _l("Activity"),
        coerce=int,
        default=NONE,
        invalid_choice_message=_l("Choose an activity from the list."),
    )
    note = ParagraphsField(
        _l("Note"), validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))]
    )
    next = HiddenField()
    submit = SubmitField(_l("Record the outcome"))


class CollaborationOutcomeForm(OutcomeForm):
    nib = LineField(
        _l("NIB of the business"),
        validators=[
            DataRequired(_l("This field is required.")),
            Regexp(r"^[0-9]{13}$", message=_l("An NIB is 13 digits.")),
        ],
    )


class BusinessOutcomeForm(OutcomeForm):
    collaboration_id = SelectField(
        _l("Collaboration"),
        coerce=int,
        default=NONE,
        invalid_choice_message=_l("Choose a collaboration from the list."),
        description=_l("When no activity is chosen."),
    )
