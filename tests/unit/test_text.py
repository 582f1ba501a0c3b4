"""The rules of typed text (`mitra.text`) and of where `next=` may lead (`safe_next`)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from mitra import text
from mitra.web.redirects import safe_next


def test_the_control_class_is_exactly_unicode_category_cc():
    cc = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"}
    refused = set()
    for c in map(chr, range(0x10000)):  # every Cc is in the first plane
        if 0xD800 <= ord(c) <= 0xDFFF:
            continue
        try:
            text.single_line(f"a{c}b")
        except text.Refused:
            refused.add(c)
    assert refused == cc | {"\u2028", "\u2029"}


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("Pelatihan\nekspor", "U+000A (a line break)"),
        ("Pelatihan\r\nBcc: x@example.com", "U+000D (a line break)"),
        ("Pelatihan\tekspor", "U+0009 (a tab)"),
        ("nul \x00 di tengah", "U+0000 (NUL)"),
        ("next line \x85", "U+0085"),
        ("delete \x7f", "U+007F"),
        ("separator \u2028", "U+2028 (a line break)"),
    ],
)
def test_one_line_refuses_control_characters_and_says_which(value, named):
    with pytest.raises(text.Refused) as refused:
        text.single_line(value)
    assert named in str(refused.value)


@pytest.mark.parametrize("value", ["Pelatihan pemasaran digital", "Kopi Gayo — ekspor ☕", "PKS/12/2031", ""])
def test_one_line_keeps_ordinary_text_as_it_is(value):
    assert text.single_line(value) == value


def test_paragraphs_get_lf_line_ends_and_keep_tabs():
    assert text.paragraphs("satu\r\ndua\rtiga\n\tempat") == "satu\ndua\ntiga\n\tempat"


@pytest.mark.parametrize(
    "value", ["nul \x00", "vertical tab \x0b", "form feed \x0c", "escape \x1b[31m", "C1 \x9b"]
)
def test_paragraphs_refuse_other_control_characters(value):
    with pytest.raises(text.Refused):
        text.paragraphs(value)


def test_flattened_makes_any_run_of_controls_one_space():
    assert text.flattened("Pelatihan\r\nBcc: x@example.com") == "Pelatihan Bcc: x@example.com"
    assert text.flattened("a\x00\t\u2028b") == "a b"
    assert text.flattened("ordinary — text") == "ordinary — text"


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/inbox",
        "/inbox?status=proposed",
        "/collaborations/12#activities",
        "/partners?q=Koperasi%20Maju",
        "/centres?q=Bali é",
    ],
)
def test_next_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "inbox",
        "//evil.example",
        "//evil.example/x",
        "https://evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil",
        "\\/evil.example",
        "/inbox\r\nSet-Cookie: x=1",
        "/inbox\nx",
        "/\t/evil.example",
        "/inbox\x00",
        " /inbox",
        "/inbox\u2028",
    ],
)
def test_next_refuses_anything_but_a_local_path(target):
    assert safe_next(target) is None
