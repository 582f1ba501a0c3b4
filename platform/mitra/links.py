"""Absolute links, built from MITRA_BASE_URL and never from the request.

A request's `Host` header is whatever the client typed: a link made from it (Flask's
external `url_for`, the request's host URL) lets anyone who asks for a password
reset with `Host: evil.example` mail a victim a link to their own server. So every link
that leaves the site (e-mails, notifications, exports) starts with the configured base URL,
and requests naming any other host are refused with 400 (Flask's TRUSTED_HOSTS).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import SecurityError

from mitra.config import check_base_url

# Names a developer's browser and the test client use; trusted outside production only.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def base_url() -> str:
    """MITRA_BASE_URL without its trailing slash, e.g. https://mitra.example.go.id."""
    return current_app.config["MITRA_BASE_URL"].rstrip("/")


def absolute(path: str) -> str:
    """`path` (starting with /) on this site, as an absolute URL."""
    return base_url() + "/" + path.lstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    """Like an external `url_for(endpoint, **values)`, with scheme, host and path prefix
    from MITRA_BASE_URL. Works without a request too (workers, scheduled jobs)."""
    app = current_app
    parts = urlsplit(base_url())
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    return url + ("#" + quote(anchor, safe="%!#$&'()*+,/:;=?@") if anchor else "")


def trusted_hosts(config: dict[str, Any]) -> list[str]:
    """The host names requests may carry: MITRA_BASE_URL's, MITRA_TRUSTED_HOSTS, and the
    loopback names outside production."""
    hosts = [urlsplit(config["MITRA_BASE_URL"]).hostname]
    hosts += config.get("MITRA_TRUSTED_HOSTS") or []
    if config.get("MITRA_ENV") != "production":
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(h.lower() for h in hosts if h))


def _refuse_untrusted_host() -> Response | None:
    # Flask records the SecurityError and would raise it only after every before_request
    # hook (authentication included) has run; answer at once, without rendering a page
    # (which would need URLs, and there is no URL adapter for such a request).
    if isinstance(request.routing_exception, SecurityError):
        return Response("400 Bad Request: unknown host\n", status=400, mimetype="text/plain")
    return None


def init_app(app: Flask) -> None:
    app.config["MITRA_BASE_URL"] = check_base_url(app.config["MITRA_BASE_URL"])
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.before_request(_refuse_untrusted_host)
