"""The pages' forms (Flask-WTF: every form carries its CSRF token), with messages in the
viewer's language."""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

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
