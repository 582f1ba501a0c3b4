"""Mitra: the partner-collaboration platform of Indonesia's PLUT-KUMKM centres."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException

from mitra import config as config_module
from mitra import links
from mitra.extensions import db, migrate
from mitra.sqlite import tune_sqlite


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `config` (tests) overrides what the environment says."""
    settings = config_module.from_environment()
    settings.update(config or {})
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind MITRA_TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host
    from their X-Forwarded-* headers; with none (the default) those headers are ignored, as
    any client could send them."""
    hops = int(app.config.get("MITRA_TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to wrap the WSGI app; typeshed sees only a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def register_extensions(app: Flask) -> None:
    from mitra import models  # noqa: F401  (registers the tables before Alembic looks)

    links.init_app(app)  # first: a request for another host is refused before anything runs

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(config_module.REPO_ROOT / "migrations"),
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )
    from mitra.services import unit_of_work

    unit_of_work.init_app(app)
    from mitra.security import auth

    auth.init_app(app)
    from mitra import i18n
    from mitra.security import headers

    i18n.init_app(app)
    headers.init_app(app)
    from mitra import storage

    storage.init_app(app)


def register_blueprints(app: Flask) -> None:
    from mitra.health import bp as health_bp

    app.register_blueprint(health_bp)
    from mitra.api import init_api

    init_api(app)
    from mitra.web import init_web

    init_web(app)


def register_errorhandlers(app: Flask) -> None:
    """A 404 or 405 for an address no blueprint serves: JSON under /api/, a page elsewhere.
    Decided here, where both layers are known, so that web and api never import each other."""
    from flask import request

    from mitra.api.errors import API_PREFIX, handle_http_exception
    from mitra.web.errors import handle_http

    def unrouted(exc: HTTPException):
        if request.path.startswith(API_PREFIX):
            return handle_http_exception(exc)
        return handle_http(exc)

    for code in (404, 405):
        app.register_error_handler(code, unrouted)


def register_commands(app: Flask) -> None:
    from mitra.cli import register

    register(app)
