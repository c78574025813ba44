"""A resident who chose Welsh gets their alerts, codes and answers in Welsh, with links to the Welsh pages; an
English reader of the same council gets English. Texts are counted as Notify counts Welsh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from alerts import links
from alerts.data import fanouts, manage_requests, notice_lifecycle
from alerts.extensions import db
from alerts.languages import text_in
from alerts.models import (
    Area,
    Channel,
    Impact,
    Message,
    MessageKind,
    NoticeStatus,
    Service,
    SubscriberStatus,
    UpdateKind,
)
from alerts.notify import sms_fragment_count
from alerts.notify.inbound import ReceivedText
from alerts.profile import council
from alerts.services import signups
from alerts.services.daily_digests import queue_daily_digests
from alerts.services.text_replies import act_on_reply

NOW = "2026-12-06 10:00:00"
WELSH_NUMBER = "+447700900111"
AREA = "cardigan-and-aberporth"


@pytest.fixture
def welsh_names(app) -> Iterator[None]:
    """Cardigan is Aberteifi, and bins are biniau: names the officer's reference data holds in Welsh."""
    area, service = db.session.get(Area, "cardigan-and-aberporth"), db.session.get(Service, "bins-and-recycling")
    kept = area.name_cy, service.name_cy
    area.name_cy, service.name_cy = "Aberteifi", "Biniau ac ailgylchu"
    db.session.commit()
    yield
    area.name_cy, service.name_cy = kept  # reference data outlives the test
    db.session.commit()


def _published_notice(factories):
    notice = factories.NoticeFactory(
        status=NoticeStatus.DRAFT, updates=[], area_ids=[AREA], title="Bin collections suspended",
        title_cy="Casgliadau biniau wedi'u hatal", summary="Snow has closed the roads.",
        summary_cy="Mae eira wedi cau'r ffyrdd.", advice="Keep your bins inside.",
        advice_cy="Cadwch eich biniau i mewn.",
        expected_end_at_utc=dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC))
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    return notice


def _messages(subscriber_id: int) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.subscriber_id == subscriber_id)))


@freeze_time(NOW)
def test_a_welsh_subscriber_gets_the_alert_email_in_welsh_with_welsh_links(factories, welsh_names) -> None:
    subscriber = factories.SubscriberFactory(contact="cymraeg@example.com", language="cy",
                                             area_ids=[AREA])
    notice = _published_notice(factories)

    fanouts.expand_pending_fanouts()

    [email] = _messages(subscriber.id)
    name = text_in(council(), "name", "cy")
    base = links.external_url("", "cy")
    manage = links.manage_url(subscriber.id, subscriber.token_version, "cy")
    unsubscribe = links.unsubscribe_url(subscriber.id, subscriber.token_version, "cy")
    assert email.subject == "Tarfu: Biniau ac ailgylchu yn ardal Aberteifi — Casgliadau biniau wedi'u hatal"
    assert email.body == (
        "Casgliadau biniau wedi'u hatal\n\n"
        f"Mae {name} wedi rhoi gwybod am darfu: Biniau ac ailgylchu yn ardal Aberteifi.\n\n"
        "^ Tarfu mawr: ar gau yn rhannol\n\n"
        "Beth sy'n digwydd\nMae eira wedi cau'r ffyrdd.\n\n"
        "Beth y dylech ei wneud\nCadwch eich biniau i mewn.\n\n"
        "Ardaloedd yr effeithir arnynt: Aberteifi\n\n"
        "Disgwylir iddo ddod i ben: 9:30yb ar 7 Rhagfyr 2026\n\n"
        f"Darllenwch yr hysbysiad llawn ac unrhyw ddiweddariadau: {base}/notices/{notice.id}\n\n"
        f"Oedd hyn yn ddefnyddiol? Oedd: {links.feedback_url(notice.id, 'yes', 'cy')}\n"
        f"Nac oedd: {links.feedback_url(notice.id, 'no', 'cy')}\n\n"
        "---\n\n"
        f"Rydych wedi cofrestru i gael rhybuddion {name} am darfu ar wasanaethau.\n\n"
        f"Newidiwch eich ardaloedd neu wasanaethau, neu stopiwch y rhybuddion hyn: {manage}\n\n"
        f"Dad-danysgrifio o bob rhybudd: {unsubscribe}")
    assert "/cy/manage/" in manage and "/cy/unsubscribe/" in unsubscribe and "/cy/notices/" in email.body
    assert email.one_click_unsubscribe_url == unsubscribe


@freeze_time(NOW)
def test_an_english_subscriber_of_the_same_council_gets_english(factories, welsh_names) -> None:
    subscriber = factories.SubscriberFactory(contact="english@example.com", language="en", area_ids=[AREA])
    notice = _published_notice(factories)

    fanouts.expand_pending_fanouts()

    [email] = _messages(subscriber.id)
    assert email.subject == "Disruption: Bins and recycling in Cardigan & Aberporth — Bin collections suspended"
    assert email.body.startswith(f"Bin collections suspended\n\n{council().name} has reported disruption to Bins "
                                 "and recycling in Cardigan & Aberporth.\n\n^ Major disruption: partly closed")
    assert f"{links.external_url('')}/notices/{notice.id}" in email.body
    assert "/cy/" not in email.body


@freeze_time(NOW)
def test_a_welsh_subscriber_gets_the_alert_text_in_welsh_in_one_fragment(factories, welsh_names) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact=WELSH_NUMBER, language="cy",
                                             area_ids=[AREA])
    _published_notice(factories)

    fanouts.expand_pending_fanouts()

    [text] = _messages(subscriber.id)
    short = links.short_url(subscriber.id, subscriber.token_version, "cy")
    assert text.body == f"{text_in(council(), 'name', 'cy')}: Casgliadau biniau wedi'u hatal. Tarfu mawr. {short}"
    assert "/cy/s/" in short
    assert sms_fragment_count(text.body).fragments == 1


def test_the_check_page_preview_counts_each_language(factories, welsh_names) -> None:
    notice = factories.NoticeFactory(area_ids=[AREA], title="Road closed", title_cy="Ffordd ar gau ger y bont",
                                     summary_cy="Mae'r ffordd ar gau.")

    english = fanouts.preview_for(notice, UpdateKind.PUBLISHED, language="en")
    welsh = fanouts.preview_for(notice, UpdateKind.PUBLISHED, language="cy")

    assert english.sms_body.startswith(f"{council().name}: Road closed. Major disruption. ")
    assert "Ffordd ar gau ger y bont. Tarfu mawr." in welsh.sms_body and "/cy/s/" in welsh.sms_body
    assert welsh.subject.startswith("Tarfu: Biniau ac ailgylchu yn ardal Aberteifi")
    assert welsh.sms_length.encoding == "GSM-7"  # the fixed Welsh words keep to GSM-7: 160 characters a text


def test_a_welsh_title_with_a_circumflex_makes_the_text_unicode_and_is_cut_to_fit_70(factories, welsh_names) -> None:
    title = "Ffordd ar gau ger Tŷ Glyn a'r bont dros yr afon"
    notice = factories.NoticeFactory(area_ids=[AREA], title="Road closed", title_cy=title)

    welsh = fanouts.preview_for(notice, UpdateKind.PUBLISHED, language="cy")

    assert welsh.sms.non_gsm == ["ŷ"]
    assert welsh.sms_length.encoding == "UCS-2"
    assert welsh.sms_length == sms_fragment_count(welsh.sms_body)


def test_a_stop_in_welsh_stops_the_texts_and_is_answered_in_welsh(factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact=WELSH_NUMBER, language="cy", area_ids=[AREA])

    act_on_reply(ReceivedText(id="reply-stopio", phone_number=WELSH_NUMBER, message="Stopio", received_at=None))

    answer = db.session.scalar(select(Message).where(Message.kind == MessageKind.STOP_REPLY))
    name = text_in(council(), "name", "cy")
    assert answer.body == (f"Ni chewch ragor o rybuddion {name} drwy neges destun. Newid eich meddwl? "
                           "Atebwch START o fewn 28 diwrnod.")
    assert sms_fragment_count(answer.body).fragments == 1


def test_start_in_welsh_starts_texts_again_and_is_answered_in_welsh(factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact=WELSH_NUMBER, language="cy",
                                             area_ids=[AREA])
    act_on_reply(ReceivedText(id="reply-stop", phone_number=WELSH_NUMBER, message="STOP", received_at=None))

    act_on_reply(ReceivedText(id="reply-dechrau", phone_number=WELSH_NUMBER, message="Dechrau", received_at=None))

    db.session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.CONFIRMED
    answers = db.session.scalars(select(Message.body).where(Message.kind == MessageKind.STOP_REPLY)
                                 .order_by(Message.created_at_utc)).all()
    assert answers[-1] == (f"Mae eich rhybuddion {text_in(council(), 'name', 'cy')} drwy neges destun wedi "
                           "ailddechrau. Atebwch STOP i'w stopio.")


def test_an_english_number_is_answered_in_english(factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900222", language="en", area_ids=[AREA])

    act_on_reply(ReceivedText(id="reply-en", phone_number="+447700900222", message="STOP", received_at=None))

    answer = db.session.scalar(select(Message.body).where(Message.kind == MessageKind.STOP_REPLY))
    assert answer.startswith(f"You will not get any more {council().name} alerts by text.")


def test_the_confirmation_code_text_is_in_welsh(factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact=WELSH_NUMBER, language="cy", pending=True)

    message_id = signups.queue_confirmation(subscriber.id)

    body = db.session.get(Message, message_id).body
    code = body.split(" yw ")[1][:6]
    assert body == (f"Cod cadarnhau eich rhybuddion {text_in(council(), 'name', 'cy')} yw {code}. "
                    "Daw i ben mewn 10 munud. Os na wnaethoch ofyn am rybuddion, anwybyddwch y neges hon.")
    assert (sms_fragment_count(body).fragments, sms_fragment_count(body).encoding) == (1, "GSM-7")


def test_the_confirmation_email_links_to_the_welsh_page(factories) -> None:
    subscriber = factories.SubscriberFactory(contact="cadarnhau@example.com", language="cy", pending=True)

    message_id = signups.queue_confirmation(subscriber.id)

    email = db.session.get(Message, message_id)
    assert email.subject == f"Cadarnhewch eich cyfeiriad e-bost ar gyfer rhybuddion {text_in(council(), 'name', 'cy')}"
    assert "/cy/subscribe/confirm-email/" in email.body


def test_a_manage_request_is_answered_in_the_contacts_language(factories) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact=WELSH_NUMBER, language="cy", area_ids=[AREA])
    factories.SubscriberFactory(contact="rheoli@example.com", language="cy", area_ids=[AREA])
    manage_requests.record(Channel.SMS, WELSH_NUMBER, issued_to=None)
    manage_requests.record(Channel.EMAIL, "rheoli@example.com", issued_to=None)
    db.session.commit()

    assert signups.send_requested_manage_access() == 2

    text, email = db.session.scalars(select(Message).where(Message.kind == MessageKind.MANAGE_LINK)
                                     .order_by(Message.channel.desc())).all()
    name = text_in(council(), "name", "cy")
    # The longest wording that fits one text with the council's name: which one depends on the name's length.
    assert f"rhybuddion {name} yw " in text.body
    assert text.body.endswith(" Daw i ben mewn 10 munud. Os na wnaethoch ofyn amdano, anwybyddwch y neges hon.")
    assert sms_fragment_count(text.body).fragments == 1
    assert email.subject == f"Rheoli eich rhybuddion {name}"
    assert "/cy/manage/" in email.body


@freeze_time(NOW)
def test_a_welsh_digest_reader_gets_the_digest_in_welsh(factories, welsh_names) -> None:
    reader = factories.SubscriberFactory(contact="dyddiol@example.com", language="cy", digest=True,
                                         area_ids=[AREA])
    notice = factories.NoticeFactory(status=NoticeStatus.DRAFT, updates=[], area_ids=[AREA],
                                     impact=Impact.MINOR, title="Bins a day late",
                                     title_cy="Biniau ddiwrnod yn hwyr", summary="Collections run a day late.",
                                     summary_cy="Mae'r casgliadau ddiwrnod yn hwyr.")
    notice_lifecycle.publish_now(notice, None)
    db.session.commit()
    fanouts.expand_pending_fanouts()

    assert queue_daily_digests().sent == 1

    [digest] = _messages(reader.id)
    name = text_in(council(), "name", "cy")
    assert digest.kind == MessageKind.DIGEST
    assert digest.subject == f"Eich rhybuddion dyddiol {name} ar gyfer 6 Rhagfyr 2026: 1 hysbysiad"
    assert ("Newydd: Biniau ddiwrnod yn hwyr (Biniau ac ailgylchu), 10yb ar 6 Rhagfyr 2026\n"
            "Mae'r casgliadau ddiwrnod yn hwyr.\n"
            f"{links.external_url('', 'cy')}/notices/{notice.id}") in digest.body
    assert digest.one_click_unsubscribe_url == links.unsubscribe_url(reader.id, reader.token_version, "cy")
