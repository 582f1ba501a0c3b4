"""The pages' forms (Flask-WTF: every form carries its CSRF token), with messages in the
viewer's language. Text fields are `LineField`, `EmailLineField` or `ParagraphsField`:
the rules of `mitra.text`, which the API's schemas follow too."""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import EmailInput

from mitra import text

# WTForms' own messages have no Indonesian catalogue; these are the ones our fields can
# raise, named here so that extraction puts them in ours.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid email address."),
    _l("Field must be equal to %(other_name)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
)


ONE_LINE = _l("Write this on one line, without tabs or other control characters.")
NO_CONTROLS = _l("This text holds control characters that cannot be stored; remove them.")


class LineField(StringField):
    """One line of text: refused, beside the field, if it holds a control character."""

    # After the validators, whatever they did: Optional() clears the errors of a value that
    # is only whitespace, and a lone TAB or LF is exactly that.
    def post_validate(self, form, validation_stopped):
        if self.data and not self.errors:
            try:
                text.single_line(self.data)
            except text.Refused:
                raise ValidationError(ONE_LINE) from None


class EmailLineField(LineField):
    widget = EmailInput()


class ParagraphsField(TextAreaField):
    """Paragraphs: line ends become LF; other control characters (NUL...) are refused."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = text.normalise_line_ends(self.data)

    def post_validate(self, form, validation_stopped):
        if self.data and not self.errors:
            try:
                text.paragraphs(self.data)
            except text.Refused:
                raise ValidationError(NO_CONTROLS) from None


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as select or radio options."""
    return [SelectChoice(value, label) for value, label in pairs]


class _Translations:
    """WTForms asks here for its messages; our catalogue answers."""

    # Untouched by %-formatting: WTForms fills the placeholders itself.
    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()
