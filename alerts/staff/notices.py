"""The officer's notice lifecycle: draft, check (preview and audience), publish or schedule, approve, update,
resolve, cancel."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from alerts.data import delivery_reports, fanouts, foresight, notice_lifecycle, reference, update_promises
from alerts.data.notice_lifecycle import NoticeDraft, NoticeStateError
from alerts.data.notices import writes_in_welsh
from alerts.formatting import london_time, with_article
from alerts.languages import ENGLISH
from alerts.models import (
    FanoutStatus,
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    PendingUpdate,
    Role,
    UpdateKind,
    utc_now,
)
from alerts.profile import council
from alerts.quiet_hours import texts_wait_until
from alerts.services import publishing
from alerts.staff import bilingual_forms, staff, starting
from alerts.staff.access import role_required
from alerts.staff.forms import ConfirmForm, NoticeForm, PublishForm, ResolveForm, UpdateForm


def _actor() -> publishing.Actor:
    return publishing.Actor.staff(current_user, request.remote_addr)


@staff.context_processor
def _approval_helpers() -> dict[str, object]:
    """`can_approve(notice)` for staff templates (the dashboard lists first what the reader may approve)."""
    def can_approve(notice: Notice) -> bool:
        return current_user.is_authenticated and publishing.may_approve(notice, current_user)

    return {"can_approve": can_approve, "text_inputs": bilingual_forms.text_inputs}


def _notice_or_404(notice_id: int) -> Notice:
    notice = notice_lifecycle.get_notice(notice_id)
    if notice is None:
        abort(404)
    return notice


def _notice_form(notice: Notice | None = None, form_class: type[NoticeForm] = NoticeForm) -> NoticeForm:
    form = bilingual_forms.form_class(form_class)(obj=None)
    form.service.choices = [SelectChoice("", _("Select a service"))] + [
        SelectChoice(s.id, s.name) for s in reference.list_services()]
    form.areas.choices = [SelectChoice(a.id, a.name) for a in reference.list_areas()]
    if notice is not None and request.method == "GET":
        form.title.data, form.service.data, form.impact.data = notice.title, notice.service_id, str(notice.impact)
        form.areas.data = [a.id for a in notice.areas]
        form.starts_at.data, form.expected_end_at.data = notice.starts_at_utc, notice.expected_end_at_utc
        form.summary.data, form.advice.data = notice.summary, notice.advice
        form.internal_notes.data, form.notify.data = notice.internal_notes, notice.notify_subscribers
        form.next_update_by.data = notice.next_update_by_utc
        starting.prefill_welsh(form, notice)
    return form


def _draft_from(form: NoticeForm, source_warning_id: str | None = None) -> NoticeDraft:
    return NoticeDraft(
        title=form.title.data or "", service_id=form.service.data or "", area_ids=list(form.areas.data or []),
        impact=Impact(form.impact.data), summary=form.summary.data or "", advice=form.advice.data or "",
        starts_at_utc=form.starts_at.data, expected_end_at_utc=form.expected_end_at.data,
        internal_notes=form.internal_notes.data or "", notify_subscribers=bool(form.notify.data),
        source_warning_id=source_warning_id, next_update_by_utc=form.next_update_by.data,
        title_cy=bilingual_forms.welsh_of(form, "title"), summary_cy=bilingual_forms.welsh_of(form, "summary"),
        advice_cy=bilingual_forms.welsh_of(form, "advice"),
    )


def _prefill_from_warning(form: NoticeForm, warning_id: str) -> str | None:
    warning = notice_lifecycle.get_weather_warning(warning_id)
    if warning is None:
        flash(_("That weather warning is no longer in the Met Office feed."))
        return None
    hazards = _in_words(warning.hazards) or "severe weather"
    form.title.data = f"{warning.level.capitalize()} weather warning for {hazards}"[:200]
    # Written for residents: the Met Office description lists other councils and reads times as "1800 Mon 7 Dec".
    when = ""
    if warning.valid_from_utc and warning.valid_to_utc:
        when = f" from {london_time(warning.valid_from_utc)} until {london_time(warning.valid_to_utc)}"
    elif warning.valid_to_utc:
        when = f" until {london_time(warning.valid_to_utc)}"
    form.summary.data = (f"The Met Office has issued {with_article(warning.level)} weather warning for {hazards} in "
                         f"{current_app.config['WARNING_AREA_NAME']}{when}.")
    form.service.data = "roads-and-gritting"
    form.areas.data = [reference.WHOLE_COUNTY_ID]
    form.impact.data = Impact.MAJOR.value if warning.level in ("amber", "red") else Impact.MINOR.value
    form.starts_at.data, form.expected_end_at.data = warning.valid_from_utc, warning.valid_to_utc
    return warning.id


def _last_as_long_as(form: NoticeForm, earlier: Notice) -> None:
    """Foresight's one click: a copy of a notice from an earlier warning starts now and is expected to last as long
    as that one did."""
    form.starts_at.data = utc_now()
    took = foresight.lasted(earlier)
    form.expected_end_at.data = form.starts_at.data + took if took else None


def _in_words(items: list[str]) -> str:
    """["rain", "wind", "snow"] → "rain, wind and snow"."""
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1] if items else ""]))


@staff.get("/notices")
@role_required(Role.OFFICER)
def notices() -> str:
    groups = [
        ("Drafts", [NoticeStatus.DRAFT]),
        ("Scheduled", [NoticeStatus.SCHEDULED]),
        ("Live", [NoticeStatus.ACTIVE]),
        ("Resolved, expired or cancelled", [NoticeStatus.RESOLVED, NoticeStatus.EXPIRED, NoticeStatus.CANCELLED]),
    ]
    listed = [("Waiting for approval", notice_lifecycle.list_waiting_for_approval(limit=50))]
    listed += [(heading, notice_lifecycle.list_notices_by_status(statuses, limit=50)) for heading, statuses in groups]
    return render_template("staff/notices.html", groups=listed)


@staff.route("/notices/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_notice() -> Response | str | tuple[str, int]:
    """A blank notice, or one started from a weather warning, a standard notice (`template`, whose placeholders
    the form asks for) or an earlier notice (`copy`): one screen before the check page."""
    template = starting.chosen_template(request.values.get("template"))
    form = _notice_form(form_class=starting.form_class_for(template))
    warning_id = request.values.get("warning") or None
    if request.method == "GET" and warning_id:
        warning_id = _prefill_from_warning(form, warning_id)
    if request.method == "GET" and template is not None:
        starting.prefill_from_template(form, template)
    elif request.method == "GET" and request.args.get("copy"):
        earlier = notice_lifecycle.get_notice(_whole_number(request.args["copy"]))
        starting.prefill_from_notice(form, earlier)
        if warning_id and earlier is not None:
            _last_as_long_as(form, earlier)
    if not form.validate_on_submit() or not starting.fill_in(form, template):
        return render_template("staff/notice_form.html", form=form, notice=None, warning_id=warning_id,
                               template=template, placeholder_fields=starting.placeholder_fields(form),
                               templates=starting.templates_to_offer(template, warning_id)), \
            400 if form.errors else 200
    if warning_id and notice_lifecycle.get_weather_warning(warning_id) is None:
        warning_id = None
    notice = publishing.create_draft(_draft_from(form, warning_id), _actor())
    return redirect(url_for("staff.notice", notice_id=notice.id))


def _whole_number(text: str) -> int:
    return int(text) if text.isdecimal() and len(text) < 10 else 0


@staff.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_notice(notice_id: int) -> Response | str | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL):
        flash(_("Only a draft can be edited. Post an update instead."))
        return redirect(url_for("staff.notice", notice_id=notice.id))
    form = _notice_form(notice)
    if not form.validate_on_submit():
        return render_template("staff/notice_form.html", form=form, notice=notice, warning_id=None), \
            400 if form.errors else 200
    if publishing.edit_draft(notice, _draft_from(form), _actor()):
        flash(_("Your change withdrew the request for approval: the notice is a draft again. Check it and publish "
                "it again to ask another officer to approve it."))
    return redirect(url_for("staff.notice", notice_id=notice.id))


def _render_notice(notice: Notice, publish_form: PublishForm | None = None, status: int = 200,
                   error: str | None = None) -> tuple[str, int]:
    checking = notice.status in (NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL)
    # Counted exactly, as it stands now: kept counts from the hourly roll-up would miss the last hour's sign-ups.
    audience = fanouts.audience_for(notice) if checking else None
    pending = notice.pending_update
    languages = _languages()
    pending_previews = [] if pending is None else [
        (language, fanouts.preview_for(notice, UpdateKind(pending.kind), _unsaved_update(pending), language=language))
        for language in languages]
    # Only a notice that has been sent has delivery to show; a draft or one awaiting approval has none yet.
    progress = None if checking else delivery_reports.delivery_progress(notice.id)
    expanding = any(fanout.status == FanoutStatus.PENDING for fanout in fanouts.fanouts_for_notice(notice.id))
    threshold = current_app.config["APPROVAL_THRESHOLD"]
    # Counted for whoever would send it: the officer about to press Publish, or whoever asked for approval.
    sender = notice.requested_by_id if notice.status == NoticeStatus.AWAITING_APPROVAL else current_user.id
    approval_need = publishing.approval_need(notice, sender) if audience is not None else None
    approval_message = None
    if approval_need is not None:
        requester = notice.requested_by
        approval_message = approval_need.message() if sender == current_user.id or requester is None \
            else approval_need.message(requester.email)
    error_summary = [{"text": error, "href": "#actions"}] if error else None
    page = render_template(
        "staff/notice.html", notice=notice, audience=audience, threshold=threshold,
        previews=[(language, fanouts.preview_for(notice, language=language)) for language in languages]
        if checking else [],
        audience_by_language=fanouts.audience_by_language(notice)
        if checking and len(languages) > 1 and notice.notify_subscribers else None,
        texts_in_both=languages if len(languages) > 1 else (),
        approval_message=approval_message, needs_approval=approval_need is not None,
        pending=pending, pending_previews=pending_previews,
        publish_form=publish_form or PublishForm(formdata=None), confirm_form=ConfirmForm(),
        message_counts=fanouts.message_counts_for_notice(notice.id),
        progress=progress if progress and (progress["total"] or expanding) else None, expanding=expanding,
        now=utc_now(), texts_wait_until=texts_wait_until(utc_now(), notice.impact),
        may_approve=publishing.may_approve(notice, current_user), waiting_since=publishing.waiting_since(notice),
        form=publish_form, error_summary=error_summary, next_update_rule=update_promises.DEFAULT_RULE,
    )
    return page, status


@staff.get("/notices/<int:notice_id>")
@role_required(Role.OFFICER)
def notice(notice_id: int) -> tuple[str, int]:
    return _render_notice(_notice_or_404(notice_id))


def _unsaved_update(pending: PendingUpdate) -> NoticeUpdate:
    """The update as it would be sent, for the preview: never added to the session."""
    return NoticeUpdate(kind=pending.kind, summary=pending.summary, advice=pending.advice,
                        summary_cy=pending.summary_cy, advice_cy=pending.advice_cy)


def _languages() -> list[str]:
    """The languages a notice is written and sent in, the council's first language first."""
    return [ENGLISH] if not writes_in_welsh() else list(council().languages)


@staff.post("/notices/<int:notice_id>/publish")
@role_required(Role.OFFICER)
def publish(notice_id: int) -> Response | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render_notice(notice, form, 400)
    publish_at = form.publish_at.data if form.when.data == "later" else None
    try:
        status = publishing.request_publication(notice, _actor(), publish_at_utc=publish_at)
    except NoticeStateError as error:
        return _render_notice(notice, form, 409, str(error))
    _flash_outcome(status)
    return redirect(url_for("staff.notice", notice_id=notice_id))


def _why(notice: Notice, kind: UpdateKind) -> str:
    """Why the send just asked for waits: its own audience, or what this officer has sent alone lately."""
    need = publishing.approval_need(notice, current_user.id, kind)
    return need.message() if need is not None else _("Another officer must approve it before anything is sent.")


def _flash_outcome(status: NoticeStatus) -> None:
    messages = {
        NoticeStatus.ACTIVE: _("Notice published"),
        NoticeStatus.SCHEDULED: _("Notice scheduled"),
        NoticeStatus.AWAITING_APPROVAL: _("Notice sent for approval. Another officer must approve it before "
                                          "anything is published or sent. Officers who can approve it have been "
                                          "emailed."),
        NoticeStatus.RESOLVED: _("Resolution approved: subscribers will be told"),
    }
    flash(messages[status], "success")


@staff.post("/notices/<int:notice_id>/approve")
@role_required(Role.OFFICER)
def approve(notice_id: int) -> Response | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    was_update = notice.pending_update is not None and notice.status == NoticeStatus.ACTIVE
    try:
        status = publishing.approve(notice, _actor(), seen=request.form.get("seen") or None)
    except NoticeStateError as error:
        return _render_notice(notice, status=409, error=str(error))
    if was_update and status == NoticeStatus.ACTIVE:
        flash(_("Update approved: subscribers will be emailed"), "success")
    else:
        _flash_outcome(status)
    return redirect(url_for("staff.notice", notice_id=notice_id))


@staff.post("/notices/<int:notice_id>/cancel")
@role_required(Role.OFFICER)
def cancel(notice_id: int) -> Response | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        withdrawn = publishing.cancel(notice, _actor())
    except NoticeStateError as error:
        return _render_notice(notice, status=409, error=str(error))
    flash(_("Update withdrawn. Nothing was sent.") if withdrawn
          else _("Notice cancelled. Nothing was published or sent."), "success")
    return redirect(url_for("staff.notice", notice_id=notice_id))


@staff.route("/notices/<int:notice_id>/update", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def update(notice_id: int) -> Response | str | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    if notice.status != NoticeStatus.ACTIVE:
        flash(_("Only a live notice can be updated."))
        return redirect(url_for("staff.notice", notice_id=notice.id))
    form = bilingual_forms.form_class(UpdateForm)()
    preview = None
    if not form.validate_on_submit():
        return render_template("staff/update.html", form=form, notice=notice, preview=preview), \
            400 if form.errors else 200
    try:
        posted = publishing.post_update(notice, _actor(), summary=form.summary.data or "",
                                        advice=form.advice.data or "", notify=bool(form.notify.data),
                                        next_update_by=form.next_update_by.data,
                                        summary_cy=bilingual_forms.welsh_of(form, "summary"),
                                        advice_cy=bilingual_forms.welsh_of(form, "advice"))
    except NoticeStateError as error:
        flash(str(error))
        return redirect(url_for("staff.notice", notice_id=notice.id))
    if isinstance(posted, PendingUpdate):
        flash(_("Update sent for approval. %(why)s", why=_why(notice, UpdateKind.UPDATED)), "success")
    else:
        flash(_("Update posted: subscribers will be emailed") if form.notify.data else _("Update posted"), "success")
    return redirect(url_for("staff.notice", notice_id=notice.id))


@staff.route("/notices/<int:notice_id>/resolve", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def resolve(notice_id: int) -> Response | str | tuple[str, int]:
    notice = _notice_or_404(notice_id)
    if notice.status not in (NoticeStatus.ACTIVE, NoticeStatus.EXPIRED):
        flash(_("Only a live or expired notice can be resolved."))
        return redirect(url_for("staff.notice", notice_id=notice.id))
    form = bilingual_forms.form_class(ResolveForm)()
    if not form.validate_on_submit():
        return render_template("staff/resolve.html", form=form, notice=notice,
                               preview=fanouts.preview_for(notice, UpdateKind.RESOLVED),
                               texts_wait_until=texts_wait_until(utc_now(), notice.impact)), \
            400 if form.errors else 200
    try:
        done = publishing.resolve(notice, _actor(), summary=form.summary.data or "", notify=bool(form.notify.data),
                                  summary_cy=bilingual_forms.welsh_of(form, "summary"))
    except NoticeStateError as error:
        flash(str(error))
        return redirect(url_for("staff.notice", notice_id=notice.id))
    if isinstance(done, PendingUpdate):
        flash(_("Resolution sent for approval. %(why)s", why=_why(notice, UpdateKind.RESOLVED)), "success")
    else:
        flash(_("Notice resolved"), "success")
    return redirect(url_for("staff.notice", notice_id=notice.id))
