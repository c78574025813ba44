"""Staff commands: accounts, API tokens, and the notice jobs (each also runs in the scheduler)."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app

from alerts.credentials.passwords import WeakPassword
from alerts.data import fanouts
from alerts.data import staff as staff_data
from alerts.models import Role
from alerts.services import publishing, staff_admin, update_reminders
from alerts.services.actors import COMMAND_LINE

ROLES = click.Choice([role.value for role in Role])


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=ROLES, required=True, help="officer, contact_centre, manager or admin")
def create_user(email: str, role: str) -> None:
    """Add a staff account. The password comes from standard input when piped, or a prompt: never argv, where
    it would sit in shell history and the process list."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = staff_admin.create_staff_user(email, Role(role), COMMAND_LINE, password=password)
    except (WeakPassword, staff_data.StaffUserExists) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {role} {user.email}")


@click.command("create-api-token")
@click.argument("name")
@click.option("--user", "email", required=True, help="The staff account the token acts for, with that account's role")
@click.option("--days", type=click.IntRange(1, staff_data.API_TOKEN_MAX_DAYS),
              default=staff_data.API_TOKEN_DEFAULT_DAYS, show_default=True, help="Days until the token expires")
def create_api_token(name: str, email: str, days: int) -> None:
    """Create an API token for another council system, acting for one named staff user, and print it once: only
    its hash is kept. Rotate by making a new one before this one expires, then revoking the old one."""
    user = staff_data.get_staff_user_by_email(email)
    if user is None or user.is_disabled:
        raise click.ClickException(f"There is no staff account for {email} that can sign in")
    try:
        created = staff_admin.create_api_token(name, user, days=days, actor=COMMAND_LINE,
                                               second_factor_required=bool(current_app.config.get("MFA_REQUIRED")))
    except staff_admin.NotAllowed as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(created.token)
    click.echo(f"Acts for {user.email} ({user.role}); expires {created.record.expires_at_utc:%Y-%m-%d %H:%M} UTC. "
               "Keep this token safe: it will not be shown again.", err=True)


@click.command("expand-fanouts")
@click.option("--batch-size", type=int, default=fanouts.DEFAULT_BATCH_SIZE, show_default=True)
def expand_fanouts(batch_size: int) -> None:
    """Create outbox messages for every published, updated or resolved notice still waiting for them."""
    click.echo(f"Created {fanouts.expand_pending_fanouts(batch_size)} messages.")


@click.command("publish-due-notices")
def publish_due_notices() -> None:
    """Publish scheduled notices whose time has come (any that now need approval wait for it)."""
    click.echo(f"Published {publishing.publish_due_notices()} scheduled notices.")


@click.command("expire-notices")
def expire_notices() -> None:
    """Mark live notices expired once their expected end plus NOTICE_EXPIRY_GRACE_HOURS has passed."""
    grace = dt.timedelta(hours=current_app.config["NOTICE_EXPIRY_GRACE_HOURS"])
    click.echo(f"Expired {publishing.expire_overdue_notices(grace)} notices.")


@click.command("nudge-overdue-updates")
def nudge_overdue_updates() -> None:
    """Email the author and team of each live notice whose promised next update has passed (once per promise)."""
    click.echo(f"Told officers about {update_reminders.nudge_overdue_updates()} overdue updates.")


COMMANDS = [create_user, create_api_token, expand_fanouts, publish_due_notices, expire_notices, nudge_overdue_updates]
