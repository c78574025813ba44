"""Forms for a staff member's own account: password, second factor, reset links."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from alerts.credentials.passwords import MAX_LENGTH, MIN_LENGTH

NEW_PASSWORD_HINT = (f"Use {MIN_LENGTH} characters or more. A few unrelated words make a password that is long, "
                     "easy to remember and hard to guess.")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[DataRequired("Enter your current password")])
    new_password = PasswordField("New password", widget=GovPasswordInput(), description=NEW_PASSWORD_HINT,
                                 validators=[DataRequired("Enter a new password"), Length(max=MAX_LENGTH)])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password", widget=GovPasswordInput(), description=NEW_PASSWORD_HINT,
                                 validators=[DataRequired("Enter a new password"), Length(max=MAX_LENGTH)])
    submit = SubmitField("Save password", widget=GovSubmitInput())


class SetUpSecondFactorForm(FlaskForm):
    code = StringField("Code from your authenticator app", widget=GovTextInput(),
                       description="The 6-digit code the app shows for this service",
                       validators=[DataRequired("Enter the 6-digit code from your authenticator app"),
                                   Length(max=20, message="Enter the 6-digit code from your authenticator app")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SecurityCodeForm(FlaskForm):
    code = StringField("Security code", widget=GovTextInput(),
                       description="The 6-digit code from your authenticator app, or one of your recovery codes",
                       validators=[DataRequired("Enter the code from your authenticator app or a recovery code"),
                                   Length(max=40, message="Enter the code from your authenticator app or a "
                                                          "recovery code")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        description="The email address you sign in with",
                        validators=[DataRequired("Enter your email address"),
                                    Length(max=320, message="Email address must be 320 characters or fewer")])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())
