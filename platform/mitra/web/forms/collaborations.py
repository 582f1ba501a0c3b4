"""Proposing a collaboration, answering it, and the activities that follow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from mitra.web import labels
from mitra.web.forms import Form, LineField, ParagraphsField, options

REQUIRED = _l("This field is required.")
DATE = _l("Enter a date.")
WHOLE_NUMBER = _l("Enter a whole number.")
NOT_NEGATIVE = _l("Must be zero or more.")


def _text(max_length: int):
    return Length(max=max_length, message=_l("At most %(max)d characters."))


class CollaborationForm(Form):
    partner_id = SelectField(
        _l("Partner"),
        coerce=int,
        validators=[DataRequired(_l("Choose a partner."))],
        invalid_choice_message=_l("Choose a partner from the list."),
    )
    title = LineField(_l("Title"), validators=[DataRequired(REQUIRED), _text(200)])
    service_area = SelectField(
        _l("Service area"),
        validators=[DataRequired(REQUIRED)],
        invalid_choice_message=_l("Choose a service area from the list."),
    )
    description = ParagraphsField(_l("Description"), validators=[Optional(), _text(10_000)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    respond_by = DateField(
        _l("Answer wanted by"),
        validators=[Optional()],
        invalid_value_message=DATE,
        description=_l("In the centre's zone. Left empty: 14 days after proposing."),
    )
    target_umkm = IntegerField(
        _l("UMKM to reach"),
        default=0,
        invalid_value_message=WHOLE_NUMBER,
        validators=[InputRequired(WHOLE_NUMBER), NumberRange(min=0, max=10_000_000, message=NOT_NEGATIVE)],
    )
    propose = SubmitField(_l("Propose to the partner"))
    save_draft = SubmitField(_l("Save as draft"))

    def data_for_service(self) -> dict:
        names = (
            "partner_id",
            "title",
            "service_area",
            "description",
            "starts_on",
            "ends_on",
            "respond_by",
            "target_umkm",
        )
        return {name: getattr(self, name).data for name in names if getattr(self, name) is not None}


class ActionForm(Form):
    """A lifecycle step that needs no words: propose, accept, complete."""

    submit = SubmitField(_l("Confirm"))


class DeclineForm(Form):
    reason = ParagraphsField(
        _l("Why do you decline?"), validators=[DataRequired(_l("Please give a reason.")), _text(2000)]
    )
    submit = SubmitField(_l("Decline"))


class QuestionForm(Form):
    question = ParagraphsField(
        _l("What would you like to know?"),
        validators=[DataRequired(_l("Please write your question.")), _text(2000)],
    )
    submit = SubmitField(_l("Ask the centre"))


class AnswerForm(Form):
    answer = ParagraphsField(
        _l("Your answer to the partner"),
        validators=[DataRequired(_l("Please answer the partner's question.")), _text(2000)],
    )
    submit = SubmitField(_l("Answer and propose again"))


class CancelForm(Form):
    reason = ParagraphsField(
        _l("Why is it cancelled?"), validators=[DataRequired(_l("Please give a reason.")), _text(2000)]
    )
    submit = SubmitField(_l("Cancel the collaboration"))


class CompleteForm(Form):
    summary = ParagraphsField(
        _l("Closing summary"), validators=[DataRequired(_l("Please write a closing summary.")), _text(10_000)]
    )
    umkm_assisted = IntegerField(
        _l("UMKM assisted (optional)"),
        invalid_value_message=WHOLE_NUMBER,
        validators=[Optional(), NumberRange(min=0, max=10_000_000, message=NOT_NEGATIVE)],
    )
    submit = SubmitField(_l("Complete the collaboration"))

    def outcomes(self) -> dict[str, int] | None:
        return {"umkm_assisted": self.umkm_assisted.data} if self.umkm_assisted.data is not None else None


class ExtendForm(Form):
    ends_on = DateField(_l("New end date"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    submit = SubmitField(_l("Extend the collaboration"))


class MoveActivityForm(Form):
    date = DateField(_l("Date"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    location = LineField(_l("Place"), validators=[Optional(), _text(200)])
    submit = SubmitField(_l("Move the activity"))


class CancelActivityForm(Form):
    reason = ParagraphsField(
        _l("Why is it cancelled?"), validators=[DataRequired(_l("Please give a reason.")), _text(2000)]
    )
    submit = SubmitField(_l("Cancel the activity"))


class ActivityForm(Form):
    type = SelectField(
        _l("Kind of activity"),
        choices=options(labels.ACTIVITY_TYPE.items()),
        invalid_choice_message=_l("Choose a kind from the list."),
    )
    title = LineField(_l("Title"), validators=[Optional(), _text(200)])
    date = DateField(_l("Date"), validators=[InputRequired(DATE)], invalid_value_message=DATE)
    location = LineField(_l("Place"), validators=[Optional(), _text(200)])
    submit = SubmitField(_l("Plan the activity"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Confirm that we take part"))


class ReportForm(Form):
    participants = IntegerField(
        _l("Participants"),
        invalid_value_message=WHOLE_NUMBER,
        validators=[InputRequired(WHOLE_NUMBER), NumberRange(min=0, max=10_000_000, message=NOT_NEGATIVE)],
    )
    umkm_reached = IntegerField(
        _l("UMKM reached"),
        invalid_value_message=WHOLE_NUMBER,
        validators=[InputRequired(WHOLE_NUMBER), NumberRange(min=0, max=10_000_000, message=NOT_NEGATIVE)],
    )
    notes = ParagraphsField(
        _l("Outcome notes"),
        validators=[Optional(), _text(10_000)],
        description=_l("What came of it: results, follow-up agreed."),
    )
    document_ref = LineField(
        _l("Document reference"),
        validators=[Optional(), _text(255)],
        description=_l("Where the attendance list or report is kept, for example its archive number."),
    )
    submit = SubmitField(_l("Report the outcome"))
