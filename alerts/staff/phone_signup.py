"""The contact centre signs up a caller by phone, and starts a suspended contact's alerts again.

Either way the caller still confirms: a link is emailed to them, or a code texted to them that they read out to
the agent. The agent records the caller's spoken consent, which is kept with the subscription and audited.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from alerts.models import Channel, Role, Subscriber
from alerts.profile import council
from alerts.services import contact_centre_actions
from alerts.staff import staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import DAILY_EMAIL, CallerCodeForm, ConfirmForm, PhoneSignUpForm, consent_statement
from alerts.staff.lookup import subscriber_or_404


@staff.route("/lookup/sign-up", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def phone_sign_up() -> Response | tuple[str, int]:
    form = PhoneSignUpForm()
    if request.method == "GET":
        form.services.data = [choice.value for choice in form.services.choices or []]  # all, unless unticked
    if form.validate_on_submit():
        signed_up = contact_centre_actions.sign_up_by_phone(contact_centre_actions.PhoneSignUp(
            contacts=form.contacts, areas=form.areas, service_ids=form.chosen_service_ids(),
            digest=form.frequency.data == DAILY_EMAIL, note=(form.consent_note.data or "").strip(),
            language=form.chosen_language()), acting())
        return _confirm_next(signed_up)
    statement = consent_statement(council().name)
    page = render_template("staff/phone_sign_up.html", form=form, statement=statement)
    return page, 400 if form.errors else 200


def _confirm_next(signed_up: list[Subscriber]) -> Response:
    """Open the sign-up the agent confirms next: the text's, whose code the caller reads out, when there is one."""
    text = next((found for found in signed_up if found.channel == Channel.SMS), None)
    if text is None:
        flash(_("Confirmation queued. The caller must confirm: ask them to open the link in the email."), "success")
        return redirect(url_for("staff.subscriber", public_id=signed_up[0].public_id))
    flash(_("Confirmation queued. Ask the caller to read you the code from the text, and enter it below. We have "
            "also emailed them a link to confirm their email address.") if len(signed_up) > 1
          else _("Confirmation queued. Ask the caller to read you the code from the text, and enter it below."),
          "success")
    return redirect(url_for("staff.subscriber", public_id=text.public_id))


@staff.post("/lookup/subscribers/<public_id>/reactivate")
@role_required(Role.CONTACT_CENTRE)
def reactivate_subscriber(public_id: str) -> Response:
    """A suspended contact (messages kept failing): send a fresh confirmation; alerts start once they confirm."""
    found = subscriber_or_404(public_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        contact_centre_actions.reactivate(found, acting())
    except contact_centre_actions.NotSuspended as refusal:
        flash(str(refusal))
        return redirect(url_for("staff.subscriber", public_id=public_id))
    flash(_("Confirmation queued: alerts start again once the caller confirms"), "success")
    return redirect(url_for("staff.subscriber", public_id=public_id))


@staff.post("/lookup/subscribers/<public_id>/confirm-code")
@role_required(Role.CONTACT_CENTRE)
def confirm_caller_code(public_id: str) -> Response | tuple[str, int]:
    """The caller reads out the code we texted them: the same check, tries and lock as on the resident's page."""
    found = subscriber_or_404(public_id)
    form = CallerCodeForm()
    if not form.validate_on_submit() or found.channel != Channel.SMS or found.contact is None:
        abort(400)
    confirmed = contact_centre_actions.confirm_code_read_out(found, (form.code.data or "").strip(),
                                                            ip=request.remote_addr or "contact-centre", actor=acting())
    if not confirmed:
        flash(_("That code is not right, or it has expired. Resend the confirmation and try again."))
    else:
        flash(_("Confirmed: the caller will get alerts"), "success")
    current_app.logger.info("contact centre code check for subscriber %s: %s", found.id, confirmed)
    return redirect(url_for("staff.subscriber", public_id=public_id))
