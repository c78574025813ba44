"""Admins manage the feeds we poll (Met Office warnings and other RSS or Atom feeds) and check one at once.

Every change is an audit event, committed with the change itself.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.models import FeedSource, Role
from alerts.services.feed_polling import poll_safely
from alerts.staff import staff
from alerts.staff.access import audit, role_required
from alerts.staff.forms import ConfirmForm, FeedSourceForm

NOT_A_NUMBER = "How often to check the feed must be a whole number of minutes, like 15"


def _source_or_404(source_id: int) -> FeedSource:
    source = feed_data.get_feed_source(source_id)
    if source is None:
        abort(404)
    return source


def _checked_fields(form: FeedSourceForm) -> dict[str, Any] | None:
    """The form's fields ready for the data functions, or None with the errors put on the form's fields."""
    try:
        interval = form.interval()
    except ValueError:
        interval, bad_interval = None, True
    else:
        bad_interval = False
    fields: dict[str, Any] = {"name": form.name.data or "", "url": form.url.data or "", "kind": form.kind.data or "",
                              "poll_interval_minutes": interval}
    errors = feed_data.feed_source_errors(**fields, https_only=current_app.config["ALERTS_ENV"] == "production",
                                          allow_loopback=bool(current_app.config.get("FEED_ALLOW_LOOPBACK")))
    if bad_interval:
        errors["poll_interval_minutes"] = NOT_A_NUMBER
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
        source = feed_data.create_feed_source(**fields, commit=False)
        audit("feed_source.created", "feed_source", source.id, name=source.name, url=source.url, kind=source.kind,
              poll_interval_minutes=source.poll_interval_minutes)
        db.session.commit()
        flash(f"{source.name} added. It will be checked within a minute.", "success")
        return redirect(url_for("staff.feed_sources"))
    return render_template("staff/feed_source_form.html", form=form, source=None), 400 if form.errors else 200


@staff.route("/feed-sources/<int:source_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def feed_source(source_id: int) -> Response | str | tuple[str, int]:
    source = _source_or_404(source_id)
    form = FeedSourceForm(obj=source)
    if form.validate_on_submit() and (fields := _checked_fields(form)) is not None:
        before = {name: getattr(source, name) for name in fields}
        feed_data.update_feed_source(source, **fields, enabled=source.enabled, commit=False)
        changed = {name: getattr(source, name) for name in fields if getattr(source, name) != before[name]}
        audit("feed_source.edited", "feed_source", source.id, **changed)
        db.session.commit()
        flash(f"{source.name} saved", "success")
        return redirect(url_for("staff.feed_sources"))
    return render_template("staff/feed_source_form.html", form=form, source=source, kinds=feed_data.FEED_KINDS,
                           confirm_form=ConfirmForm()), 400 if form.errors else 200


@staff.post("/feed-sources/<int:source_id>/toggle")
@role_required(Role.ADMIN)
def toggle_feed_source(source_id: int) -> Response:
    source = _source_or_404(source_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feed_data.set_feed_source_enabled(source, not source.enabled, commit=False)
    audit("feed_source.enabled" if source.enabled else "feed_source.disabled", "feed_source", source.id,
          name=source.name)
    db.session.commit()
    flash(f"{source.name} is " + ("on: it will be checked within a minute" if source.enabled
                                  else "off: it will not be checked, and its warnings stay until they end"), "success")
    return redirect(url_for("staff.feed_sources"))


@staff.post("/feed-sources/<int:source_id>/check")
@role_required(Role.ADMIN)
def check_feed_source(source_id: int) -> Response:
    source = _source_or_404(source_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not source.enabled:
        # A source that is off must not bring warnings back onto the dashboard and the start page.
        flash(f"{source.name} is off. Turn it on to check it.")
        return redirect(url_for("staff.feed_sources"))
    # Audited before the check: polling releases the session (and the signed-in user loaded in it) while it waits
    # on the network, and records its outcome on the source itself, where the page shows it.
    audit("feed_source.checked", "feed_source", source.id, name=source.name, url=source.url)
    db.session.commit()
    target = feed_data.poll_target(source_id)
    if target is None:  # deleted meanwhile
        abort(404)
    outcome = poll_safely(target)
    if outcome.ok:
        flash(f"{target.name} checked: {outcome.summary}", "success")
    else:
        flash(f"{target.name} could not be read: {outcome.summary.removeprefix('failed: ')}")
    return redirect(url_for("staff.feed_sources"))
