"""Words staff read that the services below keep in English: refusals they raise (tests and logs match the English)
and role names. Each English text is looked up here and shown in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

from alerts.credentials.passwords import CONTEXT_MESSAGE, MAX_LENGTH, MIN_LENGTH
from alerts.services import single_sign_on, staff_admin


def refusal_words(message: str) -> str:
    """A service's refusal in the page's language; a message this does not know stays as it is."""
    words = {
        staff_admin.NEEDS_ENABLING: _("Enable the account before sending a password reset link"),
        staff_admin.OWN_ADMIN_ROLE: _("You cannot remove your own admin role. Ask another admin."),
        staff_admin.OWN_ACCOUNT: _("You cannot disable your own account"),
        single_sign_on.NO_EMAIL: _("Your account at the identity provider has no email address, so we cannot tell who "
                                   "you are."),
        single_sign_on.NOT_VERIFIED: _("Your identity provider did not confirm your email address."),
        single_sign_on.NO_ACCESS: _("Your council account has not been given access to this service. Ask your IT team "
                                    "or an admin."),
        single_sign_on.ROLE_REMOVED: _("Your access to this service has been removed. Ask your IT team or an admin if "
                                       "you need it back."),
        single_sign_on.DISABLED: _("Your staff account is turned off. Ask an admin if you need it back."),
    }
    return words.get(message, message)


def role_words(role: str) -> str:
    """A role inside a sentence: "officer", "contact centre"."""
    words = {"officer": _("officer"), "contact_centre": _("contact centre"), "manager": _("manager"),
             "admin": _("admin")}
    return words.get(str(role), str(role).replace("_", " "))


def wrong_code() -> str:
    return _("The code is not right. Enter the code your authenticator app shows now, or an unused recovery code")


def password_words(message: str) -> str:
    """A refused password's message (alerts/credentials/passwords.py) in the page's language."""
    words = {
        "Enter a password": _("Enter a password"),
        f"Password must be {MIN_LENGTH} characters or more": _("Password must be %(count)s characters or more",
                                                                count=MIN_LENGTH),
        f"Password must be {MAX_LENGTH} characters or fewer": _("Password must be %(count)s characters or fewer",
                                                                 count=MAX_LENGTH),
        "Choose a password that is harder to guess: this one is too common": _(
            "Choose a password that is harder to guess: this one is too common"),
        CONTEXT_MESSAGE: _("Choose a password that is harder to guess: do not build it from the council's or a "
                           "place's name, a service, a season or month and a year, or your email address"),
    }
    return words.get(message, message)
