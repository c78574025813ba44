"""Every kind of text the service sends is one fragment for every council profile, in every language it writes in,
with Notify's "<service name>: " prefix counted when the service starts texts with its name: each fragment is
paid for."""

from collections.abc import Callable

import pytest

from alerts.languages import text_in
from alerts.notify.rendering import (
    AlertContent,
    MessageFrom,
    carrying_on,
    layout_alert_sms,
    render_confirmation_sms,
    render_manage_link_sms,
    render_start_answer,
    render_stop_answer,
    sms_fragment_count,
)
from alerts.notify.sms_counting import service_name_prefix
from config.council import available_councils, load_council

ENDED_CONTACT_DAYS = 28
TITLE = "Collections suspended"
TITLES = {"en": TITLE, "cy": "Casgliadau wedi'u hatal"}
MASKED_EMAIL = "a***@a-rather-long-domain-name.example.co.uk"


def _alert(kind: str) -> Callable[[MessageFrom, str], str]:
    def render(message_from: MessageFrom, domain: str) -> str:
        title = TITLES[message_from.language]
        welsh = "/cy" if message_from.language == "cy" else ""
        content = AlertContent(
            title=title, service_name="Bins and recycling", impact="severe",
            area_names=["Town centre"], summary="Snow has closed roads.", advice="Leave your bin out.",
            kind=kind,  # type: ignore[arg-type]
            notice_url=f"https://alerts.{domain}/notices/12345", manage_url=f"https://alerts.{domain}/manage/x",
            unsubscribe_url=f"https://alerts.{domain}/unsubscribe/x", expected_end_text="Friday 14 March",
            message_from=message_from, short_url=f"https://alerts.{domain}{welsh}/s/AAAAKgABAgMEBQ")
        layout = layout_alert_sms(content, reply_stop=True)
        # A long council name leaves little room: the title may lose words, never more than half of it.
        assert len(layout.cut) <= len(title) / 2
        return layout.body
    return render


TEXT_KINDS: dict[str, Callable[[MessageFrom, str], str]] = {
    "alert": _alert("published"),
    "update": _alert("updated"),
    "resolved": _alert("resolved"),
    "confirmation code": lambda message_from, _: render_confirmation_sms("123456", message_from),
    "code to manage": lambda message_from, _: render_manage_link_sms("123456", message_from),
    "STOP answer": lambda message_from, _: render_stop_answer(message_from, ENDED_CONTACT_DAYS),
    "START answer": lambda message_from, _: render_start_answer(message_from),
    # STOP when the person's email carries on: named (masked) when it fits, else just "email".
    "STOP answer, email carries on": lambda message_from, _: render_stop_answer(
        message_from, ENDED_CONTACT_DAYS, **_carrying_on_by_email(message_from.language)),
    # Reactivation asks a suspended contact to confirm again: the confirmation text, counted above.
}


def _carrying_on_by_email(language: str) -> dict[str, str]:
    carry_on, carry_on_by = carrying_on(True, MASKED_EMAIL, language)
    return {"carry_on": carry_on, "carry_on_by": carry_on_by}


def _profile_languages() -> list[tuple[str, str]]:
    return [(council_id, language) for council_id in available_councils()
            for language in load_council(council_id).languages]


@pytest.mark.parametrize("with_prefix", [False, True], ids=["no prefix", "service name prefix"])
@pytest.mark.parametrize("kind", list(TEXT_KINDS))
@pytest.mark.parametrize(("council_id", "language"), _profile_languages())
def test_every_text_is_one_fragment_for_every_council(council_id: str, language: str, kind: str,
                                                     with_prefix: bool) -> None:
    profile = load_council(council_id)
    name = text_in(profile, "name", language)
    # Notify's prefix is the one service name, whichever language the text is in: the longer of the two counts.
    prefix = service_name_prefix(max(profile.name, name, key=len)) if with_prefix else ""
    message_from = MessageFrom(council=name, place=text_in(profile, "short_name", language), sms_prefix=prefix,
                               language=language)

    text = TEXT_KINDS[kind](message_from, profile.domain)

    assert sms_fragment_count(text, prefix=prefix).fragments == 1, f"{prefix}{text}"


# The longest name of a council in Wales, in Welsh: the fixed words of every Welsh text leave room for it. (An alert
# text's room depends on the officer's title, which is cut to fit: that is checked per profile above.)
LONGEST_WELSH_NAME = "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf"
FIXED_TEXT_KINDS = [kind for kind in TEXT_KINDS if kind not in ("alert", "update", "resolved")]


@pytest.mark.parametrize("with_prefix", [False, True], ids=["no prefix", "service name prefix"])
@pytest.mark.parametrize("kind", FIXED_TEXT_KINDS)
def test_every_welsh_text_is_one_fragment_for_the_longest_welsh_council_name(kind: str, with_prefix: bool) -> None:
    prefix = service_name_prefix("Rhondda Cynon Taf County Borough Council") if with_prefix else ""
    message_from = MessageFrom(council=LONGEST_WELSH_NAME, place="Rhondda Cynon Taf", sms_prefix=prefix,
                               language="cy")

    text = TEXT_KINDS[kind](message_from, "rctcbc.gov.uk")

    assert sms_fragment_count(text, prefix=prefix).fragments == 1, f"{prefix}{text}"


def test_the_welsh_profile_is_checked_in_welsh() -> None:
    assert ("ceredigion", "cy") in _profile_languages()


def test_every_council_profile_is_checked() -> None:
    assert {"dorset", "bcp", "ceredigion"} <= set(available_councils())


def test_the_second_councils_code_to_manage_says_what_it_is_in_one_fragment() -> None:
    profile = load_council("bcp")
    message_from = MessageFrom(council=profile.name, place=profile.short_name)

    text = render_manage_link_sms("654321", message_from)

    assert text == ("Your code to manage Bournemouth, Christchurch and Poole Council alerts is 654321. "
                    "It expires in 10 minutes. If you did not ask for it, ignore this text.")
    assert sms_fragment_count(text).fragments == 1


def test_dorsets_texts_keep_their_wording_without_a_prefix() -> None:
    message_from = MessageFrom(council="Dorset Council", place="Dorset")

    assert render_manage_link_sms("654321", message_from) == (
        "Your Dorset Council alerts security code is 654321. Use it to change or stop your alerts. "
        "It expires in 10 minutes. If you did not ask for it, ignore this text.")


def test_with_the_prefix_a_text_does_not_name_the_council_twice() -> None:
    message_from = MessageFrom(council="Dorset Council", place="Dorset", sms_prefix="Dorset Council: ")

    text = _alert("published")(message_from, "dorsetcouncil.gov.uk")

    assert text.startswith("Collections suspended. Severe disruption.")
    assert render_manage_link_sms("654321", message_from) == (
        "Your code to manage Dorset Council alerts is 654321. It expires in 10 minutes. "
        "If you did not ask for it, ignore this text.")
