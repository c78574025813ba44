"""Words staff read that the layers below cannot put in the page's language themselves: role names inside a
sentence, and a refused password's message (its floor has no Flask, so it gives the catalogue's text and values)."""

from __future__ import annotations

from flask_babel import gettext as _

from alerts.credentials.passwords import WeakPassword


def role_words(role: str) -> str:
    """A role inside a sentence: "officer", "contact centre"."""
    words = {"officer": _("officer"), "contact_centre": _("contact centre"), "manager": _("manager"),
             "admin": _("admin")}
    return words.get(str(role), str(role).replace("_", " "))


def wrong_code() -> str:
    return _("The code is not right. Enter the code your authenticator app shows now, or an unused recovery code")


def password_words(refused: WeakPassword) -> str:
    """A refused password's message (alerts/credentials/passwords.py, its one home) in the page's language."""
    return _(refused.text, **refused.values)
