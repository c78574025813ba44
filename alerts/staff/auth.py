"""Signing in and out, and the dashboard every member of staff lands on."""

from __future__ import annotations

import time

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from alerts.data import notice_lifecycle
from alerts.data import staff as staff_data
from alerts.data.audit import record_audit_event
from alerts.data.sign_in_throttle import Turn
from alerts.data.warnings import current_warnings
from alerts.extensions import db
from alerts.models import NoticeStatus, Role, StaffUser
from alerts.passwords import DUMMY_HASH, verify_password
from alerts.staff import staff
from alerts.staff.access import (
    any_staff,
    forget_sign_in_failures,
    safe_next,
    start_session,
    take_sign_in_turn,
    try_again_message,
)
from alerts.staff.forms import ConfirmForm, SignInForm

WRONG_DETAILS = "Enter a correct email address and password"
PASSWORD_PURPOSE = "password"  # noqa: S105 — a throttle key prefix, not a password
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
    turn = take_sign_in_turn(PASSWORD_PURPOSE, email)
    if not turn.allowed:
        record_audit_event(actor=email, action="staff.sign_in_throttled", ip_address=ip)
        db.session.commit()
        summary = [{"text": try_again_message(turn.retry_in_seconds), "href": "#email"}]
        return throttled(render_template("staff/sign_in.html", form=form, error_summary=summary), turn)
    user = staff_data.get_staff_user_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, form.password.data or "")  # same time as a real check
    if user is None or not staff_data.authenticate(user, form.password.data or "") or user.is_disabled:
        record_audit_event(actor=email, action="staff.sign_in_failed", ip_address=ip,
                           staff_user_id=user.id if user else None)
        db.session.commit()
        return render_template("staff/sign_in.html", form=form,
                               error_summary=[{"text": WRONG_DETAILS, "href": "#email"}]), 400
    forget_sign_in_failures(PASSWORD_PURPOSE, email)
    target = safe_next(request.args.get("next"))
    if user.has_second_factor:
        # Half signed in: the password was right, the code comes next. Nothing in the session grants access yet.
        record_audit_event(actor=user.email, action="staff.password_accepted", staff_user_id=user.id, ip_address=ip)
        db.session.commit()
        session.clear()
        session[PENDING_SIGN_IN] = {"user": user.get_id(), "at": int(time.time()), "next": target}
        return redirect(url_for("staff.sign_in_code"))
    return complete_sign_in(user, target)


def complete_sign_in(user: StaffUser, target: str) -> Response:
    """The password (and the code, if they have a second factor) was right: start a new session.

    Single sign-on (issue 11, not built yet): an OpenID Connect callback view (Authlib's Flask client) would find the
    StaffUser for the provider's verified email and call this, leaving password and second factor to the provider.
    """
    staff_data.record_sign_in(user)
    record_audit_event(actor=user.email, action="staff.signed_in", staff_user_id=user.id,
                       ip_address=request.remote_addr)
    db.session.commit()
    # A new session at sign-in: nothing from before (a planted session, say) survives into the signed-in one.
    session.clear()
    login_user(user)
    start_session()
    if current_app.config.get("MFA_REQUIRED") and not user.has_second_factor:
        return redirect(url_for("staff.set_up_second_factor"))
    return redirect(target)


def throttled(page: str, turn: Turn) -> Response:
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(turn.retry_in_seconds)
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
        record_audit_event(actor=user.email, action="staff.signed_out", staff_user_id=user.id,
                           ip_address=request.remote_addr)
        # Sessions live in signed cookies: bumping the version is what makes a copied cookie useless.
        user.session_version += 1
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
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
        )
    # Every member of staff sees the weather warnings (callers ask about them); officers can start a notice from one.
    weather = current_warnings()
    context.update(weather_warnings=weather,
                   warning_notices=notice_lifecycle.notices_from_warnings([w.id for w in weather]) if officer else {})
    context["threshold"] = current_app.config["APPROVAL_THRESHOLD"]
    return render_template("staff/dashboard.html", **context)
