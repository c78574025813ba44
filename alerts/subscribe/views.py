"""Sign up for alerts, confirm, manage and stop them: one question per page, the answers kept in the session."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as BaseResponse

from alerts import links
from alerts.data import reference
from alerts.data import subscribers as subscriber_data
from alerts.data.insight import UnsubscribeVia
from alerts.data.subscribers import AreaChoice
from alerts.extensions import csrf, limiter
from alerts.models import Channel, Subscriber, SubscriberStatus
from alerts.subscribe import signups
from alerts.subscribe.defences import Refused, code_attempts
from alerts.subscribe.forms import (
    BOTH,
    DAILY_EMAIL,
    AddAnotherForm,
    ChannelForm,
    CodeForm,
    ConfirmForm,
    FindManageForm,
    PostcodeForm,
    ServicesForm,
    contact_form_for,
)
from alerts.subscribe.signups import CODE_ERRORS, CodeOutcome, SignUp

subscribe = Blueprint("subscribe", __name__)

JOURNEY = "subscribe"  # the answers so far
PENDING = "subscribe_pending"  # the sign-up waiting for its code or link: id, channel, masked contact
MANAGE_CONTACT = "manage_contact"  # the number a security code was texted to
MANAGE_SENT_AT = "manage_code_sent_at"  # when that code was sent (time.time())
CLIENT = "code_client"  # who this browser is to the codes it asks for and tries (signups.check_code)

ViewResult = str | tuple[str, int] | BaseResponse


def _all_service_ids(form: ServicesForm) -> list[str]:
    return [choice.value for choice in form.services.choices]


def _journey() -> dict[str, Any]:
    return dict(session.get(JOURNEY) or {})


def _save(journey: dict[str, Any]) -> None:
    session[JOURNEY] = journey


def _areas(journey: dict[str, Any]) -> list[AreaChoice]:
    return [AreaChoice(area_id, postcode) for area_id, postcode in journey.get("areas", [])]


def _refused(error: Refused) -> tuple[str, int]:
    if error.reason == "sms-budget":
        return render_template("subscribe/sms_paused.html"), 429
    return render_template("errors/429.html", retry_after_minutes=error.retry_after_minutes), 429


def _client() -> str:
    """This browser's key for the codes it asks for: only its own wrong guesses spend a code it was sent."""
    if not isinstance(session.get(CLIENT), str):
        session[CLIENT] = signups.new_client_key()
    return str(session[CLIENT])


def _pending_for(subscriber_id: int, channel: Channel, contact: str) -> dict[str, Any]:
    """What the session keeps of a sign-up waiting for its code or link."""
    return {"id": subscriber_id, "channel": channel.value, "masked": signups.masked(channel, contact),
            "issued_at": time.time()}


def _honeypot_page() -> tuple[str, int]:
    return render_template("subscribe/refused.html", reason="honeypot"), 400


# --- Sign up ------------------------------------------------------------------------------------------------------

@subscribe.route("/subscribe", methods=["GET", "POST"])
def start() -> ViewResult:
    journey = _journey()
    if request.method == "GET":
        if request.args.get("postcode"):
            journey = {"started_at": time.time(), "areas": []}  # a "Get alerts for …" link starts afresh
        elif "started_at" not in journey:
            journey = {**journey, "started_at": time.time()}
        _save(journey)
    form = PostcodeForm()
    if request.method == "GET" and not request.args.get("another"):
        form.postcode.data = request.args.get("postcode", "")
    if form.validate_on_submit() and form.area:
        areas = [a for a in journey.get("areas", []) if a[1] != form.area.postcode]
        journey["areas"] = [*areas, [form.area.area_id, form.area.postcode]]
        journey.setdefault("started_at", time.time())
        _save(journey)
        return redirect(url_for("subscribe.choose_postcodes"))
    back = url_for("subscribe.choose_postcodes") if journey.get("areas") else url_for("public.start")
    return render_template("subscribe/postcode.html", form=form, back_url=back)


@subscribe.route("/subscribe/postcodes", methods=["GET", "POST"])
def choose_postcodes() -> ViewResult:
    journey = _journey()
    if not journey.get("areas"):
        return redirect(url_for("subscribe.start"))
    form = AddAnotherForm()
    if form.validate_on_submit():
        if form.add_another.data == "yes":
            return redirect(url_for("subscribe.start", another=1))
        return redirect(url_for("subscribe.choose_services"))
    names = {area.id: area.name for area in reference.get_areas(a[0] for a in journey["areas"])}
    rows = [{"postcode": postcode, "area": names.get(area_id, area_id)} for area_id, postcode in journey["areas"]]
    return render_template("subscribe/postcodes.html", form=form, rows=rows, remove_form=ConfirmForm(),
                           back_url=url_for("subscribe.start"))


@subscribe.post("/subscribe/postcodes/<int:index>/remove")
def choose_remove_postcode(index: int) -> BaseResponse:
    journey = _journey()
    if ConfirmForm().validate_on_submit() and 0 <= index < len(journey.get("areas", [])):
        journey["areas"] = [a for i, a in enumerate(journey["areas"]) if i != index]
        _save(journey)
    return redirect(url_for("subscribe.choose_postcodes"))


@subscribe.route("/subscribe/services", methods=["GET", "POST"])
def choose_services() -> ViewResult:
    journey = _journey()
    if not journey.get("areas"):
        return redirect(url_for("subscribe.start"))
    form = ServicesForm()
    if request.method == "GET":
        chosen = journey.get("services")
        form.services.data = chosen if chosen is not None else _all_service_ids(form)
    if form.validate_on_submit():
        chosen = sorted(form.services.data or [])
        journey["services"] = None if len(chosen) == len(form.services.choices) else chosen
        _save(journey)
        return redirect(url_for("subscribe.choose_channel"))
    return render_template("subscribe/services.html", form=form, back_url=url_for("subscribe.choose_postcodes"))


def _digest_time() -> str:
    """When the daily email goes, as residents read times ("6pm")."""
    hour = int(current_app.config["DIGEST_HOUR"])
    return {0: "midnight", 12: "midday"}.get(hour, f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}")


@subscribe.route("/subscribe/how", methods=["GET", "POST"])
def choose_channel() -> ViewResult:
    journey = _journey()
    if not journey.get("areas"):
        return redirect(url_for("subscribe.start"))
    form = ChannelForm()
    if request.method == "GET" and journey.get("channel"):
        form.channel.data = DAILY_EMAIL if journey.get("digest") else journey["channel"]
    if form.validate_on_submit():
        channel = "email" if form.channel.data == DAILY_EMAIL else form.channel.data
        if journey.get("channel") != channel:
            for key in ("contact", "contact_typed", "sms_contact", "sms_contact_typed"):
                journey.pop(key, None)
        journey["channel"] = channel
        journey["digest"] = form.channel.data == DAILY_EMAIL
        _save(journey)
        return redirect(url_for("subscribe.choose_contact"))
    return render_template("subscribe/channel.html", form=form, back_url=url_for("subscribe.choose_services"),
                           digest_time=_digest_time())


@subscribe.route("/subscribe/contact", methods=["GET", "POST"])
def choose_contact() -> ViewResult:
    journey = _journey()
    if not journey.get("areas") or journey.get("channel") not in ("sms", "email", BOTH):
        return redirect(url_for("subscribe.choose_channel"))
    # Both channels ask for the email address, then (second=1) the mobile number.
    both = journey["channel"] == BOTH
    second = both and request.args.get("second") == "1"
    channel = Channel.SMS if second else (Channel.EMAIL if both else Channel(journey["channel"]))
    key = "sms_contact" if second else "contact"
    form = contact_form_for(channel)
    if request.method == "GET" and journey.get(key):
        form.contact.data = journey.get(f"{key}_typed") or journey[key]
    if request.method == "POST" and form.honeypot_filled():
        return _honeypot_page()
    if form.validate_on_submit():
        journey[key] = form.normalised
        # Shown back as the resident typed it ("07700 900123"), not as stored (+447700900123).
        journey[f"{key}_typed"] = (" ".join((form.contact.data or "").split()) if channel == Channel.SMS
                                   else form.normalised)
        _save(journey)
        if both and not second:
            return redirect(url_for("subscribe.choose_contact", second=1))
        return redirect(url_for("subscribe.check_answers"))
    return render_template("subscribe/contact.html", form=form, channel=channel,
                           back_url=url_for("subscribe.choose_contact") if second
                           else url_for("subscribe.choose_channel"))


@subscribe.route("/subscribe/check", methods=["GET", "POST"])
def check_answers() -> ViewResult:
    journey = _journey()
    if not (journey.get("areas") and journey.get("channel") and journey.get("contact")):
        return redirect(url_for("subscribe.start"))
    both = journey["channel"] == BOTH
    if both and not journey.get("sms_contact"):
        return redirect(url_for("subscribe.choose_contact", second=1))
    channel = Channel.EMAIL if both else Channel(journey["channel"])
    form = ConfirmForm()
    if form.validate_on_submit():
        if time.time() - float(journey.get("started_at", time.time())) < current_app.config["SIGNUP_MIN_FILL_SECONDS"]:
            # People take longer than this to answer five questions; scripts don't.
            return render_template("subscribe/refused.html", reason="too-fast"), 429
        sign_up = SignUp(channel=channel, contact=journey["contact"], areas=_areas(journey),
                         service_ids=journey.get("services"), source="web",
                         digest=bool(journey.get("digest")) if channel == Channel.EMAIL else None)
        session.pop("subscribe_also_email", None)
        try:
            subscriber_id = signups.start_sign_up(sign_up, ip=get_remote_address(), client=_client())
            if both:
                # Each channel is its own sign-up, confirmed on its own: the link by email, the code by text.
                text_sign_up = dataclasses.replace(sign_up, channel=Channel.SMS, contact=journey["sms_contact"],
                                                   digest=None)
                session["subscribe_also_email"] = signups.masked(Channel.EMAIL, sign_up.contact)
                subscriber_id = signups.start_sign_up(text_sign_up, ip=get_remote_address(), client=_client())
                channel, sign_up = Channel.SMS, text_sign_up
        except Refused as error:
            return _refused(error)
        session.pop(JOURNEY, None)
        session[PENDING] = _pending_for(subscriber_id, channel, sign_up.contact)
        return redirect(url_for("subscribe.confirm_code" if channel == Channel.SMS else "subscribe.check_email"))
    services = journey.get("services")
    service_names = ([s.name for s in reference.list_services() if s.id in services] if services is not None
                     else ["All services"])
    names = {area.id: area.name for area in reference.get_areas(a[0] for a in journey["areas"])}
    postcodes = [f"{postcode} ({names.get(area_id, area_id)})" for area_id, postcode in journey["areas"]]
    return render_template("subscribe/check.html", form=form, channel=journey["channel"], digest=journey.get("digest"),
                           sms_contact=journey.get("sms_contact_typed") or journey.get("sms_contact"),
                           digest_time=_digest_time(),
                           contact=journey.get("contact_typed") or journey["contact"],
                           postcodes=postcodes, service_names=service_names,
                           back_url=url_for("subscribe.choose_contact"))


def _pending() -> dict[str, Any] | None:
    pending = session.get(PENDING)
    return pending if isinstance(pending, dict) and isinstance(pending.get("id"), int) else None


@subscribe.route("/subscribe/confirm", methods=["GET", "POST"])
@code_attempts
def confirm_code() -> ViewResult:
    pending = _pending()
    if pending is None or pending.get("channel") != Channel.SMS.value:
        return redirect(url_for("subscribe.start"))
    form = CodeForm()
    if form.validate_on_submit():
        outcome = signups.confirm_with_code(pending["id"], form.code.data or "", client=_client(),
                                            issued_at=pending.get("issued_at"))
        if outcome == CodeOutcome.CORRECT:
            session.pop(PENDING, None)
            session["subscribe_done"] = pending
            return redirect(url_for("subscribe.done"))
        form.code.errors = [CODE_ERRORS[outcome]]
    return render_template("subscribe/code.html", form=form, masked=pending["masked"], resend_form=ConfirmForm(),
                           back_url=url_for("subscribe.start"))


@subscribe.post("/subscribe/confirm/resend")
def confirm_resend() -> ViewResult:
    pending = _pending()
    if pending is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for("subscribe.start"))
    try:
        sent = signups.resend_confirmation(pending["id"], ip=get_remote_address(), client=_client())
    except Refused as error:
        return _refused(error)
    if not sent:
        session.pop(PENDING, None)
        return redirect(url_for("subscribe.start"))
    session[PENDING] = {**pending, "issued_at": time.time()}
    session["subscribe_resent"] = True
    return redirect(url_for("subscribe.confirm_code" if pending["channel"] == "sms" else "subscribe.check_email"))


@subscribe.get("/subscribe/check-email")
def check_email() -> ViewResult:
    pending = _pending()
    if pending is None or pending.get("channel") != Channel.EMAIL.value:
        return redirect(url_for("subscribe.start"))
    return render_template("subscribe/check_email.html", masked=pending["masked"], resend_form=ConfirmForm(),
                           resent=session.pop("subscribe_resent", False))


@subscribe.route("/subscribe/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ViewResult:
    # A button, not the GET: email security scanners open every link, and must not confirm for the resident.
    form = ConfirmForm()
    if form.validate_on_submit():
        subscriber_id = signups.confirm_email(token)
        if subscriber_id is None:
            return render_template("subscribe/link_invalid.html"), 404
        session.pop(PENDING, None)
        session["subscribe_done"] = {"id": subscriber_id, "channel": "email"}
        return redirect(url_for("subscribe.done"))
    try:
        links.read_token(links.CONFIRM_EMAIL, token)
    except links.InvalidToken:
        return render_template("subscribe/link_invalid.html"), 404
    return render_template("subscribe/confirm_email.html", form=form)


@subscribe.get("/subscribe/done")
def done() -> ViewResult:
    finished = session.get("subscribe_done")
    if not isinstance(finished, dict):
        return redirect(url_for("subscribe.start"))
    return render_template("subscribe/done.html", channel=finished.get("channel"),
                           also_email=session.get("subscribe_also_email"))


# --- Manage and stop ----------------------------------------------------------------------------------------------

@subscribe.route("/manage", methods=["GET", "POST"])
def find_manage() -> ViewResult:
    form = FindManageForm()
    if request.method == "POST" and form.honeypot_filled():
        return _honeypot_page()
    if form.validate_on_submit() and form.channel and form.normalised:
        try:
            signups.send_manage_access(form.channel, form.normalised, ip=get_remote_address(), client=_client())
        except Refused as error:
            return _refused(error)
        if form.channel == Channel.SMS:
            session[MANAGE_CONTACT] = form.normalised
            session[MANAGE_SENT_AT] = time.time()
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
        outcome, path = signups.manage_path_for_code(contact, form.code.data or "", client=_client(),
                                                     issued_at=sent_at if isinstance(sent_at, float) else None)
        if path:
            session.pop(MANAGE_CONTACT, None)
            session.pop(MANAGE_SENT_AT, None)
            return redirect(path)
        form.code.errors = [CODE_ERRORS[outcome]]
    return render_template("subscribe/manage_code.html", form=form, masked=signups.masked(Channel.SMS, contact),
                           back_url=url_for("subscribe.find_manage"))


def _managed(token: str) -> Subscriber | BaseResponse | tuple[str, int]:
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


def _short_link_limit() -> str:
    return current_app.config["SHORT_LINK_LIMITS_PER_IP"]


@subscribe.get("/s/<code>")
@limiter.limit(_short_link_limit, key_func=get_remote_address)
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
def manage(token: str) -> ViewResult:
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    return render_template("subscribe/manage.html", subscriber=subscriber, token=token,
                           services=reference.list_services(),
                           unsubscribe_url=url_for("subscribe.unsubscribe",
                                                   token=links.make_token(links.UNSUBSCRIBE, subscriber.id,
                                                                          subscriber.token_version)))


@subscribe.route("/manage/<token>/postcodes", methods=["GET", "POST"])
def manage_postcodes(token: str) -> ViewResult:
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    form = PostcodeForm()
    form.postcode.label.text = "Add a postcode"
    if form.validate_on_submit() and form.area:
        subscriber_data.add_areas(subscriber, [form.area])
        subscriber_data.commit()
        return redirect(url_for("subscribe.manage", token=token))
    return render_template("subscribe/manage_postcodes.html", form=form, subscriber=subscriber, token=token,
                           remove_form=ConfirmForm(), back_url=url_for("subscribe.manage", token=token))


@subscribe.post("/manage/<token>/postcodes/<area_id>/remove")
def manage_remove_area(token: str, area_id: str) -> ViewResult:
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if len(subscriber.subscriptions) <= 1:
        form = PostcodeForm()
        form.postcode.label.text = "Add a postcode"
        error = [{"text": "You need at least one area. To stop all alerts, unsubscribe instead", "href": "#areas"}]
        return render_template("subscribe/manage_postcodes.html", form=form, subscriber=subscriber, token=token,
                               remove_form=ConfirmForm(), error_summary=error,
                               back_url=url_for("subscribe.manage", token=token)), 400
    subscriber_data.remove_area(subscriber, area_id)
    subscriber_data.commit()
    return redirect(url_for("subscribe.manage_postcodes", token=token))


@subscribe.route("/manage/<token>/services", methods=["GET", "POST"])
def manage_services(token: str) -> ViewResult:
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    form = ServicesForm()
    if request.method == "GET":
        form.services.data = (_all_service_ids(form) if subscriber.all_services
                              else [s.id for s in subscriber.services])
    if form.validate_on_submit():
        chosen = sorted(form.services.data or [])
        subscriber_data.set_services(subscriber, None if len(chosen) == len(form.services.choices) else chosen)
        subscriber_data.commit()
        return redirect(url_for("subscribe.manage", token=token))
    return render_template("subscribe/services.html", form=form, back_url=url_for("subscribe.manage", token=token))


@subscribe.route("/manage/<token>/channel", methods=["GET", "POST"])
def manage_channel(token: str) -> ViewResult:
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    form = ChannelForm()
    if request.method == "GET":
        form.channel.data = DAILY_EMAIL if subscriber.digest else subscriber.channel.value
    if form.validate_on_submit():
        wants_digest = form.channel.data == DAILY_EMAIL
        channel = Channel.EMAIL.value if wants_digest else form.channel.data
        if channel == subscriber.channel.value == Channel.EMAIL.value:
            # The same address, so nothing to confirm: each alert or one email a day.
            subscriber.digest = wants_digest
            subscriber_data.commit()
            return redirect(url_for("subscribe.manage", token=token))
        return redirect(url_for("subscribe.manage_contact", token=token, channel=channel, digest=int(wants_digest)))
    return render_template("subscribe/channel.html", form=form, back_url=url_for("subscribe.manage", token=token),
                           digest_time=_digest_time())


@subscribe.route("/manage/<token>/contact", methods=["GET", "POST"])
def manage_contact(token: str) -> ViewResult:
    """A new email address or number gets the alerts only once it is confirmed; until then the old one does."""
    subscriber = _managed(token)
    if not isinstance(subscriber, Subscriber):
        return subscriber
    channel = Channel.SMS if request.args.get("channel") == "sms" else Channel.EMAIL
    form = contact_form_for(channel)
    if request.method == "POST" and form.honeypot_filled():
        return _honeypot_page()
    if form.validate_on_submit() and form.normalised:
        if form.normalised == subscriber.contact:
            return redirect(url_for("subscribe.manage", token=token))
        sign_up = SignUp(channel=channel, contact=form.normalised,
                         areas=[AreaChoice(s.area_id, s.postcode) for s in subscriber.subscriptions],
                         service_ids=None if subscriber.all_services else [s.id for s in subscriber.services],
                         source="web", replaces=subscriber.id,
                         digest=request.args.get("digest") == "1" if channel == Channel.EMAIL else None)
        try:
            subscriber_id = signups.start_sign_up(sign_up, ip=get_remote_address(), client=_client())
        except Refused as error:
            return _refused(error)
        session[PENDING] = _pending_for(subscriber_id, channel, sign_up.contact)
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
            return render_template("subscribe/unsubscribed.html", already=True)
        return render_template("subscribe/unsubscribe.html", token=token)
    if not stopped and subscriber is not None:
        subscriber_data.unsubscribe(subscriber, reason="Unsubscribed by the resident", via=UnsubscribeVia.LINK)
        subscriber_data.commit()
    return render_template("subscribe/unsubscribed.html", already=stopped)
