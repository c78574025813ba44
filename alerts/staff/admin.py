"""Running the service: staff accounts, API tokens, the audit log and the local outbox."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from alerts.data import delivery_reports, operations
from alerts.data import outbox as outbox_data
from alerts.data import staff as staff_data
from alerts.data.audit import AuditFilter, audit_actions, list_audit_events
from alerts.data.staff_accounts import RESET_LINK_HOURS
from alerts.formatting import LONDON
from alerts.models import Role, StaffUser, utc_now
from alerts.notify import InvalidRecipient, normalise_email
from alerts.services import staff_admin
from alerts.staff import staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import ApiTokenForm, ConfirmForm, NewUserForm, RoleForm
from alerts.staff.words import role_words
from alerts.web.query_args import page_or_first, parse_date

PAGE_SIZE = 50


def _page() -> int:
    return page_or_first(request.args.get("page"))


@staff.route("/users", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users() -> Response | str | tuple[str, int]:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            email = normalise_email(form.email.data or "")
            user = staff_admin.create_staff_user(email, Role(form.role.data), acting())
        except InvalidRecipient as error:
            form.email.errors.append(error.message)
        except staff_data.StaffUserExists as error:
            form.email.errors.append(str(error))
        else:
            flash(_("We have emailed %(email)s a link to choose their password. It works once, for %(hours)s hours.",
                    email=user.email, hours=RESET_LINK_HOURS), "success")
            return redirect(url_for("staff.users"))
    status = 400 if form.errors else 200
    return render_template("staff/users.html", form=form, users=staff_data.list_staff_users()), status


def user_or_404(user_id: int) -> StaffUser:
    """The staff account an admin's URL names, or 404."""
    user = staff_data.get_staff_user(user_id)
    if user is None:
        abort(404)
    return user


@staff.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int) -> Response | str | tuple[str, int]:
    found = user_or_404(user_id)
    form = RoleForm(data={"role": str(found.role)} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            staff_admin.change_role(found, Role(form.role.data), acting())
        except staff_admin.NotAllowed as refusal:
            form.role.errors.append(str(refusal))
        else:
            flash(_("%(email)s is now %(role)s", email=found.email, role=role_words(form.role.data)), "success")
            return redirect(url_for("staff.user", user_id=found.id))
    return render_template("staff/user.html", user=found, form=form, confirm_form=ConfirmForm()), \
        400 if form.errors else 200


@staff.post("/users/<int:user_id>/disable")
@role_required(Role.ADMIN)
def disable_user(user_id: int) -> Response:
    found = user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        staff_admin.switch_disabled(found, acting())
    except staff_admin.NotAllowed as refusal:
        flash(str(refusal))
        return redirect(url_for("staff.user", user_id=found.id))
    flash(_("%(email)s is disabled and has been signed out", email=found.email) if found.is_disabled
          else _("%(email)s can sign in again", email=found.email), "success")
    return redirect(url_for("staff.user", user_id=found.id))


@staff.route("/api-tokens", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def api_tokens() -> str | tuple[str, int]:
    form = _api_token_form()
    new_token = None
    user = staff_data.get_staff_user(int(form.user.data)) if (form.user.data or "").isdigit() else None
    if form.validate_on_submit() and user is not None:
        try:
            created = staff_admin.create_api_token(
                form.name.data or "", user, days=int(form.days.data or "90"), actor=acting(),
                second_factor_required=bool(current_app.config.get("MFA_REQUIRED")))
        except staff_admin.NotAllowed as refusal:
            form.user.errors = [*form.user.errors, str(refusal)]
        else:
            new_token = created.token  # shown on this response only; only its hash is kept
            form = _api_token_form(formdata=None)
    return render_template("staff/api_tokens.html", form=form, tokens=staff_data.list_api_tokens(),
                           new_token=new_token, confirm_form=ConfirmForm(), now=utc_now()), 400 if form.errors else 200


def _api_token_form(**kwargs: Any) -> ApiTokenForm:
    form = ApiTokenForm(**kwargs)
    form.user.choices = [SelectChoice("", _("Select a person"))] + [
        SelectChoice(str(u.id), f"{u.email} ({role_words(u.role)})") for u in staff_data.list_token_users()]
    return form


@staff.post("/api-tokens/<int:token_id>/revoke")
@role_required(Role.ADMIN)
def revoke_api_token(token_id: int) -> Response:
    record = staff_data.get_api_token(token_id)
    if record is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    staff_admin.revoke_api_token(record, acting())
    flash(_("Token %(name)s revoked", name=record.name), "success")
    return redirect(url_for("staff.api_tokens"))


def _parse_date(name: str, errors: list[dict[str, str]]) -> dt.date | None:
    parsed = parse_date(request.args.get(name), label=_("The '%(name)s' date", name=name),
                        today=dt.datetime.now(LONDON).date(), invalid=_("Enter a real date, for example 27/11/2026"))
    if parsed.error:
        errors.append({"text": parsed.error, "href": f"#{name}"})
    return parsed.value


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


@staff.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> tuple[str, int]:
    errors: list[dict[str, str]] = []
    date_from, date_to = _parse_date("from", errors), _parse_date("to", errors)
    filters = AuditFilter(
        actor=request.args.get("user", "").strip() or None, action=request.args.get("action", "").strip() or None,
        on_or_after=_start_of_day(date_from) if date_from else None,
        before=_start_of_day(date_to + dt.timedelta(days=1)) if date_to else None,
    )
    page = _page()
    events, total = list_audit_events(filters, page=page, page_size=PAGE_SIZE)
    return render_template("staff/audit.html", events=events, total=total, page=page,
                           pages=max(1, math.ceil(total / PAGE_SIZE)), actions=audit_actions(), args=request.args,
                           error_summary=errors or None), 400 if errors else 200


@staff.get("/outbox")
@role_required(Role.ADMIN)
def outbox() -> str:
    page = _page()
    messages, total = outbox_data.list_messages(page=page, page_size=PAGE_SIZE)
    staff_admin.record_outbox_viewed(page, acting())  # the outbox shows recipients: personal data
    return render_template("staff/outbox.html", messages=messages, total=total, page=page,
                           pages=max(1, math.ceil(total / PAGE_SIZE)),
                           local_outbox=not current_app.config.get("NOTIFY_API_KEY"),
                           summaries=delivery_reports.recent_delivery_summaries() if page == 1 else [],
                           holds=delivery_reports.held_channels_for_operators(),
                           scheduler=operations.scheduler_state(), outbox_state=operations.outbox_summary())
