"""Texts counted as GOV.UK Notify counts and bills them.

The figures are Notify's own: notifications-utils `tests/test_sanitise_text.py` and `tests/test_template_types.py`
(`test_sms_fragment_count_accounts_for_unicode_and_welsh_characters`, `..._for_extended_gsm_characters`,
`test_character_count_for_sms_templates`), or follow from its `SanitiseSMS` and `BaseSMSTemplate.fragment_count`.
"""

from dataclasses import replace

import pytest

from alerts.notify.rendering import (
    AlertContent,
    MessageFrom,
    SmsLength,
    layout_alert_sms,
    render_alert_sms,
    render_confirmation_sms,
    render_manage_link_sms,
    sms_fragment_count,
)
from alerts.notify.sms_counting import (
    SMS_CHARACTER_LIMIT,
    count_sms,
    notify_layout,
    sanitise_sms,
    service_name_prefix,
)

DORSET = MessageFrom(council="Dorset Council", place="Dorset")
SHORT_URL = "https://alerts.dorsetcouncil.gov.uk/s/AAAAKgABAgMEBQ"


@pytest.mark.parametrize(
    "text, fragments, encoding",
    [
        ("’“”–—" * 32, 1, "GSM-7"),
        ("£" * 160, 1, "GSM-7"),
        ("€" * 80, 1, "GSM-7"),
        ("€" * 81, 2, "GSM-7"),
        ("[]{}^~|\\" * 10, 1, "GSM-7"),
        ("[]{}^~|\\" * 10 + "[", 2, "GSM-7"),
        ("😀" + "a" * 150, 1, "GSM-7"),
        ("ç" + "a" * 159, 1, "GSM-7"),
        ("ŵ" + "a" * 69, 1, "UCS-2"),
        ("ŵ" + "a" * 70, 2, "UCS-2"),
        ("à" * 160, 1, "GSM-7"),
        ("ÿ" * 70, 1, "UCS-2"),
        ("ÿ" * 71, 2, "UCS-2"),
        ("à" * 70 + "ÿ", 2, "UCS-2"),
        ("🚀" * 160, 1, "GSM-7"),
        ("🚀" * 161, 2, "GSM-7"),
        ("â" * 69 + "{", 1, "UCS-2"),
        ("â" * 70 + "{", 2, "UCS-2"),
        ("a" * 304 + "[]", 3, "GSM-7"),
        ("Bin collections suspended 🚫 in Weymouth", 1, "GSM-7"),
        ("Crematorium closed – Façade repairs at Poole", 1, "GSM-7"),
    ],
)
def test_a_text_takes_the_fragments_notify_bills(text: str, fragments: int, encoding: str) -> None:
    count = count_sms(text)

    assert (count.fragments, count.encoding) == (fragments, encoding)
    assert not count.too_long


def test_characters_outside_gsm_and_welsh_reach_residents_as_question_marks() -> None:
    count = count_sms("Bin collections suspended 🚫 in Weymouth")

    assert count.text == "Bin collections suspended ? in Weymouth"
    assert count.question_marks == ("🚫",)
    assert (count.characters, count.fragments, count.downgraded) == (39, 1, ())


def test_an_emoji_counts_as_one_question_mark_not_two_unicode_units() -> None:
    count = count_sms("😀" + "a" * 150)

    assert count.text == "?" + "a" * 150
    assert (count.characters, count.fragments, count.encoding) == (151, 1, "GSM-7")


def test_accented_letters_and_smart_punctuation_are_sent_plain_and_named() -> None:
    count = count_sms("Crematorium closed – Façade repairs at Poole")

    assert count.text == "Crematorium closed - Facade repairs at Poole"
    assert count.downgraded == (("–", "-"), ("ç", "c"))
    assert (count.question_marks, count.unicode_letters) == ((), ())


@pytest.mark.parametrize(
    "text, sent",
    [
        ("ç", "c"),
        ("Łōdź", "Lodz"),
        ("It Just Works™", "It Just Works?"),
        ("嶲", "?"),
        ("↉", "?"),
        ("…", "..."),
        ("\u200b", ""),
        ("\xa0", " "),
        ("Ŵêlsh chârâctêrs", "Ŵêlsh chârâctêrs"),
        ("ấ", "â"),
        ("\n\r€", "\n\r€"),
    ],
)
def test_sanitising_matches_notify(text: str, sent: str) -> None:
    assert sanitise_sms(text) == sent


def test_only_a_welsh_letter_outside_gsm_makes_a_text_unicode() -> None:
    count = count_sms("Heol ar gau yn Llanŵ – ffordd ŷ Bont, Ŵ")

    assert count.encoding == "UCS-2"
    assert count.unicode_letters == ("ŵ", "ŷ", "Ŵ")
    assert count.characters == len(count.text) == 39


def test_a_welsh_letter_that_only_comes_from_sanitising_leaves_the_text_gsm_as_notify_bills_it() -> None:
    # Notify decides the encoding before sanitising: "ấ" is sent as "â" but billed as GSM-7.
    count = count_sms("ấ" + "a" * 159)

    assert count.text == "â" + "a" * 159
    assert (count.encoding, count.fragments) == ("GSM-7", 1)


def test_notify_refuses_a_text_over_918_characters_after_sanitising() -> None:
    assert not count_sms("a" * SMS_CHARACTER_LIMIT).too_long
    assert count_sms("a" * 919).too_long
    assert not count_sms("😀" * SMS_CHARACTER_LIMIT).too_long


def test_the_918_character_limit_leaves_out_the_prefix() -> None:
    count = count_sms("a" * SMS_CHARACTER_LIMIT, prefix="Dorset Council: ")

    assert (count.length, count.characters, count.too_long) == (918, 934, False)


def test_the_service_name_prefix_is_counted_before_the_body() -> None:
    alert = ("Dorset Council: Bin collections suspended in Weymouth, Portland and Chickerell today. "
             "Severe disruption. https://alerts.dorsetcouncil.gov.uk/s/AAAAKgABAgME")
    assert len(alert) == 155

    alone, prefixed = count_sms(alert), count_sms(alert, prefix="Dorset Council: ")

    assert (alone.characters, alone.fragments) == (155, 1)
    assert (prefixed.characters, prefixed.fragments) == (171, 2)
    assert prefixed.text == f"Dorset Council: {alert}"


def test_the_prefix_is_the_service_name_a_colon_and_a_space_as_notify_adds_it() -> None:
    assert service_name_prefix("  Dorset Council ") == "Dorset Council: "
    assert service_name_prefix("") == ""
    # Notify's own figures: the prefix "GDS" on "Just content" is 17 characters; on blank content, "GDS:" is 4.
    assert count_sms("Just content", prefix=service_name_prefix("GDS")).characters == 17
    assert count_sms("  ", prefix=service_name_prefix("GDS")).characters == 4


@pytest.mark.parametrize(
    "text, laid_out",
    [
        ("  G      D       S  ", "G D S"),
        ("P1 \n\n\n\n\n\n P2", "P1\n\nP2"),
        ("Roads closed , sorry .", "Roads closed, sorry."),
        ("\t\n\r", ""),
        ("a\u200bb\u00a0c", "ab c"),
        ("Road\u2009closed", "Road closed"),
    ],
)
def test_a_text_is_laid_out_as_notifys_template_lays_it_out(text: str, laid_out: str) -> None:
    assert notify_layout(text) == laid_out


def test_an_empty_text_takes_no_fragment() -> None:
    assert (count_sms("").fragments, count_sms(" \n ").fragments) == (0, 0)


# What the existing callers gave for plain text before counting followed Notify: unchanged.
@pytest.fixture
def bins_in_weymouth() -> AlertContent:
    return AlertContent(
        title="Collections suspended", service_name="Bins and recycling", impact="severe", area_names=["Weymouth"],
        summary="Snow has closed roads.", advice="Leave your bin out.", kind="published",
        notice_url="https://alerts.dorsetcouncil.gov.uk/notices/42",
        manage_url="https://alerts.dorsetcouncil.gov.uk/manage/Zk3xQ9vT2mLp8sWc",
        unsubscribe_url="https://alerts.dorsetcouncil.gov.uk/unsubscribe/Zk3xQ9vT2mLp8sWc",
        expected_end_text=None, message_from=DORSET, short_url=SHORT_URL,
    )


@pytest.mark.parametrize(
    "change, reply_stop, expected",
    [
        ({}, False, SmsLength(110, 1, "GSM-7")),
        ({}, True, SmsLength(129, 1, "GSM-7")),
        ({"kind": "resolved"}, False, SmsLength(101, 1, "GSM-7")),
        ({"title": "Bin collections suspended in Weymouth, Portland, Chickerell and Wyke Regis today"}, True,
         SmsLength(157, 1, "GSM-7")),
        ({"title": "Collections suspended across the county " * 5}, False, SmsLength(288, 2, "GSM-7")),
    ],
)
def test_plain_alert_texts_are_laid_out_and_counted_as_before(
        bins_in_weymouth: AlertContent, change: dict[str, str], reply_stop: bool, expected: SmsLength) -> None:
    layout = layout_alert_sms(replace(bins_in_weymouth, **change), reply_stop=reply_stop)

    assert layout.length == expected == SmsLength(len(layout.body), expected.fragments, "GSM-7")
    assert layout.non_gsm == []


def test_plain_code_texts_are_counted_as_before() -> None:
    assert sms_fragment_count(render_confirmation_sms("123456", DORSET)) == SmsLength(130, 1, "GSM-7")
    assert sms_fragment_count(render_manage_link_sms("123456", DORSET)) == SmsLength(160, 1, "GSM-7")


def test_dorsets_160_character_security_code_text_takes_two_fragments_with_the_prefix() -> None:
    text = render_manage_link_sms("123456", DORSET)

    assert sms_fragment_count(text, prefix="Dorset Council: ") == SmsLength(176, 2, "GSM-7")


def test_a_title_reaches_the_text_as_residents_will_see_it(bins_in_weymouth: AlertContent) -> None:
    layout = layout_alert_sms(replace(bins_in_weymouth, title="Façade\u2009repairs 🚧 at Poole"))

    assert layout.body.startswith("Dorset Council: Facade repairs ? at Poole. Severe disruption.")
    assert (layout.length.encoding, layout.length.fragments, layout.non_gsm) == ("GSM-7", 1, [])


def test_the_alert_layout_counts_the_prefix_and_cuts_the_title_to_fit(bins_in_weymouth: AlertContent) -> None:
    title = "Bin collections suspended in Weymouth and Portland after the snow"
    content = replace(bins_in_weymouth, title=title)
    # The prefix names the service, so the text stops naming the council: a service name longer than the council's
    # leaves less room for the title.
    prefix = "Dorset Council alerts: "

    without, with_prefix = layout_alert_sms(content), layout_alert_sms(content, prefix=prefix)

    assert without.cut == "" and without.length.fragments == 1
    assert with_prefix.cut and title.endswith(with_prefix.cut)
    assert with_prefix.length.fragments == 1
    assert with_prefix.length == sms_fragment_count(with_prefix.body, prefix=prefix)
    assert not with_prefix.body.startswith("Dorset Council: Dorset Council:")
    assert render_alert_sms(content, prefix=prefix) == with_prefix.body
