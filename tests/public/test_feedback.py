"""Residents say whether a notice helped: a plain form on every notice page and one-click links in alert emails.
Only a button press counts (never a GET, so link scanners count nothing), nothing about the resident is kept, and
each client may answer a limited number of times."""

from __future__ import annotations

from sqlalchemy import select

from alerts import links
from alerts.data import feedback as feedback_data
from alerts.extensions import db
from alerts.models import InsightCount, NoticeStatus

SAME_SITE = {"Origin": "http://localhost"}


def _counts() -> dict[str, int]:
    return dict(db.session.execute(select(InsightCount.key, InsightCount.count)
                                   .where(InsightCount.metric == "feedback")).tuples().all())


def test_every_notice_page_asks_whether_it_was_useful_with_a_form_that_needs_no_script(client_request, factories):
    notice = factories.NoticeFactory()
    page = client_request.get(f"/notices/{notice.id}")
    form = page.soup.select_one("form.app-feedback")
    assert form is not None and form["method"] == "post" and form["action"] == f"/notices/{notice.id}/feedback"
    assert [b["value"] for b in form.select("button[name=answer]")] == ["yes", "no"]
    assert "Was this useful?" in form.text
    assert not page.soup.select("input[name=csrf_token]"), "no session token: the page stays one copy for everyone"


def test_answering_yes_counts_once_for_the_notice_and_thanks_the_resident(client, client_request, factories):
    notice = factories.NoticeFactory()
    response = client.post(f"/notices/{notice.id}/feedback", data={"answer": "yes"}, headers=SAME_SITE)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/notices/{notice.id}/thank-you")
    page = client_request.get(response.headers["Location"])
    assert page.h1 == "Thank you for your feedback"
    assert _counts() == {f"{notice.id}|yes|page": 1}
    assert "Set-Cookie" not in response.headers, "no session and nothing about the resident is kept"


def test_answers_are_counted_per_notice_and_service(client, factories):
    bins = factories.NoticeFactory()
    road = factories.NoticeFactory(service_id="roads-and-gritting")
    for notice, answer in ((bins, "yes"), (bins, "no"), (bins, "yes"), (road, "no")):
        client.post(f"/notices/{notice.id}/feedback", data={"answer": answer}, headers=SAME_SITE)
    per_notice = {(row.notice_id, row.yes, row.no) for row in feedback_data.feedback_per_notice(None, None)}
    assert per_notice == {(bins.id, 2, 1), (road.id, 0, 1)}
    assert feedback_data.feedback_per_service(None, None) == {"bins-and-recycling": (2, 1),
                                                                "roads-and-gritting": (0, 1)}


def test_a_form_posted_from_another_site_is_refused(client, factories):
    notice = factories.NoticeFactory()
    response = client.post(f"/notices/{notice.id}/feedback", data={"answer": "yes"},
                           headers={"Origin": "https://attacker.example"})
    assert response.status_code == 400
    assert _counts() == {}


def test_a_made_up_answer_or_notice_is_refused(client, factories):
    notice = factories.NoticeFactory()
    assert client.post(f"/notices/{notice.id}/feedback", data={"answer": "maybe"}, headers=SAME_SITE).status_code == 400
    assert client.post("/notices/999999/feedback", data={"answer": "yes"}, headers=SAME_SITE).status_code == 404
    draft = factories.NoticeFactory(status=NoticeStatus.DRAFT)
    assert client.post(f"/notices/{draft.id}/feedback", data={"answer": "yes"}, headers=SAME_SITE).status_code == 404
    assert _counts() == {}


def test_each_client_may_answer_only_so_often(app, client, factories):
    notice = factories.NoticeFactory()
    limit = int(app.config["FEEDBACK_LIMITS_PER_IP"].split(" per ")[0])
    statuses = [client.post(f"/notices/{notice.id}/feedback", data={"answer": "yes"}, headers=SAME_SITE,
                            environ_base={"REMOTE_ADDR": "2001:db8::1" if n % 2 else "2001:db8::2"}).status_code
                for n in range(limit + 1)]
    assert statuses == [303] * limit + [429], "an IPv6 client is its /64, as every per-address limit counts it"
    other = client.post(f"/notices/{notice.id}/feedback", data={"answer": "yes"}, headers=SAME_SITE,
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303
    assert _counts() == {f"{notice.id}|yes|page": limit + 1}


def test_an_email_link_only_shows_a_button_so_a_link_scanner_counts_nothing(client_request, factories):
    notice = factories.NoticeFactory()
    url = links.feedback_url(notice.id, "yes").removeprefix("http://localhost")
    for _ in range(3):  # a scanner, a preview, the resident
        page = client_request.get(url)
    assert _counts() == {}
    assert page.h1 == "Was this notice useful?"
    assert "You are answering: Yes" in page.text
    form = page.soup.select_one("form[method=post]")
    assert form is not None and form["action"] == url
    assert page.soup.select_one("input[name=csrf_token]"), "the confirm page is never shared: it has a token"


def test_pressing_the_button_from_an_email_link_counts_it_as_from_email(client, client_request, factories):
    notice = factories.NoticeFactory()
    url = links.feedback_url(notice.id, "no").removeprefix("http://localhost")
    page = client_request.post_form(url, expected_status=303)
    assert page.response.headers["Location"].endswith(f"/notices/{notice.id}/thank-you")
    assert _counts() == {f"{notice.id}|no|email": 1}


def test_a_tampered_email_link_is_refused(client_request, factories):
    notice = factories.NoticeFactory()
    url = links.feedback_url(notice.id, "no").removeprefix("http://localhost")
    yes_with_no_signature = url.replace("/no/", "/yes/")
    client_request.get(yes_with_no_signature, expected_status=404)
    other = factories.NoticeFactory()
    client_request.get(url.replace(f"/notices/{notice.id}/", f"/notices/{other.id}/"), expected_status=404)


def test_alert_emails_carry_a_yes_and_a_no_link(app, factories):
    from alerts.data.fanouts import alert_content
    from alerts.models import UpdateKind
    from alerts.notify.rendering import render_alert_email

    notice = factories.NoticeFactory()
    content = alert_content(notice, None, kind=UpdateKind.PUBLISHED, manage_url="m", unsubscribe_url="u")
    body = render_alert_email(content).body
    assert f"Was this useful? Yes: {links.feedback_url(notice.id, 'yes')}" in body
    assert f"No: {links.feedback_url(notice.id, 'no')}" in body


def test_the_privacy_notice_says_feedback_and_calls_keep_nothing_about_the_resident(client_request):
    text = " ".join(client_request.get("/privacy").text.split())
    assert "If you answer “Was this useful?” about a notice" in text
    assert "not your email address, your IP address or a cookie" in text
