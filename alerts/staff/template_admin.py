"""Admins keep the council's standard notices: the list, adding one and changing one. Officers start notices from
them on the new notice page (alerts/staff/starting.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from alerts.data import notice_templates, reference
from alerts.data.notice_templates import TemplateText
from alerts.models import Impact, NoticeTemplate, Role
from alerts.services import template_admin
from alerts.staff import bilingual_forms, staff
from alerts.staff.access import acting, role_required
from alerts.staff.forms import TemplateForm


@staff.get("/templates")
@role_required(Role.ADMIN)
def templates() -> str:
    return render_template("staff/templates.html", templates=notice_templates.list_templates())


def _form(template: NoticeTemplate | None, *, fill: bool) -> TemplateForm:
    form = bilingual_forms.form_class(TemplateForm)()
    form.service.choices = [SelectChoice("", _("Select a service"))] + [
        SelectChoice(s.id, s.name) for s in reference.list_services()]
    if template is not None and fill:
        form.name.data, form.service.data, form.impact.data = template.name, template.service_id, str(template.impact)
        form.title.data, form.summary.data, form.advice.data = template.title, template.summary, template.advice
        for name in bilingual_forms.TEXT_FIELDS:
            if f"{name}_cy" in form:
                form[f"{name}_cy"].data = getattr(template, f"{name}_cy") or ""
    return form


def _text(form: TemplateForm) -> TemplateText:
    return TemplateText(name=form.name.data or "", service_id=form.service.data or "", impact=Impact(form.impact.data),
                        title=form.title.data or "", summary=form.summary.data or "", advice=form.advice.data or "",
                        title_cy=bilingual_forms.welsh_of(form, "title"),
                        summary_cy=bilingual_forms.welsh_of(form, "summary"),
                        advice_cy=bilingual_forms.welsh_of(form, "advice"))


def _save(template: NoticeTemplate | None) -> Response | str | tuple[str, int]:
    form = _form(template, fill=False)
    if not form.is_submitted():
        form = _form(template, fill=True)
    if not form.validate_on_submit():
        page = render_template("staff/template_form.html", form=form, template=template)
        return (page, 400) if form.errors else page
    if template is None:
        template = template_admin.add_template(_text(form), acting())
        flash(_("Template added: %(name)s", name=template.name), "success")
    else:
        template_admin.change_template(template, _text(form), acting())
        flash(_("Template changed: %(name)s", name=template.name), "success")
    return redirect(url_for("staff.templates"))


@staff.route("/templates/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_template() -> Response | str | tuple[str, int]:
    return _save(None)


@staff.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_template(template_id: int) -> Response | str | tuple[str, int]:
    template = notice_templates.get_template(template_id)
    if template is None:
        abort(404)
    return _save(template)
