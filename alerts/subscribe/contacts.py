"""A resident's contacts on the manage page: how they get alerts (the channel page), add an email address or mobile
number (confirmed first), stop one contact while the others carry on, or stop all alerts. Every page here is
reached through a signed manage link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from alerts import links
from alerts.data import residents
from alerts.data.digests import digest_time
from alerts.models import Channel, Subscriber
from alerts.services import signups, subscriptions
from alerts.services.signup_defences import Refused
from alerts.subscribe import subscribe
from alerts.subscribe.forms import (
    BOTH,
    DAILY_EMAIL,
    ONCE_A_DAY,
    ChannelForm,
    ConfirmForm,
    EmailFrequencyForm,
    contact_form_for,
)
from alerts.subscribe.manage import managed
from alerts.subscribe.shared import (
    CARRY_ON,
    PENDING,
    ViewResult,
    code_client,
    described,
    honeypot_page,
    joined,
    pending_for,
    refused_page,
)


def manage_url_for(contact: Subscriber) -> str:
    """The manage page through one of the person's contacts (any of them shows and changes the same alerts)."""
    return url_for("subscribe.manage", token=links.make_token(links.MANAGE, contact.id, contact.token_version))


@subscribe.route("/manage/<token>/channel", methods=["GET", "POST"])
@managed
def manage_channel(subscriber: Subscriber, token: str) -> ViewResult:
    """How they get alerts. A person with one contact chooses a channel (a new one is confirmed first); a person
    with several sees each contact, to change or stop, and how often their emails come."""
    contacts = residents.contacts_of(subscriber)
    if len(contacts) > 1 and "channel" not in request.form:
        return _several_contacts(subscriber, token, contacts)
    form = ChannelForm()
    if request.method == "GET":
        form.channel.data = DAILY_EMAIL if subscriber.digest else subscriber.channel.value
    if form.validate_on_submit():
        wants_digest = form.channel.data == DAILY_EMAIL
        channel = Channel.EMAIL if wants_digest else Channel(form.channel.data) if form.channel.data != BOTH else None
        have = {c.channel for c in contacts}
        if channel is None or (len(contacts) > 1 and channel not in have):
            # Email and text: add the one they don't have yet (confirmed first), or nothing to change.
            missing = next((c for c in (Channel.EMAIL, Channel.SMS) if c not in have), None)
            if missing is None:
                return redirect(url_for("subscribe.manage", token=token))
            return redirect(url_for("subscribe.manage_add_contact", token=token, channel=missing.value))
        if len(contacts) > 1:
            return _one_channel_only(subscriber, channel, wants_digest)
        if channel == Channel.EMAIL and channel in have:
            # An address they already have, so nothing to confirm: each alert or one email a day.
            subscriptions.choose_digest(subscriber, wants_digest)
            flash(_saved_digest(wants_digest), "success")
            return redirect(url_for("subscribe.manage", token=token))
        return redirect(url_for("subscribe.manage_contact", token=token, channel=channel.value,
                                digest=int(wants_digest)))
    if len(contacts) > 1:
        return _several_contacts(subscriber, token, contacts)
    return render_template("subscribe/channel.html", form=form, back_url=url_for("subscribe.manage", token=token),
                           digest_time=digest_time())


def _saved_digest(wants_digest: bool) -> str:
    if wants_digest:
        return _("Saved. You’ll get one email a day, at about %(time)s.", time=digest_time())
    return _("Saved. You’ll get an email for each alert as it comes.")


def _several_contacts(subscriber: Subscriber, token: str, contacts: list[Subscriber]) -> ViewResult:
    """Each contact, to change (a new one replaces it once confirmed) or stop; how often emails come, if any do;
    and a way to add a channel they don't have. No choice here stops or replaces a contact without saying so."""
    emails = [c for c in contacts if c.channel == Channel.EMAIL]
    form = EmailFrequencyForm()
    if request.method == "GET" and emails:
        form.frequency.data = ONCE_A_DAY if emails[0].digest else "each"
    if emails and form.validate_on_submit():
        wants_digest = form.frequency.data == ONCE_A_DAY
        subscriptions.choose_digest(subscriber, wants_digest)
        texts = [c for c in contacts if c.channel == Channel.SMS]
        if texts:
            flash(_saved_digest(wants_digest) + " " + _("Your text messages to %(numbers)s carry on as before.",
                                                       numbers=joined([c.contact or "" for c in texts])), "success")
        else:
            flash(_saved_digest(wants_digest), "success")
        return redirect(url_for("subscribe.manage", token=token))
    rows = [{"contact": c, "manage_url": manage_url_for(c) if c.id != subscriber.id
             else url_for("subscribe.manage", token=token)} for c in contacts]
    missing = [c for c in (Channel.EMAIL, Channel.SMS) if all(contact.channel != c for contact in contacts)]
    status = 400 if request.method == "POST" else 200
    return render_template("subscribe/channel_several.html", form=form if emails else None, contacts=rows,
                           token=token, missing=missing, email_to=emails[0].contact if len(emails) == 1 else None,
                           digest_time=digest_time(), back_url=url_for("subscribe.manage", token=token)), status


def _one_channel_only(subscriber: Subscriber, channel: Channel, wants_digest: bool) -> ViewResult:
    """A choice of one channel (from the page as it was when they had one contact) by a person who has it and
    another: the other stops, and the banner says so; the contact they have is kept, not asked for again."""
    remaining = [c for c in residents.contacts_of(subscriber) if c.channel == channel]
    stopped = subscriptions.keep_only(subscriber, channel, digest=wants_digest if channel == Channel.EMAIL else None)
    if not stopped:  # every contact is by that channel already (two addresses): only the digest choice changed
        flash(_saved_digest(wants_digest), "success")
        return redirect(url_for("subscribe.manage", token=links.make_token(links.MANAGE, subscriber.id,
                                                                           subscriber.token_version)))
    stopped_words = joined([described(c, full=True) for c in stopped])
    remaining_words = joined([described(c, full=True) for c in remaining])
    if channel == Channel.EMAIL and wants_digest:
        flash(_("Saved. Alerts by %(stopped)s have stopped. You’ll get alerts by %(remaining)s, one email a day at "
                "about %(time)s.", stopped=stopped_words, remaining=remaining_words, time=digest_time()), "success")
    else:
        flash(_("Saved. Alerts by %(stopped)s have stopped. You’ll get alerts by %(remaining)s.",
                stopped=stopped_words, remaining=remaining_words), "success")
    return redirect(manage_url_for(remaining[0]))


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
            flash(_("That is already one of your contacts."), "success")
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
        flash(_("Saved. Alerts by %(stopped)s have stopped. You’ll still get alerts by %(remaining)s.",
                stopped=stopping_words, remaining=joined([described(c, full=True) for c in remaining])), "success")
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
