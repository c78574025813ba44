"""One form per question. Validators reuse the shared rules, so the pages and the API say the same things."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from alerts.data import reference
from alerts.data.subscribers import AreaChoice
from alerts.models import Channel
from alerts.notify import InvalidRecipient
from alerts.profile import council
from alerts.services import confirmation_codes, signups
from alerts.web.forms import FlaskForm


class HoneypotMixin:
    """A field people never see or reach, labelled so that anyone whose assistive technology shows it knows to
    leave it. Bots fill in every field; anything here means the form came from one."""

    website = StringField("Leave this field empty")

    def honeypot_filled(self) -> bool:
        return bool((self.website.data or "").strip())


class PostcodeForm(FlaskForm):
    postcode = StringField("What is your postcode?", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())
    area: AreaChoice | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.postcode.description = f"For example, {council().example_postcode}"

    def validate_postcode(self, field: Field) -> None:
        try:
            self.area = signups.area_for(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error


class AddAnotherForm(FlaskForm):
    add_another = RadioField("Do you want to add another postcode?",
                             choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")], widget=GovRadioInput(),
                             validators=[InputRequired("Select yes if you want to add another postcode")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ServicesForm(FlaskForm):
    services = SelectMultipleField("Which services do you want alerts about?", widget=GovCheckboxesInput(),
                                   description="Select all that apply",
                                   validators=[InputRequired("Select at least one service")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services.choices = [SelectChoice(service.id, service.name) for service in reference.list_services()]


DAILY_EMAIL = "email_digest"  # the digest is an email subscriber with `digest` set
BOTH = "both"  # two sign-ups in one journey, each confirmed on its own


class ChannelForm(FlaskForm):
    channel = RadioField("How do you want to get alerts?",
                         choices=[SelectChoice(Channel.EMAIL.value, "By email, for each alert"),
                                  # The digest's time is shown where it is chosen (DIGEST_HOUR).
                                  SelectChoice(DAILY_EMAIL, "By email, once a day"),
                                  SelectChoice(Channel.SMS.value, "By text message"),
                                  SelectChoice(BOTH, "By email and by text message")],
                         widget=GovRadioInput(),
                         validators=[InputRequired("Select how you want to get alerts")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


EACH_ALERT, ONCE_A_DAY = "each", "daily"


class EmailFrequencyForm(FlaskForm):
    """How often a person with several contacts gets emails; their texts are not part of the question."""
    frequency = RadioField("How often do you want emails?",
                           choices=[SelectChoice(EACH_ALERT, "An email for each alert"),
                                    SelectChoice(ONCE_A_DAY, "One email a day")],
                           widget=GovRadioInput(), validators=[InputRequired("Select how often you want emails")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class _ContactForm(HoneypotMixin, FlaskForm):
    channel: Channel
    contact = StringField("", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())
    normalised: str | None = None

    def validate_contact(self, field: Field) -> None:
        try:
            self.normalised = signups.normalise_contact(self.channel, field.data or "")
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error


class EmailForm(_ContactForm):
    channel = Channel.EMAIL
    contact = StringField("What is your email address?", widget=GovTextInput(),
                          description="We’ll only use this to send you alerts you ask for")


class MobileForm(_ContactForm):
    channel = Channel.SMS
    contact = StringField("What is your mobile phone number?", widget=GovTextInput(),
                          description="For example, 07700 900 982. UK mobile numbers only")


def contact_form_for(channel: Channel, **kwargs: Any) -> EmailForm | MobileForm:
    return MobileForm(**kwargs) if channel == Channel.SMS else EmailForm(**kwargs)


class CodeForm(FlaskForm):
    code = StringField("Enter the code", widget=GovTextInput(), description="The code is 6 numbers",
                       validators=[InputRequired("Enter the code we sent you")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_code(self, field: Field) -> None:
        tidy = confirmation_codes.tidy_code(field.data or "")
        if not (len(tidy) == 6 and tidy.isdigit()):
            raise ValidationError("The code must be 6 numbers")


class ConfirmForm(FlaskForm):
    """Nothing to fill in: a button that POSTs, with its CSRF token."""


class FindManageForm(HoneypotMixin, FlaskForm):
    contact = StringField("What is your email address or mobile phone number?", widget=GovTextInput(),
                          description="Use the one you get alerts on")
    submit = SubmitField("Continue", widget=GovSubmitInput())
    channel: Channel | None = None
    normalised: str | None = None

    def validate_contact(self, field: Field) -> None:
        text = (field.data or "").strip()
        if not text:
            raise ValidationError("Enter your email address or mobile phone number")
        self.channel = signups.guess_channel(text)
        try:
            self.normalised = signups.normalise_contact(self.channel, text)
        except InvalidRecipient as error:
            raise ValidationError(error.message) from error
