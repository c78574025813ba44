"""Emails to staff: password links, invitations, paused sign-ins, approvals and overdue updates.

Their words come from the catalogue like every message's, and go in English: staff pages are English by default.
"""

from __future__ import annotations

from alerts.notify.rendering import MessageFrom, RenderedEmail, escape_notify_markdown
from alerts.notify.words import ENGLISH, translations

STAFF_LANGUAGE = ENGLISH


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def render_staff_password_reset_email(reset_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """An admin sent a member of staff a link to choose a new password."""
    words = translations(STAFF_LANGUAGE)
    return RenderedEmail(
        subject=words.gettext("Choose a new password for %(council)s disruption alerts",
                              council=message_from.council),
        body=_paragraphs(
            words.gettext("An administrator asked us to send you a link to choose a new password for your staff "
                          "account:"),
            reset_url,
            words.gettext("The link works once and expires in %(hours)s hours.", hours=hours),
            words.gettext("If you did not expect this email, tell your administrator. Your password has not "
                          "changed."),
        ),
    )


def render_staff_invitation_email(set_password_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """An admin added a member of staff: they choose their own first password, which nobody else ever knows."""
    words = translations(STAFF_LANGUAGE)
    council = message_from.council
    return RenderedEmail(
        subject=words.gettext("Your staff account for %(council)s disruption alerts", council=council),
        body=_paragraphs(
            words.gettext("An administrator has added you as a member of staff on %(council)s's disruption alerts. "
                          "Use this link to choose your password:", council=council),
            set_password_url,
            " ".join([words.gettext("The link works once and expires in %(hours)s hours.", hours=hours),
                      words.gettext("After that, ask your administrator for a new one.")]),
            words.gettext("If you did not expect this email, tell your administrator."),
        ),
    )


def render_sign_in_paused_email(*, account: str, attempts: int, until: str, to_admin: bool,
                                message_from: MessageFrom) -> RenderedEmail:
    """To a member of staff, and to every admin, when an account's wrong passwords and codes reach the daily limit:
    signing in to it is paused until the window ends."""
    words = translations(STAFF_LANGUAGE)
    council = message_from.council
    if to_admin:
        subject = words.gettext("Signing in to %(account)s's staff account is paused", account=account)
        happened = words.gettext(
            "There have been %(attempts)s wrong passwords or security codes for %(account)s's staff account on "
            "%(council)s's disruption alerts in the last day. Nobody can sign in to it with a password until "
            "%(until)s.", attempts=attempts, account=account, council=council, until=until)
        advice = words.gettext("Check the audit log for where the attempts came from.")
    else:
        subject = words.gettext("Signing in to your staff account is paused")
        happened = words.gettext(
            "There have been %(attempts)s wrong passwords or security codes for your staff account on "
            "%(council)s's disruption alerts in the last day. Nobody can sign in to it with a password until "
            "%(until)s.", attempts=attempts, council=council, until=until)
        advice = words.gettext("Tell your administrator. If you think they know your password, ask for a reset "
                               "link.")
    warning = words.gettext("If this was not you, someone may be trying to guess the password.")
    return RenderedEmail(subject=subject[:300], body=_paragraphs(happened, f"{warning} {advice}"))


def render_staff_password_link_requested_email(reset_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """Someone asked for a link to choose a new password from the "Forgot your password?" page."""
    words = translations(STAFF_LANGUAGE)
    return RenderedEmail(
        subject=words.gettext("Choose a new password for %(council)s disruption alerts",
                              council=message_from.council),
        body=_paragraphs(
            words.gettext("Someone asked for a link to choose a new password for your staff account:"),
            reset_url,
            words.ngettext("The link works once and expires in %(num)d hour.",
                           "The link works once and expires in %(num)d hours.", hours),
            words.gettext("If you did not ask for it, you can ignore this email: your password has not changed. If "
                          "it keeps happening, tell your administrator."),
        ),
    )


def render_approval_request_email(*, title: str, what: str, requested_by: str, audience: str, notice_url: str,
                                  in_welsh: tuple[str, str] | None = None,
                                  in_english: tuple[str, str] | None = None) -> RenderedEmail:
    """To an officer who may approve: something waits for a second pair of eyes. For a notice written in Welsh and
    English, `in_welsh` and `in_english` (each its title and summary) let the approver check both languages."""
    words = translations(STAFF_LANGUAGE)
    both: list[str] = []
    if in_welsh is not None and in_english is not None:
        both = [words.gettext("In Welsh:") + "\n" + _lines(*in_welsh),
                words.gettext("In English:") + "\n" + _lines(*in_english)]
    return RenderedEmail(
        subject=words.gettext("Approval needed: %(title)s", title=title)[:300],
        body=_paragraphs(
            words.gettext("%(requested_by)s has asked to send %(what)s to %(audience)s: \"%(title)s\".",
                          requested_by=requested_by, what=what, audience=audience,
                          title=escape_notify_markdown(title)),
            *both,
            words.gettext("Nothing is published or sent until an officer other than whoever wrote, changed or "
                          "asked to send it approves it. Check it and approve it, or cancel it:"),
            notice_url,
        ),
    )


def _lines(*texts: str) -> str:
    return "\n".join(escape_notify_markdown(text) for text in texts if text)


def render_update_due_email(*, title: str, promised: str, notice_url: str) -> RenderedEmail:
    """To a notice's author and their team: residents were told when it would next be updated, and that has passed."""
    words = translations(STAFF_LANGUAGE)
    return RenderedEmail(
        subject=words.gettext("Update overdue: %(title)s", title=title)[:300],
        body=_paragraphs(
            words.gettext("Residents were told \"%(title)s\" would next be updated by %(promised)s. That time has "
                          "passed with no update.", title=escape_notify_markdown(title), promised=promised),
            words.gettext("Post an update with when the next one will come, or resolve the notice if it is over:"),
            notice_url,
        ),
    )
