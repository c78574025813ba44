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
from alerts.notify.words import ENGLISH, Words, translations

Impact = Literal["minor", "major", "severe"]
AlertKind = Literal["published", "updated", "resolved"]

WHOLE_COUNTY_AREA_NAME = "Whole county"
# An alert text is one fragment wherever the notice allows it (each fragment is paid for, or spends the
# free allowance). A title is cut to fit only while at least half of it stays; past that it is sent whole.
SMS_FRAGMENT_BUDGET = 1
MIN_KEPT_TITLE_SHARE = 0.5
REPLY_STOP = "Reply STOP to stop"
CODE_EXPIRY_MINUTES = 10
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
    # The reader's language ("en", "cy"): every message rendered from this is in it, with the names above in it too.
    language: str = ENGLISH


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
    """The alert email, in the language of `content.message_from`."""
    words = translations(content.message_from.language)
    title = content.title
    subject = _subject(words, content.kind, _where(words, content.service_name, content.area_names,
                                                   content.message_from), title)  # a subject is never Markdown
    content = replace(content, title=escape_notify_markdown(content.title),
                      service_name=escape_notify_markdown(content.service_name),
                      summary=escape_notify_markdown(content.summary), advice=escape_notify_markdown(content.advice),
                      area_names=[escape_notify_markdown(name) for name in content.area_names])
    where = _where(words, content.service_name, content.area_names, content.message_from)
    council = content.message_from.council
    if content.kind == "published":
        opening = words.gettext("%(council)s has reported disruption to %(where)s.", council=council, where=where)
    elif content.kind == "updated":
        opening = words.gettext("There is an update on the disruption to %(where)s.", where=where)
    else:
        opening = words.gettext("The disruption to %(where)s is over.", where=where)
    paragraphs = [content.title, opening]
    if content.kind != "resolved":
        paragraphs.append(f"^ {_impact_text(words, content.impact)}")
    happening = words.gettext("What's happening")
    paragraphs.append(f"{happening}\n{content.summary.strip()}")
    if content.advice.strip():
        should = words.gettext("What you should do")
        paragraphs.append(f"{should}\n{content.advice.strip()}")
    if content.area_names:
        paragraphs.append(words.gettext("Areas affected: %(areas)s", areas=", ".join(content.area_names)))
    if content.expected_end_text and content.kind != "resolved":
        paragraphs.append(words.gettext("Expected to end: %(when)s", when=content.expected_end_text))
    paragraphs.append(words.gettext("Read the full notice and any updates: %(url)s", url=content.notice_url))
    if content.feedback_yes_url and content.feedback_no_url:
        paragraphs.append(words.gettext("Was this useful? Yes: %(yes)s\nNo: %(no)s", yes=content.feedback_yes_url,
                                        no=content.feedback_no_url))
    paragraphs += [
        "---",
        words.gettext("You asked %(council)s for service disruption alerts.", council=council),
        words.gettext("Change your areas or services, or stop these alerts: %(url)s", url=content.manage_url),
        words.gettext("Unsubscribe from all alerts: %(url)s", url=content.unsubscribe_url),
    ]
    return RenderedEmail(subject=subject, body=_paragraphs(*paragraphs))


def _subject(words: Words, kind: str, where: str, title: str) -> str:
    if kind == "published":
        return words.gettext("Disruption: %(where)s — %(title)s", where=where, title=title)
    if kind == "updated":
        return words.gettext("Update: %(where)s — %(title)s", where=where, title=title)
    return words.gettext("Resolved: %(where)s — %(title)s", where=where, title=title)


def _impact_text(words: Words, impact: str) -> str:
    if impact == "minor":
        return words.gettext("Minor disruption: expect delays")
    if impact == "major":
        return words.gettext("Major disruption: partly closed")
    return words.gettext("Severe disruption: suspended or closed")


def _sms_impact(words: Words, impact: str) -> str:
    if impact == "minor":
        return words.gettext("Minor disruption.")
    if impact == "major":
        return words.gettext("Major disruption.")
    return words.gettext("Severe disruption.")


def _sms_labelled(words: Words, kind: str, title: str) -> str:
    if kind == "updated":
        return words.gettext("Update: %(title)s", title=title)
    if kind == "resolved":
        return words.gettext("Resolved: %(title)s", title=title)
    return title


def render_alert_sms(content: AlertContent, *, reply_stop: bool = False, prefix: str | None = None) -> str:
    return layout_alert_sms(content, reply_stop=reply_stop, prefix=prefix).body


def layout_alert_sms(content: AlertContent, *, reply_stop: bool = False,
                     fragment_budget: int = SMS_FRAGMENT_BUDGET, prefix: str | None = None) -> SmsLayout:
    """Council, title, impact and one link: "<council>: <title>. Severe disruption. <link>",
    then "Reply STOP to stop" when texts come from a number that takes replies, in the language of
    `content.message_from`. When Notify starts texts with the service name, that name already says who the text is
    from, so the council is not named twice.

    The summary and advice stay on the web page the link leads to. If the title makes the text longer than
    `fragment_budget`, whole words are cut from its end while at least half of it stays; otherwise it goes whole
    and takes more fragments. The link is never cut. `prefix` is what Notify puts before every text ("<service
    name>: ") when the service starts texts with its name (by default the one `message_from` carries): it is
    counted, not added to the body. A Welsh letter outside GSM-7 makes the text Unicode: counted as Notify does.
    """
    words = translations(content.message_from.language)
    prefix = content.message_from.sms_prefix if prefix is None else prefix
    council = "" if prefix else f"{content.message_from.council}: "
    title = _one_line(content.title)
    link = content.short_url or content.manage_url
    impact = "" if content.kind == "resolved" else _sms_impact(words, content.impact)
    stop = words.gettext("Reply STOP to stop") if reply_stop else ""

    def compose(title_text: str) -> str:
        head = f"{council}{_sms_labelled(words, content.kind, _as_sentence(title_text))}".rstrip()
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


def _expires(words: Words) -> str:
    return words.ngettext("It expires in %(num)d minute.", "It expires in %(num)d minutes.", CODE_EXPIRY_MINUTES)


def render_confirmation_sms(code: str, message_from: MessageFrom) -> str:
    """The code that confirms a sign-up, in one fragment: the first wording that fits with Notify's prefix."""
    _check_code(code)
    words = translations(message_from.language)
    expires = _expires(words)
    ignore = words.gettext("If you did not ask for alerts, ignore this text.")
    not_you = words.gettext("Not you? Ignore this text.")
    long = [words.gettext("Your %(council)s alerts confirmation code is %(code)s.", council=council, code=code)
            if council else words.gettext("Your alerts confirmation code is %(code)s.", code=code)
            for council in _whose(message_from)]
    short = [words.gettext("Your %(council)s alerts code is %(code)s.", council=council, code=code)
             if council else words.gettext("Your alerts code is %(code)s.", code=code)
             for council in _whose(message_from)]
    return _first_that_fits(message_from, [f"{your} {expires} {ignore}" for your in long]
                            + [f"{your} {expires} {not_you}" for your in short])


def render_confirmation_email(confirm_url: str, message_from: MessageFrom) -> RenderedEmail:
    words = translations(message_from.language)
    council = message_from.council
    return RenderedEmail(
        subject=words.gettext("Confirm your email address for %(council)s alerts", council=council),
        body=_paragraphs(
            words.gettext("Confirm that you want %(council)s to email you about disruption to council services:",
                          council=council),
            confirm_url,
            words.gettext("We will not send you any alerts until you confirm."),
            words.gettext("If you did not ask for alerts, ignore this email."),
        ),
    )


def render_manage_link_email(manage_url: str, message_from: MessageFrom) -> RenderedEmail:
    words = translations(message_from.language)
    council = message_from.council
    return RenderedEmail(
        subject=words.gettext("Manage your %(council)s alerts", council=council),
        body=_paragraphs(
            words.gettext("Use this link to change or stop your %(council)s service disruption alerts:",
                          council=council),
            manage_url,
            words.gettext("If you did not ask for this link, ignore this email. Your alerts have not changed."),
        ),
    )


def render_manage_link_sms(code: str, message_from: MessageFrom) -> str:
    """The code to change or stop alerts, in one fragment: the first wording that fits with Notify's prefix."""
    _check_code(code)
    words = translations(message_from.language)
    expires = _expires(words)
    ignore = words.gettext("If you did not ask for it, ignore this text.")
    not_you = words.gettext("Not you? Ignore this text.")
    whose = _whose(message_from)
    security = [words.gettext("Your %(council)s alerts security code is %(code)s.", council=council, code=code)
                if council else words.gettext("Your alerts security code is %(code)s.", code=code)
                for council in whose]
    use_it = words.gettext("Use it to change or stop your alerts.")
    manage = [words.gettext("Your code to manage %(council)s alerts is %(code)s.", council=council, code=code)
              if council else words.gettext("Your code to manage alerts is %(code)s.", code=code)
              for council in whose]
    return _first_that_fits(message_from, [f"{your} {use_it} {expires} {ignore}" for your in security]
                            + [f"{your} {expires} {ignore}" for your in manage]
                            + [f"{your} {expires} {not_you}" for your in manage])


def carrying_on(by_email: bool, masked_contact: str, language: str = ENGLISH) -> tuple[str, str]:
    """How a STOP answer names the contact whose alerts carry on: with its masked address ("email to
    j***@example.com"), and without ("email"), for `render_stop_answer`."""
    words = translations(language)
    if by_email:
        return words.gettext("email to %(contact)s", contact=masked_contact), words.gettext("email")
    return (words.gettext("text message to %(contact)s", contact=masked_contact), words.gettext("text message"))


def render_stop_answer(message_from: MessageFrom, days: int, *, carry_on: str | None = None,
                       carry_on_by: str | None = None) -> str:
    """The answer to a STOP reply: texts have stopped, what carries on (`carry_on`: the person's other contact,
    "email to j***@example.com", and `carry_on_by` the same without the address, "email": see `carrying_on`),
    and how long START brings texts back."""
    words = translations(message_from.language)
    if carry_on:
        by = carry_on_by or carry_on.split(" to ")[0]
        again = words.ngettext("Reply START within %(num)d day to get texts again.",
                               "Reply START within %(num)d days to get texts again.", days)
        wordings = [f"{_no_more_texts(words, council)} {_carry_on(words, other)} {again}"
                    for other in (carry_on, by) for council in _whose(message_from)]
        stopped = words.gettext("Your alerts by text have stopped; by %(other)s they carry on.", other=by)
        wordings.append(f"{stopped} {again}")
    else:
        changed_mind = words.ngettext("Changed your mind? Reply START within %(num)d day.",
                                      "Changed your mind? Reply START within %(num)d days.", days)
        wordings = [f"{_no_more_texts(words, council)} {changed_mind}" for council in _whose(message_from)]
    return _first_that_fits(message_from, wordings)


def _carry_on(words: Words, other: str) -> str:
    return words.gettext("Your alerts by %(other)s carry on.", other=other)


def _no_more_texts(words: Words, council: str) -> str:
    if council:
        return words.gettext("You will not get any more %(council)s alerts by text.", council=council)
    return words.gettext("You will not get any more alerts by text.")


def render_start_answer(message_from: MessageFrom) -> str:
    """The answer to a START reply: texts have started again."""
    words = translations(message_from.language)
    return _first_that_fits(message_from, [
        words.gettext("Your %(council)s alerts by text have started again. Reply STOP to stop them.",
                      council=council) if council
        else words.gettext("Your alerts by text have started again. Reply STOP to stop them.")
        for council in _whose(message_from)
    ])


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def _whose(message_from: MessageFrom) -> list[str]:
    """Whose alerts a text is about: the council by name; and, when Notify's prefix already names the service, no
    name (""), as a shorter wording to fall back on."""
    return [message_from.council] + ([""] if message_from.sms_prefix else [])


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


def _where(words: Words, service: str, area_names: list[str], message_from: MessageFrom) -> str:
    """The service and where it is disrupted: "Bins across <place>", "Bins in <area>, <area> and <area>"."""
    if not area_names or message_from.whole_area_name in area_names:
        return words.gettext("%(service)s across %(place)s", service=service, place=message_from.place)
    if len(area_names) == 1:
        return words.gettext("%(service)s in %(area)s", service=service, area=area_names[0])
    if len(area_names) <= 3:
        return words.gettext("%(service)s in %(areas)s and %(last)s", service=service,
                             areas=", ".join(area_names[:-1]), last=area_names[-1])
    return words.ngettext("%(service)s in %(areas)s and %(num)d other area",
                          "%(service)s in %(areas)s and %(num)d other areas", len(area_names) - 2,
                          service=service, areas=", ".join(area_names[:2]))


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
