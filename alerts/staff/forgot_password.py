""""Forgot your password?" on the sign-in page: the same answer, and the same work, whether or not the email
names an account (alerts.services.forgotten_passwords)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from alerts.data import staff as staff_data
from alerts.data.staff_accounts import REQUESTED_LINK_HOURS
from alerts.services import forgotten_passwords
from alerts.staff import staff
from alerts.staff.access import try_again_message
from alerts.staff.account_forms import ForgotPasswordForm
from alerts.staff.auth import throttled_page


@staff.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Response | str | tuple[str, int]:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("staff/forgot_password.html", form=form), 400 if form.errors else 200
    email = staff_data.normalise_staff_email(form.email.data or "")
    turn = forgotten_passwords.request_link(email, request.remote_addr)
    if not turn.allowed:
        summary = [{"text": try_again_message(turn.retry_in_seconds, "ask for a link"), "href": "#email"}]
        return throttled_page(render_template("staff/forgot_password.html", form=form, error_summary=summary),
                              turn.retry_in_seconds)
    return redirect(url_for("staff.password_link_sent"))


@staff.get("/forgot-password/check-your-email")
def password_link_sent() -> str:
    return render_template("staff/password_link_sent.html", hours=REQUESTED_LINK_HOURS)
