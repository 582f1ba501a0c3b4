"""Language and place: Bahasa Indonesia by default, English by choice; Indonesia's three zones.

The locale is, in order: `?lang=` on the request, the signed-in user's profile, the choice an
anonymous visitor made earlier (kept in the session), else Indonesian. A moment of a
collaboration (proposed, answered, a timeline entry, a notification about it) is shown in its
centre's zone, named: "12 Mar 2024 08:00 WITA" on pages and in e-mails (`moment_text`, the
Jinja filter `moment`), "2024-03-12T08:00:00+08:00" in exports (`moment_iso`); whoever
reads it, from whichever zone, reads the same words. Without a centre it falls back to the
user's profile zone, else WIB. Numbers follow the locale (Indonesian: 1.234,5), and so do
amounts of rupiah, in whole rupiah after "Rp": "Rp 25.000.000" (English: "Rp 25,000,000").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import Flask, has_request_context, request, session, url_for
from flask_babel import Babel, format_date, format_decimal, get_locale, get_timezone

from mitra.security.auth import current_principal

LANGUAGES = ("id", "en")
DEFAULT_LOCALE = "id"
DEFAULT_ZONE = "Asia/Jakarta"
SESSION_LANGUAGE = "lang"

# Indonesia has no daylight saving: each IANA zone is one fixed label.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

babel = Babel()


def requested_language() -> str | None:
    """`?lang=id|en` on this request, if valid."""
    if not has_request_context():
        return None
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


def select_locale() -> str:
    chosen = requested_language()
    if chosen:
        return chosen
    user = current_principal() if has_request_context() else None
    if user is not None and user.language in LANGUAGES:
        return user.language
    if has_request_context() and session.get(SESSION_LANGUAGE) in LANGUAGES:
        return session[SESSION_LANGUAGE]
    return DEFAULT_LOCALE


def select_timezone() -> str:
    user = current_principal() if has_request_context() else None
    if user is not None and user.zone in ZONE_LABELS:
        return user.zone
    return DEFAULT_ZONE


def remember_requested_language() -> None:
    """A before_request hook: an anonymous visitor's `?lang=` choice holds for the visit."""
    chosen = requested_language()
    if chosen and session.get(SESSION_LANGUAGE) != chosen:
        session[SESSION_LANGUAGE] = chosen


def language_url(lang: str) -> str:
    """This page again, in `lang` (GET pages only; else the sign-in page)."""
    if request.method == "GET" and request.endpoint and request.endpoint != "static":
        args = {**request.args, **(request.view_args or {}), "lang": lang}
        return url_for(request.endpoint, **args)
    return url_for("web.accounts.login", lang=lang)


def zone_label(zone: str | None = None) -> str:
    return ZONE_LABELS.get(zone or str(get_timezone()), "WIB")


def viewer_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def local_moment(moment: datetime | None, zone: str | None = None) -> datetime | None:
    """`moment` in `zone` (an IANA name; the viewer's zone when None). A naive value is UTC,
    as the database keeps it, never the server's own clock."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone) if zone in ZONE_LABELS else viewer_zone())


def moment_text(moment: datetime | None, zone: str | None = None, locale: str | None = None) -> str:
    """ "12 Mar 2024 08:00 WITA": `moment` in `zone` (the centre's), named. The one way a page
    or an e-mail writes a date and time; `locale` for e-mails written outside a request."""
    local = local_moment(moment, zone)
    if local is None:
        return ""
    day = babel_format_date(local.date(), "medium", locale=locale or language())
    return f"{day} {local:%H:%M} {zone_label(str(local.tzinfo))}"


def moment_iso(moment: datetime | None, zone: str | None = None) -> str:
    """ "2024-03-12T08:00:00+08:00": `moment` in `zone`, for exports (ISO 8601 with the offset)."""
    local = local_moment(moment, zone)
    return local.isoformat(timespec="seconds") if local is not None else ""


def format_moment(moment: datetime | None, zone: str | None = None) -> str:
    """The Jinja filter: `{{ c.proposed_at | moment(c.centre.zone) }}`."""
    return moment_text(moment, zone)


def format_day(day: date | datetime | None, style: str = "medium") -> str:
    if day is None:
        return ""
    return format_date(day, style)


def format_number(value: int | float | None, digits: int = 1) -> str:
    """1.234,5 in Indonesian, 1,234.5 in English; integers without decimals."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return format_decimal(value)
    return format_decimal(round(value, digits), format=f"#,##0.{'#' * digits}")


def format_rupiah(value: int | None) -> str:
    """ "Rp 25.000.000": whole rupiah, grouped the locale's way; "–" for no amount."""
    if value is None:
        return "–"
    return f"Rp {format_decimal(int(value))}"


def language() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=DEFAULT_LOCALE,
        default_timezone=DEFAULT_ZONE,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
    )
    app.before_request(remember_requested_language)
    app.jinja_env.filters.update(
        moment=format_moment,
        day=format_day,
        number=format_number,
        rupiah=format_rupiah,
    )
    app.jinja_env.globals.update(
        zone_label=zone_label, language_url=language_url, current_language=language, LANGUAGES=LANGUAGES
    )
