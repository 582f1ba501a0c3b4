"""The e-mail that tells an account's owner and the ministry admins that failed sign-ins to
the account passed its ceiling: sent at once, like a password-reset link, once per window."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from mitra.extensions import db
from mitra.models import Role, User
from mitra.services import mail

log = logging.getLogger("mitra.login_alerts")


def recipients(account: User) -> list[User]:
    """The account's owner (while active) and every active ministry admin, each once."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.is_active.is_(True), or_(User.id == account.id, User.role == Role.MINISTRY_ADMIN))
            .order_by(User.id)
        )
    )


def ceiling_reached(account: User, failures: int, addresses: int, window: timedelta) -> None:
    """One message to each recipient, in their language; the caller has committed (no
    transaction stays open while SMTP talks). A failed send is logged, never raised: the
    sign-in's answer must not depend on it."""
    minutes = int(window.total_seconds() // 60)
    for recipient in recipients(account):
        owner = recipient.id == account.id
        with force_locale(recipient.language):
            subject = (
                _("Mitra: many failed sign-ins to your account")
                if owner
                else _("Mitra: many failed sign-ins to the account %(email)s", email=account.email)
            )
            text = render_template(
                "web/email/failed_sign_ins.txt",
                recipient=recipient,
                account=account,
                owner=owner,
                failures=failures,
                addresses=addresses,
                minutes=minutes,
            )
        try:
            mail.send(recipient.email, subject, text)
        except (mail.SendFailed, mail.SendAmbiguous):
            log.exception(
                "the failed sign-ins alert about user %s to user %s could not be sent",
                account.id,
                recipient.id,
            )
