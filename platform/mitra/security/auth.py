"""Who is acting: a person (web session or API bearer token) or the system (a worker, a job).

Services take the acting principal as a parameter; `current_principal()` finds it for a
request, and `current_actor()` names it the way the audit trail does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from flask import Flask, g, has_request_context
from flask_login import LoginManager, current_user

from mitra.extensions import db
from mitra.models import User

SYSTEM_ROLE = "system"
ANONYMOUS = "anonymous"

login_manager = LoginManager()


@dataclass(frozen=True)
class SystemActor:
    """A worker or scheduled job, named in the audit trail as `system:<job>`."""

    job: str
    role: ClassVar[str] = SYSTEM_ROLE
    id: ClassVar[None] = None
    centre_id: ClassVar[None] = None
    partner_id: ClassVar[None] = None

    @property
    def actor(self) -> str:
        return f"system:{self.job}"


Principal = User | SystemActor


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's session loader: an inactive account is logged out on its next request."""
    try:
        ident = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.get(User, ident)
    return user if user is not None and user.is_active else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def current_principal() -> User | None:
    """The user of this request: the API's bearer token first, else the web session."""
    if not has_request_context():
        return None
    user = g.get("api_user")
    if user is not None:
        return user
    session_user = current_user._get_current_object()  # noqa: SLF001 - unwrap the proxy
    return session_user if isinstance(session_user, User) else None


def current_actor() -> str:
    """How the audit trail names whoever makes this request."""
    principal = current_principal()
    return principal.actor if principal is not None else ANONYMOUS
