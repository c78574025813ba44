"""A resident's contacts on the manage page: add an email address or mobile number (confirmed first), stop one
contact while the others carry on, or stop all alerts. Every page here is reached through a signed manage link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address

from alerts import links
from alerts.data import residents
from alerts.models import Channel, Subscriber
from alerts.services import signups, subscriptions
from alerts.services.signup_defences import Refused
from alerts.subscribe import subscribe
from alerts.subscribe.forms import ConfirmForm, contact_form_for
from alerts.subscribe.manage import managed
from alerts.subscribe.shared import (
    CARRY_ON,
    PENDING,
    ViewResult,
    code_client,
    described,
    honeypot_page,
    pending_for,
    refused_page,
)


def manage_url_for(contact: Subscriber) -> str:
    """The manage page through one of the person's contacts (any of them shows and changes the same alerts)."""
    return url_for("subscribe.manage", token=links.make_token(links.MANAGE, contact.id, contact.token_version))


@subscribe.route("/manage/<token>/add/<channel>", methods=["GET", "POST"])
@managed
def manage_add_contact(subscriber: Subscriber, token: str, channel: str) -> ViewResult:
    """Another way to reach the same person: it gets the alerts, and is linked, only once it is confirmed."""
    if channel not in (Channel.EMAIL.value, Channel.SMS.value):
        abort(404)
    chosen = Channel(channel)
    form = contact_form_for(chosen)
    if request.method == "POST" and form.honeypot_filled():
        return honeypot_page()
    if form.validate_on_submit() and form.normalised:
        if any(c.contact == form.normalised for c in residents.contacts_of(subscriber) if c.channel == chosen):
            flash("That is already one of your contacts.", "success")
            return redirect(url_for("subscribe.manage", token=token))
        try:
            subscriber_id = signups.add_contact(subscriber, chosen, form.normalised, ip=get_remote_address(),
                                                client=code_client())
        except Refused as error:
            return refused_page(error)
        # Its pages say it joins their alerts, rather than that they have signed up.
        session[PENDING] = {**pending_for(subscriber_id, chosen, form.normalised), "added": True}
        return redirect(url_for("subscribe.confirm_code" if chosen == Channel.SMS else "subscribe.check_email"))
    return render_template("subscribe/contact.html", form=form, channel=chosen,
                           back_url=url_for("subscribe.manage", token=token))


@subscribe.route("/manage/<token>/contacts/<public_id>/stop", methods=["GET", "POST"])
@managed
def manage_stop_contact(subscriber: Subscriber, token: str, public_id: str) -> ViewResult:
    contacts = residents.contacts_of(subscriber)
    stopping = next((c for c in contacts if c.public_id == public_id), None)
    if stopping is None:
        abort(404)
    carrying_on = [c for c in contacts if c.id != stopping.id]
    form = ConfirmForm()
    if form.validate_on_submit():
        stopping_words = described(stopping, full=True)
        remaining = subscriptions.stop_contact(subscriber, public_id)
        if not remaining:
            return render_template("subscribe/unsubscribed.html", already=False, carry_on=[])
        flash(f"Saved. Alerts by {stopping_words} have stopped. You’ll still get alerts by "
              f"{' and '.join(described(c, full=True) for c in remaining)}.", "success")
        return redirect(manage_url_for(remaining[0]))
    return render_template("subscribe/stop_contact.html", form=form, stopping=described(stopping, full=True),
                           carry_on=[described(c, full=True) for c in carrying_on],
                           stop_all_url=url_for("subscribe.manage_stop_all", token=token),
                           back_url=url_for("subscribe.manage", token=token))


@subscribe.route("/manage/<token>/stop", methods=["GET", "POST"])
@managed
def manage_stop_all(subscriber: Subscriber, token: str) -> ViewResult:
    form = ConfirmForm()
    if form.validate_on_submit():
        subscriptions.stop_all(subscriber)
        return render_template("subscribe/unsubscribed.html", already=False, carry_on=[])
    return render_template("subscribe/stop_all.html", form=form,
                           contacts=[described(c, full=True) for c in residents.contacts_of(subscriber)],
                           back_url=url_for("subscribe.manage", token=token))


@subscribe.post("/unsubscribe/others")
def unsubscribe_others() -> ViewResult:
    """"Stop all alerts" on the page an unsubscribe link showed: the contacts that page said carry on, which this
    browser's session kept (the link itself stopped working when its contact stopped)."""
    ids = session.pop(CARRY_ON, None)
    if not ConfirmForm().validate_on_submit() or not isinstance(ids, list):
        return redirect(url_for("subscribe.find_manage"))
    subscriptions.stop_remaining([i for i in ids if isinstance(i, int)])
    return render_template("subscribe/unsubscribed.html", already=False, carry_on=[])
