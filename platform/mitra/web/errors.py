"""Error pages in the viewer's language, for the pages; the API keeps its JSON errors."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from mitra.services.errors import NotFound, ServiceError
from mitra.web import feedback

log = logging.getLogger("mitra.web")


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        401: _("Please sign in"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not allowed"),
        409: _("Not possible now"),
        413: _("Too large"),
        422: _("Please check the input"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _(
            "The form may have expired or was sent from elsewhere. Go back, reload the page and try again."
        ),
        404: _("This page does not exist, or it is not visible to your account."),
        405: _("This address cannot be used this way."),
        413: _("What was sent is larger than Mitra accepts."),
        500: _("The error has been logged. Please try again later."),
    }


def page(status: int, message: str | None = None):
    title = _titles().get(status, _("Something went wrong"))
    explanation = message or _explanations().get(status, "")
    return render_template("web/error.html", status=status, title=title, explanation=explanation), status


def handle_http(exc: HTTPException):
    return page(exc.code or 500)


# The request's unit of work has rolled back before any of these handlers runs.


def handle_service_error(exc: ServiceError):
    if isinstance(exc, NotFound):
        return page(404)
    return page(exc.status, feedback.general_message(exc))


def handle_stale(_exc: StaleDataError):
    return page(409, _("Someone else changed this meanwhile. Reload the page and try again."))


def handle_unexpected(exc: Exception):
    log.exception("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return page(500)


def register(app: Flask, pages: Blueprint) -> None:
    """Handlers on the pages' blueprint win over the app's (the API's JSON ones); addresses
    no blueprint serves are the app factory's to share out (`mitra.register_errorhandlers`)."""
    pages.register_error_handler(HTTPException, handle_http)
    pages.register_error_handler(ServiceError, handle_service_error)
    pages.register_error_handler(StaleDataError, handle_stale)
    if not (app.debug or app.testing):  # tests and debugging want the traceback
        pages.register_error_handler(Exception, handle_unexpected)
