"""Every kind of text the service sends is one fragment for every council profile, with Notify's "<service name>: "
prefix counted when the service starts texts with its name: each fragment is paid for."""

from collections.abc import Callable

import pytest

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
from alerts.notify.sms_counting import service_name_prefix
from config.council import available_councils, load_council

ENDED_CONTACT_DAYS = 28
TITLE = "Collections suspended"


def _alert(kind: str) -> Callable[[MessageFrom, str], str]:
    def render(message_from: MessageFrom, domain: str) -> str:
        content = AlertContent(
            title=TITLE, service_name="Bins and recycling", impact="severe",
            area_names=["Town centre"], summary="Snow has closed roads.", advice="Leave your bin out.",
            kind=kind,  # type: ignore[arg-type]
            notice_url=f"https://alerts.{domain}/notices/12345", manage_url=f"https://alerts.{domain}/manage/x",
            unsubscribe_url=f"https://alerts.{domain}/unsubscribe/x", expected_end_text="Friday 14 March",
            message_from=message_from, short_url=f"https://alerts.{domain}/s/AAAAKgABAgMEBQ")
        layout = layout_alert_sms(content, reply_stop=True)
        # A long council name leaves little room: the title may lose words, never more than half of it.
        assert len(layout.cut) <= len(TITLE) / 2
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
        message_from, ENDED_CONTACT_DAYS, carry_on="email to a***@a-rather-long-domain-name.example.co.uk"),
    # Reactivation asks a suspended contact to confirm again: the confirmation text, counted above.
}


@pytest.mark.parametrize("with_prefix", [False, True], ids=["no prefix", "service name prefix"])
@pytest.mark.parametrize("kind", list(TEXT_KINDS))
@pytest.mark.parametrize("council_id", available_councils())
def test_every_text_is_one_fragment_for_every_council(council_id: str, kind: str, with_prefix: bool) -> None:
    profile = load_council(council_id)
    prefix = service_name_prefix(profile.name) if with_prefix else ""
    message_from = MessageFrom(council=profile.name, place=profile.short_name, sms_prefix=prefix)

    text = TEXT_KINDS[kind](message_from, profile.domain)

    assert sms_fragment_count(text, prefix=prefix).fragments == 1, f"{prefix}{text}"


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
