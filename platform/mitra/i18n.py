"""Language and place: Bahasa Indonesia by default, English by choice; Indonesia's three zones.

The locale is, in order: `?lang=` on the request, the signed-in user's profile, the choice an
anonymous visitor made earlier (kept in the session), else Indonesian. The time zone is the
user's profile zone, else WIB. Times are shown in that zone and labelled WIB, WITA or WIT;
numbers follow the locale (Indonesian: 1.234,5).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, has_request_context, request, session, url_for
from flask_babel import Babel, format_date, format_decimal, format_time, get_locale, get_timezone

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


def local_moment(moment: datetime | None) -> datetime | None:
    """`moment` (UTC) in the viewer's zone."""
    return moment.astimezone(viewer_zone()) if moment is not None else None


def format_moment(moment: datetime | None) -> str:
    """"27 Nov 2026 15.05 WITA": the viewer's date and time, labelled with the zone."""
    if moment is None:
        return ""
    return f"{format_date(moment, 'medium')} {format_time(moment, 'short')} {zone_label()}"


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
    )
    app.jinja_env.globals.update(
        zone_label=zone_label, language_url=language_url, current_language=language, LANGUAGES=LANGUAGES
    )
