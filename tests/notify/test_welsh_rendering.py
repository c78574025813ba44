"""Messages in Welsh from the catalogue, without Flask, and counted as Notify counts Welsh: a letter such as ŵ, ŷ or
â outside GSM-7 makes a text Unicode (70 characters, then 67 a fragment); the fixed Welsh words never do."""

from __future__ import annotations

import pytest

from alerts.notify.inbound import ReplyAction, reply_action
from alerts.notify.rendering import (
    AlertContent,
    MessageFrom,
    layout_alert_sms,
    render_confirmation_sms,
    render_manage_link_sms,
    render_start_answer,
    render_stop_answer,
    sms_fragment_count,
)
from alerts.notify.sms_counting import UNICODE_WELSH_LETTERS
from alerts.notify.words import translations

WELSH = MessageFrom(council="Cyngor Sir Ceredigion", place="Ceredigion", language="cy")


def test_a_welsh_letter_and_69_more_is_one_fragment_and_70_more_is_two() -> None:
    assert (sms_fragment_count("ŵ" + "a" * 69).fragments, sms_fragment_count("ŵ" + "a" * 69).encoding) == (
        1, "UCS-2")
    assert sms_fragment_count("ŵ" + "a" * 70).fragments == 2
    assert sms_fragment_count("ŵ" + "a" * 133).fragments == 2
    assert sms_fragment_count("ŵ" + "a" * 134).fragments == 3


def test_the_prefix_counts_towards_the_70() -> None:
    assert sms_fragment_count("ŵ" + "a" * 59, prefix="Cyngor: ").fragments == 1
    assert sms_fragment_count("ŵ" + "a" * 62, prefix="Cyngor: ").fragments == 2


@pytest.mark.parametrize("text", [
    render_confirmation_sms("123456", WELSH),
    render_manage_link_sms("123456", WELSH),
    render_stop_answer(WELSH, 28),
    render_start_answer(WELSH),
], ids=["confirmation", "manage", "stop", "start"])
def test_the_fixed_welsh_words_keep_a_text_gsm(text: str) -> None:
    assert sms_fragment_count(text).encoding == "GSM-7"
    assert sms_fragment_count(text).fragments == 1


def test_the_words_of_welsh_texts_have_no_letter_that_makes_a_text_unicode() -> None:
    words = translations("cy")
    for english in ("Reply STOP to stop", "Minor disruption.", "Major disruption.", "Severe disruption.",
                    "Update: %(title)s", "Resolved: %(title)s", "Not you? Ignore this text."):
        welsh = words.gettext(english)
        assert welsh != english
        assert UNICODE_WELSH_LETTERS.isdisjoint(welsh), welsh


def _alert(title: str, message_from: MessageFrom = WELSH) -> AlertContent:
    return AlertContent(
        title=title, service_name="Biniau", impact="severe", area_names=["Aberteifi"], summary="", advice="",
        kind="published", notice_url="https://alerts.example/cy/notices/1", manage_url="https://alerts.example/cy/m",
        unsubscribe_url="https://alerts.example/cy/u", expected_end_text=None, message_from=message_from,
        short_url="https://alerts.example/cy/s/AAAAKgABAgMEBQ")


def test_a_welsh_alert_text_is_in_welsh() -> None:
    layout = layout_alert_sms(_alert("Ffordd ar gau"), reply_stop=True)

    assert layout.body == ("Cyngor Sir Ceredigion: Ffordd ar gau. Tarfu difrifol. "
                           "https://alerts.example/cy/s/AAAAKgABAgMEBQ Atebwch STOP i stopio")
    assert (layout.length.fragments, layout.length.encoding) == (1, "GSM-7")


def test_a_title_with_a_circumflex_is_counted_as_unicode_and_the_officer_is_told_why() -> None:
    # The link and fixed words alone leave no room for a title in 70 characters: the title goes whole (cutting
    # more than half of it would say nothing), and the text takes the fragments Notify bills.
    layout = layout_alert_sms(_alert("Dŵr wedi'i dorri i ffwrdd"))

    assert layout.non_gsm == ["ŵ"]
    assert layout.body.startswith("Cyngor Sir Ceredigion: Dŵr wedi'i dorri i ffwrdd. Tarfu difrifol. ")
    assert layout.length == sms_fragment_count(layout.body)
    assert (layout.length.fragments, layout.length.encoding) == (2, "UCS-2")


def test_a_short_welsh_text_with_a_circumflex_fits_one_unicode_fragment() -> None:
    content = _alert("Dŵr i ffwrdd", MessageFrom(council="Cyngor", place="Ceredigion", language="cy"))
    short = AlertContent(**{**content.__dict__, "short_url": "https://a.example/s/x"})

    layout = layout_alert_sms(short)

    assert layout.body == "Cyngor: Dŵr i ffwrdd. Tarfu difrifol. https://a.example/s/x"
    assert (layout.length.fragments, layout.length.encoding) == (1, "UCS-2")


def test_english_is_the_default_language() -> None:
    english = MessageFrom(council="Dorset Council", place="Dorset")

    assert english.language == "en"
    assert render_start_answer(english) == (
        "Your Dorset Council alerts by text have started again. Reply STOP to stop them.")


@pytest.mark.parametrize(("words", "action"), [
    ("Stopio", ReplyAction.STOP), ("DIDDYMU.", ReplyAction.STOP), (" dechrau ", ReplyAction.START),
    ("Ailddechrau", ReplyAction.START), ("STOP", ReplyAction.STOP)])
def test_a_council_that_writes_in_welsh_understands_welsh_replies(words: str, action: ReplyAction) -> None:
    assert reply_action(words, welsh=True) == action


def test_a_council_without_welsh_leaves_welsh_words_to_a_person() -> None:
    assert reply_action("Stopio") == ReplyAction.IGNORED
    assert reply_action("Dechrau") == ReplyAction.IGNORED
