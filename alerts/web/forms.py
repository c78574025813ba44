"""The base of every resident and staff form that takes text: Flask-WTF's form, refusing what XML can't carry.

Whatever a form saves can end up in a feed or a CAP alert, so every text field shares the rule in alerts/text.py.
Passwords are never written anywhere, so they are left out.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm as _FlaskForm

from alerts.text import hidden_character_error


class FlaskForm(_FlaskForm):
    """Flask-WTF's form, with the rule every text field shares: no character XML can't carry."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        _plain_errors(self)
        for field in self:
            if field.type in ("CSRFTokenField", "PasswordField") or field.errors:
                continue
            values = field.data if isinstance(field.data, list) else [field.data]
            for value in values:
                error = hidden_character_error(str(field.label.text), value)
                if error:
                    field.errors = [*field.errors, error]
                    valid = False
                    break
        for field in self:
            # Messages given with lazy_gettext become plain text in the page's language: the layout's error summary
            # (and anything else reading form.errors) takes strings.
            if isinstance(field.errors, list):
                field.errors = [str(error) if not isinstance(error, (str, dict, list)) else error
                                for error in field.errors]
        return valid


def _plain_errors(form: _FlaskForm) -> None:
    """A message from lazy_gettext (a validator's, made before any request) becomes the text of this request's
    language: pages and templates treat errors as strings."""
    for field in form:
        if isinstance(field.errors, list) and any(not isinstance(error, str | dict) for error in field.errors):
            field.errors = [error if isinstance(error, str | dict) else str(error) for error in field.errors]
