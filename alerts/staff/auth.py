"""Signing in and out, and the dashboard every member of staff lands on."""

from __future__ import annotations

import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from alerts.credentials.passwords import DUMMY_HASH, verify_password
from alerts.data import foresight, notice_lifecycle, reference, update_promises
from alerts.data import notices as notice_data
from alerts.data import staff as staff_data
from alerts.data.warnings import current_warnings
from alerts.models import NoticeStatus, Role, StaffUser
from alerts.services import forgotten_passwords, staff_sign_in
from alerts.services.actors import Actor
from alerts.staff import staff
from alerts.staff.access import (
    PROVIDER_CHECKED_MFA,
    SIGNED_IN_WITH_PROVIDER,
    any_staff,
    safe_next,
    start_session,
    try_again_message,
)
from alerts.staff.device_cookie import remember_device, trusted_nonce
from alerts.staff.forms import ConfirmForm, SignInForm

# Session key for someone whose password was right and who still has to give their security code.
PENDING_SIGN_IN = "pending_sign_in"


@staff.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("staff.dashboard"))
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("staff/sign_in.html", form=form), 400 if form.errors else 200
    email = staff_data.normalise_staff_email(form.email.data or "")
    ip = request.remote_addr
    # The turn is taken (atomically, in the database) before the password is checked: see data/sign_in_throttle.
    turn = staff_sign_in.take_turn(staff_sign_in.PASSWORD, email, ip, device=trusted_nonce(email))
    if not turn.allowed and not turn.paused:
        staff_sign_in.record_attempt(staff_sign_in.attempt_actor(email, ip), "staff.sign_in_throttled")
        summary = [{"text": try_again_message(turn.retry_in_seconds), "href": "#email"}]
        return throttled(render_template("staff/sign_in.html", form=form, error_summary=summary), turn)
    user = staff_data.get_staff_user_by_email(email)
    if user is None or turn.paused:
        verify_password(DUMMY_HASH, form.password.data or "")  # same time as a real check
    if (turn.paused or user is None or not staff_data.authenticate(user, form.password.data or "")
            or user.is_disabled):
        # Past the account's daily limit even the right password gets the wrong-password answer: the attacker
        # learns nothing, made-up accounts are counted the same, and the person and the admins have been emailed.
        action = "staff.sign_in_refused_paused" if turn.paused else "staff.sign_in_failed"
        staff_sign_in.record_attempt(staff_sign_in.attempt_actor(email, ip, user), action)
        summary = [{"text": _("Enter a correct email address and password"), "href": "#email"}]
        return render_template("staff/sign_in.html", form=form, error_summary=summary), 400
    if not local_password_allowed(user):
        # With single sign-on on, the provider owns staff passwords; an admin's password here is the break-glass.
        staff_sign_in.record_attempt(Actor.staff(user, ip), "staff.password_sign_in_refused")
        provider = current_app.config.get("OIDC_PROVIDER_NAME") or _("your council account")
        summary = [{"text": _("Use the Sign in with %(provider)s button: passwords here are for admins only",
                              provider=provider), "href": "#single-sign-on"}]
        return render_template("staff/sign_in.html", form=form, error_summary=summary), 400
    target = safe_next(request.args.get("next"))
    if user.has_second_factor:
        # Half signed in: the password was right, the code comes next. Nothing in the session grants access yet.
        staff_sign_in.accept_password(turn, Actor.staff(user, ip))
        session.clear()
        session[PENDING_SIGN_IN] = {"user": user.get_id(), "at": int(time.time()), "next": target}
        return redirect(url_for("staff.sign_in_code"))
    return complete_sign_in(user, target, forget=turn)


def local_password_allowed(user: StaffUser) -> bool:
    """With single sign-on on, passwords sign in admins only, unless LOCAL_SIGN_IN=all."""
    return forgotten_passwords.password_sign_in_allowed(user)


def complete_sign_in(user: StaffUser, target: str, *, forget: staff_sign_in.Attempt | None = None,
                     recovery_code_used: bool = False, with_provider: bool = False,
                     provider_checked_mfa: bool = False) -> Response:
    """The password (and the code, if they have a second factor) was right, or the identity provider vouched for
    them (`alerts.staff.single_sign_on`): start a new session. `forget` is the attempt that let them through with
    a password or code (this browser then gets a device cookie for the account); `provider_checked_mfa` says the
    provider asked for a second factor, so ours is not asked again.
    """
    staff_sign_in.sign_in(user, Actor.staff(user, request.remote_addr), forget=forget,
                          recovery_code_used=recovery_code_used)
    # A new session at sign-in: nothing from before (a planted session, say) survives into the signed-in one.
    session.clear()
    login_user(user)
    start_session()
    if with_provider:
        session[SIGNED_IN_WITH_PROVIDER] = True
    if provider_checked_mfa:
        session[PROVIDER_CHECKED_MFA] = True
        response = redirect(target)
    elif current_app.config.get("MFA_REQUIRED") and not user.has_second_factor:
        response = redirect(url_for("staff.set_up_second_factor"))
    else:
        response = redirect(target)
    if forget is not None:  # a password (and code) sign-in, not the identity provider's
        remember_device(response, user.email)
    return response


def throttled(page: str, turn: staff_sign_in.Attempt) -> Response:
    return throttled_page(page, turn.retry_in_seconds)


def throttled_page(page: str, retry_in_seconds: int) -> Response:
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(retry_in_seconds)
    return response


@staff.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> Response | str:
    if not current_user.is_authenticated:
        return redirect(url_for("staff.sign_in"))
    if request.method == "GET":
        # A link cannot carry a CSRF token, so GET only asks; the POST signs out.
        return render_template("staff/sign_out.html", form=ConfirmForm())
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("staff.sign_out"))
    user = staff_data.get_staff_user(current_user.id)
    if user is not None:
        staff_sign_in.sign_out(user, Actor.staff(user, request.remote_addr))
    with_provider = bool(session.get(SIGNED_IN_WITH_PROVIDER))
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    if with_provider:
        # Also end the session at the provider, or the next "Sign in with" would sign straight back in.
        from alerts.staff.single_sign_on import end_session_url  # it builds on this module

        provider_sign_out = end_session_url()
        if provider_sign_out:
            return redirect(provider_sign_out)
    return redirect(url_for("staff.sign_in"))


@staff.get("/")
@any_staff
def dashboard() -> str:
    officer = current_user.has_role(Role.OFFICER)
    context: dict = {"officer": officer}
    if officer:
        context.update(
            awaiting=notice_lifecycle.list_waiting_for_approval(),
            drafts=notice_lifecycle.list_notices_by_status([NoticeStatus.DRAFT], limit=10),
            ending=notice_lifecycle.due_to_end_soon(),
            active=notice_lifecycle.list_notices_by_status([NoticeStatus.ACTIVE], limit=20),
            overdue_updates=update_promises.overdue_notices(),
        )
    elif current_user.has_role(Role.CONTACT_CENTRE):
        # What callers ring about, in the order residents see it on the results page.
        context.update(live=notice_data.active_notices(), notice_area_names=notice_data.area_names)
    # Every member of staff sees the weather warnings (callers ask about them); officers can start a notice from one.
    weather = current_warnings()
    context.update(weather_warnings=weather,
                   warning_notices=notice_lifecycle.notices_from_warnings([w.id for w in weather]) if officer else {},
                   # What this council published in earlier warnings like each one, as one-click drafts.
                   earlier_responses={w.id: foresight.earlier_responses(w) for w in weather} if officer else {})
    if current_user.has_role(Role.CONTACT_CENTRE):
        context.update(call_notices=notice_data.active_notices_for_areas([]), call_services=reference.list_services())
    context["threshold"] = current_app.config["APPROVAL_THRESHOLD"]
    return render_template("staff/dashboard.html", **context)
