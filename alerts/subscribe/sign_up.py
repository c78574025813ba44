"""Sign up for alerts and confirm them: one question per page, the answers kept in the session."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as BaseResponse

from alerts import links
from alerts.data import reference, residents
from alerts.data import subscribers as subscriber_data
from alerts.data.digests import digest_time
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice
from alerts.languages import LANGUAGES
from alerts.models import Channel
from alerts.services import signups
from alerts.services.signup_defences import Refused, code_attempts
from alerts.services.signups import CODE_ERRORS, CodeOutcome, SignUp
from alerts.subscribe import subscribe
from alerts.subscribe.forms import (
    BOTH,
    DAILY_EMAIL,
    LANGUAGE_ITEMS,
    AddAnotherForm,
    ChannelForm,
    CodeForm,
    ConfirmForm,
    LanguageForm,
    PostcodeForm,
    ServicesForm,
    contact_form_for,
)
from alerts.subscribe.shared import (
    PENDING,
    ViewResult,
    all_service_ids,
    bilingual,
    code_client,
    honeypot_page,
    pending_for,
    refused_page,
)
from alerts.web.languages import page_language

JOURNEY = "subscribe"  # the answers so far


def _journey() -> dict[str, Any]:
    return dict(session.get(JOURNEY) or {})


def _save(journey: dict[str, Any]) -> None:
    session[JOURNEY] = journey


def _areas(journey: dict[str, Any]) -> list[AreaChoice]:
    return [AreaChoice(area_id, postcode) for area_id, postcode in journey.get("areas", [])]


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
        if len(areas) >= MAX_PLACES_PER_PERSON:
            form.postcode.errors = [_too_many_postcodes()]
            return render_template("subscribe/postcode.html", form=form,
                                   back_url=url_for("subscribe.choose_postcodes"))
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
        if form.add_another.data == "no":
            return redirect(url_for("subscribe.choose_services"))
        if len(journey["areas"]) < MAX_PLACES_PER_PERSON:
            return redirect(url_for("subscribe.start", another=1))
        form.add_another.errors = [_too_many_postcodes()]
    names = {area.id: area.name for area in reference.get_areas(a[0] for a in journey["areas"])}
    rows = [{"postcode": postcode, "area": names.get(area_id, area_id)} for area_id, postcode in journey["areas"]]
    return render_template("subscribe/postcodes.html", form=form, rows=rows, remove_form=ConfirmForm(),
                           back_url=url_for("subscribe.start"))


def _too_many_postcodes() -> str:
    # Residents give postcodes (everywhere, the whole county, is not theirs to choose): say what they can do.
    return _("You can add up to %(count)s postcodes. Remove one to add another", count=MAX_PLACES_PER_PERSON)


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
        form.services.data = chosen if chosen is not None else all_service_ids(form)
    if form.validate_on_submit():
        chosen = sorted(form.services.data or [])
        journey["services"] = None if len(chosen) == len(form.services.choices) else chosen
        _save(journey)
        return redirect(url_for("subscribe.choose_channel"))
    return render_template("subscribe/services.html", form=form, back_url=url_for("subscribe.choose_postcodes"))


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
                           digest_time=digest_time())


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
        return honeypot_page()
    if form.validate_on_submit():
        journey[key] = form.normalised
        # Shown back as the resident typed it ("07700 900123"), not as stored (+447700900123).
        journey[f"{key}_typed"] = (" ".join((form.contact.data or "").split()) if channel == Channel.SMS
                                   else form.normalised)
        _save(journey)
        if both and not second:
            return redirect(url_for("subscribe.choose_contact", second=1))
        if bilingual() and journey.get("language") not in LANGUAGES:
            return redirect(url_for("subscribe.choose_language"))
        return redirect(url_for("subscribe.check_answers"))
    return render_template("subscribe/contact.html", form=form, channel=channel,
                           back_url=url_for("subscribe.choose_contact") if second
                           else url_for("subscribe.choose_channel"))


def _last_contact_url(journey: dict[str, Any]) -> str:
    return url_for("subscribe.choose_contact", second=1) if journey.get("channel") == BOTH \
        else url_for("subscribe.choose_contact")


@subscribe.route("/subscribe/language", methods=["GET", "POST"])
def choose_language() -> ViewResult:
    """For a council that writes in Welsh and English: the language of every message to them, the page's by
    default."""
    journey = _journey()
    if not bilingual():
        return redirect(url_for("subscribe.check_answers"))
    if not (journey.get("areas") and journey.get("contact")):
        return redirect(url_for("subscribe.start"))
    form = LanguageForm()
    if request.method == "GET":
        form.language.data = journey.get("language") or page_language()
    if form.validate_on_submit():
        journey["language"] = form.language.data
        _save(journey)
        return redirect(url_for("subscribe.check_answers"))
    return render_template("subscribe/language.html", form=form, language_items=LANGUAGE_ITEMS,
                           back_url=_last_contact_url(journey))


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
                         digest=bool(journey.get("digest")) if channel == Channel.EMAIL else None,
                         language=_language_of(journey))
        sign_ups = [sign_up]
        if both:
            # One person by two contacts: each is confirmed on its own (the link by email, the code by text) and
            # joins the other as it is.
            sign_ups.append(dataclasses.replace(sign_up, channel=Channel.SMS, contact=journey["sms_contact"],
                                                digest=None))
        try:
            subscriber_id = signups.start_sign_ups(sign_ups, ip=get_remote_address(), client=code_client())[-1]
        except Refused as error:
            return refused_page(error)
        sign_up = sign_ups[-1]
        channel = sign_up.channel
        session.pop(JOURNEY, None)
        session[PENDING] = pending_for(subscriber_id, channel, sign_up.contact)
        return redirect(url_for("subscribe.confirm_code" if channel == Channel.SMS else "subscribe.check_email"))
    services = journey.get("services")
    service_names = ([s.name for s in reference.list_services() if s.id in services] if services is not None
                     else [_("All services")])
    names = {area.id: area.name for area in reference.get_areas(a[0] for a in journey["areas"])}
    postcodes = [f"{postcode} ({names.get(area_id, area_id)})" for area_id, postcode in journey["areas"]]
    return render_template("subscribe/check.html", form=form, channel=journey["channel"], digest=journey.get("digest"),
                           sms_contact=journey.get("sms_contact_typed") or journey.get("sms_contact"),
                           digest_time=digest_time(),
                           contact=journey.get("contact_typed") or journey["contact"],
                           postcodes=postcodes, service_names=service_names,
                           language=_language_of(journey) if bilingual() else None,
                           back_url=url_for("subscribe.choose_language") if bilingual()
                           else url_for("subscribe.choose_contact"))


def _language_of(journey: dict[str, Any]) -> str | None:
    """The language they chose; the page's when not asked (a council with one language: its own)."""
    if not bilingual():
        return None
    chosen = journey.get("language")
    return chosen if chosen in LANGUAGES else page_language()


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
        outcome = signups.confirm_with_code(pending["id"], form.code.data or "", client=code_client(),
                                            issued_at=pending.get("issued_at"))
        if outcome == CodeOutcome.CORRECT:
            session.pop(PENDING, None)
            session["subscribe_done"] = pending
            return redirect(url_for("subscribe.done"))
        form.code.errors = [str(CODE_ERRORS[outcome])]
    return render_template("subscribe/code.html", form=form, masked=pending["masked"], resend_form=ConfirmForm(),
                           back_url=url_for("subscribe.start"))


@subscribe.post("/subscribe/confirm/resend")
def confirm_resend() -> ViewResult:
    pending = _pending()
    if pending is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for("subscribe.start"))
    try:
        sent = signups.resend_confirmation(pending["id"], ip=get_remote_address(), client=code_client())
    except Refused as error:
        return refused_page(error)
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
                           added=bool(pending.get("added")),
                           resent=session.pop("subscribe_resent", False))


@subscribe.route("/subscribe/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ViewResult:
    # A button, not the GET: email security scanners open every link, and must not confirm for the resident.
    form = ConfirmForm()
    if form.validate_on_submit():
        subscriber_id = signups.confirm_email(token)
        if subscriber_id is None:
            return render_template("subscribe/link_invalid.html"), 404
        pending = _pending()
        if pending is not None and pending["id"] == subscriber_id:
            session.pop(PENDING, None)  # a text code still waiting for the same person stays on its page
        session["subscribe_done"] = {"id": subscriber_id, "channel": "email",
                                     "added": bool(pending and pending["id"] == subscriber_id and pending.get("added"))}
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
    subscriber = subscriber_data.get_subscriber(finished["id"]) if isinstance(finished.get("id"), int) else None
    if subscriber is None or subscriber.contact is None:
        return redirect(url_for("subscribe.start"))
    # Say truthfully what is on now and what still waits for its code or link.
    also_on = [signups.masked(c.channel, c.contact or "") for c in residents.other_contacts(subscriber)]
    waiting = [{"channel": c.channel.value, "masked": signups.masked(c.channel, c.contact or "")}
               for c in residents.waiting_to_join(subscriber)]
    pending = _pending()
    return render_template("subscribe/done.html", channel=subscriber.channel.value, also_on=also_on, waiting=waiting,
                           code_waiting=pending is not None and pending.get("channel") == Channel.SMS.value,
                           digest=bool(subscriber.digest), digest_time=digest_time(),
                           added=bool(finished.get("added")) and bool(also_on),
                           masked=signups.masked(subscriber.channel, subscriber.contact))
