"""Rules of the pages' forms and the services: e-mail shapes, one-line text, activity dates."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from mitra import i18n, text
from mitra.security import auth
from mitra.services.activities import _require_inside
from mitra.services.errors import InvalidInput
from mitra.web.forms import Form, LineField, ParagraphsField
from mitra.web.forms.accounts import ResetRequestForm


@pytest.fixture
def app():
    app = Flask("mitra")  # its root is the package: the Indonesian catalogue is found there
    app.config.update(SECRET_KEY="unit-tests-only", WTF_CSRF_ENABLED=False)
    i18n.init_app(app)
    auth.init_app(app)
    return app


def submitted(app, form_class, data: dict, lang: str = "en"):
    with app.test_request_context(f"/?lang={lang}", method="POST", data=MultiDict(data)):
        form = form_class()
        form.validate()
        return form.data, {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@pytest.mark.parametrize("email", ["siti@plut.test", "siti.rahma+mitra@dinas.jatim.go.id", "a@b.co"])
def test_an_e_mail_address_of_the_usual_shape_is_taken(app, email):
    _data, errors = submitted(app, ResetRequestForm, {"email": email})
    assert errors == {}


@pytest.mark.parametrize(
    "email", ["siti", "siti@plut", "@plut.test", "siti@@plut.test", "siti rahma@plut.test"]
)
def test_anything_else_is_not_an_e_mail_address(app, email):
    _data, errors = submitted(app, ResetRequestForm, {"email": email})
    assert errors == {"email": ["Enter an e-mail address such as nama@contoh.id."]}


def test_the_refusal_is_in_the_viewers_language(app):
    _data, errors = submitted(app, ResetRequestForm, {"email": "siti"}, lang="id")
    assert errors == {"email": ["Isikan alamat surel, misalnya nama@contoh.id."]}


def test_an_e_mail_header_cannot_be_smuggled_through_the_address(app):
    _data, errors = submitted(app, ResetRequestForm, {"email": "siti@plut.test\r\nBcc: x@example.com"})
    assert "email" in errors


ONE_LINE = "Write this on one line, without tabs or other control characters."
NO_CONTROLS_ID = "Teks ini memuat karakter kendali yang tidak dapat disimpan; hapus karakter itu."


class NoteForm(Form):
    title = LineField()
    notes = ParagraphsField()


@pytest.mark.parametrize(
    ("title", "errors"),
    [
        ("Pelatihan QRIS", {}),
        ("Pelatihan\tQRIS", {"title": [ONE_LINE]}),
        (
            "Pelatihan\u2028QRIS",
            {"title": [ONE_LINE]},
        ),
    ],
)
def test_a_line_field_refuses_control_characters_beside_the_field(app, title, errors):
    assert submitted(app, NoteForm, {"title": title})[1] == errors


def test_a_paragraphs_field_gets_lf_line_ends_and_refuses_nul(app):
    data, errors = submitted(app, NoteForm, {"notes": "satu\r\ndua\rtiga"})
    assert (data["notes"], errors) == ("satu\ndua\ntiga", {})
    _data, errors = submitted(app, NoteForm, {"notes": "nul \x00"}, lang="id")
    assert errors == {
        "notes": ["Teks ini memuat karakter kendali yang tidak dapat disimpan; hapus karakter itu."]
    }


# -- text on the way out --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "flat"),
    [
        ("Pelatihan\r\nBcc: x@example.com", "Pelatihan Bcc: x@example.com"),
        ("a\x00\x00\x00b", "a b"),
        ("satu\u2028dua\u2029tiga", "satu dua tiga"),
        ("tab\there", "tab here"),
        ("biasa saja", "biasa saja"),
    ],
)
def test_flattened_text_is_one_line_for_a_mail_header(value, flat):
    assert text.flattened(value) == flat


@pytest.mark.parametrize(
    ("value", "normal"), [("a\r\nb", "a\nb"), ("a\rb", "a\nb"), ("a\r\r\nb", "a\n\nb"), ("a\n\rb", "a\n\nb")]
)
def test_every_kind_of_line_end_becomes_lf(value, normal):
    assert text.normalise_line_ends(value) == normal


def test_a_refusal_names_the_character_it_refused():
    with pytest.raises(text.Refused) as refused:
        text.single_line("satu\u2029dua")
    assert refused.value.character == "\u2029"
    assert "U+2029 (a paragraph break)" in str(refused.value)


# -- activity dates -------------------------------------------------------------------------------

PERIOD = SimpleNamespace(starts_on=date(2027, 1, 4), ends_on=date(2027, 3, 31))


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2027, 2, 15), date(2027, 3, 31)])
def test_an_activity_may_be_held_on_any_day_of_its_collaborations_period(day):
    _require_inside(PERIOD, day)


@pytest.mark.parametrize("day", [date(2027, 1, 3), date(2027, 4, 1), date(2026, 2, 15)])
def test_an_activity_outside_the_period_is_refused_naming_the_period(day):
    with pytest.raises(InvalidInput) as refused:
        _require_inside(PERIOD, day)
    assert refused.value.errors == {
        "date": [f"{day.isoformat()} is outside the collaboration's period (2027-01-04 to 2027-03-31)"]
    }
