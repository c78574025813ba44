"""Commands for the first admin, or an admin who lost their password or phone."""

from __future__ import annotations

import dataclasses

import click

from alerts.data import staff as staff_data
from alerts.data.staff_accounts import RESET_LINK_HOURS
from alerts.models import StaffUser
from alerts.services import staff_admin
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


COMMANDS = [reset_password, remove_second_factor]
