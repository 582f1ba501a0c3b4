"""Security headers on every response: a CSP without inline scripts, no framing, no sniffing;
HSTS and `Secure` cookies on every request that came over https (behind a reverse proxy, as
its X-Forwarded-Proto says when MITRA_TRUSTED_PROXIES trusts it).

Pages load scripts, styles and images only from Mitra itself; nothing comes from the
internet. Charts are inline SVG (markup, not script), which `img-src`/`default-src` allow.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The API's reference page is one self-contained document with its own <style> element;
# it still may run no script at all.
CSP_SELF_CONTAINED = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SELF_CONTAINED_PATHS = ("/api/docs",)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    inline_styles = request.path.startswith(SELF_CONTAINED_PATHS)
    headers.setdefault("Content-Security-Policy", CSP_SELF_CONTAINED if inline_styles else CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        # Pages show one person's data: never kept by a shared cache or the back button.
        headers.setdefault("Cache-Control", "no-store")
    return response


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` when the configuration says so (production), and on any
    request that came over https: a cookie set over TLS never travels in clear text."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app)) or request.is_secure


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.session_interface = SchemeAwareSessionInterface()
