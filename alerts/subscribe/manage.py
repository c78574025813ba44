"""Manage and stop alerts: find the manage page by a link or a texted code, change areas, services, channel or
contact, and unsubscribe. Every manage page is reached through a signed link (`managed` checks it)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from alerts import links
from alerts.data import reference, residents
from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice, TooManyPlaces
from alerts.extensions import client_key, csrf, limiter
from alerts.languages import WELSH
from alerts.models import Channel, Subscriber, SubscriberStatus
from alerts.services import signups, subscriptions
from alerts.services.signup_defences import Refused, code_attempts
from alerts.services.signups import CODE_ERRORS, SignUp
from alerts.subscribe import subscribe
from alerts.subscribe.forms import (
    LANGUAGE_ITEMS,
    CodeForm,
    ConfirmForm,
    FindManageForm,
    LanguageForm,
    PostcodeForm,
    ServicesForm,
    contact_form_for,
)
from alerts.subscribe.shared import (
    CARRY_ON,
    PENDING,
    ViewResult,
    all_service_ids,
    bilingual,
    code_client,
    described,
    honeypot_page,
    pending_for,
    refused_page,
)

MANAGE_CONTACT = "manage_contact"  # the number a security code was texted to
MANAGE_SENT_AT = "manage_code_sent_at"  # when that code was sent (time.time())
MANAGE_REQUEST = "manage_request"  # the request it was asked with: a guess counts there when it spends no code

_P = ParamSpec("_P")


def _managed_subscriber(token: str) -> Subscriber | ViewResult:
    """The subscriber a manage link names, or the page to show instead of the manage page."""
    try:
        found = links.read_token(links.MANAGE, token)
    except links.InvalidToken:
        return render_template("subscribe/link_invalid.html", manage=True), 404
    subscriber = subscriber_data.get_subscriber(found.subscriber_id)
    if subscriber is None or subscriber.contact is None or subscriber.status == SubscriberStatus.PENDING:
        return render_template("subscribe/link_invalid.html", manage=True), 404
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        # The link stopped working with the subscription: it says so, and shows or changes nothing.
        return render_template("subscribe/unsubscribed.html", already=True), 200
    if subscriber.token_version != found.version:
        return render_template("subscribe/link_invalid.html", manage=True), 404
    return subscriber


def managed(view: Callable[Concatenate[Subscriber, str, _P], ViewResult]) -> Callable[Concatenate[str, _P], ViewResult]:
    """Run a manage page only for the live subscriber its signed link names; otherwise say why the link is no good.
    The view is given the subscriber and the token."""
    @functools.wraps(view)
    def guarded(token: str, *args: _P.args, **kwargs: _P.kwargs) -> ViewResult:
        subscriber = _managed_subscriber(token)
        if not isinstance(subscriber, Subscriber):
            return subscriber
        return view(subscriber, token, *args, **kwargs)
    return guarded


@subscribe.route("/manage", methods=["GET", "POST"])
def find_manage() -> ViewResult:
    form = FindManageForm()
    if request.method == "POST" and form.honeypot_filled():
        return honeypot_page()
    if form.validate_on_submit() and form.channel and form.normalised:
        try:
            request_id = signups.send_manage_access(form.channel, form.normalised, ip=get_remote_address(),
                                                    client=code_client())
        except Refused as error:
            return refused_page(error)
        if form.channel == Channel.SMS:
            session[MANAGE_CONTACT] = form.normalised
            session[MANAGE_SENT_AT] = time.time()
            session[MANAGE_REQUEST] = request_id
            return redirect(url_for("subscribe.manage_code"))
        return redirect(url_for("subscribe.manage_link_sent"))
    return render_template("subscribe/find_manage.html", form=form)


@subscribe.get("/manage/check-email")
def manage_link_sent() -> str:
    return render_template("subscribe/manage_link_sent.html")


@subscribe.route("/manage/code", methods=["GET", "POST"])
@code_attempts
def manage_code() -> ViewResult:
    contact = session.get(MANAGE_CONTACT)
    if not isinstance(contact, str):
        return redirect(url_for("subscribe.find_manage"))
    form = CodeForm()
    if form.validate_on_submit():
        sent_at = session.get(MANAGE_SENT_AT)
        request_id = session.get(MANAGE_REQUEST)
        outcome, path = signups.manage_path_for_code(contact, form.code.data or "", client=code_client(),
                                                     issued_at=sent_at if isinstance(sent_at, float) else None,
                                                     request_id=request_id if isinstance(request_id, int) else None)
        if path:
            for key in (MANAGE_CONTACT, MANAGE_SENT_AT, MANAGE_REQUEST):
                session.pop(key, None)
            return redirect(request.script_root + path)  # a Welsh page's code opens the Welsh manage page
        form.code.errors = [str(CODE_ERRORS[outcome])]
    return render_template("subscribe/manage_code.html", form=form, masked=signups.masked(Channel.SMS, contact),
                           back_url=url_for("subscribe.find_manage"))


def _short_link_limit() -> str:
    return current_app.config["SHORT_LINK_LIMITS_PER_IP"]


@subscribe.get("/s/<code>")
@limiter.limit(_short_link_limit, key_func=client_key)
def short_link(code: str) -> ViewResult:
    """The short personal link in a text leads to a fresh manage link, while the subscription lasts."""
    try:
        subscriber = subscriber_data.get_subscriber(links.short_code_subscriber(code))
    except links.InvalidToken:
        subscriber = None
    if (subscriber is None or subscriber.contact is None or subscriber.status == SubscriberStatus.PENDING
            or not links.short_code_matches(code, subscriber.id, subscriber.token_version)):
        return render_template("subscribe/link_invalid.html", manage=True), 404
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return render_template("subscribe/unsubscribed.html", already=True), 200
    response = redirect(url_for("subscribe.manage", token=links.make_token(links.MANAGE, subscriber.id,
                                                                           subscriber.token_version)), 303)
    response.headers["Cache-Control"] = "no-store"
    return response


@subscribe.get("/manage/<token>")
@managed
def manage(subscriber: Subscriber, token: str) -> ViewResult:
    contacts = residents.contacts_of(subscriber)
    rows = [{"contact": contact, "token": token if contact.id == subscriber.id
             else links.make_token(links.MANAGE, contact.id, contact.token_version)} for contact in contacts]
    missing = [c for c in (Channel.EMAIL, Channel.SMS) if all(contact.channel != c for contact in contacts)]
    return render_template("subscribe/manage.html", subscriber=subscriber, token=token, contacts=rows,
                           missing=missing, services=reference.list_services(),
                           language=subscriber.language if bilingual() else None,
                           unsubscribe_url=url_for("subscribe.unsubscribe",
                                                   token=links.make_token(links.UNSUBSCRIBE, subscriber.id,
                                                                          subscriber.token_version)))


@subscribe.route("/manage/<token>/postcodes", methods=["GET", "POST"])
@managed
def manage_postcodes(subscriber: Subscriber, token: str) -> ViewResult:
    form = PostcodeForm()
    form.postcode.label.text = _("Add a postcode")
    if form.validate_on_submit() and form.area:
        try:
            subscriptions.add_area(subscriber, form.area)
        except TooManyPlaces:
            form.postcode.errors = [_("You can get alerts for up to %(count)s postcodes. Remove one to add another",
                                      count=MAX_PLACES_PER_PERSON)]
            return render_template("subscribe/manage_postcodes.html", form=form, subscriber=subscriber,
                                   token=token, remove_form=ConfirmForm(),
                                   back_url=url_for("subscribe.manage", token=token)), 400
        flash(_("Saved. You’ll get alerts for %(postcode)s too.", postcode=form.area.postcode), "success")
        return redirect(url_for("subscribe.manage", token=token))
    return render_template("subscribe/manage_postcodes.html", form=form, subscriber=subscriber, token=token,
                           remove_form=ConfirmForm(), back_url=url_for("subscribe.manage", token=token))


@subscribe.post("/manage/<token>/postcodes/<area_id>/remove")
@managed
def manage_remove_area(subscriber: Subscriber, token: str, area_id: str) -> ViewResult:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        subscriptions.remove_area(subscriber, area_id)
    except subscriptions.LastArea as error:
        form = PostcodeForm()
        form.postcode.label.text = _("Add a postcode")
        summary = [{"text": str(error), "href": "#areas"}]
        return render_template("subscribe/manage_postcodes.html", form=form, subscriber=subscriber, token=token,
                               remove_form=ConfirmForm(), error_summary=summary,
                               back_url=url_for("subscribe.manage", token=token)), 400
    flash(_("Saved. You’ll no longer get alerts for that postcode."), "success")
    return redirect(url_for("subscribe.manage_postcodes", token=token))


@subscribe.route("/manage/<token>/services", methods=["GET", "POST"])
@managed
def manage_services(subscriber: Subscriber, token: str) -> ViewResult:
    form = ServicesForm()
    if request.method == "GET":
        form.services.data = (all_service_ids(form) if subscriber.all_services
                              else [s.id for s in subscriber.services])
    if form.validate_on_submit():
        chosen = sorted(form.services.data or [])
        subscriptions.choose_services(subscriber, None if len(chosen) == len(form.services.choices) else chosen)
        flash(_("Saved. Your services have been updated."), "success")
        return redirect(url_for("subscribe.manage", token=token))
    return render_template("subscribe/services.html", form=form, back_url=url_for("subscribe.manage", token=token))


@subscribe.route("/manage/<token>/language", methods=["GET", "POST"])
@managed
def manage_language(subscriber: Subscriber, token: str) -> ViewResult:
    """The language every message to the person comes in, by each of their contacts."""
    if not bilingual():
        abort(404)
    form = LanguageForm()
    if request.method == "GET":
        form.language.data = subscriber.language
    if form.validate_on_submit() and form.language.data:
        subscriptions.choose_language(subscriber, form.language.data)
        flash(_("Saved. Your alerts will come in Welsh.") if form.language.data == WELSH
              else _("Saved. Your alerts will come in English."), "success")
        return redirect(url_for("subscribe.manage", token=token))
    return render_template("subscribe/language.html", form=form, language_items=LANGUAGE_ITEMS,
                           back_url=url_for("subscribe.manage", token=token))


@subscribe.route("/manage/<token>/contact", methods=["GET", "POST"])
@managed
def manage_contact(subscriber: Subscriber, token: str) -> ViewResult:
    """A new email address or number gets the alerts only once it is confirmed; until then the old one does."""
    channel = Channel.SMS if request.args.get("channel") == "sms" else Channel.EMAIL
    form = contact_form_for(channel)
    if request.method == "POST" and form.honeypot_filled():
        return honeypot_page()
    if form.validate_on_submit() and form.normalised:
        if form.normalised == subscriber.contact:
            return redirect(url_for("subscribe.manage", token=token))
        sign_up = SignUp(channel=channel, contact=form.normalised,
                         areas=[AreaChoice(s.area_id, s.postcode) for s in subscriber.subscriptions],
                         service_ids=None if subscriber.all_services else [s.id for s in subscriber.services],
                         source="web", replaces=subscriber.id, resident_id=subscriber.resident_id,
                         digest=request.args.get("digest") == "1" if channel == Channel.EMAIL else None,
                         language=subscriber.language)
        try:
            subscriber_id = signups.start_sign_up(sign_up, ip=get_remote_address(), client=code_client())
        except Refused as error:
            return refused_page(error)
        session[PENDING] = pending_for(subscriber_id, channel, sign_up.contact)
        return redirect(url_for("subscribe.confirm_code" if channel == Channel.SMS else "subscribe.check_email"))
    return render_template("subscribe/contact.html", form=form, channel=channel,
                           back_url=url_for("subscribe.manage_channel", token=token))


@subscribe.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ViewResult | Response:
    """GET asks; POST stops every alert. POST is also RFC 8058 one-click unsubscribe, which mail clients send
    without a CSRF token (body `List-Unsubscribe=One-Click`, or empty): the signed token is the only key."""
    try:
        found = links.read_token(links.UNSUBSCRIBE, token)
    except links.InvalidToken:
        return render_template("subscribe/link_invalid.html", manage=True), 404
    subscriber = subscriber_data.get_subscriber(found.subscriber_id)
    # Gone or erased after unsubscribing: the answer a second one-click gets is still "done".
    stopped = subscriber is None or subscriber.contact is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED
    if subscriber is not None and subscriber.token_version != found.version and not stopped:
        return render_template("subscribe/link_invalid.html", manage=True), 404
    if request.method == "GET":
        if stopped:
            return render_template("subscribe/unsubscribed.html", already=True, carry_on=[])
        assert subscriber is not None
        return render_template("subscribe/unsubscribe.html", token=token, stopping=described(subscriber),
                               carry_on=[described(c) for c in residents.other_contacts(subscriber)])
    carry_on: list[str] = []
    if not stopped and subscriber is not None:
        stopping = described(subscriber)
        remaining = subscriptions.unsubscribe_by_link(subscriber)
        # This contact has stopped; the person's others carry on, and this browser may stop them too.
        if remaining:
            session[CARRY_ON] = [contact.id for contact in remaining]
        carry_on = [described(contact) for contact in remaining]
        return render_template("subscribe/unsubscribed.html", already=False, carry_on=carry_on, stopped=stopping,
                               stop_all_form=ConfirmForm())
    return render_template("subscribe/unsubscribed.html", already=stopped, carry_on=carry_on)
