from alerts.notify.masking import mask_for_staff
from alerts.notify.rendering import (
    MessageFrom,
    render_confirmation_email,
    render_confirmation_sms,
    render_manage_link_email,
    render_manage_link_sms,
)

MESSAGE_FROM = MessageFrom(council="Dorset Council", place="Dorset")

MANAGE = "https://alerts.example/manage/WzEsMV0.abcdefghijklmnopqrstuvwxyz0"
UNSUBSCRIBE = "https://alerts.example/unsubscribe/WzEsMV0.abcdefghijklmnopqrstuvwx"
SHORT = "https://alerts.example/s/Ab3dE9"


def test_a_confirmation_or_security_code_shows_only_its_last_two_digits() -> None:
    for body in (render_confirmation_sms("482913", MESSAGE_FROM), render_manage_link_sms("482913", MESSAGE_FROM)):
        masked = mask_for_staff(body)
        assert "482913" not in masked and "•••• 13" in masked


def test_personal_links_are_removed_and_the_public_notice_link_kept() -> None:
    body = (f"Dorset Council: Bins suspended. More: https://alerts.example/notices/12 Stop alerts: {SHORT}\n"
            f"Change your areas: {MANAGE}\nUnsubscribe from all alerts: {UNSUBSCRIBE}")
    masked = mask_for_staff(body)
    for link in (MANAGE, UNSUBSCRIBE, SHORT, "/manage/", "/unsubscribe/", "/s/"):
        assert link not in masked
    assert "https://alerts.example/notices/12" in masked
    assert masked.count("[personal link removed]") == 3


def test_email_confirmation_and_manage_link_emails_lose_their_links() -> None:
    for rendered in (render_confirmation_email("https://alerts.example/subscribe/confirm-email/eyJhbGciOi.xyz",
                                               MESSAGE_FROM),
                     render_manage_link_email(MANAGE, MESSAGE_FROM)):
        masked = mask_for_staff(rendered.body)
        assert "https://" not in masked and "[personal link removed]" in masked


def test_other_numbers_in_an_alert_are_left_alone() -> None:
    body = "Call 01305 221000 for help. Collections resume on 12/12/2026."
    assert mask_for_staff(body) == body
