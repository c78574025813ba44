"""Commands for the first admin, or an admin who lost their password or phone."""

from __future__ import annotations

import dataclasses

import click

from alerts import links
from alerts.data import staff as staff_data
from alerts.data.staff_accounts import RESET_LINK_HOURS
from alerts.models import StaffUser
from alerts.services import key_rotation, staff_admin
from alerts.services.actors import COMMAND_LINE, Actor


def _user_or_fail(email: str) -> StaffUser:
    user = staff_data.get_staff_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no staff account for {email}")
    return user


def _on_behalf_of(user: StaffUser) -> Actor:
    """The command line acting on this account: the audit log records the account as the staff user concerned."""
    return dataclasses.replace(COMMAND_LINE, user_id=user.id)


@click.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Email a staff member a one-time link to choose a new password, as an admin's "Send password reset link"
    does. Nobody sets another person's password, the command line included: only they ever know it."""
    user = _user_or_fail(email)
    try:
        staff_admin.send_password_reset(user, _on_behalf_of(user))
    except staff_admin.NotAllowed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"We have emailed {user.email} a link to choose a new password. It works once, for "
               f"{RESET_LINK_HOURS} hours; the dispatcher sends it (`flask --app wsgi dispatch`).")


@click.command("remove-second-factor")
@click.argument("email")
def remove_second_factor(email: str) -> None:
    """For someone who lost their phone and recovery codes: they set up a new second factor at next sign-in."""
    user = _user_or_fail(email)
    staff_admin.remove_second_factor(user, _on_behalf_of(user))
    click.echo(f"Second factor removed for {user.email}; they will set up a new one when they next sign in.")


@click.command("reseal-secrets")
def reseal_secrets() -> None:
    """Seal every stored second factor secret under the current SECRET_KEY, so a retired key can leave
    SECRET_KEY_FALLBACKS without anyone's authenticator app stopping working (docs/production.md, "A leaked key")."""
    result = key_rotation.reseal_second_factor_secrets(links.signing_keys())
    click.echo(f"Resealed {result.resealed} second factor secret(s) under the current SECRET_KEY.")
    if result.unreadable:
        raise click.ClickException(
            f"{len(result.unreadable)} secret(s) could not be read with SECRET_KEY or SECRET_KEY_FALLBACKS "
            f"(staff user ids {', '.join(map(str, result.unreadable))}): they were left as they were; run "
            "remove-second-factor for those people, or put back the key that sealed them"
        )


COMMANDS = [reset_password, remove_second_factor, reseal_secrets]
