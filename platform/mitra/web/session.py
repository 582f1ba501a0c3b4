"""Web sign-in: a server-side session that logging out really ends.

Signing in goes through the same service as the API (`services.tokens.sign_in`: one generic
refusal, per-account and per-address rate limits, audit trail) and gets a random token whose
SHA-256 is a row in `api_tokens` of kind 'session': it opens pages only, and the API refuses
it as a bearer token (so a session id that leaks from a cookie is no API key). The signed,
HttpOnly session cookie carries only that token; every request looks the row up
(`tokens.authenticate`), so the server decides whether the session lives. Logging out
revokes the row: a copy of the old cookie opens nothing, and neither does one taken before
a password change or a deactivation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, redirect, request, session, url_for

from mitra.models import Role, User
from mitra.models.api import WEB_SESSION
from mitra.security.auth import current_principal, login_manager
from mitra.services import tokens
from mitra.services.errors import Unauthenticated

SESSION_TOKEN = "sid"  # nosec B105  # the session key's name
DEFAULT_SESSION_HOURS = 12


def load_user_from_session(_request) -> User | None:
    """Flask-Login's request loader: the user whose live server-side session this is."""
    token = session.get(SESSION_TOKEN)
    if not token:
        return None
    try:
        return tokens.authenticate(token, kind=WEB_SESSION)
    except Unauthenticated:
        session.pop(SESSION_TOKEN, None)  # revoked, expired, or the account was deactivated
        return None


def sign_in(email: str, password: str) -> User:
    """Check the password (raises Unauthenticated or TooManyRequests) and open a session."""
    hours = current_app.config.get("WEB_SESSION_HOURS", DEFAULT_SESSION_HOURS)
    token, _expires = tokens.sign_in(
        email, password, request.remote_addr or "unknown", kind=WEB_SESSION, lifetime=timedelta(hours=hours)
    )
    language = session.get("lang")
    session.clear()  # nothing from before the sign-in survives it (session fixation)
    if language:
        session["lang"] = language
    session[SESSION_TOKEN] = token
    return tokens.authenticate(token, kind=WEB_SESSION)


def sign_out() -> None:
    token = session.get(SESSION_TOKEN)
    if token:
        try:
            tokens.revoke(token, kind=WEB_SESSION)
        except Unauthenticated:
            pass  # already revoked or expired: the session is over either way
    session.clear()


def current_session_token() -> str | None:
    return session.get(SESSION_TOKEN)


def viewer() -> User:
    """The signed-in person of this web request, on a page behind `login_required`."""
    user = current_principal()
    if user is None:  # a page that forgot login_required: refuse rather than act as nobody
        raise Unauthenticated("sign in first")
    return user


def login_required(*roles: Role) -> Callable:
    """Signed in (else to /login), and in one of `roles` if any are named (else 404: pages
    outside a role are as absent as records outside a scope)."""
    allowed: Iterable[str] = {r.value for r in roles}

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            user = current_principal()
            if user is None:
                back = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("web.accounts.login", next=back))
            if allowed and user.role not in allowed:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def init_app(app: Flask) -> None:
    app.config.setdefault("WEB_SESSION_HOURS", DEFAULT_SESSION_HOURS)
    login_manager.request_loader(load_user_from_session)
