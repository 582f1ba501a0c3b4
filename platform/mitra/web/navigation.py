"""What every page's header shows: who is signed in, their menu and unread notifications."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from mitra.models import Role
from mitra.security.auth import current_principal
from mitra.services import notifications
from mitra.web import labels


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    text: object

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def current(self) -> bool:
        return request.endpoint == self.endpoint


MENUS: dict[str, tuple[NavItem, ...]] = {  # by role (a Role is its str value)
    Role.PARTNER_USER: (
        NavItem("web.inbox.inbox", _l("Proposals")),
        NavItem("web.activities.upcoming", _l("Upcoming activities")),
        NavItem("web.agreements.index", _l("Agreements")),
        NavItem("web.umkm.index", _l("Businesses")),
    ),
    Role.CENTRE_MANAGER: (
        NavItem("web.centre.dashboard", _l("Dashboard")),
        NavItem("web.collaborations.index", _l("Collaborations")),
        NavItem("web.collaborations.new", _l("Propose")),
        NavItem("web.registry.partner_list", _l("Partners")),
        NavItem("web.agreements.index", _l("Agreements")),
        NavItem("web.umkm.index", _l("Businesses")),
    ),
    Role.MINISTRY_ADMIN: (
        NavItem("web.ministry.dashboard", _l("National dashboard")),
        NavItem("web.collaborations.index", _l("Collaborations")),
        NavItem("web.registry.centre_list", _l("Centres")),
        NavItem("web.registry.partner_list", _l("Partners")),
        NavItem("web.agreements.index", _l("Agreements")),
        NavItem("web.umkm.index", _l("Businesses")),
    ),
}


def template_context() -> dict:
    user = current_principal()  # also on pages for nobody signed in (login, errors)
    return {
        "viewer": user,
        "menu": MENUS.get(user.role, ()) if user is not None else (),
        "unread_notifications": notifications.unread_count(user) if user is not None else 0,
        "labels": labels,
    }
