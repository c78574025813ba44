"""The contact centre signs up a caller by phone, and starts a suspended contact's alerts again.

Either way the caller still confirms: a link is emailed to them, or a code texted to them that they read out to
the agent. The agent records the caller's spoken consent, which is kept with the subscription and audited.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from alerts.data import contact_centre
from alerts.data.subscribers import AreaChoice
from alerts.models import Channel, Role
from alerts.notify import InvalidRecipient
from alerts.profile import council
from alerts.services import contact_centre_actions, signups
from alerts.staff import staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import CONSENT_STATEMENT, CallerCodeForm, ConfirmForm, PhoneSignUpForm
from alerts.staff.lookup import subscriber_or_404


@staff.route("/lookup/sign-up", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def phone_sign_up() -> Response | tuple[str, int]:
    form = PhoneSignUpForm()
    if form.validate_on_submit():
        try:
            channel, contact = contact_centre.normalise_contact(form.contact.data or "")
        except InvalidRecipient as error:
            form.contact.errors = [error.message]
        else:
            try:
                area = signups.area_for(form.postcode.data or "")
            except ValueError as error:
                form.postcode.errors = [str(error)]
            else:
                return _sign_up(channel, contact, area, (form.consent_note.data or "").strip())
    statement = CONSENT_STATEMENT.format(council=council().name)
    return render_template("staff/phone_sign_up.html", form=form, statement=statement), (
        400 if form.errors else 200)


def _sign_up(channel: Channel, contact: str, area: AreaChoice, note: str) -> Response:
    subscriber = contact_centre_actions.sign_up_by_phone(channel, contact, area, note, acting())
    flash("Confirmation queued. The caller must confirm: " + (
        "ask them to open the link in the email." if channel == Channel.EMAIL
        else "ask them to read you the code from the text, and enter it below."), "success")
    return redirect(url_for("staff.subscriber", public_id=subscriber.public_id))


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
    flash("Confirmation queued: alerts start again once the caller confirms", "success")
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
        flash("That code is not right, or it has expired. Resend the confirmation and try again.")
    else:
        flash("Confirmed: the caller will get alerts", "success")
    current_app.logger.info("contact centre code check for subscriber %s: %s", found.id, confirmed)
    return redirect(url_for("staff.subscriber", public_id=public_id))
