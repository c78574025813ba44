"""Officer text reaches a resident's email as typed: Notify renders the body as Markdown, so a link whose words
hide where it goes, a heading or a list typed into a notice is escaped before it is sent."""

from __future__ import annotations

import json

import responses
from sqlalchemy import select

from alerts.data import fanouts, notice_lifecycle
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Channel, Message, NoticeStatus
from alerts.notify import as_read, escape_notify_markdown
from tests.delivery.conftest import EMAIL_URL, accepted

DISGUISED = "Pay the fee at [dorsetcouncil.gov.uk](https://evil.example) today"


def test_markdown_characters_are_escaped_so_notify_shows_them() -> None:
    assert escape_notify_markdown(DISGUISED) == (
        "Pay the fee at \\[dorsetcouncil.gov.uk\\](https://evil.example) today")
    assert escape_notify_markdown("# Heading\n* one\n  - two\n1. first\n`code` a\\b ![x](y)") == (
        "\\# Heading\n\\* one\n  \\- two\n1\\. first\n\\`code\\` a\\\\b !\\[x\\](y)")
    # Ordinary punctuation stays as it is, so the email reads as the officer wrote it.
    assert escape_notify_markdown("Roads closed (A35), so -5C: call 01305 221000.") == (
        "Roads closed (A35), so -5C: call 01305 221000.")


def test_the_preview_reads_as_typed() -> None:
    typed = "# [a](b) \\ `c`\n- d\n12. e"
    assert as_read(escape_notify_markdown(typed)) == typed


def test_the_email_sent_to_notify_carries_officer_text_escaped(app, factories, notify_key) -> None:
    factories.SubscriberFactory(channel=Channel.EMAIL, contact="resident@example.com")
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], title="Bins [late](https://evil.example)",
                                     summary=DISGUISED, advice="- Leave bins out\n# Call us")
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_next_batch()
    (message,) = db.session.scalars(select(Message).where(Message.channel == Channel.EMAIL))
    with responses.RequestsMock() as mock:
        mock.post(EMAIL_URL, status=201, json=accepted(message.id))
        dispatcher = Dispatcher(app, concurrency=1)
        try:
            dispatcher.run_batch()
        finally:
            dispatcher.close()
        sent = json.loads(mock.calls[0].request.body)
    body = sent["personalisation"]["body"]
    paragraphs = body.split("\n\n")
    assert paragraphs[0] == "Bins \\[late\\](https://evil.example)"
    assert ("What's happening\nPay the fee at \\[dorsetcouncil.gov.uk\\](https://evil.example) today"
            in paragraphs)
    assert "What you should do\n\\- Leave bins out\n\\# Call us" in paragraphs
    # The subject is plain text to Notify: left as typed.
    assert sent["personalisation"]["subject"].endswith("— Bins [late](https://evil.example)")


def test_lines_notify_would_turn_into_inset_text_lists_rules_or_headings_stay_paragraphs() -> None:
    # Notify's Markdown has no backslash escape for "^", "•", "_" or "=", so a zero-width space (Notify's own way of
    # keeping text from becoming Markdown) goes before them: invisible to the resident, and never a block.
    from alerts.notify.email_markdown import notify_email_html

    for typed in ("^ Evacuate now", "• Take medicines", "___", "Call us\n===", "Call us\n---", "  ^ indented"):
        html = str(notify_email_html(escape_notify_markdown(typed)))
        for block in ("<blockquote", "<li", "<hr", "<h2", "<h3"):
            assert block not in html, (typed, html)
        assert as_read(escape_notify_markdown(typed)) == typed
