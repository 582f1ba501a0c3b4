"""Creating and listing user accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from mitra.extensions import db
from mitra.models import Centre, Partner, Role, User
from mitra.security.passwords import MIN_LENGTH, hash_password
from mitra.services import audit


class AccountError(ValueError):
    """The account cannot be created as asked; the message says why."""


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    centre_code: str | None = None,
    partner_name: str | None = None,
    language: str = "id",
    zone: str | None = None,
    actor: str = "system:cli",
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in set(Role):
        raise AccountError(f"role must be one of {', '.join(Role)}, not {role!r}")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password needs at least {MIN_LENGTH} characters")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"a user with e-mail {email} exists already")
    centre = partner = None
    if role == Role.CENTRE_MANAGER:
        if not centre_code or partner_name:
            raise AccountError("a centre manager needs --centre CODE and no --partner")
        centre = db.session.scalar(select(Centre).where(Centre.code == centre_code))
        if centre is None:
            raise AccountError(f"no centre has code {centre_code!r} (see `mitra centres list`)")
    elif role == Role.PARTNER_USER:
        if not partner_name or centre_code:
            raise AccountError("a partner user needs --partner NAME and no --centre")
        partner = db.session.scalar(select(Partner).where(Partner.name == partner_name))
        if partner is None:
            raise AccountError(f"no partner is named {partner_name!r}")
    elif centre_code or partner_name:
        raise AccountError("a ministry admin is bound to no centre and no partner")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        centre=centre,
        partner=partner,
        language=language,
        zone=zone or (centre.zone if centre else "Asia/Jakarta"),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        db.session(),
        actor=actor,
        action="user.created",
        subject_type="user",
        subject_id=user.id,
        after={"email": email, "role": role},
    )
    db.session.commit()
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))
