"""Render alert and sign-up messages for GOV.UK Notify's generic templates, and count SMS fragments.

Pure functions on plain values. Email bodies use Notify's formatting (plain paragraphs, `^` inset text, `---`),
never HTML: Notify escapes HTML in personalisation.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from alerts.notify.sms_counting import GSM_BASIC_CHARACTERS as GSM_BASIC_CHARACTERS
from alerts.notify.sms_counting import GSM_EXTENDED_CHARACTERS as GSM_EXTENDED_CHARACTERS
from alerts.notify.sms_counting import NOTIFY_SMS_REPLACEMENTS as NOTIFY_SMS_REPLACEMENTS
from alerts.notify.sms_counting import SmsEncoding as SmsEncoding
from alerts.notify.sms_counting import count_sms, normalise_whitespace
from alerts.notify.sms_counting import sanitise_sms as sanitise_sms

Impact = Literal["minor", "major", "severe"]
AlertKind = Literal["published", "updated", "resolved"]

WHOLE_COUNTY_AREA_NAME = "Whole county"
# An alert text is one fragment wherever the notice allows it (each fragment is paid for, or spends the
# free allowance). A title is cut to fit only while at least half of it stays; past that it is sent whole.
SMS_FRAGMENT_BUDGET = 1
MIN_KEPT_TITLE_SHARE = 0.5
REPLY_STOP = "Reply STOP to stop"
CODE_EXPIRY_MINUTES = 10

_IMPACT_TEXT: dict[str, str] = {
    "minor": "Minor disruption: expect delays",
    "major": "Major disruption: partly closed",
    "severe": "Severe disruption: suspended or closed",
}
_SUBJECT_LABEL: dict[str, str] = {"published": "Disruption", "updated": "Update", "resolved": "Resolved"}
_SMS_LABEL: dict[str, str] = {"published": "", "updated": "Update: ", "resolved": "Resolved: "}
_SMS_IMPACT: dict[str, str] = {"minor": "Minor disruption.", "major": "Major disruption.",
                               "severe": "Severe disruption."}
_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class MessageFrom:
    """Who the messages come from, as the council's profile names it: "<council>", "across <place>"."""

    council: str
    place: str
    whole_area_name: str = WHOLE_COUNTY_AREA_NAME
    # What Notify puts before every text ("<service name>: ") when the service starts texts with its name: counted
    # in every text's length, never written into the body.
    sms_prefix: str = ""


@dataclass(frozen=True)
class AlertContent:
    title: str
    service_name: str
    impact: Impact
    area_names: list[str]
    summary: str
    advice: str
    kind: AlertKind
    notice_url: str
    manage_url: str
    unsubscribe_url: str
    expected_end_text: str | None
    message_from: MessageFrom
    # The subscriber's short link (/s/<code>) for texts; without one a text carries the manage link.
    short_url: str | None = None
    # "Was this useful?" links (one per notice and answer, naming nobody); emails only.
    feedback_yes_url: str | None = None
    feedback_no_url: str | None = None


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


@dataclass(frozen=True)
class SmsLength:
    """`characters` is what the network counts: GSM-7 septets (extended characters cost 2) or UCS-2 code units."""

    characters: int
    fragments: int
    encoding: SmsEncoding


@dataclass(frozen=True)
class SmsLayout:
    """A rendered alert text and what the officer needs to know about it: what was cut from the title to fit,
    how long it is, and which characters of their words forced UCS-2 (70 characters a text instead of 160)."""

    body: str
    length: SmsLength
    cut: str
    non_gsm: list[str]
    # Characters of the title residents get as "?", and those Notify sends as something plainer (with what).
    question_marks: tuple[str, ...] = ()
    downgraded: tuple[tuple[str, str], ...] = ()


def non_gsm_characters(text: str) -> list[str]:
    """The Welsh letters that make Notify send a text as Unicode, in order of first use. Other characters outside
    GSM-7 never do: Notify sends them as their base letter or as "?"."""
    return list(count_sms(text).unicode_letters)


def sms_fragment_count(text: str, *, prefix: str = "") -> SmsLength:
    """How Notify counts `text`, with `prefix` ("<service name>: ") when the service starts texts with its name."""
    count = count_sms(text, prefix=prefix)
    return SmsLength(count.characters, count.fragments, count.encoding)


# Notify renders an email's body as its own Markdown: officer text written there as typed could carry a link whose
# words hide where it goes ("[Pay your council tax](https://evil.example)"), a heading or a list. A backslash before
# a Markdown character makes Notify show the character itself. Inline, the characters that open links, images and
# code; at the start of a line, the ones that make headings, lists and rules. HTML needs nothing: Notify escapes it.
# Notify's Markdown has no backslash escape for "^" (inset text), "•" (a list), "_" (a rule) or "=" (a heading's
# underline), so a zero-width space goes before those instead: Notify's own way of keeping text from becoming
# Markdown, and invisible to the resident.
_MARKDOWN_INLINE = re.compile(r"([\\`\[\]])")
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#*+\-]|[0-9]+\.)", re.MULTILINE)
_MARKDOWN_UNESCAPABLE_LINE_START = re.compile(r"^([ \t]*)([\^•_=])", re.MULTILINE)
_ZERO_WIDTH_SPACE = "\u200b"
_MARKDOWN_ESCAPED = re.compile(r"\\([\\`\[\]#*+\-.])")


def escape_notify_markdown(text: str) -> str:
    """`text` for an email body, so that Notify shows it exactly as typed: never a link, heading or list."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text)

    def line_start(match: re.Match[str]) -> str:
        indent, marker = match.groups()
        return f"{indent}{marker[:-1]}\\." if marker.endswith(".") else f"{indent}\\{marker}"

    escaped = _MARKDOWN_LINE_START.sub(line_start, escaped)
    return _MARKDOWN_UNESCAPABLE_LINE_START.sub(rf"\1{_ZERO_WIDTH_SPACE}\2", escaped)


def as_read(body: str) -> str:
    """An email body as the resident reads it, without the backslashes and zero-width spaces that keep officer text
    from being Markdown: for the officer's preview."""
    return _MARKDOWN_ESCAPED.sub(r"\1", body).replace(_ZERO_WIDTH_SPACE, "")


def render_alert_email(content: AlertContent) -> RenderedEmail:
    where = f"{content.service_name} {_place_phrase(content.area_names, content.message_from)}"
    subject = f"{_SUBJECT_LABEL[content.kind]}: {where} — {content.title}"  # a subject is never Markdown
    content = replace(content, title=escape_notify_markdown(content.title),
                      service_name=escape_notify_markdown(content.service_name),
                      summary=escape_notify_markdown(content.summary), advice=escape_notify_markdown(content.advice),
                      area_names=[escape_notify_markdown(name) for name in content.area_names])
    where = f"{content.service_name} {_place_phrase(content.area_names, content.message_from)}"
    opening = {
        "published": f"{content.message_from.council} has reported disruption to {where}.",
        "updated": f"There is an update on the disruption to {where}.",
        "resolved": f"The disruption to {where} is over.",
    }[content.kind]
    paragraphs = [content.title, opening]
    if content.kind != "resolved":
        paragraphs.append(f"^ {_IMPACT_TEXT[content.impact]}")
    paragraphs.append(f"What's happening\n{content.summary.strip()}")
    if content.advice.strip():
        paragraphs.append(f"What you should do\n{content.advice.strip()}")
    if content.area_names:
        paragraphs.append(f"Areas affected: {', '.join(content.area_names)}")
    if content.expected_end_text and content.kind != "resolved":
        paragraphs.append(f"Expected to end: {content.expected_end_text}")
    paragraphs.append(f"Read the full notice and any updates: {content.notice_url}")
    if content.feedback_yes_url and content.feedback_no_url:
        paragraphs.append(f"Was this useful? Yes: {content.feedback_yes_url}\nNo: {content.feedback_no_url}")
    paragraphs += [
        "---",
        f"You asked {content.message_from.council} for service disruption alerts.",
        f"Change your areas or services, or stop these alerts: {content.manage_url}",
        f"Unsubscribe from all alerts: {content.unsubscribe_url}",
    ]
    return RenderedEmail(subject=subject, body=_paragraphs(*paragraphs))


def render_alert_sms(content: AlertContent, *, reply_stop: bool = False, prefix: str | None = None) -> str:
    return layout_alert_sms(content, reply_stop=reply_stop, prefix=prefix).body


def layout_alert_sms(content: AlertContent, *, reply_stop: bool = False,
                     fragment_budget: int = SMS_FRAGMENT_BUDGET, prefix: str | None = None) -> SmsLayout:
    """Council, title, impact and one link: "<council>: <title>. Severe disruption. <link>",
    then "Reply STOP to stop" when texts come from a number that takes replies. When Notify starts texts with the
    service name, that name already says who the text is from, so the council is not named twice.

    The summary and advice stay on the web page the link leads to. If the title makes the text longer than
    `fragment_budget`, whole words are cut from its end while at least half of it stays; otherwise it goes whole
    and takes more fragments. The link is never cut. `prefix` is what Notify puts before every text ("<service
    name>: ") when the service starts texts with its name (by default the one `message_from` carries): it is
    counted, not added to the body.
    """
    prefix = content.message_from.sms_prefix if prefix is None else prefix
    council = "" if prefix else f"{content.message_from.council}: "
    title = _one_line(content.title)
    link = content.short_url or content.manage_url
    impact = "" if content.kind == "resolved" else _SMS_IMPACT[content.impact]
    stop = REPLY_STOP if reply_stop else ""

    def compose(title_text: str) -> str:
        head = f"{council}{_SMS_LABEL[content.kind]}{_as_sentence(title_text)}".rstrip()
        return " ".join(part for part in (head, impact, link, stop) if part)

    def fits(text: str) -> bool:
        return sms_fragment_count(text, prefix=prefix).fragments <= fragment_budget

    body, cut = compose(title), ""
    length = sms_fragment_count(body, prefix=prefix)  # counted once when it fits: a fan-out lays out every text
    if length.fragments > fragment_budget:
        trimmed = _trim_to_fit(title, lambda candidate: fits(compose(candidate)))
        kept = trimmed.removesuffix("...")
        if trimmed and len(kept) >= len(title) * MIN_KEPT_TITLE_SHARE:
            body, cut = compose(trimmed), title[len(kept):].strip()
            length = sms_fragment_count(body, prefix=prefix)
    written = count_sms(normalise_whitespace(content.title))  # the title as typed, before it was sanitised
    return SmsLayout(body=body, length=length, cut=cut, non_gsm=list(written.unicode_letters),
                     question_marks=written.question_marks, downgraded=written.downgraded)


def render_confirmation_sms(code: str, message_from: MessageFrom) -> str:
    """The code that confirms a sign-up, in one fragment: the first wording that fits with Notify's prefix."""
    _check_code(code)
    expires = f"It expires in {CODE_EXPIRY_MINUTES} minutes."
    return _first_that_fits(message_from, [
        f"Your {whose}alerts confirmation code is {code}. {expires} If you did not ask for alerts, ignore this text."
        for whose in _whose(message_from)
    ] + [f"Your {whose}alerts code is {code}. {expires} Not you? Ignore this text." for whose in _whose(message_from)])


def render_confirmation_email(confirm_url: str, message_from: MessageFrom) -> RenderedEmail:
    return RenderedEmail(
        subject=f"Confirm your email address for {message_from.council} alerts",
        body=_paragraphs(
            f"Confirm that you want {message_from.council} to email you about disruption to council services:",
            confirm_url,
            "We will not send you any alerts until you confirm.",
            "If you did not ask for alerts, ignore this email.",
        ),
    )


def render_manage_link_email(manage_url: str, message_from: MessageFrom) -> RenderedEmail:
    return RenderedEmail(
        subject=f"Manage your {message_from.council} alerts",
        body=_paragraphs(
            f"Use this link to change or stop your {message_from.council} service disruption alerts:",
            manage_url,
            "If you did not ask for this link, ignore this email. Your alerts have not changed.",
        ),
    )


def render_manage_link_sms(code: str, message_from: MessageFrom) -> str:
    """The code to change or stop alerts, in one fragment: the first wording that fits with Notify's prefix."""
    _check_code(code)
    expires = f"It expires in {CODE_EXPIRY_MINUTES} minutes."
    whose = _whose(message_from)
    return _first_that_fits(message_from, [
        f"Your {who}alerts security code is {code}. Use it to change or stop your alerts. {expires} "
        "If you did not ask for it, ignore this text." for who in whose
    ] + [f"Your code to manage {who}alerts is {code}. {expires} If you did not ask for it, ignore this text."
         for who in whose]
      + [f"Your code to manage {who}alerts is {code}. {expires} Not you? Ignore this text." for who in whose])


def render_stop_answer(message_from: MessageFrom, days: int, *, carry_on: str | None = None) -> str:
    """The answer to a STOP reply: texts have stopped, what carries on (`carry_on`: the person's other contact,
    "email to j***@example.com"), and how long START brings texts back."""
    if carry_on:
        wordings = [f"You will not get any more {who}alerts by text. Your alerts by {other} carry on. "
                    f"Reply START within {days} days to get texts again."
                    for other in (carry_on, carry_on.split(" to ")[0]) for who in _whose(message_from)]
        wordings.append(f"Your alerts by text have stopped; by {carry_on.split(' to ')[0]} they carry on. "
                        f"Reply START within {days} days to get texts again.")
    else:
        wordings = [f"You will not get any more {who}alerts by text. Changed your mind? Reply START within {days} "
                    "days." for who in _whose(message_from)]
    return _first_that_fits(message_from, wordings)


def render_start_answer(message_from: MessageFrom) -> str:
    """The answer to a START reply: texts have started again."""
    return _first_that_fits(message_from, [
        f"Your {who}alerts by text have started again. Reply STOP to stop them." for who in _whose(message_from)
    ])


def render_staff_password_reset_email(reset_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """An admin sent a member of staff a link to choose a new password."""
    return RenderedEmail(
        subject=f"Choose a new password for {message_from.council} disruption alerts",
        body=_paragraphs(
            "An administrator asked us to send you a link to choose a new password for your staff account:",
            reset_url,
            f"The link works once and expires in {hours} hours.",
            "If you did not expect this email, tell your administrator. Your password has not changed.",
        ),
    )


def render_staff_invitation_email(set_password_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """An admin added a member of staff: they choose their own first password, which nobody else ever knows."""
    return RenderedEmail(
        subject=f"Your staff account for {message_from.council} disruption alerts",
        body=_paragraphs(
            f"An administrator has added you as a member of staff on {message_from.council}'s disruption alerts. "
            "Use this link to choose your password:",
            set_password_url,
            f"The link works once and expires in {hours} hours. After that, ask your administrator for a new one.",
            "If you did not expect this email, tell your administrator.",
        ),
    )


def render_sign_in_paused_email(*, account: str, attempts: int, until: str, to_admin: bool,
                                message_from: MessageFrom) -> RenderedEmail:
    """To a member of staff, and to every admin, when an account's wrong passwords and codes reach the daily limit:
    signing in to it is paused until the window ends."""
    whose = f"{account}'s staff account" if to_admin else "your staff account"
    return RenderedEmail(
        subject=f"Signing in to {whose} is paused"[:300],
        body=_paragraphs(
            f"There have been {attempts} wrong passwords or security codes for {whose} on "
            f"{message_from.council}'s disruption alerts in the last day. Nobody can sign in to it with a password "
            f"until {until}.",
            "If this was not you, someone may be trying to guess the password. "
            + ("Check the audit log for where the attempts came from." if to_admin
               else "Tell your administrator. If you think they know your password, ask for a reset link."),
        ),
    )


def render_staff_password_link_requested_email(reset_url: str, hours: int, message_from: MessageFrom) -> RenderedEmail:
    """Someone asked for a link to choose a new password from the "Forgot your password?" page."""
    return RenderedEmail(
        subject=f"Choose a new password for {message_from.council} disruption alerts",
        body=_paragraphs(
            "Someone asked for a link to choose a new password for your staff account:",
            reset_url,
            f"The link works once and expires in {hours} hour{'' if hours == 1 else 's'}.",
            "If you did not ask for it, you can ignore this email: your password has not changed. If it keeps "
            "happening, tell your administrator.",
        ),
    )


def render_approval_request_email(*, title: str, what: str, requested_by: str, audience: str,
                                  notice_url: str) -> RenderedEmail:
    """To an officer who may approve: something waits for a second pair of eyes."""
    return RenderedEmail(
        subject=f"Approval needed: {title}"[:300],
        body=_paragraphs(
            f"{requested_by} has asked to send {what} to {audience}: \"{escape_notify_markdown(title)}\".",
            "Nothing is published or sent until an officer other than whoever wrote, changed or asked to send it "
            "approves it. Check it and approve it, or cancel it:",
            notice_url,
        ),
    )


def render_update_due_email(*, title: str, promised: str, notice_url: str) -> RenderedEmail:
    """To a notice's author and their team: residents were told when it would next be updated, and that has passed."""
    return RenderedEmail(
        subject=f"Update overdue: {title}"[:300],
        body=_paragraphs(
            f"Residents were told \"{escape_notify_markdown(title)}\" would next be updated by {promised}. That time "
            "has passed with no update.",
            "Post an update with when the next one will come, or resolve the notice if it is over:",
            notice_url,
        ),
    )


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def _whose(message_from: MessageFrom) -> list[str]:
    """Whose alerts a text is about: the council by name; and, when Notify's prefix already names the service, no
    name, as a shorter wording to fall back on."""
    return [f"{message_from.council} "] + ([""] if message_from.sms_prefix else [])


def _first_that_fits(message_from: MessageFrom, wordings: list[str]) -> str:
    """The first wording that is one fragment with Notify's prefix counted; the last (the shortest) if none is.
    Each fragment is paid for, so every text the service sends is written to fit one."""
    for wording in wordings:
        if sms_fragment_count(wording, prefix=message_from.sms_prefix).fragments <= SMS_FRAGMENT_BUDGET:
            return wording
    return wordings[-1]


def _check_code(code: str) -> None:
    if not _CODE.fullmatch(code):
        raise ValueError("A confirmation code is 6 digits")


def _place_phrase(area_names: list[str], message_from: MessageFrom) -> str:
    if not area_names or message_from.whole_area_name in area_names:
        return f"across {message_from.place}"
    if len(area_names) == 1:
        return f"in {area_names[0]}"
    if len(area_names) <= 3:
        return f"in {', '.join(area_names[:-1])} and {area_names[-1]}"
    return f"in {', '.join(area_names[:2])} and {len(area_names) - 2} other areas"


def _one_line(text: str) -> str:
    # Spaces first, as Notify does: sanitised first, a thin or ideographic space would come out as "?".
    return sanitise_sms(normalise_whitespace(text))


def _as_sentence(text: str) -> str:
    if not text or text.endswith((".", "!", "?")):
        return text
    return f"{text}."


def _trim_to_fit(text: str, fits: Callable[[str], bool]) -> str:
    """Keep as many whole words as fit, marked with an ellipsis. Fitting shrinks with length, so bisect."""
    words = text.split(" ")

    def trimmed(count: int) -> str:
        return f"{' '.join(words[:count]).rstrip(' .,;:')}..." if count else ""

    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(trimmed(middle)):
            low = middle
        else:
            high = middle - 1
    return trimmed(low)
