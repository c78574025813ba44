"""A staff member's own account: password change, the second factor and recovery codes; the security code step
of signing in; reset links an admin sends, and the page they open."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from alerts.credentials import second_factor
from alerts.credentials.passwords import WeakPassword
from alerts.data import outbox, staff_accounts
from alerts.data import staff as staff_data
from alerts.data.audit import record_audit_event
from alerts.extensions import db
from alerts.links import external_url
from alerts.models import Channel, MessageKind, Role, StaffUser
from alerts.notify.rendering import render_staff_invitation_email, render_staff_password_reset_email
from alerts.profile import council, message_from
from alerts.staff import staff
from alerts.staff.access import (
    any_staff,
    audit,
    forget_sign_in_failures,
    role_required,
    take_sign_in_turn,
    try_again_message,
)
from alerts.staff.account_forms import (
    ChangePasswordForm,
    ResetPasswordForm,
    SecurityCodeForm,
    SetUpSecondFactorForm,
)
from alerts.staff.auth import PENDING_SIGN_IN, complete_sign_in, throttled
from alerts.staff.forms import ConfirmForm

# Session key for the secret being set up: sealed, so even the signed (readable) cookie does not show it.
SECRET_BEING_SET_UP = "second_factor_set_up"  # noqa: S105 — a session key
PENDING_SIGN_IN_SECONDS = 10 * 60
CODE_PURPOSE = "security-code"
PASSWORD_CHANGE_PURPOSE = "password-change"  # noqa: S105 — a throttle key prefix, not a password
WRONG_CODE = "The code is not right. Enter the code your authenticator app shows now, or an unused recovery code"


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def _me() -> StaffUser:
    user = staff_data.get_staff_user(current_user.id)
    if user is None:
        abort(404)
    return user


@staff.get("/account")
@any_staff
def account() -> str:
    user = _me()
    return render_template("staff/account.html", user=user, confirm_form=ConfirmForm(),
                           recovery_codes_left=staff_accounts.count_unused_recovery_codes(user))


@staff.route("/account/password", methods=["GET", "POST"])
@any_staff
def change_password() -> Response | str | tuple[str, int]:
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        turn = take_sign_in_turn(PASSWORD_CHANGE_PURPOSE, user.email)
        if not turn.allowed:
            audit("staff.password_change_throttled", "staff_user", user.id)
            db.session.commit()
            summary = [{"text": try_again_message(turn.retry_in_seconds, "change your password"),
                        "href": "#current_password"}]
            return throttled(render_template("staff/change_password.html", form=form, error_summary=summary), turn)
        try:
            staff_accounts.change_password(user, form.current_password.data or "", form.new_password.data or "")
        except staff_accounts.WrongPassword:
            form.current_password.errors.append("Your current password is not right")
            audit("staff.password_change_failed", "staff_user", user.id)
            db.session.commit()
        except WeakPassword as error:
            form.new_password.errors.append(str(error))
        else:
            forget_sign_in_failures(PASSWORD_CHANGE_PURPOSE, user.email)
            audit("staff.password_changed", "staff_user", user.id)
            db.session.commit()
            # The version went up, which ends every session; this one carries on with the new version.
            login_user(user)
            flash("Your password has been changed. You have been signed out on every other device.", "success")
            return redirect(url_for("staff.account"))
    return render_template("staff/change_password.html", form=form), 400 if form.errors else 200


@staff.route("/account/second-factor", methods=["GET", "POST"])
@any_staff
def set_up_second_factor() -> Response | str | tuple[str, int]:
    user = _me()
    if user.has_second_factor:
        return redirect(url_for("staff.account"))
    sealed = session.get(SECRET_BEING_SET_UP)
    try:
        secret = second_factor.unseal(sealed, _secret_key()) if sealed else None
    except second_factor.SecretUnreadable:
        secret = None
    if secret is None or not sealed:
        secret = second_factor.new_secret()
        sealed = second_factor.seal(secret, _secret_key())
        session[SECRET_BEING_SET_UP] = sealed
    form = SetUpSecondFactorForm()
    if form.validate_on_submit():
        codes = staff_accounts.confirm_second_factor(user, sealed, form.code.data or "", _secret_key())
        if codes is None:
            form.code.errors.append("The code is not right. Enter the code your authenticator app shows now")
        else:
            session.pop(SECRET_BEING_SET_UP, None)
            audit("staff.second_factor_set_up", "staff_user", user.id)
            db.session.commit()
            return render_template("staff/recovery_codes.html", codes=codes, first_time=True)
    uri = second_factor.provisioning_uri(secret, user.email, issuer=f"{council().name} disruption alerts")
    qr_code = Markup(second_factor.qr_code_svg(uri))  # noqa: S704 — segno's own SVG
    return render_template("staff/set_up_second_factor.html", form=form, qr_code=qr_code,
                           secret=second_factor.grouped(secret), mfa_required=current_app.config.get("MFA_REQUIRED")), \
        400 if form.errors else 200


@staff.post("/account/recovery-codes")
@any_staff
def new_recovery_codes() -> Response | str:
    user = _me()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.has_second_factor:
        return redirect(url_for("staff.set_up_second_factor"))
    codes = staff_accounts.replace_recovery_codes(user)
    audit("staff.recovery_codes_replaced", "staff_user", user.id)
    db.session.commit()
    return render_template("staff/recovery_codes.html", codes=codes, first_time=False)


def _pending_user() -> StaffUser | None:
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SIGN_IN_SECONDS:
        return None
    user = staff_data.load_user_from_session(str(pending.get("user", "")))
    return user if user is not None and user.has_second_factor else None


@staff.route("/sign-in/security-code", methods=["GET", "POST"])
def sign_in_code() -> Response | str | tuple[str, int]:
    user = _pending_user()
    if user is None:
        session.pop(PENDING_SIGN_IN, None)
        return redirect(url_for("staff.sign_in"))
    form = SecurityCodeForm()
    if form.validate_on_submit():
        turn = take_sign_in_turn(CODE_PURPOSE, user.email)
        if not turn.allowed:
            record_audit_event(actor=user.email, action="staff.security_code_throttled", staff_user_id=user.id,
                               ip_address=request.remote_addr)
            db.session.commit()
            summary = [{"text": try_again_message(turn.retry_in_seconds), "href": "#code"}]
            return throttled(render_template("staff/security_code.html", form=form, error_summary=summary), turn)
        code = form.code.data or ""
        used_recovery_code = second_factor.looks_like_recovery_code(code)
        accepted = (staff_accounts.use_recovery_code(user, code) if used_recovery_code
                    else staff_accounts.accept_totp_code(user, code, _secret_key()))
        if accepted:
            forget_sign_in_failures(CODE_PURPOSE, user.email)
            target = session[PENDING_SIGN_IN].get("next") or url_for("staff.dashboard")
            if used_recovery_code:
                record_audit_event(actor=user.email, action="staff.recovery_code_used", staff_user_id=user.id,
                                   ip_address=request.remote_addr)
                left = staff_accounts.count_unused_recovery_codes(user)
                response = complete_sign_in(user, target)
                flash(f"You used a recovery code. It will not work again. You have {left} left: get new ones from "
                      "Your account if you are running out.", "success")
                return response
            return complete_sign_in(user, target)
        record_audit_event(actor=user.email, action="staff.security_code_failed", staff_user_id=user.id,
                           ip_address=request.remote_addr)
        db.session.commit()
        form.code.errors.append(WRONG_CODE)
    return render_template("staff/security_code.html", form=form), 400 if form.errors else 200


@staff.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    user = staff_accounts.user_for_reset_token(token)
    if user is None:
        return render_template("staff/reset_link_not_valid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            changed = staff_accounts.use_password_reset(token, form.new_password.data or "")
        except WeakPassword as error:
            form.new_password.errors.append(str(error))
        else:
            if changed is None:
                return render_template("staff/reset_link_not_valid.html"), 404
            record_audit_event(actor=changed.email, action="staff.password_reset", staff_user_id=changed.id,
                               ip_address=request.remote_addr)
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("staff.sign_in"))
    return render_template("staff/reset_password.html", form=form, user=user), 400 if form.errors else 200


@staff.after_request
def _reset_links_stay_private(response: Response) -> Response:
    # The reset link's token is in the path: never let it leave in a Referer header.
    if request.endpoint == "staff.reset_password":
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


# What an admin does for someone else's account --------------------------------------------------------------

def _user_or_404(user_id: int) -> StaffUser:
    found = staff_data.get_staff_user(user_id)
    if found is None:
        abort(404)
    return found


def email_password_link(user: StaffUser, *, new_account: bool = False) -> None:
    """Queue a one-time link to choose a password: a reset an admin asked for, or a new account's first password.
    The email is hidden in the outbox, so the admin can't use the link. Not sent here: the dispatcher sends
    top-priority messages within a second of the commit."""
    token = staff_accounts.create_password_reset(user, requested_by=current_user.email)
    render = render_staff_invitation_email if new_account else render_staff_password_reset_email
    email = render(external_url(url_for("staff.reset_password", token=token)), staff_accounts.RESET_LINK_HOURS,
                   message_from())
    outbox.queue_direct_message(kind=MessageKind.STAFF_PASSWORD_RESET, channel=Channel.EMAIL,
                                recipient=user.email, subject=email.subject, body=email.body)
    audit("staff_user.password_reset_sent", "staff_user", user.id)


@staff.post("/users/<int:user_id>/send-password-reset")
@role_required(Role.ADMIN)
def send_password_reset(user_id: int) -> Response:
    found = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if found.is_disabled:
        flash("Enable the account before sending a password reset link")
        return redirect(url_for("staff.user", user_id=found.id))
    email_password_link(found)
    db.session.commit()
    flash(f"We have emailed {found.email} a link to choose a new password. It works once, for "
          f"{staff_accounts.RESET_LINK_HOURS} hours.", "success")
    return redirect(url_for("staff.user", user_id=found.id))


@staff.post("/users/<int:user_id>/remove-second-factor")
@role_required(Role.ADMIN)
def remove_second_factor(user_id: int) -> Response:
    found = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_accounts.remove_second_factor(found)
    audit("staff_user.second_factor_removed", "staff_user", found.id)
    db.session.commit()
    flash(f"{found.email} has been signed out and will set up a new second factor when they next sign in.",
          "success")
    return redirect(url_for("staff.user", user_id=found.id))
