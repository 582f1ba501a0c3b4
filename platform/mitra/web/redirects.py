"""Where a page may send a person back to: `next=` is a path on this site or nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from mitra import text


def safe_next(target: str | None) -> str | None:
    """`target` when it is a local path (one `/`, then no second one, no backslash, no
    control character); None otherwise, and the caller goes home."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "/\\host" as "//host", and drop TAB, CR and LF from a URL ("/\t/host"
    # is "//host" to them); a control character in a Location header also breaks the
    # response. None of them is ever part of a path here.
    if "\\" in target:
        return None
    try:
        text.single_line(target)
    except text.Refused:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
