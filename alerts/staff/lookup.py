"""The contact centre: what a caller's postcode is affected by, and the caller's own subscription.

Every page that shows a subscriber's contact details or messages writes an audit event. A caller's contact is only
ever posted, never put in a URL (access logs and browser history keep URLs), and subscribers are addressed by
their opaque public id.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import contact_centre, reference, residents, subject_access
from alerts.data import notices as notice_data
from alerts.data.digests import digest_time
from alerts.models import Role, Subscriber, SubscriberStatus
from alerts.notify import InvalidRecipient
from alerts.profile import postcode_message
from alerts.services import contact_centre_actions
from alerts.services.signups import NothingToConfirm
from alerts.staff import staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import ConfirmForm, ErasureForm, SubjectAccessForm, UnsubscribeForm


@staff.route("/lookup", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def lookup() -> tuple[str, int]:
    errors: list[dict[str, str]] = []
    context: dict = {"postcode": request.args.get("postcode", ""), "contact": request.form.get("contact", "")}
    if "postcode" in request.args:
        try:
            answer = reference.area_for_postcode(normalise_postcode(context["postcode"]))
        except InvalidPostcode as error:
            errors.append({"text": postcode_message(error), "href": "#postcode"})
            context["postcode_error"] = postcode_message(error)
        else:
            context["answer"] = answer
            # The same answer a resident gets on /notices, so what the agent says matches the website.
            context["found"] = [] if answer.area is None else notice_data.active_notices_for_areas([answer.area.id])
    if request.method == "POST":  # CSRF is checked before any view runs
        try:
            channel, contact = contact_centre.normalise_contact(context["contact"])
        except InvalidRecipient as error:
            message = error.message if context["contact"].strip() else contact_centre.ENTER_CONTACT
            errors.append({"text": message, "href": "#contact"})
            context["contact_error"] = message
        else:
            # Searching for a person is itself a use of their personal data, found or not: audited.
            subscriber = contact_centre_actions.find_subscriber(channel, contact, acting())
            # Shown in this response: a redirect would need the contact, or something that finds it, in a URL.
            context.update(searched=True, subscriber=subscriber)
    # Notices have their own buttons in a caller's postcode results; this list is for calls about a service.
    context.update(call_notices=[], call_services=reference.list_services())
    return render_template("staff/lookup.html", error_summary=errors or None, **context), 400 if errors else 200


def subscriber_or_404(public_id: str) -> Subscriber:
    """The subscriber a contact centre URL names by their opaque public id, or 404."""
    subscriber = contact_centre.get_subscriber_by_public_id(public_id)
    if subscriber is None:
        abort(404)
    return subscriber


@staff.get("/lookup/subscribers/<public_id>")
@role_required(Role.CONTACT_CENTRE)
def subscriber(public_id: str) -> str:
    found = subscriber_or_404(public_id)
    contact_centre_actions.show_subscriber(found, acting())
    # A sign-up still waiting has nothing of its own yet: show what it asked for, applied once it is confirmed.
    pending = contact_centre.pending_choices(found) if found.status == SubscriberStatus.PENDING else None
    return render_template("staff/subscriber.html", subscriber=found, form=ConfirmForm(), pending=pending,
                           other_contacts=residents.other_contacts(found), digest_time=digest_time(),
                           messages=contact_centre.recent_messages(found.id))


@staff.post("/lookup/subscribers/<public_id>/resend-confirmation")
@role_required(Role.CONTACT_CENTRE)
def resend_confirmation(public_id: str) -> Response:
    found = subscriber_or_404(public_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        contact_centre_actions.resend_confirmation(found, acting())
    except NothingToConfirm as error:
        flash(str(error))
        return redirect(url_for("staff.subscriber", public_id=public_id))
    flash(_("Confirmation queued: it goes out within a minute"), "success")
    return redirect(url_for("staff.subscriber", public_id=public_id))


@staff.route("/lookup/subscribers/<public_id>/unsubscribe", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def unsubscribe_subscriber(public_id: str) -> Response | str | tuple[str, int]:
    found = subscriber_or_404(public_id)
    form = UnsubscribeForm()
    if not form.validate_on_submit():
        return render_template("staff/unsubscribe.html", form=form, subscriber=found), 400 if form.errors else 200
    remaining = contact_centre_actions.unsubscribe(found, form.reason.data or "", acting())
    carry_on = contact_centre_actions.carrying_on(remaining)
    if not carry_on:
        flash(_("They have been unsubscribed from all alerts"), "success")
    elif found.channel == "email":
        flash(_("They have been unsubscribed from alerts by email. Their alerts by %(others)s carry on",
                others=carry_on), "success")
    else:
        flash(_("They have been unsubscribed from alerts by text message. Their alerts by %(others)s carry on",
                others=carry_on), "success")
    return redirect(url_for("staff.subscriber", public_id=public_id))


@staff.route("/lookup/subscribers/<public_id>/export", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def export_subscriber(public_id: str) -> Response | str | tuple[str, int]:
    found = subscriber_or_404(public_id)
    form = SubjectAccessForm()
    if not form.validate_on_submit():
        return render_template("staff/export.html", form=form, subscriber=found), 400 if form.errors else 200
    export = contact_centre_actions.export(found, reason=form.reason.data or "", file_format=form.format.data or "",
                                           actor=acting())
    if form.format.data == "csv":
        body, mimetype = subject_access.export_csv(export), "text/csv"
    else:
        body, mimetype = subject_access.export_json(export), "application/json"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="subscriber-{found.public_id}.{form.format.data}"'})


@staff.route("/lookup/subscribers/<public_id>/erase", methods=["GET", "POST"])
@role_required(Role.CONTACT_CENTRE)
def erase_subscriber(public_id: str) -> Response | str | tuple[str, int]:
    found = subscriber_or_404(public_id)
    form = ErasureForm()
    if not form.validate_on_submit():
        return render_template("staff/erase.html", form=form, subscriber=found), 400 if form.errors else 200
    _erased, carry_on = contact_centre_actions.erase(found, reason=form.reason.data or "", actor=acting())
    flash(_("Their personal data for this contact has been erased. Their alerts by %(others)s carry on: erase that "
            "contact too if they asked for everything", others=" and ".join(carry_on))
          if carry_on else _("Their personal data has been erased"), "success")
    return redirect(url_for("staff.subscriber", public_id=public_id))
