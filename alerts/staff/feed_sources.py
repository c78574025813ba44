"""Admins manage the feeds we poll (Met Office warnings and other RSS or Atom feeds) and check one at once.

Every change goes through the feed sources service, which audits it and commits the two together.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from alerts.data import feeds as feed_data
from alerts.models import FeedSource, Role, utc_now
from alerts.services import feed_source_admin
from alerts.staff import staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import ConfirmForm, FeedSourceForm


def _source_or_404(source_id: int) -> FeedSource:
    source = feed_data.get_feed_source(source_id)
    if source is None:
        abort(404)
    return source


def _checked_fields(form: FeedSourceForm) -> dict[str, Any] | None:
    """The form's fields ready for the service, or None with the errors put on the form's fields."""
    try:
        interval = form.interval()
    except ValueError:
        interval, bad_interval = None, True
    else:
        bad_interval = False
    fields: dict[str, Any] = {"name": form.name.data or "", "url": form.url.data or "", "kind": form.kind.data or "",
                              "poll_interval_minutes": interval}
    errors = feed_source_admin.errors_here(**fields)
    if bad_interval:
        errors["poll_interval_minutes"] = _("How often to check the feed must be a whole number of minutes, like 15")
    for name, message in errors.items():
        getattr(form, name).errors = [message]
    return None if errors else fields


@staff.get("/feed-sources")
@role_required(Role.ADMIN)
def feed_sources() -> str:
    return render_template("staff/feed_sources.html", sources=feed_data.list_feed_sources(), kinds=feed_data.FEED_KINDS,
                           confirm_form=ConfirmForm())


@staff.route("/feed-sources/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_feed_source() -> Response | str | tuple[str, int]:
    form = FeedSourceForm()
    if form.validate_on_submit() and (fields := _checked_fields(form)) is not None:
        source = feed_source_admin.add_feed_source(**fields, actor=acting())
        flash(_("%(name)s added. It will be checked within a minute.", name=source.name), "success")
        return redirect(url_for("staff.feed_sources"))
    return render_template("staff/feed_source_form.html", form=form, source=None), 400 if form.errors else 200


@staff.route("/feed-sources/<int:source_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def feed_source(source_id: int) -> Response | str | tuple[str, int]:
    source = _source_or_404(source_id)
    form = FeedSourceForm(obj=source)
    if form.validate_on_submit() and (fields := _checked_fields(form)) is not None:
        feed_source_admin.edit_feed_source(source, **fields, actor=acting())
        flash(_("%(name)s saved", name=source.name), "success")
        return redirect(url_for("staff.feed_sources"))
    return render_template("staff/feed_source_form.html", form=form, source=source, kinds=feed_data.FEED_KINDS,
                           confirm_form=ConfirmForm()), 400 if form.errors else 200


@staff.post("/feed-sources/<int:source_id>/toggle")
@role_required(Role.ADMIN)
def toggle_feed_source(source_id: int) -> Response:
    source = _source_or_404(source_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feed_source_admin.switch_feed_source(source, acting())
    flash(_("%(name)s is on: it will be checked within a minute", name=source.name) if source.enabled
          else _("%(name)s is off: it will not be checked, and its warnings stay until they end", name=source.name),
          "success")
    return redirect(url_for("staff.feed_sources"))


@staff.post("/feed-sources/<int:source_id>/check")
@role_required(Role.ADMIN)
def check_feed_source(source_id: int) -> Response:
    source = _source_or_404(source_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not source.enabled:
        # A source that is off must not bring warnings back onto the dashboard and the start page.
        flash(_("%(name)s is off. Turn it on to check it.", name=source.name))
        return redirect(url_for("staff.feed_sources"))
    outcome = feed_source_admin.check_feed_source_now(source, acting())
    if outcome is None:  # deleted meanwhile
        abort(404)
    if outcome.ok:
        flash(_("%(name)s checked: %(summary)s", name=outcome.name, summary=outcome.summary), "success")
    else:
        flash(_("%(name)s could not be read: %(reason)s", name=outcome.name,
                reason=outcome.summary.removeprefix("failed: ")))
    return redirect(url_for("staff.feed_sources"))


@staff.context_processor
def _stale_feeds_on_the_dashboard() -> dict[str, Any]:
    # A failing Met Office feed looks exactly like a quiet day: no warnings. The dashboard says so instead.
    if request.endpoint != "staff.dashboard":
        return {}
    return {"stale_feeds": feed_data.stale_feed_sources(utc_now())}
