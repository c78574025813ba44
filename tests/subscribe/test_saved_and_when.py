"""After every change on a manage page the resident sees that it was saved; the daily email's done page says when
it comes."""

import re

from sqlalchemy import select

from alerts import links
from alerts.extensions import db
from alerts.models import Message, MessageKind
from tests.subscribe.conftest import walk_journey


def _success_banner(page) -> str:
    banners = page.select(".govuk-notification-banner--success")
    assert banners, "a success banner"
    return " ".join(banners[0].get_text(" ", strip=True).split())


def test_every_change_on_the_manage_pages_shows_a_saved_banner(client_request, factories) -> None:
    resident = factories.SubscriberFactory(contact="saved@example.com", area_ids=["weymouth"])
    path = f"/manage/{links.make_token(links.MANAGE, resident.id, resident.token_version)}"

    response = client_request.post_form(f"{path}/services", {"services": ["libraries"]}, 302).response
    assert "Saved. Your services have been updated." in _success_banner(client_request.get(response.location))

    response = client_request.post_form(f"{path}/postcodes", {"postcode": "DT6 3AA"}, 302).response
    assert "Saved. You’ll get alerts for DT6 3AA too." in _success_banner(client_request.get(response.location))

    response = client_request.post_form(f"{path}/postcodes/bridport/remove", {}, 302,
                                        token_from=f"{path}/postcodes").response
    assert "Saved. You’ll no longer get alerts for that postcode." in _success_banner(
        client_request.get(response.location))

    response = client_request.post_form(f"{path}/channel", {"channel": "email_digest"}, 302).response
    assert "Saved. You’ll get one email a day, at about 6pm." in _success_banner(client_request.get(response.location))

    response = client_request.post_form(f"{path}/channel", {"channel": "email"}, 302).response
    assert "Saved. You’ll get an email for each alert as it comes." in _success_banner(
        client_request.get(response.location))


def test_the_daily_email_done_page_says_when_it_comes(client_request, app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 19)  # the app outlives this test
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    walk_journey(client_request, channel="email_digest", contact="when@example.com")
    [confirmation] = db.session.scalars(select(Message).where(Message.kind == MessageKind.CONFIRMATION)).all()
    link = re.search(r"/subscribe/confirm-email/\S+", confirmation.body).group(0)  # type: ignore[union-attr]
    client_request.post_form(link, {}, 302)

    page = client_request.get("/subscribe/done")
    assert "We’ll email you once a day, at about 7pm" in page.select(".govuk-panel")[0].get_text(" ", strip=True)
    assert "Your first daily email comes at about 7pm (UK time)" in page.text
