"""`/`: each person's starting page, by role."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

from mitra.models import Role
from mitra.web.session import login_required, viewer

bp = Blueprint("home", __name__)

START = {
    Role.PARTNER_USER: "web.inbox.inbox",
    Role.CENTRE_MANAGER: "web.centre.dashboard",
    Role.MINISTRY_ADMIN: "web.ministry.dashboard",
}


@bp.get("/")
@login_required()
def index():
    return redirect(url_for(START[viewer().role]))
