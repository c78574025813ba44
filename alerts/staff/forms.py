"""Staff forms, with GOV.UK widgets and GOV.UK error wording ("Enter…", "Select…")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from alerts.data import reference
from alerts.data.digests import digest_time
from alerts.data.feeds import FEED_KINDS, MAX_POLL_INTERVAL_MINUTES, MIN_POLL_INTERVAL_MINUTES
from alerts.data.subscribers import AreaChoice
from alerts.data.update_promises import DEFAULT_RULE, next_update_by_problem
from alerts.formatting import LONDON
from alerts.languages import ENGLISH, WELSH
from alerts.models import Channel, Impact, Role
from alerts.notify import InvalidRecipient, normalise_email, normalise_uk_mobile
from alerts.profile import council
from alerts.services import signups
from alerts.web.forms import FlaskForm
from config.council import placeholder_problem

ROLE_CHOICES = [SelectChoice(Role.OFFICER.value, _l("Officer")),
                SelectChoice(Role.CONTACT_CENTRE.value, _l("Contact centre")),
                SelectChoice(Role.MANAGER.value, _l("Service manager")), SelectChoice(Role.ADMIN.value, _l("Admin"))]
IMPACT_CHOICES = [SelectChoice(Impact.MINOR.value, _l("Minor: delays")),
                  SelectChoice(Impact.MAJOR.value, _l("Major: partly closed")),
                  SelectChoice(Impact.SEVERE.value, _l("Severe: suspended or closed"))]
DATETIME_HINT = "Use UK time, for example 27/11/2026 14:30"

_DATETIME = re.compile(
    r"^\s*(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})\s*(?:at\s*)?"
    r"(?P<hour>\d{1,2})(?::|\.)?(?P<minute>\d{2})?\s*(?P<ampm>am|pm)?\s*$",
    re.IGNORECASE,
)


def parse_london_datetime(text: str) -> dt.datetime:
    """Read "27/11/2026 14:30", "27/11/2026 2:30pm" or ISO "2026-11-27T14:30" as UK time; return it in UTC."""
    text = text.strip()
    match = _DATETIME.match(text)
    try:
        if match:
            hour = int(match["hour"])
            if match["ampm"]:
                if not 1 <= hour <= 12:
                    raise ValueError("hour")
                hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            local = dt.datetime(int(match["year"]), int(match["month"]), int(match["day"]), hour,
                                int(match["minute"] or 0))
        else:
            local = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"Enter a real date and time. {DATETIME_HINT}") from error
    if local.tzinfo is None:
        local = local.replace(tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def format_london_datetime(value: dt.datetime | None) -> str:
    return value.astimezone(LONDON).strftime("%d/%m/%Y %H:%M") if value else ""


class LondonDateTimeField(StringField):
    """A text box for a UK date and time; `.data` is an aware UTC datetime or None."""

    widget = GovTextInput()

    def _value(self) -> str:
        if isinstance(self.data, dt.datetime):
            return format_london_datetime(self.data)
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = parse_london_datetime(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from error


NEXT_UPDATE_HINT = f"Leave blank for the default ({DEFAULT_RULE}). {DATETIME_HINT}"


def next_update_by_field(label: str = "Next update by (optional)") -> LondonDateTimeField:
    return LondonDateTimeField(label, description=NEXT_UPDATE_HINT, validators=[Optional()])


def check_next_update_by(field: LondonDateTimeField) -> None:
    if field.data is not None:
        problem = next_update_by_problem(field.data)
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        validators=[DataRequired(_l("Enter your email address")), Length(max=320)])
    password = PasswordField(_l("Password"), widget=GovPasswordInput(),
                             validators=[DataRequired(_l("Enter your password"))])
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), widget=GovTextInput(),
                        description=_l("For example, Bin collections suspended in Weymouth"),
                        validators=[DataRequired(_l("Enter a title")),
                                    Length(max=200, message=_l("Title must be 200 characters or fewer"))])
    service = SelectField(_l("Service"), widget=GovSelect(), validators=[DataRequired(_l("Select a service"))])
    areas = SelectMultipleField(_l("Areas"), widget=GovCheckboxesInput(), description=_l("Select all that apply"),
                                validators=[DataRequired(_l("Select at least one area, or Whole county"))])
    impact = RadioField(_l("Impact"), widget=GovRadioInput(), choices=IMPACT_CHOICES,
                        validators=[InputRequired(_l("Select the impact"))])
    starts_at = LondonDateTimeField(_l("Starts at (optional)"), description=f"Leave blank for now. {DATETIME_HINT}",
                                    validators=[Optional()])
    expected_end_at = LondonDateTimeField(_l("Expected to end (optional)"), description=DATETIME_HINT,
                                          validators=[Optional()])
    next_update_by = next_update_by_field()
    summary = StringField(_l("What's happening"), widget=GovTextArea(),
                          validators=[DataRequired(_l("Enter what's happening")), Length(max=2000)])
    advice = StringField(_l("What residents should do"), widget=GovTextArea(),
                         validators=[DataRequired(_l("Enter what residents should do")), Length(max=2000)])
    internal_notes = StringField(_l("Notes for staff (optional)"), widget=GovTextArea(),
                                 description=_l("The contact centre sees these. They are never published."),
                                 validators=[Optional(), Length(max=2000)])
    notify = BooleanField(_l("Send alerts to subscribers"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Save and check"), widget=GovSubmitInput())

    def validate_expected_end_at(self, field: LondonDateTimeField) -> None:
        starts = self.starts_at.data or dt.datetime.now(dt.UTC)
        if field.data is not None and field.data <= starts:
            raise ValidationError(_l("Expected end must be after the start"))

    def validate_next_update_by(self, field: LondonDateTimeField) -> None:
        check_next_update_by(field)


class PublishForm(FlaskForm):
    when = RadioField(_l("When should this be published?"), widget=GovRadioInput(),
                      choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a set time"))],
                      default="now",
                      validators=[InputRequired(_l("Select when to publish"))])
    # No Optional(): it would stop the check below, which needs a time only when "At a set time" is chosen.
    publish_at = LondonDateTimeField(_l("Publish at"), description=DATETIME_HINT)
    submit = SubmitField(_l("Publish"), widget=GovSubmitInput())

    def validate_publish_at(self, field: LondonDateTimeField) -> None:
        if self.when.data == "later":
            if field.data is None and not field.errors:
                raise ValidationError(f"Enter when to publish. {DATETIME_HINT}")
            if field.data is not None and field.data <= dt.datetime.now(dt.UTC):
                raise ValidationError(_l("The publishing time must be in the future"))


class UpdateForm(FlaskForm):
    summary = StringField(_l("What has changed"), widget=GovTextArea(),
                          validators=[DataRequired(_l("Enter what has changed")), Length(max=2000)])
    advice = StringField(_l("What residents should do now (optional)"), widget=GovTextArea(),
                         description=_l("Leave blank to keep the current advice"),
                         validators=[Optional(), Length(max=2000)])
    next_update_by = next_update_by_field()
    notify = BooleanField(_l("Email subscribers about this update"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Post update"), widget=GovSubmitInput())

    def validate_next_update_by(self, field: LondonDateTimeField) -> None:
        check_next_update_by(field)


class ResolveForm(FlaskForm):
    summary = StringField(_l("What residents need to know"), widget=GovTextArea(),
                          description=_l("For example, Collections are back to normal from tomorrow"),
                          validators=[DataRequired(_l("Enter what residents need to know")), Length(max=2000)])
    notify = BooleanField(_l("Tell subscribers it is over"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Resolve notice"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button with a CSRF token, for actions that need no other input."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class UnsubscribeForm(FlaskForm):
    reason = StringField(_l("Why are they unsubscribing?"), widget=GovTextArea(),
                         description=_l("For example, Caller asked to stop all alerts"),
                         validators=[DataRequired(_l("Enter the reason")), Length(max=500)])
    submit = SubmitField(_l("Unsubscribe"), widget=GovSubmitInput())


EXPORT_FORMATS = [SelectChoice("json", "JSON (for another system)"),
                  SelectChoice("csv", "CSV (opens in a spreadsheet)")]


class SubjectAccessForm(FlaskForm):
    reason = StringField(_l("Why are you exporting their data?"), widget=GovTextArea(),
                         description=_l("For example, subject access request SAR-2026-041"),
                         validators=[DataRequired(_l("Enter why you are exporting their data")), Length(max=500)])
    format = RadioField(_l("Format"), widget=GovRadioInput(), choices=EXPORT_FORMATS,
                        validators=[InputRequired(_l("Select a format"))])
    submit = SubmitField(_l("Download their data"), widget=GovSubmitInput())


class ErasureForm(FlaskForm):
    reason = StringField(_l("Why are you erasing their data?"), widget=GovTextArea(),
                         description=_l("For example, erasure request ER-2026-007 from the resident"),
                         validators=[DataRequired(_l("Enter why you are erasing their data")), Length(max=500)])
    submit = SubmitField(_l("Erase"), widget=GovSubmitInput())


class NewUserForm(FlaskForm):
    """No password: the new member of staff chooses their own from an emailed link, so nobody else ever knows it."""

    email = StringField(_l("Email address"), widget=GovTextInput(),
                        validators=[DataRequired(_l("Enter an email address")), Length(max=320)])
    role = RadioField(_l("Role"), widget=GovRadioInput(), choices=ROLE_CHOICES,
                      validators=[InputRequired(_l("Select a role"))])
    submit = SubmitField(_l("Add user"), widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = RadioField(_l("Role"), widget=GovRadioInput(), choices=ROLE_CHOICES,
                      validators=[InputRequired(_l("Select a role"))])
    submit = SubmitField(_l("Change role"), widget=GovSubmitInput())


class ApiTokenForm(FlaskForm):
    """A token acts for one named person, with that person's role, and expires."""

    name = StringField(_l("Name"), widget=GovTextInput(),
                       description=_l("The system that will use it, for example Highways"),
                       validators=[DataRequired(_l("Enter a name")), Length(max=200)])
    user = SelectField(_l("Acts for"), widget=GovSelect(),
                       validators=[DataRequired(_l("Select the person this token acts for"))],
                       description=_l("The token can do what this person can, and stops working if their account is "
                                   "disabled. They cannot approve what the token asks to send."))
    days = StringField(_l("Expires after (days)"), widget=GovTextInput(), default="90",
                       description=_l("From 1 to 366. Make a new token before this one expires, then revoke the old "
                                      "one."),
                       validators=[DataRequired(_l("Enter the number of days until the token expires"))])
    submit = SubmitField(_l("Create token"), widget=GovSubmitInput())

    def validate_days(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if not value.isdigit() or not 1 <= int(value) <= 366:
            raise ValidationError(_l("Enter a whole number of days from 1 to 366"))


_MAX_POLL_INTERVAL_TEXT = f"{MAX_POLL_INTERVAL_MINUTES:,}"  # outside the gettext call, which takes no f-string


class FeedSourceForm(FlaskForm):
    """Checked by `alerts.services.feed_source_admin.feed_source_errors`, the one set of rules (and GOV.UK messages)
    for a source."""

    name = StringField(_l("Name"), widget=GovTextInput(),
                       description=_l("For example, Met Office warnings for South West"))
    url = StringField(_l("Web address of the feed"), widget=GovTextInput(),
                      description=_l("The RSS or Atom feed's address"))
    # validate_choice off: an unanswered question gets feed_source_errors' "Select…" message, not WTForms' own.
    kind = RadioField(_l("What kind of feed is it?"), widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice(value, label) for value, label in FEED_KINDS.items()])
    poll_interval_minutes = StringField(_l("How often to check it, in minutes"), widget=GovTextInput(), default="15",
                                        description=_l("Between %(low)s and %(high)s minutes",
                                                       low=MIN_POLL_INTERVAL_MINUTES,
                                                       high=_MAX_POLL_INTERVAL_TEXT))
    submit = SubmitField(_l("Save feed source"), widget=GovSubmitInput())

    def interval(self) -> int | None:
        """The poll interval as a whole number of minutes; None if blank. Raises ValueError if not a number."""
        text = (self.poll_interval_minutes.data or "").strip().replace(",", "")
        if not text:
            return None
        if not text.isdecimal():  # int() would also take "1_0" and "+5"
            raise ValueError(text)
        return int(text)


# The contact centre signs up a caller who has no internet, recording their spoken consent.
def consent_statement(council_name: str) -> str:
    return _("%(council)s will send you alerts about disruption to council services in your area. You will get a "
             "message to confirm first, and you can stop them at any time.", council=council_name)


MAX_CALLER_POSTCODES = 10  # in one call; well under MAX_PLACES_PER_PERSON, which the sign-up service enforces
EACH_ALERT, DAILY_EMAIL = "each", "daily"


def frequency_choices() -> list[SelectChoice]:
    """Each alert, or the daily email with the time it comes (DIGEST_HOUR, read when the page is shown)."""
    return [SelectChoice(EACH_ALERT, _("An email for each alert")),
            SelectChoice(DAILY_EMAIL, _("One email a day at about %(time)s, with severe disruption sent at once",
                                        time=digest_time()))]


def area_postcode_named(message: str, typed: str) -> bool:
    """Whether an error about a postcode already names it (as "SW1A 1AA is outside…" does)."""
    return "".join(typed.split()).upper() in "".join(message.split()).upper()


class PhoneSignUpForm(FlaskForm):
    """Everything a resident chooses online, on one page for an agent with a caller on the line. Each answer is
    checked by the rules the public sign-up uses, and each wrong one is named on its own field."""

    email = StringField(_l("Caller's email address"), widget=GovTextInput(),
                        description=_l("Leave blank if they only want text messages"), validators=[Length(max=320)])
    mobile = StringField(_l("Caller's mobile number"), widget=GovTextInput(),
                         description=_l("Any format, for example 07700 900 982. Leave blank if they only want emails"),
                         validators=[Length(max=40)])
    postcodes = StringField(_l("Caller's postcodes"), widget=GovTextArea(),
                            description=_l("One on each line, or separated by commas: home, work, a relative's"),
                            validators=[DataRequired(_l("Enter the caller's postcode")), Length(max=200)])
    services = SelectMultipleField(_l("Which services do they want alerts about?"), widget=GovCheckboxesInput(),
                                   description=_l("Untick any they do not want"),
                                   validators=[InputRequired(_l("Select at least one service"))])
    frequency = RadioField(_l("How often should their emails come?"), widget=GovRadioInput(),
                           default=EACH_ALERT,
                           validators=[InputRequired(_l("Select how often their emails should come"))])
    # Asked only for a council that writes in Welsh too (removed in __init__ otherwise). Each choice names itself
    # in its own language, as on the resident's page.
    language = RadioField(_l("Which language do they want their alerts in?"), widget=GovRadioInput(),
                          choices=[SelectChoice(WELSH, "Cymraeg"), SelectChoice(ENGLISH, "English")],
                          validators=[InputRequired(_l("Select which language they want their alerts in"))])
    consent = BooleanField(_l("I read the caller the statement above and they agreed"), widget=GovCheckboxInput(),
                           validators=[DataRequired(_l("Confirm that the caller agreed, or do not sign them up"))])
    consent_note = StringField(_l("What the caller said (optional)"), widget=GovTextInput(),
                               validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Sign up and send the confirmation"), widget=GovSubmitInput())

    # Read by the checks below: the contacts in stored form, the places they resolved to.
    contacts: list[tuple[Channel, str]]
    areas: list[AreaChoice]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services.choices = [SelectChoice(service.id, service.name) for service in reference.list_services()]
        self.frequency.choices = frequency_choices()
        self.contacts, self.areas = [], []
        if not council().is_bilingual:
            del self.language
        elif not self.language.data:
            self.language.data = council().default_language

    def chosen_language(self) -> str | None:
        """The caller's language; None for a council that writes in one (its own)."""
        return self.language.data if "language" in self else None

    def validate_email(self, field: StringField) -> None:
        if not (field.data or "").strip():
            if not (self.mobile.data or "").strip():
                raise ValidationError(_l("Enter the caller's email address or mobile number"))
            return
        try:
            self.contacts.insert(0, (Channel.EMAIL, normalise_email(field.data or "")))
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error

    def validate_mobile(self, field: StringField) -> None:
        if not (field.data or "").strip():
            return
        try:
            self.contacts.append((Channel.SMS, normalise_uk_mobile(field.data or "")))
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error

    def validate_postcodes(self, field: StringField) -> None:
        typed = [text.strip() for text in re.split(r"[,;\n]", field.data or "") if text.strip()]
        if len(typed) > MAX_CALLER_POSTCODES:
            raise ValidationError(_("Enter %(count)s postcodes or fewer", count=MAX_CALLER_POSTCODES))
        for text in typed:
            try:
                area = signups.area_for(text)
            except ValueError as error:
                message = str(error)
                if len(typed) > 1 and not area_postcode_named(message, text):
                    message = f"{text}: {message}"  # which of several postcodes is wrong
                raise ValidationError(message) from error
            if area.postcode not in (chosen.postcode for chosen in self.areas):
                self.areas.append(area)

    def validate_frequency(self, field: RadioField) -> None:
        if field.data == DAILY_EMAIL and not (self.email.data or "").strip():
            raise ValidationError(_l("Enter the caller's email address for one email a day, or choose an email for "
                                  "each alert"))

    def chosen_service_ids(self) -> list[str] | None:
        """None when every service is ticked: they then get new services too, as on the public sign-up."""
        chosen = sorted(self.services.data or [])
        return None if len(chosen) == len(self.services.choices or []) else chosen


class CallerCodeForm(FlaskForm):
    code = StringField(_l("Code the caller reads out from their text"), widget=GovTextInput(),
                       validators=[DataRequired(_l("Enter the code from the caller's text")), Length(max=12)])
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class HeadlineForm(FlaskForm):
    text = StringField(_l("Headline"), widget=GovTextArea(),
                       description=_l("For example, Winter weather is causing disruption to services in some parts of "
                                   "the county"),
                       validators=[DataRequired(_l("Enter the headline")),
                                   Length(max=200, message=_l("Headline must be 200 characters or fewer"))])
    ends_at = LondonDateTimeField(_l("Show it until"), description=DATETIME_HINT,
                                  validators=[InputRequired(_l("Enter when the headline ends"))])
    submit = SubmitField(_l("Show this headline"), widget=GovSubmitInput())


class TemplateForm(FlaskForm):
    """An admin's standard notice: text with placeholders such as {area}, {day} or {school} that officers fill in."""

    name = StringField(_l("Name"), widget=GovTextInput(), description=_l("For example, Bin collections suspended"),
                       validators=[DataRequired(_l("Enter a name")), Length(max=120)])
    service = SelectField(_l("Service"), widget=GovSelect(), validators=[DataRequired(_l("Select a service"))])
    impact = RadioField(_l("Impact"), widget=GovRadioInput(), choices=IMPACT_CHOICES,
                        validators=[InputRequired(_l("Select the impact"))])
    title = StringField(_l("Title"), widget=GovTextInput(),
                        description=_l("For example, Bin collections suspended in {area}"),
                        validators=[DataRequired(_l("Enter a title")),
                                    Length(max=200, message=_l("Title must be 200 characters or fewer"))])
    summary = StringField(_l("What's happening"), widget=GovTextArea(),
                          description="Put a placeholder in braces where the officer fills something in: {area}, "
                                      "{day}, {school}, {reason}",
                          validators=[DataRequired(_l("Enter what's happening")), Length(max=2000)])
    advice = StringField(_l("What residents should do"), widget=GovTextArea(),
                         validators=[DataRequired(_l("Enter what residents should do")), Length(max=2000)])
    submit = SubmitField(_l("Save template"), widget=GovSubmitInput())

    def validate_title(self, field: StringField) -> None:
        check_placeholder_text(field)

    def validate_summary(self, field: StringField) -> None:
        check_placeholder_text(field)

    def validate_advice(self, field: StringField) -> None:
        check_placeholder_text(field)


def check_placeholder_text(field: StringField) -> None:
    if field.data and placeholder_problem(field.data):
        raise ValidationError(f"{field.label.text} has a {{ or }} that is not a placeholder: write placeholders "
                              "in lower case inside braces, like {area}")


def with_placeholders(names: list[str]) -> type[NoticeForm]:
    """A notice form with a box for each of a template's placeholders, each required."""
    fields = {f"placeholder_{name}": StringField(
        name.replace("_", " ").capitalize(), widget=GovTextInput(),
        validators=[DataRequired(f"Enter the {name.replace('_', ' ')}"), Length(max=200)]) for name in names}
    return type("TemplateNoticeForm", (NoticeForm,), fields)


class BulkResolveForm(FlaskForm):
    summary = StringField(_l("What residents need to know"), widget=GovTextArea(),
                          description="The same words go on every notice you chose, for example Collections are back "
                                      "to normal from tomorrow",
                          validators=[DataRequired(_l("Enter what residents need to know")), Length(max=2000)])
    notify = BooleanField(_l("Tell subscribers they are over"), widget=GovCheckboxInput(), default=True)
    submit = SubmitField(_l("Resolve these notices"), widget=GovSubmitInput())


class BulkExtendForm(FlaskForm):
    expected_end_at = LondonDateTimeField(_l("Now expected to end"), description=DATETIME_HINT,
                                          validators=[InputRequired(_l("Enter when they are now expected to end"))])
    summary = StringField(_l("What has changed"), widget=GovTextArea(),
                          description="Shown on every notice you chose, for example Collections will not restart "
                                      "until Thursday",
                          validators=[DataRequired(_l("Enter what has changed")), Length(max=2000)])
    submit = SubmitField(_l("Extend these notices"), widget=GovSubmitInput())

    def validate_expected_end_at(self, field: LondonDateTimeField) -> None:
        now = dt.datetime.now(dt.UTC)
        if field.data is not None and field.data <= now:
            raise ValidationError(_l("The new end must be in the future"))
        if field.data is not None and field.data > now + dt.timedelta(days=366):
            raise ValidationError(_l("The new end must be within a year"))
