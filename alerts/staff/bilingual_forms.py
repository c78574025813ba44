"""The notice forms of a council that writes in Welsh and English: each text the public reads is asked for in both
languages, with the English form's rules and limits on each (the XML-safe text rule comes with every form).

The form classes are made for each request, so labels and messages are plain strings in the page's language (the
layout's error summary takes only plain strings, not lazy ones)."""

from __future__ import annotations

from typing import Any, TypeVar

from flask_babel import gettext as _
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from markupsafe import Markup
from wtforms import Field, StringField
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm
from wtforms.validators import DataRequired, Length, Optional

from alerts.data.notices import writes_in_welsh
from alerts.languages import WELSH
from alerts.profile import council
from alerts.staff.forms import (
    BulkExtendForm,
    BulkResolveForm,
    HeadlineForm,
    NoticeForm,
    ResolveForm,
    TemplateForm,
    UpdateForm,
    check_placeholder_text,
)

FormT = TypeVar("FormT", bound=BaseForm)

# The texts in both languages: title, summary and advice on a notice or a standard notice; the summary (and advice
# when given) on an update; the summary on a resolution or a change to several notices at once.
TEXT_FIELDS = ("title", "summary", "advice")


def _title(language: str) -> dict[str, StringField]:
    welsh = language == WELSH
    label = _("Title in Welsh") if welsh else _("Title in English")
    return {"title_cy" if welsh else "title": StringField(
        label, widget=GovTextInput(),
        validators=[DataRequired(_("Enter the title in Welsh") if welsh else _("Enter the title in English")),
                    Length(max=200, message=_("Title in Welsh must be 200 characters or fewer") if welsh
                           else _("Title in English must be 200 characters or fewer"))])}


def _summary(language: str, english: str, welsh: str, missing_english: str,
             missing_welsh: str) -> dict[str, StringField]:
    is_welsh = language == WELSH
    return {"summary_cy" if is_welsh else "summary": StringField(
        welsh if is_welsh else english, widget=GovTextArea(),
        validators=[DataRequired(missing_welsh if is_welsh else missing_english), Length(max=2000)])}


def _advice(language: str, english: str, welsh: str, missing_english: str | None,
            missing_welsh: str | None) -> dict[str, StringField]:
    is_welsh = language == WELSH
    required = missing_welsh if is_welsh else missing_english
    return {"advice_cy" if is_welsh else "advice": StringField(
        welsh if is_welsh else english, widget=GovTextArea(),
        validators=[DataRequired(required) if required else Optional(), Length(max=2000)])}


def _both(make: object, *args: object) -> dict[str, StringField]:
    fields: dict[str, StringField] = {}
    for language in ("en", WELSH):
        fields.update(make(language, *args))  # type: ignore[operator]
    return fields


def _notice_fields() -> dict[str, StringField]:
    return {**_both(_title),
            **_both(_summary, _("What's happening in English"), _("What's happening in Welsh"),
                    _("Enter what's happening in English"), _("Enter what's happening in Welsh")),
            **_both(_advice, _("What residents should do in English"), _("What residents should do in Welsh"),
                    _("Enter what residents should do in English"), _("Enter what residents should do in Welsh"))}


def _update_fields() -> dict[str, StringField]:
    return {**_both(_summary, _("What has changed, in English"), _("What has changed, in Welsh"),
                    _("Enter what has changed in English"), _("Enter what has changed in Welsh")),
            **_both(_advice, _("What residents should do now, in English (optional)"),
                    _("What residents should do now, in Welsh (optional)"), None, None)}


def _resolve_fields() -> dict[str, StringField]:
    return _both(_summary, _("What residents need to know, in English"), _("What residents need to know, in Welsh"),
                 _("Enter what residents need to know in English"), _("Enter what residents need to know in Welsh"))


def _change_fields() -> dict[str, StringField]:
    return _both(_summary, _("What has changed, in English"), _("What has changed, in Welsh"),
                 _("Enter what has changed in English"), _("Enter what has changed in Welsh"))


def _headline(language: str) -> StringField:
    welsh = language == WELSH
    return StringField(
        _("Headline in Welsh") if welsh else _("Headline in English"), widget=GovTextArea(),
        validators=[DataRequired(_("Enter the headline in Welsh") if welsh else _("Enter the headline in English")),
                    Length(max=200, message=_("Headline in Welsh must be 200 characters or fewer") if welsh
                           else _("Headline in English must be 200 characters or fewer"))])


def _again(field: UnboundField) -> UnboundField:
    """The same field made anew, so it comes after the fields made with it (WTForms orders fields as made)."""
    return UnboundField(field.field_class, *field.args, name=field.name, **field.kwargs)


def _headline_fields() -> dict[str, object]:
    # Asked in the council's order, then the end and the button again, so the error summary follows the page.
    languages = (WELSH, "en") if welsh_first() else ("en", WELSH)
    fields: dict[str, object] = {("text_cy" if language == WELSH else "text"): _headline(language)
                                 for language in languages}
    return {**fields, "ends_at": _again(HeadlineForm.ends_at), "submit": _again(HeadlineForm.submit)}


FIELDS = {NoticeForm: _notice_fields, TemplateForm: _notice_fields, UpdateForm: _update_fields,
          ResolveForm: _resolve_fields, BulkResolveForm: _resolve_fields, BulkExtendForm: _change_fields,
          HeadlineForm: _headline_fields}


def _base_of(form_class: type[BaseForm]) -> type[BaseForm]:
    return next(base for base in form_class.__mro__ if base in FIELDS)


def _bilingual(form_class: type[FormT]) -> type[FormT]:
    fields: dict[str, object] = dict(FIELDS[_base_of(form_class)]())
    if issubclass(form_class, TemplateForm):  # a standard notice's texts may hold placeholders, in each language
        for name in [*TEXT_FIELDS, *(f"{name}_cy" for name in TEXT_FIELDS)]:
            fields[f"validate_{name}"] = lambda form, field: check_placeholder_text(field)
    return type(f"Bilingual{form_class.__name__}", (form_class,), fields)


def form_class(form_class: type[FormT]) -> type[FormT]:
    """This form as this council asks it: in Welsh and English for a council that writes in Welsh."""
    return _bilingual(form_class) if writes_in_welsh() else form_class


def welsh_first() -> bool:
    """A council whose first language is Welsh asks for the Welsh first."""
    return council().languages[0] == WELSH


def pairs(form: BaseForm, *names: str) -> list[list[Field]]:
    """Each text's fields in the order to ask them: Welsh first where Welsh is the council's first language; just
    the English field for a council that writes only in English."""
    def asked(name: str) -> list[Field]:
        if f"{name}_cy" not in form:
            return [form[name]]
        return [form[f"{name}_cy"], form[name]] if welsh_first() else [form[name], form[f"{name}_cy"]]

    return [asked(name) for name in names if name in form]


def welsh_of(form: BaseForm, name: str) -> str:
    """The Welsh typed for a text ("" on a council that writes only in English)."""
    return str(form[f"{name}_cy"].data or "") if f"{name}_cy" in form else ""


def text_inputs(form: BaseForm, name: str, params: dict[str, Any] | None = None) -> Markup:
    """A text's boxes as the page shows them: each language's box marked with its language (for screen readers
    and spelling checkers), the English box alone, as before, for a council that writes only in English."""
    fields = pairs(form, name)
    if not fields:
        return Markup("")
    if len(fields[0]) == 1:
        alone: Markup = fields[0][0](params=params or {})  # the widget's own escaped HTML
        return alone
    return Markup("").join(
        field(params={**(params or {}), "attributes": {"lang": WELSH if field.name.endswith("_cy") else "en"}})
        for field in fields[0])
