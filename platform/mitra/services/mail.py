"""Outgoing e-mail: compose (plain text and HTML from Jinja templates) and hand to a transport.

Configured with Flask-Mail's settings (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER). With no MAIL_SERVER (the embedded
default) each message is written as an .eml file in `<instance>/mail/` and logged.

The SMTP transport is our own, on smtplib, rather than Flask-Mail's `Connection`, for two
reasons: every socket operation needs a timeout (Flask-Mail opens `smtplib.SMTP` without
one), and the ledger must tell "refused before the server took it" (safe to retry) from
"the connection broke after the message was sent" (ambiguous: never resent silently),
which `sendmail` folds into one call. So the dialogue runs phase by phase:
MAIL FROM, RCPT TO, DATA; a failure before the server's 354 is a `SendFailed`, a failure
once the message is on the wire and before the final reply is a `SendAmbiguous`.
"""

from __future__ import annotations

import email.policy
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, render_template

from events.types import utcnow
from mitra.text import flattened

log = logging.getLogger("mitra.mail")

DEFAULT_TIMEOUT_SECONDS = 30.0
# CRLF line ends, and non-ASCII bodies as quoted-printable or base64: no server needs 8BITMIME.
MESSAGE_POLICY = email.policy.SMTP.clone(cte_type="7bit")


class SendFailed(Exception):
    """The server did not take the message (or could not be reached): nothing was delivered.
    `permanent` when it said so with a 5xx reply; retrying then would not help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SendAmbiguous(Exception):
    """The message went out but the server's verdict never came back: it may have been
    delivered. Resending could deliver it twice, so a person decides."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS


class SmtpTransport:
    """One SMTP connection, opened on first use and reused until an error or `close()`."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.unreachable: SendFailed | None = None  # once the server cannot be reached, stop trying

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            smtp: smtplib.SMTP
            if s.use_ssl:
                smtp = smtplib.SMTP_SSL(
                    s.server, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.use_tls and not s.use_ssl:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(
                f"cannot open an SMTP session with {s.server}:{s.port}: {_say(exc)}",
                permanent=isinstance(exc, smtplib.SMTPAuthenticationError),
            ) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.unreachable is not None:  # one timeout per batch, not one per message
            raise SendFailed(str(self.unreachable), self.unreachable.permanent)
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except SendFailed as exc:
                self.unreachable = exc
                raise
        try:
            _transmit(self.smtp, message)
        except SendFailed as exc:
            # Refused by a reply: the session is still usable after RSET; otherwise drop it.
            if not _reset(self.smtp):
                self._drop()
            raise exc
        except SendAmbiguous:
            self._drop()
            raise

    def _drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            finally:
                self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


def _transmit(smtp: smtplib.SMTP, message: EmailMessage) -> None:
    sender = parseaddr(str(message["From"]))[1]
    recipients = [address for _name, address in getaddresses(message.get_all("To", []))]
    payload = message.as_bytes(policy=MESSAGE_POLICY)
    try:
        _expect(smtp.mail(sender), (250,), "MAIL FROM")
        for recipient in recipients:
            _expect(smtp.rcpt(recipient), (250, 251), f"RCPT TO {recipient}")
        smtp.putcmd("data")
        _expect(smtp.getreply(), (354,), "DATA")
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise SendFailed(f"the connection failed before the message was sent: {_say(exc)}") from exc
    # From here on the server may hold the message: only its final reply tells.
    try:
        body = re.sub(rb"(?m)^\.", b"..", payload)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        smtp.send(body + b".\r\n")
        reply = smtp.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise SendAmbiguous(f"the connection broke after the message was sent: {_say(exc)}") from exc
    _expect(reply, (250,), "end of DATA")


def _expect(reply: tuple[int, bytes], accepted: tuple[int, ...], step: str) -> None:
    code, text = reply
    if code not in accepted:
        said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        raise SendFailed(f"{step}: the server answered {code} {said}", permanent=500 <= code < 600)


def _reset(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.rset()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _say(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class FileTransport:
    """The embedded default: each message becomes an .eml file, named so they sort by time."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        ident = re.sub(r"[^A-Za-z0-9.-]", "", str(message["Message-ID"]).split("@")[0])[:40]
        path = self.folder / f"{stamp}-{ident}.eml"
        partial = path.with_suffix(".eml.partial")
        partial.write_bytes(bytes(message))
        os.replace(partial, path)  # a reader never sees half a message
        log.info(
            "mail to %s, %r: written to %s (no MAIL_SERVER configured)",
            message["To"],
            str(message["Subject"]),
            path,
        )

    def close(self) -> None:
        pass


def transport_from(config: Mapping[str, Any]) -> Transport:
    """SMTP when MAIL_SERVER is set, else .eml files in the instance folder."""
    if not config.get("MAIL_SERVER"):
        return FileTransport(Path(config["INSTANCE_PATH"]) / "mail")
    timeout = config.get("MAIL_TIMEOUT_SECONDS")
    return SmtpTransport(
        SmtpSettings(
            server=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT") or 25),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            timeout=float(timeout or DEFAULT_TIMEOUT_SECONDS),
        )
    )


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """`mail/<language>/<template>.txt` and `.html`, rendered with the same context."""
    base = f"mail/{language}/{template}"
    return (
        render_template(f"{base}.txt", language=language, **context),
        render_template(f"{base}.html", language=language, **context),
    )


def compose(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    message_id: str | None = None,
    language: str = "id",
    when: datetime | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A message from MAIL_DEFAULT_SENDER: plain text, with HTML as its alternative.

    Subjects and names carry what people typed (a title, a name). The forms and the API
    refuse a line break in those, but a header is where one would do harm (a header of
    the sender's choosing, or a message that cannot be built), so every header value is
    made one line here too: each run of control characters becomes a space.

    A stable `message_id` (one per reminder) lets mail clients recognise a copy an operator
    chose to send again."""
    config = current_app.config
    sender = config.get("MAIL_DEFAULT_SENDER") or "Mitra <mitra@localhost>"
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = flattened(sender)
    message["To"] = flattened(to)
    message["Subject"] = flattened(subject)
    message["Date"] = format_datetime(when or utcnow())
    message["Message-ID"] = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    for name, value in (headers or {}).items():
        message[name] = flattened(value)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    message["Content-Language"] = language  # after the parts: making them moves Content-* headers
    return message


def send(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one message now through the configured transport (e.g. a password-reset link).

    Raises SendFailed or SendAmbiguous; the caller decides what a person is told."""
    transport = transport_from(current_app.config)
    try:
        transport.send(compose(to, subject, text, html))
    finally:
        transport.close()
