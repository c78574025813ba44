"""The council's standard notices in the database: seeded from the profile's templates.json, then kept by admins.
Filling one in replaces each {placeholder} in its title, summary and advice with what the officer typed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Impact, NoticeTemplate
from config.council import PLACEHOLDER, Council, placeholders_in


def seed_from_profile(profile: Council) -> int:
    """Add the profile's templates that are not here yet (by their id), leaving admins' changes alone. Returns how
    many were added. Safe to run twice."""
    have = set(db.session.scalars(select(NoticeTemplate.key).where(NoticeTemplate.key.is_not(None))))
    added = 0
    for item in profile.templates:
        if item.key in have:
            continue
        db.session.add(NoticeTemplate(key=item.key, name=item.name, service_id=item.service_id,
                                      impact=Impact(item.impact), title=item.title, summary=item.summary,
                                      advice=item.advice, title_cy=item.title_cy, summary_cy=item.summary_cy,
                                      advice_cy=item.advice_cy))
        added += 1
    db.session.flush()
    return added


def list_templates() -> list[NoticeTemplate]:
    return list(db.session.scalars(select(NoticeTemplate).order_by(NoticeTemplate.name)))


def get_template(template_id: int) -> NoticeTemplate | None:
    return db.session.get(NoticeTemplate, template_id)


def placeholders(template: NoticeTemplate) -> list[str]:
    """Its placeholders, in either language: the officer fills each in once, for both."""
    return placeholders_in(template.title, template.summary, template.advice,
                           *(text for text in (template.title_cy, template.summary_cy, template.advice_cy) if text))


@dataclass(frozen=True)
class TemplateText:
    name: str
    service_id: str
    impact: Impact
    title: str
    summary: str
    advice: str
    # Welsh beside the English, for a council that writes in both.
    title_cy: str = ""
    summary_cy: str = ""
    advice_cy: str = ""


def save_template(template: NoticeTemplate | None, text: TemplateText) -> NoticeTemplate:
    template = template or NoticeTemplate()
    template.name, template.service_id, template.impact = text.name.strip(), text.service_id, text.impact
    template.title, template.summary, template.advice = text.title.strip(), text.summary.strip(), text.advice.strip()
    template.title_cy = text.title_cy.strip() or None
    template.summary_cy = text.summary_cy.strip() or None
    template.advice_cy = text.advice_cy.strip() or None
    db.session.add(template)
    db.session.flush()
    return template


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {placeholder} with its value; one without a value stays as it is, for the officer to see."""
    return PLACEHOLDER.sub(lambda match: values.get(match[1], "").strip() or match[0], text)
