"""Signing in and out, passwords (change, reset by e-mailed link) and the profile."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from mitra.links import absolute_url
from mitra.security.auth import current_principal
from mitra.services import accounts, mail, unit_of_work
from mitra.services.errors import InvalidInput, TooManyRequests, Unauthenticated
from mitra.web import feedback, session
from mitra.web.forms.accounts import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetForm,
    ResetRequestForm,
)
from mitra.web.redirects import safe_next
from mitra.web.session import login_required, viewer

bp = Blueprint("accounts", __name__)
log = logging.getLogger("mitra.web.accounts")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_principal() is not None:
        return redirect(url_for("web.home.index"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                session.sign_in(form.email.data, form.password.data)
        except Unauthenticated:
            flash(_("The e-mail address or the password is wrong, or the account is not active."), "error")
            status = 401
        except TooManyRequests as exc:
            flash(feedback.general_message(exc), "error")
            status, headers = 429, exc.headers
        else:
            return redirect(safe_next(request.args.get("next")) or url_for("web.home.index"))
    elif request.method == "POST":
        status = 400
    return render_template("web/accounts/login.html", form=form), status, headers


@bp.post("/logout")
def logout():
    session.sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required()
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                accounts.change_password(
                    viewer(),
                    form.current_password.data,
                    form.new_password.data,
                    keep_token=session.current_session_token(),
                )
        except InvalidInput as exc:
            feedback.attach(form, exc)
        else:
            flash(_("Your password has been changed. Your other sessions have been signed out."), "info")
            return redirect(url_for("web.accounts.profile"))
    return render_template("web/accounts/password.html", form=form)


def _send_reset_link(user, token: str) -> None:
    link = absolute_url("web.accounts.reset_password", token=token)
    with force_locale(user.language):
        subject = _("Mitra: set a new password")
        text = render_template("web/email/reset_password.txt", user=user, link=link)
    try:
        mail.send(user.email, subject, text)
    except (mail.SendFailed, mail.SendAmbiguous):
        # The page says the same either way (no account enumeration); the operator sees this.
        log.exception("the password-reset e-mail to user %s could not be sent", user.id)


@bp.route("/account/reset", methods=["GET", "POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                accounts.request_reset(
                    form.email.data, notify=_send_reset_link, address=request.remote_addr or "unknown"
                )
        except TooManyRequests as exc:
            minutes = max(1, round(exc.retry_after / 60))
            flash(
                _("Too many requests from your network. Try again in %(minutes)d minutes.", minutes=minutes),
                "error",
            )
            return render_template("web/accounts/reset_request.html", form=form), 429, exc.headers
        flash(
            _(
                "If an account uses this address, we have sent it a link to set a new password. "
                "The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("web.accounts.login"))
    return render_template("web/accounts/reset_request.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        accounts.user_for_reset(token)
    except accounts.ResetLinkInvalid:
        return render_template("web/accounts/reset_invalid.html"), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            with unit_of_work.step():
                accounts.reset_password(token, form.new_password.data)
        except accounts.ResetLinkInvalid:
            return render_template("web/accounts/reset_invalid.html"), 400
        except InvalidInput as exc:
            feedback.attach(form, exc)
        else:
            session.sign_out()
            flash(_("Your new password is set. Sign in with it."), "info")
            return redirect(url_for("web.accounts.login"))
    return render_template("web/accounts/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required()
def profile():
    user = viewer()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in accounts.PROFILE_FIELDS}
        try:
            with unit_of_work.step():
                accounts.update_profile(user, changes)
        except InvalidInput as exc:
            feedback.attach(form, exc)
        else:
            with force_locale(user.language):
                flash(_("Your profile has been saved."), "info")
            return redirect(url_for("web.accounts.profile"))
    return render_template("web/accounts/profile.html", form=form, user=user)
