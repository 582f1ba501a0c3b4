"""Bahasa Indonesia by default, English by choice, and no string left untranslated:
the catalogue is complete and compiled, the templates hold no literal words, and no page
shown in Indonesian carries English; times in the viewer's zone (WIB, WITA, WIT), numbers
in the viewer's format."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from mitra.extensions import db
from mitra.i18n import format_number
from mitra.services import collaborations
from tests.conftest import REPO_ROOT
from tests.web.pages import PAGES

CATALOGUE = REPO_ROOT / "platform" / "mitra" / "translations" / "id" / "LC_MESSAGES"
TEMPLATES = REPO_ROOT / "platform" / "mitra" / "templates"
# Names that are the same in every language: the product, the programme, file formats, and
# each language's own name.
PROPER_NOUNS = {"Mitra", "PLUT-KUMKM", "CSV", "XLSX", "Bahasa Indonesia", "English"}
ENGLISH_WORDS = {
    "the",
    "and",
    "your",
    "you",
    "with",
    "has",
    "been",
    "this",
    "that",
    "of",
    "to",
    "is",
    "are",
    "was",
    "for",
    "from",
    "not",
    "will",
    "be",
    "an",
    "which",
    "by",
    "at",
    "on",
    "in",
    "or",
    "no",
    "yet",
    "here",
    "please",
}


def _po():
    with (CATALOGUE / "messages.po").open("rb") as fh:
        return read_po(fh, locale="id")


def _translations() -> dict[str, str]:
    return {m.id: m.string for m in _po() if m.id and isinstance(m.id, str)}


def test_every_message_in_the_catalogue_is_translated():
    untranslated = []
    for message in _po():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings) or message.fuzzy:
            untranslated.append(message.id)
    assert untranslated == []


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file():
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with (CATALOGUE / "messages.mo").open("rb") as fh:
        compiled = {key(m.id): key(m.string) for m in read_mo(fh) if m.id}
    source = {key(m.id): key(m.string) for m in _po() if m.id}
    assert compiled == source, "run: pybabel compile -d platform/mitra/translations"


def test_every_message_of_the_pages_is_in_the_catalogue():
    method_map = [
        ("platform/mitra/**.py", "python"),
        ("platform/mitra/templates/base.html", "jinja2"),
        ("platform/mitra/templates/web/**.html", "jinja2"),
        ("platform/mitra/templates/web/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO_ROOT), method_map, keywords=keywords
        )
    }
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _po() if m.id}
    assert sorted(found - known) == [], "run the extract and update steps of translations/README.md"


def _literal_words(source: str) -> list[str]:
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    words = []
    for _attribute, value in re.findall(r'\b(aria-label|title|alt|placeholder)="([^"]*)"', source):
        words += re.findall(r"[A-Za-z][A-Za-z-]*", value)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = html.unescape(text)
    for noun in PROPER_NOUNS:
        text = text.replace(noun, " ")
    return words + re.findall(r"[A-Za-z][A-Za-z-]*", text)


@pytest.mark.parametrize(
    "template",
    [p for p in sorted(TEMPLATES.rglob("*")) if p.suffix in (".html", ".txt") and "mail" not in p.parts],
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_show_no_words_outside_the_catalogue(template):
    assert _literal_words(template.read_text()) == []


def visible_text(page: str) -> str:
    """What a reader sees or hears: text, button values, labels for screen readers."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    extra = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', page)
    extra += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    text = re.sub(r"<[^>]*>", " ", page)
    return html.unescape(" ".join([text, *extra]))


def english_in(text: str, translations: dict[str, str]) -> list[str]:
    found = [word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH_WORDS]
    for msgid, msgstr in translations.items():
        if msgid != msgstr and re.search(rf"(?<![\w-]){re.escape(msgid)}(?![\w-])", text):
            found.append(msgid)
    return found


@pytest.mark.parametrize("role", list(PAGES))
def test_pages_in_indonesian_show_no_english(world, ids, role):
    translations = {k: v for k, v in _translations().items() if "%(" not in k}
    visitor = world.visitor(role)
    for path in [p.format(**ids) for p in PAGES[role]]:
        page = visitor.get(path)
        assert page.status_code == 200
        assert english_in(visible_text(page.text), translations) == [], path


def test_pages_in_english_show_the_english_words(world, ids):
    """And the check above would notice them."""
    visitor = world.visitor("manager")
    text = visible_text(visitor.get(f"/collaborations/{ids['c']}?lang=en").text)
    assert "Timeline" in text and "Riwayat" not in text
    assert {"Timeline", "Partner", "the"} <= set(english_in(text, _translations()))


def test_forms_refuse_in_the_viewers_language(world):
    visitor = world.visitor("manager")
    page = visitor.post("/collaborations/new", {"title": "", "target_umkm": "banyak"})
    assert page.status_code == 422
    assert "Isian ini wajib diisi." in page.text
    assert "Isikan bilangan bulat." in page.text
    assert english_in(visible_text(page.text), _translations()) == []


@pytest.mark.parametrize(("lang", "expected"), [("id", "1.234,5"), ("en", "1,234.5")])
def test_numbers_follow_the_language(app, lang, expected):
    with app.test_request_context(), force_locale(lang):
        assert format_number(1234.5) == expected
        assert format_number(1234567) == expected.split(",")[0].split(".")[0] + (
            ".234.567" if lang == "id" else ",234,567"
        )


@pytest.mark.parametrize("who", ["manager", "other_manager", "partner", "admin"])
def test_times_are_in_the_centres_zone_whoever_looks(world, who):
    """A proposal of Gianyar's (WITA) reads 10:00 WITA to everyone, a Malang manager too."""
    c = collaborations.create(
        world.users["other_manager"],
        {
            "partner_id": world.ids["partner"],
            "title": "Pameran produk Gianyar",
            "service_area": "pemasaran",
            "starts_on": datetime(2031, 3, 1).date(),
            "ends_on": datetime(2031, 6, 30).date(),
        },
    ).id
    collaborations.act(world.users["other_manager"], c, "propose")
    collaboration = collaborations.get(world.users["admin"], c)
    collaboration.proposed_at = datetime(2031, 1, 5, 2, 0, tzinfo=UTC)
    db.session.commit()
    visitor = world.visitor(who)
    page = visitor.get(f"/collaborations/{c}")
    if who == "manager":  # another centre's collaboration is out of scope
        assert page.status_code == 404
        return
    assert "5 Jan 2031 10:00 WITA" in visible_text(page.text)


def test_a_user_in_papua_sees_the_centres_zone(world):
    c = world.proposal()
    collaboration = collaborations.get(world.users["admin"], c)
    collaboration.proposed_at = datetime(2031, 1, 5, 2, 0, tzinfo=UTC)
    world.users["partner"].zone = "Asia/Jayapura"
    db.session.commit()
    text = visible_text(world.visitor("partner").get(f"/collaborations/{c}").text)
    assert "5 Jan 2031 09:00 WIB" in text and "WIT " not in text
