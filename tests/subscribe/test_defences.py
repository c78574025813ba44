import logging

from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind
from tests.subscribe.conftest import walk_journey


def queue_texts(count: int) -> None:
    for _ in range(count):
        db.session.add(Message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS, recipient="+447700900001",
                               body="Your code is 123456", priority=0))
    db.session.commit()


def test_the_same_number_is_texted_only_as_often_as_the_limit_allows(client_request, notify, config) -> None:
    config["SIGNUP_LIMITS_PER_CONTACT"] = "2 per hour"
    walk_journey(client_request)
    client_request.post_form("/subscribe/confirm/resend", {}, 302, token_from="/subscribe/confirm")
    page = client_request.post_form("/subscribe/confirm/resend", {}, 429, token_from="/subscribe/confirm")
    assert page.h1 == "Sorry, there have been too many attempts"
    assert "Wait 60 minutes, then try again." in page.text
    assert len(notify.texts()) == 2


def test_numbers_sharing_all_but_their_last_four_digits_share_a_limit(client_request, notify, config) -> None:
    config["SIGNUP_LIMITS_PER_NUMBER_PREFIX"] = "2 per hour"
    walk_journey(client_request, contact="07700 900001")
    walk_journey(client_request, contact="07700 900002")
    page = walk_journey(client_request, contact="07700 900003", expected_status=429)
    assert page.h1 == "Sorry, there have been too many attempts"
    walk_journey(client_request, contact="07400 123456")  # another prefix
    assert [t["phone_number"] for t in notify.texts()] == ["+447700900001", "+447700900002", "+447400123456"]


def test_one_ip_address_can_only_sign_up_so_often(client_request, notify, config) -> None:
    config["SIGNUP_LIMITS_PER_IP"] = "2 per day"
    walk_journey(client_request, channel="email", contact="one@example.com")
    walk_journey(client_request, channel="email", contact="two@example.com")
    walk_journey(client_request, channel="email", contact="three@example.com", expected_status=429)
    assert len(notify.emails()) == 2


def test_text_sign_ups_from_many_addresses_in_one_ipv6_64_share_the_per_address_limit(
        client_request, notify, config) -> None:
    config["SIGNUP_LIMITS_PER_IP"] = "10 per hour;30 per day"
    config["SIGNUP_LIMITS_PER_NUMBER_PREFIX"] = "1000 per hour"  # not what this is about
    for number in range(40):
        client_request.client.environ_base["REMOTE_ADDR"] = f"2001:db8:1:2:{number:x}:{number:x}:{number:x}:1"
        walk_journey(client_request, contact=f"07700 9{number:05d}", expected_status=302 if number < 10 else 429)
    assert len(notify.texts()) == 10


def test_the_daily_text_budget_pauses_sms_sign_up_with_a_friendly_page_and_an_error_in_the_log(
        client_request, notify, config, caplog) -> None:
    config["SMS_SIGNUP_DAILY_BUDGET"] = 3
    queue_texts(3)
    with caplog.at_level(logging.ERROR):
        page = walk_journey(client_request, expected_status=429)
    assert page.h1 == "Sorry, you cannot sign up by text message today"
    assert "SMS sign-up daily budget of 3 texts reached" in caplog.text
    assert notify.requests == []
    walk_journey(client_request, channel="email", contact="resident@example.com")
    assert len(notify.emails()) == 1, "email sign-up carries on"


def test_code_guesses_are_limited_per_ip_across_sign_ups(client_request, notify, config) -> None:
    config["CODE_ATTEMPT_LIMITS_PER_IP"] = "3 per hour"
    walk_journey(client_request)
    for _ in range(3):
        client_request.post_form("/subscribe/confirm", {"code": "000000"}, token_from="/manage")
    page = client_request.post_form("/subscribe/confirm", {"code": "000000"}, 429, token_from="/manage")
    assert page.h1 == "Sorry, there have been too many attempts"


def test_logs_never_hold_a_full_number_or_address(client_request, notify, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        walk_journey(client_request)
        walk_journey(client_request, channel="email", contact="resident@example.com")
        client_request.post_form("/manage", {"contact": "07700 900982", "website": ""}, 302)
    assert "900982" not in caplog.text.replace("***982", "") and "7700900982" not in caplog.text
    assert "resident@example.com" not in caplog.text
