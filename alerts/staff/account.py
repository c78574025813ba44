"""A staff member's own account: password change, the second factor and recovery codes; the security code step
of signing in; reset links an admin sends, and the page they open."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from alerts import links
from alerts.credentials import second_factor
from alerts.credentials.passwords import WeakPassword
from alerts.data import staff as staff_data
from alerts.data import staff_accounts
from alerts.models import Role, StaffUser
from alerts.profile import council
from alerts.services import staff_admin, staff_sign_in
from alerts.services.actors import Actor
from alerts.staff import staff
from alerts.staff.access import acting, any_staff, role_required, try_again_message
from alerts.staff.account_forms import (
    ChangePasswordForm,
    ResetPasswordForm,
    SecurityCodeForm,
    SetUpSecondFactorForm,
)
from alerts.staff.admin import user_or_404
from alerts.staff.auth import PENDING_SIGN_IN, complete_sign_in, throttled
from alerts.staff.device_cookie import trusted_nonce
from alerts.staff.forms import ConfirmForm
from alerts.staff.words import password_words, wrong_code

# Session key for the secret being set up: sealed, so even the signed (readable) cookie does not show it.
SECRET_BEING_SET_UP = "second_factor_set_up"  # noqa: S105 — a session key
PENDING_SIGN_IN_SECONDS = 10 * 60


def _secret_key() -> list[str]:
    return links.signing_keys()  # seals with SECRET_KEY; unseals with it or a retired one


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
        turn = staff_sign_in.take_turn(staff_sign_in.PASSWORD_CHANGE, user.email, request.remote_addr)
        if not turn.allowed:
            staff_sign_in.record_attempt(acting(), "staff.password_change_throttled", "staff_user", user.id)
            summary = [{"text": try_again_message(turn.retry_in_seconds, "change your password"),
                        "href": "#current_password"}]
            return throttled(render_template("staff/change_password.html", form=form, error_summary=summary), turn)
        try:
            staff_sign_in.change_password(user, form.current_password.data or "", form.new_password.data or "",
                                          acting(), turn)
        except staff_accounts.WrongPassword:
            form.current_password.errors.append(_("Your current password is not right"))
        except WeakPassword as error:
            form.new_password.errors.append(password_words(error))
        else:
            # The version went up, which ends every session; this one carries on with the new version.
            login_user(user)
            flash(_("Your password has been changed. You have been signed out on every other device."), "success")
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
        codes = staff_sign_in.set_up_second_factor(user, sealed, form.code.data or "", _secret_key(), acting())
        if codes is None:
            form.code.errors.append(_("The code is not right. Enter the code your authenticator app shows now"))
        else:
            session.pop(SECRET_BEING_SET_UP, None)
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
    codes = staff_sign_in.replace_recovery_codes(user, acting())
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
        signing_in = Actor.staff(user, request.remote_addr)
        turn = staff_sign_in.take_turn(staff_sign_in.SECURITY_CODE, user.email, request.remote_addr,
                                       device=trusted_nonce(user.email))
        if not turn.allowed and not turn.paused:
            staff_sign_in.record_attempt(signing_in, "staff.security_code_throttled")
            summary = [{"text": try_again_message(turn.retry_in_seconds), "href": "#code"}]
            return throttled(render_template("staff/security_code.html", form=form, error_summary=summary), turn)
        code = form.code.data or ""
        used_recovery_code = second_factor.looks_like_recovery_code(code)
        if turn.paused:
            # Past the account's daily limit: the code is not checked, and the answer is a wrong code's.
            staff_sign_in.record_attempt(signing_in, "staff.security_code_refused_paused")
            form.code.errors.append(wrong_code())
        elif staff_sign_in.code_accepted(user, code, _secret_key()):
            target = session[PENDING_SIGN_IN].get("next") or url_for("staff.dashboard")
            response = complete_sign_in(user, target, forget=turn,
                                        recovery_code_used=used_recovery_code,
                                        with_provider=bool(session[PENDING_SIGN_IN].get("with_provider")))
            if used_recovery_code:
                left = staff_accounts.count_unused_recovery_codes(user)
                flash(_("You used a recovery code. It will not work again. You have %(left)s left: get new ones from "
                        "Your account if you are running out.", left=left), "success")
            return response
        else:
            staff_sign_in.record_attempt(signing_in, "staff.security_code_failed")
            form.code.errors.append(wrong_code())
    return render_template("staff/security_code.html", form=form), 400 if form.errors else 200


@staff.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    user = staff_accounts.user_for_reset_token(token)
    if user is None:
        return render_template("staff/reset_link_not_valid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            changed = staff_sign_in.reset_password(token, form.new_password.data or "", request.remote_addr)
        except WeakPassword as error:
            form.new_password.errors.append(password_words(error))
        else:
            if changed is None:
                return render_template("staff/reset_link_not_valid.html"), 404
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("staff.sign_in"))
    return render_template("staff/reset_password.html", form=form, user=user), 400 if form.errors else 200


@staff.after_request
def _reset_links_stay_private(response: Response) -> Response:
    # The reset link's token is in the path: never let it leave in a Referer header.
    if request.endpoint == "staff.reset_password":
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


# What an admin does for someone else's account --------------------------------------------------------------

@staff.post("/users/<int:user_id>/send-password-reset")
@role_required(Role.ADMIN)
def send_password_reset(user_id: int) -> Response:
    found = user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        staff_admin.send_password_reset(found, acting())
    except staff_admin.NotAllowed as refusal:
        flash(str(refusal))
        return redirect(url_for("staff.user", user_id=found.id))
    flash(_("We have emailed %(email)s a link to choose a new password. It works once, for %(hours)s hours.",
            email=found.email, hours=staff_accounts.RESET_LINK_HOURS), "success")
    return redirect(url_for("staff.user", user_id=found.id))


@staff.post("/users/<int:user_id>/remove-second-factor")
@role_required(Role.ADMIN)
def remove_second_factor(user_id: int) -> Response:
    found = user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_admin.remove_second_factor(found, acting())
    flash(_("%(email)s has been signed out and will set up a new second factor when they next sign in.",
            email=found.email), "success")
    return redirect(url_for("staff.user", user_id=found.id))
