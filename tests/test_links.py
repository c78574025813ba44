import pytest
from freezegun import freeze_time

from alerts import links


def test_a_manage_token_round_trips_and_stays_short(app) -> None:
    with app.app_context():
        token = links.make_token(links.MANAGE, 12345, 2)
        assert links.read_token(links.MANAGE, token) == links.SubscriberToken(12345, 2)
        assert len(token) < 45, "texts carry this link, so it must stay short"


def test_a_token_for_one_purpose_is_refused_for_another(app) -> None:
    token = links.make_token(links.MANAGE, 1, 1)
    with pytest.raises(links.InvalidToken, match="This link is not valid"):
        links.read_token(links.UNSUBSCRIBE, token)


def test_a_tampered_token_is_refused(app) -> None:
    token = links.make_token(links.UNSUBSCRIBE, 1, 1)
    with pytest.raises(links.InvalidToken):
        links.read_token(links.UNSUBSCRIBE, token[:-2] + "xx")


def test_an_email_confirmation_link_expires_after_24_hours(app) -> None:
    with freeze_time("2026-12-07 06:00:00"):
        token = links.make_token(links.CONFIRM_EMAIL, 7, 1)
    with freeze_time("2026-12-08 05:59:00"):
        assert links.read_token(links.CONFIRM_EMAIL, token).subscriber_id == 7
    with freeze_time("2026-12-08 06:01:00"), pytest.raises(links.InvalidToken, match="expired"):
        links.read_token(links.CONFIRM_EMAIL, token)


def test_links_use_base_url_not_the_request_host(app) -> None:
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert links.manage_url(1, 1).startswith("http://localhost/manage/")
