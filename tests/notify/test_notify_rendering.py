from dataclasses import replace

import pytest

from alerts.notify.rendering import (
    GSM_BASIC_CHARACTERS,
    GSM_EXTENDED_CHARACTERS,
    AlertContent,
    MessageFrom,
    SmsLength,
    layout_alert_sms,
    non_gsm_characters,
    render_alert_email,
    render_alert_sms,
    render_confirmation_email,
    render_confirmation_sms,
    render_manage_link_email,
    render_manage_link_sms,
    sms_fragment_count,
)

MESSAGE_FROM = MessageFrom(council="Dorset Council", place="Dorset")

NOTICE_URL = "https://alerts.dorsetcouncil.gov.uk/notices/42"
MANAGE_URL = "https://alerts.dorsetcouncil.gov.uk/manage/Zk3xQ9vT2mLp8sWc"
UNSUBSCRIBE_URL = "https://alerts.dorsetcouncil.gov.uk/unsubscribe/Zk3xQ9vT2mLp8sWc"


@pytest.fixture
def bins_in_weymouth() -> AlertContent:
    return AlertContent(
        title="Collections suspended",
        service_name="Bins and recycling",
        impact="severe",
        area_names=["Weymouth"],
        summary="Snow has closed roads, so we cannot collect bins in Weymouth today.",
        advice="Leave your bin out. We will collect it when the roads reopen.",
        kind="published",
        notice_url=NOTICE_URL,
        manage_url=MANAGE_URL,
        unsubscribe_url=UNSUBSCRIBE_URL,
        expected_end_text="Friday 14 March",
        message_from=MESSAGE_FROM,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", SmsLength(0, 0, "GSM-7")),
        ("a" * 159, SmsLength(159, 1, "GSM-7")),
        ("a" * 160, SmsLength(160, 1, "GSM-7")),
        ("a" * 161, SmsLength(161, 2, "GSM-7")),
        ("a" * 306, SmsLength(306, 2, "GSM-7")),
        ("a" * 307, SmsLength(307, 3, "GSM-7")),
        ("a" * 918, SmsLength(918, 6, "GSM-7")),
        ("€" * 80, SmsLength(160, 1, "GSM-7")),
        ("^" + "a" * 159, SmsLength(161, 2, "GSM-7")),
        ("{}[]~|\\^€", SmsLength(18, 1, "GSM-7")),
        ("Café in Dorchester: £5 @ 10am ÄÖÑÜ ¿¡", SmsLength(37, 1, "GSM-7")),
        ("ŵ" + "a" * 69, SmsLength(70, 1, "UCS-2")),
        ("ŵ" + "a" * 70, SmsLength(71, 2, "UCS-2")),
        ("ŷ" * 134, SmsLength(134, 2, "UCS-2")),
        ("ŷ" * 135, SmsLength(135, 3, "UCS-2")),
        ("Mae'r ffordd ar gau ger Llanŵ", SmsLength(29, 1, "UCS-2")),
        # Notify sends an emoji as "?", so the text stays GSM-7.
        ("Snow 🌨" + "a" * 64, SmsLength(70, 1, "GSM-7")),
    ],
)
def test_sms_length_counts_characters_and_fragments_the_way_notify_does(text: str, expected: SmsLength) -> None:
    assert sms_fragment_count(text) == expected


def test_characters_notify_replaces_do_not_force_unicode() -> None:
    # Notify sends “ ” ‘ ’ – — … as " ' - ..., so the message stays GSM-7.
    assert sms_fragment_count("“Roads” – it’s closed…") == SmsLength(24, 1, "GSM-7")


def test_the_gsm_basic_character_set_has_all_128_characters_and_none_of_the_extension_table() -> None:
    assert len(GSM_BASIC_CHARACTERS) == 128
    assert not GSM_BASIC_CHARACTERS & GSM_EXTENDED_CHARACTERS
    assert GSM_EXTENDED_CHARACTERS == set("^{}\\[~]|€")


def test_an_alert_email_subject_names_the_service_area_and_title(bins_in_weymouth: AlertContent) -> None:
    email = render_alert_email(bins_in_weymouth)

    assert email.subject == "Disruption: Bins and recycling in Weymouth — Collections suspended"


@pytest.mark.parametrize(
    "kind, subject",
    [
        ("updated", "Update: Bins and recycling in Weymouth — Collections suspended"),
        ("resolved", "Resolved: Bins and recycling in Weymouth — Collections suspended"),
    ],
)
def test_updates_and_resolutions_say_so_in_the_subject(bins_in_weymouth: AlertContent, kind: str, subject: str) -> None:
    assert render_alert_email(replace(bins_in_weymouth, kind=kind)).subject == subject


@pytest.mark.parametrize(
    "area_names, place",
    [
        (["Weymouth", "Portland"], "in Weymouth and Portland"),
        (["Weymouth", "Portland", "Bridport"], "in Weymouth, Portland and Bridport"),
        (["Weymouth", "Portland", "Bridport", "Swanage"], "in Weymouth, Portland and 2 other areas"),
        (["Whole county"], "across Dorset"),
        ([], "across Dorset"),
    ],
)
def test_the_subject_keeps_several_areas_short(
    bins_in_weymouth: AlertContent, area_names: list[str], place: str
) -> None:
    email = render_alert_email(replace(bins_in_weymouth, area_names=area_names))

    assert email.subject == f"Disruption: Bins and recycling {place} — Collections suspended"


def test_an_alert_email_body_says_what_is_happening_what_to_do_and_where(bins_in_weymouth: AlertContent) -> None:
    body = render_alert_email(
        replace(bins_in_weymouth, area_names=["Weymouth", "Portland", "Bridport", "Swanage"])
    ).body

    assert "What's happening\nSnow has closed roads, so we cannot collect bins in Weymouth today." in body
    assert "What you should do\nLeave your bin out. We will collect it when the roads reopen." in body
    assert "Areas affected: Weymouth, Portland, Bridport, Swanage" in body
    assert "^ Severe disruption: suspended or closed" in body
    assert "Expected to end: Friday 14 March" in body
    assert f"Read the full notice and any updates: {NOTICE_URL}" in body


def test_an_alert_email_ends_with_the_manage_and_unsubscribe_links(bins_in_weymouth: AlertContent) -> None:
    paragraphs = render_alert_email(bins_in_weymouth).body.split("\n\n")

    assert MANAGE_URL in paragraphs[-2]
    assert paragraphs[-1] == f"Unsubscribe from all alerts: {UNSUBSCRIBE_URL}"


def test_an_alert_email_uses_notify_formatting_not_html(bins_in_weymouth: AlertContent) -> None:
    body = render_alert_email(bins_in_weymouth).body

    assert "<" not in body
    assert ">" not in body


def test_a_resolved_email_leaves_out_the_impact_and_expected_end(bins_in_weymouth: AlertContent) -> None:
    body = render_alert_email(
        replace(bins_in_weymouth, kind="resolved", summary="Collections are back to normal.", advice="")
    ).body

    assert "The disruption to Bins and recycling in Weymouth is over." in body
    assert "Collections are back to normal." in body
    assert "^ " not in body
    assert "Expected to end" not in body
    assert "What you should do" not in body


SHORT_URL = "https://alerts.dorsetcouncil.gov.uk/s/AAAAKgABAgMEBQ"


def test_an_alert_text_reads_council_title_impact_and_the_short_link(bins_in_weymouth: AlertContent) -> None:
    text = render_alert_sms(replace(bins_in_weymouth, short_url=SHORT_URL))

    assert text == f"Dorset Council: Collections suspended. Severe disruption. {SHORT_URL}"
    assert sms_fragment_count(text) == SmsLength(len(text), 1, "GSM-7")


def test_texts_end_reply_stop_only_when_replies_are_taken(bins_in_weymouth: AlertContent) -> None:
    content = replace(bins_in_weymouth, short_url=SHORT_URL)

    assert render_alert_sms(content, reply_stop=True).endswith(f"{SHORT_URL} Reply STOP to stop")
    assert "STOP" not in render_alert_sms(content)


def test_without_a_short_link_a_text_carries_the_manage_link(bins_in_weymouth: AlertContent) -> None:
    assert render_alert_sms(bins_in_weymouth).endswith(MANAGE_URL)


def test_a_resolved_text_says_resolved_without_the_impact(bins_in_weymouth: AlertContent) -> None:
    text = render_alert_sms(replace(bins_in_weymouth, kind="resolved", short_url=SHORT_URL))

    assert text == f"Dorset Council: Resolved: Collections suspended. {SHORT_URL}"


def test_a_title_ending_in_punctuation_gets_no_extra_full_stop(bins_in_weymouth: AlertContent) -> None:
    text = render_alert_sms(replace(bins_in_weymouth, title="Is your bin collected today?"))

    assert text.startswith("Dorset Council: Is your bin collected today? Severe")


def test_a_slightly_long_title_loses_its_last_words_and_says_which(bins_in_weymouth: AlertContent) -> None:
    title = "Bin collections suspended in Weymouth, Portland, Chickerell and Wyke Regis today"

    layout = layout_alert_sms(replace(bins_in_weymouth, title=title, short_url=SHORT_URL), reply_stop=True)

    assert layout.length.fragments == 1
    assert layout.cut and title.endswith(layout.cut)
    assert layout.body.startswith(f"Dorset Council: {title.removesuffix(layout.cut).rstrip(' ,')}...")
    assert layout.body.endswith(f"{SHORT_URL} Reply STOP to stop")


def test_a_title_too_long_to_cut_goes_whole_and_shows_its_fragments(bins_in_weymouth: AlertContent) -> None:
    title = "Collections suspended across the county " * 5

    layout = layout_alert_sms(replace(bins_in_weymouth, title=title, short_url=SHORT_URL))

    assert layout.cut == ""
    assert layout.length.fragments == 2
    assert " ".join(title.split()) in layout.body


def test_welsh_characters_are_named_as_what_pushes_a_text_out_of_gsm(bins_in_weymouth: AlertContent) -> None:
    layout = layout_alert_sms(replace(bins_in_weymouth, title="Llanŵ road closed", short_url=SHORT_URL))

    assert layout.length.encoding == "UCS-2" and layout.length.fragments == 2
    assert layout.non_gsm == ["ŵ"]
    assert non_gsm_characters("Café – “ok”") == []


def test_curly_quotes_and_dashes_in_an_alert_text_are_sent_as_gsm(bins_in_weymouth: AlertContent) -> None:
    text = render_alert_sms(replace(bins_in_weymouth, title="We’re sorry – “no collections” today…"))

    assert 'We\'re sorry - "no collections" today...' in text
    assert sms_fragment_count(text).encoding == "GSM-7"


def test_the_confirmation_text_gives_the_code_and_its_expiry() -> None:
    text = render_confirmation_sms("123456", MESSAGE_FROM)

    assert text == (
        "Your Dorset Council alerts confirmation code is 123456. It expires in 10 minutes. "
        "If you did not ask for alerts, ignore this text."
    )
    assert sms_fragment_count(text).fragments == 1


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", ""])
def test_a_code_that_is_not_six_digits_is_refused(code: str) -> None:
    with pytest.raises(ValueError):
        render_confirmation_sms(code, MESSAGE_FROM)
    with pytest.raises(ValueError):
        render_manage_link_sms(code, MESSAGE_FROM)


def test_the_confirmation_email_carries_the_confirm_link() -> None:
    email = render_confirmation_email("https://alerts.dorsetcouncil.gov.uk/subscribe/confirm/abc.def", MESSAGE_FROM)

    assert email.subject == "Confirm your email address for Dorset Council alerts"
    assert "https://alerts.dorsetcouncil.gov.uk/subscribe/confirm/abc.def" in email.body.split("\n\n")


def test_the_manage_link_email_carries_the_manage_link() -> None:
    email = render_manage_link_email(MANAGE_URL, MESSAGE_FROM)

    assert email.subject == "Manage your Dorset Council alerts"
    assert MANAGE_URL in email.body.split("\n\n")


def test_the_manage_link_text_gives_the_code_in_one_fragment() -> None:
    text = render_manage_link_sms("654321", MESSAGE_FROM)

    assert "654321" in text
    assert "expires in 10 minutes" in text
    assert sms_fragment_count(text).fragments == 1
