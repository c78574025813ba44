"""Several live notices at once, chosen on the notices list: resolve them (every bin notice when collections
restart) or extend them. Resolving with alerts counts the sum of their audiences for four eyes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from alerts.data import bulk_changes, fanouts
from alerts.data.notice_lifecycle import NoticeStateError
from alerts.models import Notice, Role
from alerts.services import publishing
from alerts.staff import bilingual_forms, staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import BulkExtendForm, BulkResolveForm

ACTIONS = {"resolve": BulkResolveForm, "extend": BulkExtendForm}


def _chosen() -> list[Notice]:
    ids = [int(value) for value in request.values.getlist("notices") if value.isdecimal() and len(value) < 10]
    return bulk_changes.live_notices(ids)


def _approval_message(notices: list[Notice]) -> str | None:
    need = publishing.approval_need_for_many(notices, current_user.id)
    return need.message() if need is not None else None


def _page(action: str, notices: list[Notice], form: BulkResolveForm | BulkExtendForm,
          status: int = 200, error: str | None = None) -> tuple[str, int]:
    audience = sum(fanouts.audience_for(notice, with_areas=False).total for notice in notices
                   if notice.notify_subscribers) if action == "resolve" else 0
    page = render_template(
        "staff/bulk.html", action=action, notices=notices, form=form, audience=audience,
        approval_message=_approval_message(notices) if action == "resolve" else None,
        error_summary=[{"text": error, "href": "#chosen"}] if error else None)
    return page, status


@staff.route("/notices/bulk", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def bulk() -> Response | str | tuple[str, int]:
    action = request.values.get("action", "")
    notices = _chosen()
    if action not in ACTIONS or not notices:
        flash(_("Select at least one live notice, then choose Resolve or Extend."))
        return redirect(url_for("staff.notices"))
    form_class = bilingual_forms.form_class(ACTIONS[action])
    form = form_class(formdata=None) if request.method == "GET" else form_class()
    if request.method == "GET" or not form.validate_on_submit():
        return _page(action, notices, form, 400 if form.errors else 200)
    try:
        if isinstance(form, BulkResolveForm):
            held, need = publishing.resolve_many(notices, acting(), summary=form.summary.data or "",
                                                 notify=bool(form.notify.data),
                                                 summary_cy=bilingual_forms.welsh_of(form, "summary"))
            if held:
                flash(_("%(count)d resolutions sent for approval. %(why)s Officers who can approve them have been "
                        "emailed.", count=len(held), why=need.message() if need else ""), "success")
            elif form.notify.data:
                flash(_("%(count)d notices resolved: subscribers will be told", count=len(notices)), "success")
            else:
                flash(_("%(count)d notices resolved", count=len(notices)), "success")
        else:
            assert form.expected_end_at.data is not None
            publishing.extend_many(notices, acting(), expected_end_at_utc=form.expected_end_at.data,
                                   summary=form.summary.data or "",
                                   summary_cy=bilingual_forms.welsh_of(form, "summary"))
            flash(ngettext("%(num)d notice extended", "%(num)d notices extended", len(notices)), "success")
    except NoticeStateError as error:
        return _page(action, notices, form, 409, str(error))
    return redirect(url_for("staff.notices"))

