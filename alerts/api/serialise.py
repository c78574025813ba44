"""JSON shapes of the public contract (DESIGN §4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for

from alerts.models import Area, Notice, NoticeUpdate, Service, WeatherWarning


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def area_json(area: Area) -> dict[str, Any]:
    return {"id": area.id, "name": area.name, "kind": area.kind}


def service_json(service: Service) -> dict[str, Any]:
    return {"id": service.id, "name": service.name}


def update_json(update: NoticeUpdate) -> dict[str, Any]:
    return {"kind": str(update.kind), "summary": update.summary, "advice": update.advice,
            "created_at": iso(update.created_at_utc)}


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.id,
        "title": notice.title,
        "service": service_json(notice.service),
        "areas": [area_json(area) for area in notice.areas],
        "whole_county": notice.whole_county,
        "impact": str(notice.impact),
        "status": str(notice.status),
        "starts_at": iso(notice.starts_at_utc),
        "expected_end_at": iso(notice.expected_end_at_utc),
        "published_at": iso(notice.published_at_utc),
        "resolved_at": iso(notice.resolved_at_utc),
        "summary": notice.summary,
        "advice": notice.advice,
        "updates": [update_json(update) for update in notice.updates],
        "updated_at": iso(notice.updated_at_utc),
        "next_update_by": iso(notice.next_update_by_utc) if notice.status == "active" else None,
        "url": url_for("public.notice", notice_id=notice.id, _external=True),
    }


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
