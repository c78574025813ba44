"""Admins add and change the council's standard notices; each change is audited and committed with its event."""

from __future__ import annotations

from alerts.data import notice_templates
from alerts.data.notice_templates import TemplateText
from alerts.extensions import db
from alerts.models import NoticeTemplate
from alerts.services.actors import Actor


def add_template(text: TemplateText, actor: Actor) -> NoticeTemplate:
    template = notice_templates.save_template(None, text)
    actor.audit("template.created", "notice_template", template.id, name=template.name)
    db.session.commit()
    return template


def change_template(template: NoticeTemplate, text: TemplateText, actor: Actor) -> NoticeTemplate:
    notice_templates.save_template(template, text)
    actor.audit("template.edited", "notice_template", template.id, name=template.name)
    db.session.commit()
    return template
