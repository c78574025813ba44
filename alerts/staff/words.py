"""Words staff read that the services below keep in English: refusals they raise (tests and logs match the English)
and role names. Each English text is looked up here and shown in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _

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
