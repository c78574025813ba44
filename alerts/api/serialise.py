"""JSON shapes of the public contract (DESIGN §4).

Texts are in the request's language (alerts/web/asked_language.py). For a council that writes in Welsh too, a
notice and each update also carry every language at once under "translations", keyed by language ("cy", "en"), so a
client can show both without asking twice. A council with one language gets exactly the shapes it always had.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from alerts.data import reference
from alerts.data.insight import ALL_SERVICES, SUPPRESS_BELOW
from alerts.languages import ENGLISH, text_in
from alerts.models import Area, Notice, NoticeUpdate, Service, WeatherWarning
from alerts.profile import council
from alerts.web.asked_language import answer_language, is_bilingual, welsh_prefix
from alerts.web.languages import LANGUAGE_KEY, WELSH_PREFIX

NOTICE_TEXTS = ("title", "summary", "advice")
UPDATE_TEXTS = ("summary", "advice")


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def area_json(area: Area, language: str | None = None) -> dict[str, Any]:
    return {"id": area.id, "name": text_in(area, "name", language or answer_language()), "kind": area.kind}


def service_json(service: Service, language: str | None = None) -> dict[str, Any]:
    return {"id": service.id, "name": text_in(service, "name", language or answer_language())}


def translations(thing: Any, fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Each of the council's languages with these texts in it (the English where no Welsh was written)."""
    return {language: {name: text_in(thing, name, language) for name in fields} for language in council().languages}


def update_json(update: NoticeUpdate, language: str | None = None) -> dict[str, Any]:
    language = language or answer_language()

    def said(name: str, language: str) -> Any:
        return text_in(update, name, language)

    shape = {"kind": str(update.kind), "summary": said("summary", language), "advice": said("advice", language),
             "created_at": iso(update.created_at_utc)}
    if is_bilingual():
        shape["translations"] = {each: {name: said(name, each) for name in UPDATE_TEXTS}
                                 for each in council().languages}
    return shape


def notice_json(notice: Notice, language: str | None = None) -> dict[str, Any]:
    language = language or answer_language()
    shape = {
        "id": notice.id,
        "title": text_in(notice, "title", language),
        "service": service_json(notice.service, language),
        "areas": [area_json(area, language) for area in notice.areas],
        "whole_county": notice.whole_county,
        "impact": str(notice.impact),
        "status": str(notice.status),
        "starts_at": iso(notice.starts_at_utc),
        "expected_end_at": iso(notice.expected_end_at_utc),
        "published_at": iso(notice.published_at_utc),
        "resolved_at": iso(notice.resolved_at_utc),
        "summary": text_in(notice, "summary", language),
        "advice": text_in(notice, "advice", language),
        "updates": [update_json(update, language) for update in notice.updates],
        "updated_at": iso(notice.updated_at_utc),
        "next_update_by": iso(notice.next_update_by_utc) if notice.status == "active" else None,
        "url": page_url("public.notice", language, notice_id=notice.id),
    }
    if is_bilingual():
        shape["translations"] = translations(notice, NOTICE_TEXTS)
    return shape


def page_url(endpoint: str, language: str, **values: Any) -> str:
    """A public page's full URL in this language: under /cy/ for Welsh, whatever prefix the API was asked under."""
    if not is_bilingual():
        return url_for(endpoint, _external=True, **values)
    root = request.script_root
    if request.environ.get(LANGUAGE_KEY):
        root = root.removesuffix(WELSH_PREFIX)
    path = url_for(endpoint, **values).removeprefix(request.script_root)
    return request.host_url.rstrip("/") + root + welsh_prefix(language) + path


def warning_json(warning: WeatherWarning) -> dict[str, Any]:
    return {
        "id": warning.id,
        "level": warning.level,
        "hazards": list(warning.hazards),
        "title": warning.title,
        "description": warning.description,
        "areas": list(warning.areas),
        "valid_from": iso(warning.valid_from_utc),
        "valid_to": iso(warning.valid_to_utc),
        "link": warning.link,
        "updated_at": iso(warning.updated_at_utc),
    }


def with_names_in(statistics: dict[str, Any], language: str) -> dict[str, Any]:
    """The open statistics with each area's and service's name in this language (alerts.data names them in
    English); the English is returned as it is."""
    if language == ENGLISH:
        return statistics
    names = {("area", a.id): text_in(a, "name", language) for a in reference.list_areas()}
    names.update({("service", s.id): text_in(s, "name", language) for s in reference.list_services()})
    names[("service", ALL_SERVICES)] = _("All services")

    def rename(value: Any) -> Any:
        if isinstance(value, list):
            return [rename(item) for item in value]
        if not isinstance(value, dict):
            return value
        renamed = {key: rename(item) for key, item in value.items()}
        for kind in ("area", "service"):
            named = renamed.get(kind)
            if isinstance(named, dict) and (kind, named.get("id")) in names:
                renamed[kind] = {**named, "name": names[(kind, named["id"])]}
        return renamed

    renamed = {key: rename(value) for key, value in statistics.items()}
    if "suppression" in renamed:
        renamed["suppression"] = _("Any count of people under %(count)s is null with suppressed: true.",
                                   count=SUPPRESS_BELOW)
    return renamed
