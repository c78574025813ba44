"""A notice as a Common Alerting Protocol 1.2 alert, for alert hubs and aggregators.

Each entry in a notice's public timeline is one CAP message: the first is an Alert, later ones an Update, and
the resolution (or expiry) a Cancel with responseType AllClear. Every message names the earlier ones in
<references>, so a hub that saw them can replace them. The identifier of a message is derived from its timeline
entry, which never changes, so the same message always has the same identifier and `sent` time.

Element order matters: the OASIS schema uses xs:sequence throughout.

A council that writes in Welsh too gets one <info> per language, in the council's order: CAP's way of carrying the
same alert in several languages. Each is written wholly in its language (texts, names, the link to the page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import force_locale
from flask_babel import gettext as _
from lxml import etree

from alerts.languages import ENGLISH, WELSH, text_in
from alerts.links import external_url
from alerts.models import Impact, Notice, NoticeStatus, NoticeUpdate, UpdateKind
from alerts.text import xml_safe

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_MIMETYPE = "application/cap+xml"

# CAP's categories are coarse; these are the nearest for each council service.
SERVICE_CATEGORIES: dict[str, str] = {
    "roads-and-gritting": "Transport",
    "buses-and-public-transport": "Transport",
    "school-and-send-transport": "Transport",
    "bins-and-recycling": "Infra",
    "household-recycling-centres": "Infra",
    "council-offices": "Infra",
}
SEVERITIES: dict[Impact, str] = {Impact.SEVERE: "Severe", Impact.MAJOR: "Moderate", Impact.MINOR: "Minor"}
ENDED = (NoticeStatus.RESOLVED, NoticeStatus.EXPIRED)


@dataclass(frozen=True)
class CapMessage:
    identifier: str
    sent: dt.datetime


@dataclass(frozen=True)
class CapContext:
    """What the alert needs beyond the notice itself."""

    sender_id: str  # CAP <sender>: who issued the alert, as a name unique in the world (our host name)
    sender_name: str
    local_authority_code: str
    postcode_districts: dict[str, list[str]]  # area id -> districts
    languages: tuple[str, ...] = (ENGLISH,)  # the council's, the first its default: one <info> each
    sender_name_cy: str = ""  # the council's Welsh name (text_in falls back to sender_name)


# CAP names a language by an RFC 3066 tag.
CAP_LANGUAGES = {ENGLISH: "en-GB", WELSH: "cy"}


def cap_time(value: dt.datetime) -> str:
    # The schema's pattern allows neither "Z" nor fractions of a second.
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def sender_id_for(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def message_for(notice: Notice, update: NoticeUpdate | None, sender_id: str) -> CapMessage:
    if update is None:  # a notice always has a timeline entry once published; this keeps a bad row readable
        return CapMessage(f"{sender_id}:notice:{notice.id}:v{notice.version}", notice.updated_at_utc)
    return CapMessage(f"{sender_id}:notice:{notice.id}:update:{update.id}", update.created_at_utc)


def messages_for(notice: Notice, sender_id: str) -> list[CapMessage]:
    """Every CAP message this notice has produced, oldest first; the last is the current one."""
    updates = _timeline(notice)
    if not updates:
        return [message_for(notice, None, sender_id)]
    return [message_for(notice, update, sender_id) for update in updates]


def msg_type(notice: Notice) -> str:
    updates = _timeline(notice)
    if len(updates) <= 1:
        return "Alert"
    latest = updates[-1]
    if notice.status in ENDED or latest.kind in (UpdateKind.RESOLVED, UpdateKind.EXPIRED):
        return "Cancel"
    return "Update"


def urgency(notice: Notice, now: dt.datetime) -> str:
    if notice.status in ENDED:
        return "Past"
    return "Expected" if notice.starts_at_utc > now else "Immediate"


def certainty(notice: Notice, now: dt.datetime) -> str:
    # An officer has confirmed what is happening; a disruption announced ahead of time is only likely.
    return "Likely" if notice.status == NoticeStatus.ACTIVE and notice.starts_at_utc > now else "Observed"


def build_cap_alert(notice: Notice, context: CapContext, now: dt.datetime) -> bytes:
    messages = messages_for(notice, context.sender_id)
    current, earlier = messages[-1], messages[:-1]
    kind = msg_type(notice) if earlier else "Alert"

    alert = etree.Element(f"{{{CAP_NAMESPACE}}}alert", nsmap={None: CAP_NAMESPACE})
    _add(alert, "identifier", current.identifier)
    _add(alert, "sender", context.sender_id)
    _add(alert, "sent", cap_time(current.sent))
    _add(alert, "status", "Actual")
    _add(alert, "msgType", kind)
    _add(alert, "scope", "Public")
    if earlier:
        _add(alert, "references", " ".join(f"{context.sender_id},{m.identifier},{cap_time(m.sent)}" for m in earlier))

    for language in context.languages:
        with force_locale(language):  # "disruption", "Latest update" and the like in this info's language
            _add_info(alert, notice, context, now, language)
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_info(alert: etree._Element, notice: Notice, context: CapContext, now: dt.datetime, language: str) -> None:
    info = _add(alert, "info")
    _add(info, "language", CAP_LANGUAGES[language])
    _add(info, "category", SERVICE_CATEGORIES.get(notice.service_id, "Other"))
    _add(info, "event", _("%(service)s disruption", service=text_in(notice.service, "name", language)))
    if notice.status in ENDED:
        _add(info, "responseType", "AllClear")
    _add(info, "urgency", urgency(notice, now))
    _add(info, "severity", SEVERITIES[Impact(notice.impact)])
    _add(info, "certainty", certainty(notice, now))
    _add(info, "onset", cap_time(notice.starts_at_utc))
    expires = notice.resolved_at_utc if notice.status in ENDED else notice.expected_end_at_utc
    if expires is not None:
        _add(info, "expires", cap_time(expires))
    _add(info, "senderName", text_in(context, "sender_name", language))
    _add(info, "headline", text_in(notice, "title", language))
    _add(info, "description", _description(notice, language))
    advice = _latest_advice(notice, language)
    if advice:
        _add(info, "instruction", advice)
    _add(info, "web", notice_url_in(notice.id, language))

    area = _add(info, "area")
    _add(area, "areaDesc", _area_description(notice, context, language))
    for name, value in _geocodes(notice, context):
        geocode = _add(area, "geocode")
        _add(geocode, "valueName", name)
        _add(geocode, "value", value)


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}")
    if text is not None:
        element.text = xml_safe(text)  # a row saved before input refused hidden characters still makes valid CAP
    return element


def _timeline(notice: Notice) -> list[NoticeUpdate]:
    return sorted(notice.updates, key=lambda u: (u.created_at_utc, u.id))


def _description(notice: Notice, language: str = ENGLISH) -> str:
    updates = _timeline(notice)
    latest = updates[-1] if updates else None
    summary = text_in(notice, "summary", language)
    if latest is None or len(updates) == 1 or text_in(latest, "summary", language) == summary:
        return summary
    return f"{summary}\n\n" + _("Latest update: %(summary)s",
                                 summary=text_in(latest, "summary", language))


def _latest_advice(notice: Notice, language: str = ENGLISH) -> str:
    for update in reversed(_timeline(notice)):
        if update.advice:
            return text_in(update, "advice", language)
    return text_in(notice, "advice", language)


def _area_description(notice: Notice, context: CapContext, language: str = ENGLISH) -> str:
    if notice.whole_county or not notice.areas:
        return _("%(council)s area", council=text_in(context, "sender_name", language))
    return ", ".join(text_in(area, "name", language) for area in notice.areas)


def _geocodes(notice: Notice, context: CapContext) -> Iterable[tuple[str, str]]:
    if notice.whole_county or not notice.areas:
        yield "ONS-LAD", context.local_authority_code
        return
    for area in notice.areas:
        if area.kind == "ward" and area.id.startswith("ward-"):
            yield "ONS-WD", area.id.removeprefix("ward-").upper()
        for district in context.postcode_districts.get(area.id, []):
            yield "postcode-district", district


def cap_url(notice_id: int) -> str:
    return external_url(f"/cap/{notice_id}.xml")


def notice_url_in(notice_id: int, language: str = ENGLISH) -> str:
    """The notice's public page in this language: Welsh pages live under /cy/."""
    return external_url(("/" + WELSH if language == WELSH else "") + f"/notices/{notice_id}")
