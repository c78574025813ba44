"""Alert texts fit one fragment, and the officer sees what a text costs and what to shorten."""

from __future__ import annotations

from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from alerts.data import fanouts
from alerts.data.demo import demo_notices
from alerts.extensions import db
from alerts.models import Channel, Message, Role, UpdateKind
from alerts.notify import sms_fragment_count
from alerts.notify.pricing import sms_cost
from tests.staff.conftest import post_form
from tests.staff.test_notices import create_draft

# As long as the council's own address would make them: links are counted as residents get them.
REALISTIC_BASE_URL = "https://alerts.dorsetcouncil.gov.uk"


@pytest.fixture
def live_base_url(app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "BASE_URL", REALISTIC_BASE_URL)


@pytest.mark.parametrize("reply_stop", [False, True], ids=["sender-name", "inbound-number"])
def test_every_demo_notice_is_texted_in_one_fragment(app, monkeypatch, live_base_url, reply_stop: bool) -> None:
    monkeypatch.setitem(app.config, "NOTIFY_INBOUND_NUMBER", "07700900456" if reply_stop else "")
    notices = demo_notices()
    db.session.add_all(notices)
    db.session.flush()

    for notice in notices:
        for kind in (UpdateKind.PUBLISHED, UpdateKind.RESOLVED):
            text = fanouts.preview_for(notice, kind).sms
            assert text.length == sms_fragment_count(text.body)
            assert (text.length.fragments, text.length.encoding) == (1, "GSM-7"), text.body
            assert text.body.endswith("Reply STOP to stop") == reply_stop
            if not reply_stop:
                assert text.cut == "", f"{notice.title!r} fits whole without the reply line"


def test_an_alert_text_carries_the_subscribers_short_link(app, live_base_url, factories) -> None:
    subscriber = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    notice = demo_notices()[0]
    db.session.add(notice)
    db.session.flush()
    fanout = fanouts.record_fanout(notice, notice.updates[0])
    db.session.commit()

    fanouts.expand_fanout(fanout.id)

    body = db.session.scalar(select(Message.body).where(Message.subscriber_id == subscriber.id))
    assert body == ("Dorset Council: Bin collections suspended in Weymouth and Portland. Severe disruption. "
                    f"{REALISTIC_BASE_URL}/s/{fanouts.links.short_code(subscriber.id, subscriber.token_version)}")
    assert sms_fragment_count(body).fragments == 1


def test_the_cost_is_texts_times_fragments_times_the_price_and_a_share_of_the_allowance() -> None:
    cost = sms_cost(1200, 2, {"NOTIFY_SMS_PRICE_PENCE": "1.97", "NOTIFY_FREE_SMS_ALLOWANCE": 10000})

    assert (cost.fragments, cost.pounds, cost.allowance_percent) == (2400, Decimal("47.28"), Decimal("24.0"))


@freeze_time("2026-04-02 09:00:00", tick=True)
def test_the_officer_sees_the_cost_of_the_texts_before_publishing(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    for number in range(3):
        factories.SubscriberFactory(channel=Channel.SMS, contact=f"+44770090000{number}", area_ids=["weymouth"])
    notice = create_draft(client_request)

    page = client_request.get(f"/staff/notices/{notice.id}")

    cost = page.soup.select_one("#sms-cost").get_text(" ", strip=True)
    # Notify's price from 1 April 2026.
    assert "3 texts × 1 fragment × 2.4p = £0.07 plus VAT" in cost
    assert "0.0% of the year’s free allowance of 10,000 text messages" in cost
    assert page.soup.select_one("#sms-over") is None


def test_an_over_long_title_shows_what_is_cut_or_how_many_fragments_and_what_to_shorten(
        client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    slightly = create_draft(client_request,
                            title="Bin collections suspended in Weymouth, Portland, Chickerell and Wyke Regis today "
                                  "after the snow")
    page = client_request.get(f"/staff/notices/{slightly.id}")
    assert "1 fragment" in page.soup.select_one("#sms-length").get_text()
    cut = fanouts.preview_for(slightly).sms.cut
    assert cut and slightly.title.endswith(cut)
    assert f"left out: “{cut}”" in page.soup.select_one("#sms-cut").get_text()

    far = create_draft(client_request, title=("Bin collections suspended across the county " * 5)[:199].strip())
    page = client_request.get(f"/staff/notices/{far.id}")
    length = fanouts.preview_for(far).sms_length
    assert length.fragments > 1
    warning = page.soup.select_one("#sms-over").get_text(" ", strip=True)
    assert f"This text takes {length.fragments} fragments" in warning
    assert f"Shorten the title by {length.characters - 160} characters" in warning

    welsh = create_draft(client_request, title="Heol ar gau yn Llanŵ")
    page = client_request.get(f"/staff/notices/{welsh.id}")
    assert "“ŵ”" in page.soup.select_one("#sms-non-gsm").get_text()


def test_a_published_notice_texts_the_one_fragment_layout(client_request, sign_in_as, factories) -> None:
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert db.session.scalar(select(Message.body).where(Message.notice_id == notice.id)).startswith(
        "Dorset Council: Bin collections suspended in Weymouth. Severe disruption. http://localhost/s/")


def test_notifys_service_name_prefix_is_counted_on_the_check_page_and_in_the_stored_text(
        app, monkeypatch, client_request, sign_in_as, factories) -> None:
    monkeypatch.setitem(app.config, "NOTIFY_SMS_PREFIX", "Dorset Council alerts")
    sign_in_as(Role.OFFICER)
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["weymouth"])
    title = "Bin collections suspended in Weymouth, Portland and Chickerell after the heavy snow today"
    notice = create_draft(client_request, title=title)
    preview = fanouts.preview_for(notice).sms

    page = client_request.get(f"/staff/notices/{notice.id}")

    assert preview.length == sms_fragment_count(preview.body, prefix="Dorset Council alerts: ")
    assert preview.length.fragments == 1 and preview.cut
    length = page.soup.select_one("#sms-length").get_text(" ", strip=True)
    assert f"{preview.length.characters} characters, 1 fragment" in length
    assert "“Dorset Council alerts: ”" in length
    assert page.soup.select_one("#sms-preview").get_text().startswith("Dorset Council alerts: Bin collections")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    stored = db.session.scalar(select(Message.body).where(Message.notice_id == notice.id))
    assert stored is not None and stored.split(" http")[0] == preview.body.split(" http")[0]


def test_the_check_page_shows_the_text_as_residents_see_it_and_says_why(client_request, sign_in_as) -> None:
    sign_in_as(Role.OFFICER)
    emoji = create_draft(client_request, title="Bin collections suspended 🚫 in Weymouth")

    page = client_request.get(f"/staff/notices/{emoji.id}")

    assert "Bin collections suspended ? in Weymouth." in page.soup.select_one("#sms-preview").get_text()
    assert "1 fragment (GSM-7" in page.soup.select_one("#sms-length").get_text()
    assert "residents see “?” instead: “🚫”" in page.soup.select_one("#sms-question-marks").get_text()
    assert page.soup.select_one("#sms-non-gsm") is None

    accents = create_draft(client_request, title="Crematorium closed – Façade repairs at Poole")
    page = client_request.get(f"/staff/notices/{accents.id}")

    assert "Crematorium closed - Facade repairs at Poole." in page.soup.select_one("#sms-preview").get_text()
    assert "1 fragment (GSM-7" in page.soup.select_one("#sms-length").get_text()
    assert "“ç” as “c”" in page.soup.select_one("#sms-downgraded").get_text()
    assert "“–” as “-”" in page.soup.select_one("#sms-downgraded").get_text()
    assert page.soup.select_one("#sms-non-gsm") is None and page.soup.select_one("#sms-question-marks") is None

    welsh = create_draft(client_request, title="Heol ar gau yn Llanŵ")
    page = client_request.get(f"/staff/notices/{welsh.id}")
    assert "These Welsh letters make the text use Unicode" in page.soup.select_one("#sms-non-gsm").get_text()
