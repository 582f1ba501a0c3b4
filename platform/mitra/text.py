"""What text a person types may hold: one line, or paragraphs. One rule for every way in
(the API's schemas, the pages' forms) and one for the way out that cannot hold a line
break (a mail header).

- **One line** (titles, names, places, numbers, e-mail addresses, search words): no
  control character at all (Unicode category Cc: C0, DEL and C1, so no CR, LF, NUL) and
  no line or paragraph separator (U+2028, U+2029). TAB is refused too: no single-line
  field here means one, a browser shows it as a space, and a name with a tab looks the
  same as, yet differs from, the name with a space (searching and "already registered"
  would both surprise). Refusing says so, instead of storing what the person did not see.
- **Paragraphs** (descriptions, notes, reasons, questions, answers): line ends become LF
  whatever was sent (CRLF, CR); LF and TAB stay; any other control character (NUL first
  of all, which PostgreSQL cannot store) is refused.

A refusal is a `Refused` (a ValueError) whose message is the API's English; the pages say
it in the viewer's language beside the field.
"""

from __future__ import annotations

import re

# Category Cc is exactly U+0000-U+001F and U+007F-U+009F (a unit test holds it to that).
CONTROL = "\x00-\x1f\x7f-\x9f"
SEPARATORS = "\u2028\u2029"
_NOT_ONE_LINE = re.compile(f"[{CONTROL}{SEPARATORS}]")
_NOT_IN_PARAGRAPHS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all of Cc but TAB and LF
_LINE_END = re.compile(r"\r\n?")
_NAMES = {
    "\x00": "NUL",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    "\u2028": "a line break",
    "\u2029": "a paragraph break",
}


class Refused(ValueError):
    """The text holds a character its kind of field does not take."""

    def __init__(self, message: str, character: str):
        super().__init__(message)
        self.character = character


def _named(character: str) -> str:
    code = f"U+{ord(character):04X}"
    name = _NAMES.get(character)
    return f"{code} ({name})" if name else code


def single_line(value: str) -> str:
    """`value` unchanged when it is one line without control characters; else Refused."""
    found = _NOT_ONE_LINE.search(value)
    if found:
        character = found.group()
        raise Refused(
            f"must be a single line without tabs or control characters (it holds {_named(character)})",
            character,
        )
    return value


def normalise_line_ends(value: str) -> str:
    return _LINE_END.sub("\n", value)


def paragraphs(value: str) -> str:
    """`value` with LF line ends; Refused when it holds a control character but LF or TAB."""
    value = normalise_line_ends(value)
    found = _NOT_IN_PARAGRAPHS.search(value)
    if found:
        character = found.group()
        raise Refused(
            f"must not contain control characters other than line breaks and tabs "
            f"(it holds {_named(character)})",
            character,
        )
    return value


def flattened(value: str) -> str:
    """`value` on one line: each run of control characters or line separators becomes one
    space (for a mail header, or search words that are not stored)."""
    return re.sub(f"[{CONTROL}{SEPARATORS}]+", " ", value)
