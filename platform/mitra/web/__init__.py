"""The web pages: server-rendered, in Bahasa Indonesia or English, working without JavaScript.

Views are thin: they read a form, call the same services as the API, and render.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_wtf.csrf import CSRFProtect

from mitra.web import (
    accounts,
    activities,
    agreements,
    attachments,
    attendance,
    centre,
    collaborations,
    errors,
    home,
    inbox,
    ministry,
    notifications,
    outcomes,
    registry,
    session,
    umkm,
)
from mitra.web.navigation import template_context
from mitra.web.paging import page_url
from mitra.web.tables import render_cell

csrf = CSRFProtect()

PAGES = [
    accounts.bp,
    home.bp,
    inbox.bp,
    collaborations.bp,
    activities.bp,
    outcomes.bp,
    umkm.bp,
    centre.bp,
    registry.bp,
    agreements.bp,
    ministry.bp,
    notifications.bp,
    attachments.bp,
    attendance.bp,
]
API_PREFIX = "/api/"


def protect_forms() -> None:
    """CSRF on every state-changing request except the API's, which a cookie never
    authenticates (it takes only a bearer token), so no other site can forge one."""
    if not request.path.startswith(API_PREFIX):
        csrf.protect()


def init_web(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # `protect_forms` decides
    csrf.init_app(app)
    app.before_request(protect_forms)
    session.init_app(app)
    # One parent, so that endpoints read "web.<page>.<view>" (apart from the API's own names)
    # and the pages' error handlers cover every page; made per app, as tests make many.
    web = Blueprint("web", __name__)
    for blueprint in PAGES:
        web.register_blueprint(blueprint)
    errors.register(app, web)
    app.register_blueprint(web)
    app.context_processor(template_context)
    app.jinja_env.globals["render_cell"] = render_cell
    app.jinja_env.globals["page_url"] = page_url
