"""Officers set the headline the start page and the partner banner open with, until a time they choose.

Without one, both say how many services are disrupted: never a cause that nobody named.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from alerts.data import headlines as headline_data
from alerts.languages import text_in
from alerts.models import Role
from alerts.profile import council
from alerts.services import headlines
from alerts.staff import bilingual_forms, staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import ConfirmForm, HeadlineForm
from alerts.web.languages import page_language


@staff.route("/headline", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def headline() -> Response | str | tuple[str, int]:
    form = bilingual_forms.form_class(HeadlineForm)()
    text_cy = bilingual_forms.welsh_of(form, "text")
    if form.is_submitted():
        form.validate()
        # The service's rules too, on every field the form found nothing wrong with, so all show at once.
        errors = headlines.headline_errors(text=form.text.data or "", ends_at_utc=form.ends_at.data, text_cy=text_cy)
        for name, message in errors.items():
            field = getattr(form, name)
            if not field.errors:
                field.errors = [message]
        if not form.errors and form.ends_at.data is not None:
            headlines.set_headline(text=form.text.data or "", ends_at_utc=form.ends_at.data, actor=acting(),
                                   text_cy=text_cy)
            flash(_("The headline is showing on the start page and the partner banner."), "success")
            return redirect(url_for("staff.headline"))
    page = render_template("staff/headline.html", form=form, end_form=ConfirmForm(),
                           running=headline_data.current_headline(),
                           live=headline_data.live_headline(text_in(council(), "short_name", page_language()),
                                                             page_language()))
    return (page, 400) if form.errors else page


@staff.post("/headline/end")
@role_required(Role.OFFICER)
def end_headline() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit() and headlines.end_headline(actor=acting()):
        flash(_("The headline has ended."), "success")
    return redirect(url_for("staff.headline"))
