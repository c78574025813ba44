"""The contact centre signs up a caller by phone, and starts a suspended contact's alerts again.

Either way the caller still confirms: a link is emailed to them, or a code texted to them that they read out to
the agent. The agent records the caller's spoken consent, which is kept with the subscription and audited.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from alerts.data import contact_centre
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.models import Channel, Role, Subscriber, SubscriberStatus, utc_now
from alerts.notify import InvalidRecipient
from alerts.profile import council
from alerts.staff import staff
from alerts.staff.access import audit, role_required
from alerts.staff.forms import CONSENT_STATEMENT, CallerCodeForm, ConfirmForm, PhoneSignUpForm
from alerts.subscribe import signups


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
    record = (f"Spoken consent by phone to {current_user.email} at {london_time(utc_now())}"
              + (f": {note}" if note else ""))
    subscriber = subscriber_data.request_sign_up(channel=channel, contact=contact, areas=[area], service_ids=None,
                                                 source="contact-centre", consent_record=record)
    message_id = signups.queue_confirmation(subscriber.id)
    audit("subscriber.signed_up_by_phone", "subscriber", subscriber.id, channel=str(channel), message_id=message_id)
    # No sign-up rate limits: every agent shares the council's address; each sign-up is audited instead.
    signups.commit_queued()
    flash("Confirmation queued. The caller must confirm: " + (
        "ask them to open the link in the email." if channel == Channel.EMAIL
        else "ask them to read you the code from the text, and enter it below."), "success")
    return redirect(url_for("staff.subscriber", public_id=subscriber.public_id))


def _found(public_id: str) -> Subscriber:
    subscriber = contact_centre.get_subscriber_by_public_id(public_id)
    if subscriber is None:
        abort(404)
    return subscriber


@staff.post("/lookup/subscribers/<public_id>/reactivate")
@role_required(Role.CONTACT_CENTRE)
def reactivate_subscriber(public_id: str) -> Response:
    """A suspended contact (messages kept failing): send a fresh confirmation; alerts start once they confirm."""
    found = _found(public_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if found.status != SubscriberStatus.SUSPENDED or found.contact is None:
        flash("Only a suspended contact can be started again")
        return redirect(url_for("staff.subscriber", public_id=public_id))
    subscriber_data.request_sign_up(
        channel=found.channel, contact=found.contact,
        areas=[AreaChoice(s.area_id, s.postcode) for s in found.subscriptions],
        service_ids=None if found.all_services else [s.id for s in found.services], source="contact-centre")
    message_id = signups.queue_confirmation(found.id)
    audit("subscriber.reactivation_requested", "subscriber", found.id, message_id=message_id)
    signups.commit_queued()
    flash("Confirmation queued: alerts start again once the caller confirms", "success")
    return redirect(url_for("staff.subscriber", public_id=public_id))


@staff.post("/lookup/subscribers/<public_id>/confirm-code")
@role_required(Role.CONTACT_CENTRE)
def confirm_caller_code(public_id: str) -> Response | tuple[str, int]:
    """The caller reads out the code we texted them: the same check, tries and lock as on the resident's page."""
    found = _found(public_id)
    form = CallerCodeForm()
    if not form.validate_on_submit() or found.channel != Channel.SMS or found.contact is None:
        abort(400)
    try:
        confirmed = signups.confirm_text_sign_up(found.contact, (form.code.data or "").strip(),
                                                 ip=request.remote_addr or "contact-centre")
    except signups.CodeLocked:
        confirmed = None
    audit("subscriber.code_read_out", "subscriber", found.id, confirmed=confirmed is not None)
    db.session.commit()
    if confirmed is None:
        flash("That code is not right, or it has expired. Resend the confirmation and try again.")
    else:
        flash("Confirmed: the caller will get alerts", "success")
    current_app.logger.info("contact centre code check for subscriber %s: %s", found.id, confirmed is not None)
    return redirect(url_for("staff.subscriber", public_id=public_id))
