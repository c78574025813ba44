"""Starting a notice from the council's standard notices (templates) or from an earlier notice, so an officer
reaches the check page in at most two screens: pick a template on the new notice page, fill in its placeholders."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Field

from alerts.data import notice_templates, reference
from alerts.models import Notice, NoticeTemplate
from alerts.staff.bilingual_forms import TEXT_FIELDS
from alerts.staff.forms import NoticeForm, with_placeholders
from config.council import placeholders_in

PREFIX = "placeholder_"
WELSH_FIELDS = tuple(f"{name}_cy" for name in TEXT_FIELDS)


def chosen_template(value: str | None) -> NoticeTemplate | None:
    if not value or not value.isdecimal() or len(value) > 9:
        return None
    return notice_templates.get_template(int(value))


def form_class_for(template: NoticeTemplate | None) -> type[NoticeForm]:
    return with_placeholders(notice_templates.placeholders(template)) if template is not None else NoticeForm


def placeholder_fields(form: NoticeForm) -> list[Field]:
    return [field for field in form if field.name.startswith(PREFIX)]


def templates_to_offer(template: NoticeTemplate | None, warning_id: str | None) -> list[NoticeTemplate]:
    """The standard notices to start from: offered on a blank new notice only."""
    return [] if template is not None or warning_id else notice_templates.list_templates()


def prefill_from_template(form: NoticeForm, template: NoticeTemplate) -> None:
    form.title.data, form.summary.data, form.advice.data = template.title, template.summary, template.advice
    prefill_welsh(form, template)
    form.service.data, form.impact.data = template.service_id, str(template.impact)


def prefill_from_notice(form: NoticeForm, notice: Notice | None) -> None:
    """A copy of an earlier notice: what it said and where, not when (a new disruption has its own times)."""
    if notice is None:
        return
    form.title.data, form.service.data, form.impact.data = notice.title, notice.service_id, str(notice.impact)
    form.areas.data = [reference.WHOLE_COUNTY_ID] if notice.whole_county else [area.id for area in notice.areas]
    form.summary.data, form.advice.data = notice.summary, notice.advice
    prefill_welsh(form, notice)
    form.internal_notes.data, form.notify.data = notice.internal_notes, notice.notify_subscribers


def prefill_welsh(form: NoticeForm, source: Notice | NoticeTemplate) -> None:
    """The Welsh of an earlier notice or a standard notice, on a form that asks for it."""
    for name in TEXT_FIELDS:
        if f"{name}_cy" in form:
            form[f"{name}_cy"].data = getattr(source, f"{name}_cy") or ""


def fill_in(form: NoticeForm, template: NoticeTemplate | None) -> bool:
    """Put the officer's values in place of the template's placeholders. False, with an error on the field, when a
    placeholder is left in the title, summary or advice (one the officer typed, or one the template gained since)."""
    if template is None:
        return True
    values = {field.name.removeprefix(PREFIX): field.data or "" for field in placeholder_fields(form)}
    filled = True
    for field in [form[name] for name in (*TEXT_FIELDS, *WELSH_FIELDS) if name in form]:
        field.data = notice_templates.fill(field.data or "", values)
        left = placeholders_in(field.data)
        if left:
            field.errors = [*field.errors, _("Replace %(placeholders)s in %(field)s with what it stands for",
                                             placeholders=", ".join("{" + name + "}" for name in left),
                                             field=str(field.label.text).lower())]
            filled = False
    for title in [form[name] for name in ("title", "title_cy") if name in form]:
        if len(title.data or "") > 200:
            title.errors = [*title.errors, _("%(field)s must be 200 characters or fewer: shorten what you filled in",
                                             field=title.label.text)]
            filled = False
    return filled
