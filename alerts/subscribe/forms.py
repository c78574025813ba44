"""One form per question. Validators reuse the shared rules, so the pages and the API say the same things."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from alerts.data import reference
from alerts.data.subscribers import AreaChoice
from alerts.languages import ENGLISH, WELSH
from alerts.models import Channel
from alerts.notify import InvalidRecipient
from alerts.profile import council
from alerts.services import confirmation_codes, signups
from alerts.web.forms import FlaskForm


class HoneypotMixin:
    """A field people never see or reach, labelled so that anyone whose assistive technology shows it knows to
    leave it. Bots fill in every field; anything here means the form came from one."""

    website = StringField(_l("Leave this field empty"))

    def honeypot_filled(self) -> bool:
        return bool((self.website.data or "").strip())


class PostcodeForm(FlaskForm):
    postcode = StringField(_l("What is your postcode?"), widget=GovTextInput())
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    area: AreaChoice | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.postcode.description = _("For example, %(postcode)s", postcode=council().example_postcode)

    def validate_postcode(self, field: Field) -> None:
        try:
            self.area = signups.area_for(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error


class AddAnotherForm(FlaskForm):
    add_another = RadioField(_l("Do you want to add another postcode?"),
                             choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                             widget=GovRadioInput(),
                             validators=[InputRequired(_l("Select yes if you want to add another postcode"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ServicesForm(FlaskForm):
    services = SelectMultipleField(_l("Which services do you want alerts about?"), widget=GovCheckboxesInput(),
                                   description=_l("Select all that apply"),
                                   validators=[InputRequired(_l("Select at least one service"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services.choices = [SelectChoice(service.id, service.name) for service in reference.list_services()]


DAILY_EMAIL = "email_digest"  # the digest is an email subscriber with `digest` set
BOTH = "both"  # two sign-ups in one journey, each confirmed on its own


class ChannelForm(FlaskForm):
    channel = RadioField(_l("How do you want to get alerts?"),
                         choices=[SelectChoice(Channel.EMAIL.value, _l("By email, for each alert")),
                                  # The digest's time is shown where it is chosen (DIGEST_HOUR).
                                  SelectChoice(DAILY_EMAIL, _l("By email, once a day")),
                                  SelectChoice(Channel.SMS.value, _l("By text message")),
                                  SelectChoice(BOTH, _l("By email and by text message"))],
                         widget=GovRadioInput(),
                         validators=[InputRequired(_l("Select how you want to get alerts"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


EACH_ALERT, ONCE_A_DAY = "each", "daily"


class EmailFrequencyForm(FlaskForm):
    """How often a person with several contacts gets emails; their texts are not part of the question."""
    frequency = RadioField(_l("How often do you want emails?"),
                           choices=[SelectChoice(EACH_ALERT, _l("An email for each alert")),
                                    SelectChoice(ONCE_A_DAY, _l("One email a day"))],
                           widget=GovRadioInput(), validators=[InputRequired(_l("Select how often you want emails"))])
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class _ContactForm(HoneypotMixin, FlaskForm):
    channel: Channel
    contact = StringField("", widget=GovTextInput())
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    normalised: str | None = None

    def validate_contact(self, field: Field) -> None:
        try:
            self.normalised = signups.normalise_contact(self.channel, field.data or "")
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error


class EmailForm(_ContactForm):
    channel = Channel.EMAIL
    contact = StringField(_l("What is your email address?"), widget=GovTextInput(),
                          description=_l("We’ll only use this to send you alerts you ask for"))


class MobileForm(_ContactForm):
    channel = Channel.SMS
    contact = StringField(_l("What is your mobile phone number?"), widget=GovTextInput(),
                          description=_l("For example, 07700 900 982. UK mobile numbers only"))


def contact_form_for(channel: Channel, **kwargs: Any) -> EmailForm | MobileForm:
    return MobileForm(**kwargs) if channel == Channel.SMS else EmailForm(**kwargs)


class CodeForm(FlaskForm):
    code = StringField(_l("Enter the code"), widget=GovTextInput(), description=_l("The code is 6 numbers"),
                       validators=[InputRequired(_l("Enter the code we sent you"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_code(self, field: Field) -> None:
        tidy = confirmation_codes.tidy_code(field.data or "")
        if not (len(tidy) == 6 and tidy.isdigit()):
            raise ValidationError(_("The code must be 6 numbers"))


class ConfirmForm(FlaskForm):
    """Nothing to fill in: a button that POSTs, with its CSRF token."""


class FindManageForm(HoneypotMixin, FlaskForm):
    contact = StringField(_l("What is your email address or mobile phone number?"), widget=GovTextInput(),
                          description=_l("Use the one you get alerts on"))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    channel: Channel | None = None
    normalised: str | None = None

    def validate_contact(self, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_("Enter your email address or mobile phone number"))
        self.channel = signups.guess_channel(text)
        try:
            self.normalised = signups.normalise_contact(self.channel, text)
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error


class LanguageForm(FlaskForm):
    """Which language a resident's alerts come in, for a council that writes in Welsh and English. Each choice
    names itself in its own language: a reader looks for their own language's name."""
    language = RadioField(_l("Which language do you want your alerts in?"),
                          choices=[SelectChoice(WELSH, "Cymraeg"), SelectChoice(ENGLISH, "English")],
                          widget=GovRadioInput(),
                          validators=[InputRequired(_l("Select which language you want your alerts in"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


# For the template: each choice's label carries its language, so a screen reader says it right.
LANGUAGE_ITEMS = [{"label": {"attributes": {"lang": WELSH}}}, {"label": {"attributes": {"lang": ENGLISH}}}]
