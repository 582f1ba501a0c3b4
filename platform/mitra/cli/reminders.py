"""`mitra reminders ...`: the e-mails whose outcome nobody knows, and an operator's verdict."""

from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext

from events.types import utcnow
from mitra.extensions import db
from mitra.services import reminders
from mitra.services.unit_of_work import UnitOfWork


@click.group("reminders")
def reminders_group() -> None:
    """Look after the e-mail ledger (reminders, notification e-mails, digests)."""


@reminders_group.command("unknown")
@with_appcontext
def unknown_command() -> None:
    """List e-mails whose delivery is ambiguous (the connection broke after the message was
    sent, or a sender died mid-way). Nothing resends them; decide with `resolve`."""
    rows = reminders.ambiguous(db.session())
    if not rows:
        click.echo("no e-mail with an unknown outcome")
        return
    click.echo("id\tkind\trecipient\tsubject\tdue_on\tattempts\tsince\terror")
    for reminder, user in rows:
        click.echo(
            "\t".join(
                str(v)
                for v in (
                    reminder.id,
                    reminder.kind,
                    user.email,
                    f"{reminder.subject_type}/{reminder.subject_id}",
                    reminder.due_on.isoformat(),
                    reminder.attempts,
                    reminder.updated_at.isoformat(timespec="seconds"),
                    reminder.last_error or "",
                )
            )
        )


@reminders_group.command("resolve")
@click.argument("ident", metavar="ID", type=int)
@click.option(
    "--as",
    "outcome",
    required=True,
    type=click.Choice(sorted(reminders.RESOLUTIONS)),
    help="sent: it did arrive; resend: send it again (same Message-ID); cancel: let it go.",
)
@with_appcontext
def resolve_command(ident: int, outcome: str) -> None:
    """Record an operator's verdict on an unknown (or abandoned failed) e-mail; audited."""
    try:
        with UnitOfWork():
            reminder = reminders.resolve(
                db.session(), ident, outcome, actor=f"system:operator-cli:{getpass.getuser()}", now=utcnow()
            )
    except (LookupError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"reminder {reminder.id}: {reminder.status}")
