"""A stored file handed out as a download: never shown inline, never sniffed, never run.

Attachments come from other people. Served as `attachment`, with the type Mitra sniffed,
`nosniff` and a sandboxing CSP, a file that slipped through as something else still cannot
run script on Mitra's origin.
"""

from __future__ import annotations

import io

from flask import Response, send_file

SANDBOX = "sandbox; default-src 'none'"


def send(data: bytes, media_type: str, filename: str, etag: str) -> Response:
    """`data` to save as `filename` (RFC 6266: an ASCII `filename` and a UTF-8 `filename*`)."""
    response = send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=True,
        download_name=filename,
        etag=etag,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    # The bytes under a hash never change, but who may read them can: ask each time.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
