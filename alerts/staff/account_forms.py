"""Forms for a staff member's own account: password, second factor, reset links."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from alerts.credentials.passwords import MAX_LENGTH, MIN_LENGTH
from alerts.web.forms import FlaskForm

NEW_PASSWORD_HINT = _l("Use %(count)s characters or more. A few unrelated words make a password that is long, "
                       "easy to remember and hard to guess.", count=MIN_LENGTH)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), widget=GovPasswordInput(),
                                     validators=[DataRequired(_l("Enter your current password"))])
    new_password = PasswordField(_l("New password"), widget=GovPasswordInput(), description=NEW_PASSWORD_HINT,
                                 validators=[DataRequired(_l("Enter a new password")), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), widget=GovPasswordInput(), description=NEW_PASSWORD_HINT,
                                 validators=[DataRequired(_l("Enter a new password")), Length(max=MAX_LENGTH)])
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())


class SetUpSecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"), widget=GovTextInput(),
                       description=_l("The 6-digit code the app shows for this service"),
                       validators=[DataRequired(_l("Enter the 6-digit code from your authenticator app")),
                                   Length(max=20, message=_l("Enter the 6-digit code from your authenticator app"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SecurityCodeForm(FlaskForm):
    code = StringField(_l("Security code"), widget=GovTextInput(),
                       description=_l("The 6-digit code from your authenticator app, or one of your recovery codes"),
                       validators=[DataRequired(_l("Enter the code from your authenticator app or a recovery code")),
                                   Length(max=40, message=_l("Enter the code from your authenticator app or a "
                                                          "recovery code"))])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        description=_l("The email address you sign in with"),
                        validators=[DataRequired(_l("Enter your email address")),
                                    Length(max=320, message=_l("Email address must be 320 characters or fewer"))])
    submit = SubmitField(_l("Send me a link"), widget=GovSubmitInput())
