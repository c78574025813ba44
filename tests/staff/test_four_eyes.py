"""Four eyes on every path: no one person sends to more than APPROVAL_THRESHOLD people, or to the whole
county, alone — through the pages, the API or both, in any order of edits."""

import datetime as dt

import pytest
from sqlalchemy import select

from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, Notice, NoticeStatus, Role, StaffUser, utc_now
from alerts.models.messages import PRIORITY_CONFIRMATION
from alerts.services import publishing
from tests import factories as _factories
from tests.staff.conftest import post_form, sign_in
from tests.staff.test_notices import NEW_NOTICE, create_draft

API_NOTICE = {"title": "Gritting everywhere", "service": "roads-and-gritting", "areas": ["whole-county"],
              "impact": "minor", "summary": "Gritters are out tonight.", "advice": "Drive carefully."}


def alerts_for(notice: Notice) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.notice_id == notice.id,
                                                         Message.kind == MessageKind.ALERT)))


def token_for(user: StaffUser, days: int = 90) -> dict[str, str]:
    created = staff_data.create_api_token(f"System of {user.email}", user, days=days)
    db.session.commit()
    return {"Authorization": f"Bearer {created.token}"}


def fresh(notice: Notice) -> Notice:
    db.session.expire_all()
    return db.session.get(Notice, notice.id)


@pytest.fixture
def officers(factories) -> tuple[StaffUser, StaffUser, StaffUser]:
    return factories.StaffUserFactory(), factories.StaffUserFactory(), factories.StaffUserFactory()


@pytest.fixture
def subscribers(factories) -> None:
    factories.SubscriberFactory(contact="weymouth@example.com", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="sherborne@example.com", area_ids=["sherborne"])


# An officer who edited a draft cannot approve it alone -----------------------------------------------------------

def test_an_officer_who_edits_anothers_draft_into_a_county_wide_notice_cannot_approve_it_alone(
        client_request, officers, subscribers) -> None:
    author, editor, third = officers
    sign_in(client_request, author)
    notice = create_draft(client_request)
    sign_in(client_request, editor)
    post_form(client_request, f"/staff/notices/{notice.id}/edit", {**NEW_NOTICE, "areas": ["whole-county"]},
              token_from=f"/staff/notices/{notice.id}/edit")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL

    page = post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    assert page.error_summary() == ["A different officer must approve this notice: you wrote, changed or asked "
                                    "to publish it."]
    sign_in(client_request, author)  # the author did not ask, but wrote it: still not a second pair of eyes
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL and alerts_for(notice) == []

    sign_in(client_request, third)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    notice = fresh(notice)
    assert notice.status == NoticeStatus.ACTIVE and notice.approved_by_id == third.id
    assert notice.requested_by_id == editor.id and len(alerts_for(notice)) == 2


def test_an_edit_after_the_request_withdraws_it_and_says_so(client_request, officers, subscribers) -> None:
    author, editor, third = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL

    sign_in(client_request, editor)
    post_form(client_request, f"/staff/notices/{notice.id}/edit", {**NEW_NOTICE, "areas": ["whole-county"],
                                                                    "summary": "Changed after the request."},
              token_from=f"/staff/notices/{notice.id}/edit")
    notice = fresh(notice)
    assert notice.status == NoticeStatus.DRAFT and notice.requested_by_id is None
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert "Your change withdrew the request for approval" in page.text
    # The editor's change made them an editor: asking again, they still need someone else.
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    sign_in(client_request, author)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    sign_in(client_request, third)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    assert fresh(notice).status == NoticeStatus.ACTIVE


def test_the_notice_page_shows_who_wrote_asked_and_approved(client_request, officers, subscribers) -> None:
    author, requester, approver = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    sign_in(client_request, requester)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    sign_in(client_request, approver)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    page = client_request.get(f"/staff/notices/{notice.id}")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in page.select("#people .govuk-summary-list__row")}
    assert rows["Written by"] == author.email
    assert rows["Asked to publish"].startswith(requester.email)
    assert rows["Approved by"].startswith(approver.email)


# A notice made through the API has its token's officer as author -------------------------------------------------

def test_the_officer_whose_token_created_a_notice_cannot_approve_it_in_the_pages(
        client, client_request, officers, subscribers) -> None:
    holder, other, _ = officers
    response = client.post("/api/v1/notices", json=API_NOTICE, headers=token_for(holder))
    assert response.status_code == 202
    notice = db.session.get(Notice, response.json["id"])
    assert notice.created_by_id == holder.id and notice.requested_by_id == holder.id

    sign_in(client_request, holder)
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert "Approve and publish" not in page.text
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL

    sign_in(client_request, other)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    assert fresh(notice).status == NoticeStatus.ACTIVE


def test_a_second_officer_approves_through_the_api_and_the_requester_gets_403(client, officers, subscribers) -> None:
    holder, other, _ = officers
    response = client.post("/api/v1/notices", json=API_NOTICE, headers=token_for(holder))
    notice_id = response.json["id"]
    refused = client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=token_for(holder))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "different officer" in refused.json["detail"]

    approved = client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=token_for(other))
    assert approved.status_code == 200 and approved.json["status"] == "active"
    notice = db.session.get(Notice, notice_id)
    assert notice.approved_by_id == other.id and len(alerts_for(notice)) == 2


def test_a_page_notice_cannot_be_approved_through_the_authors_token(client, client_request, officers,
                                                                    subscribers) -> None:
    author, other, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert client.post(f"/api/v1/notices/{notice.id}/approve", json={}, headers=token_for(author)).status_code == 403
    assert client.post(f"/api/v1/notices/{notice.id}/approve", json={}, headers=token_for(other)).status_code == 200


# Alerts switched on by a later update need a second officer too --------------------------------------------------

def test_an_update_with_alerts_on_to_a_county_wide_notice_published_without_alerts_waits_for_approval(
        client_request, officers, subscribers) -> None:
    author, other, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"], notify="")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert fresh(notice).status == NoticeStatus.ACTIVE  # alerts off: nothing is sent, so no approval is needed

    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "Everyone must read this.", "advice": "", "notify": "y"},
              token_from=f"/staff/notices/{notice.id}/update")
    notice = fresh(notice)
    assert alerts_for(notice) == [] and notice.pending_update is not None
    assert [u.summary for u in notice.updates] == ["Snow has made roads unsafe for collection lorries."]
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)

    sign_in(client_request, other)
    page = client_request.get(f"/staff/notices/{notice.id}")
    assert "Everyone must read this." in page.text
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    notice = fresh(notice)
    assert notice.pending_update is None
    assert notice.updates[-1].summary == "Everyone must read this."
    assert notice.updates[-1].created_by_id == author.id and notice.updates[-1].approved_by_id == other.id
    assert sorted(m.recipient for m in alerts_for(notice)) == ["sherborne@example.com", "weymouth@example.com"]


def test_an_update_with_alerts_on_through_the_api_answers_202_and_waits(client, officers, subscribers) -> None:
    holder, other, _ = officers
    headers = token_for(holder)
    response = client.post("/api/v1/notices", json={**API_NOTICE, "notify": False}, headers=headers)
    assert response.status_code == 201 and response.json["status"] == "active"
    notice_id = response.json["id"]
    response = client.post(f"/api/v1/notices/{notice_id}/updates", json={"summary": "Now we tell everyone."},
                           headers=headers)
    assert response.status_code == 202, response.json
    notice = db.session.get(Notice, notice_id)
    assert alerts_for(notice) == []
    assert client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=token_for(other)).status_code == 200
    assert len(alerts_for(fresh(notice))) == 2


def test_an_update_whose_audience_crosses_the_threshold_waits_but_a_small_one_does_not(
        app, client_request, officers, factories) -> None:
    author, _, _ = officers
    for n in range(3):
        factories.SubscriberFactory(contact=f"r{n}@example.com", area_ids=["weymouth"])
    sign_in(client_request, author)
    notice = create_draft(client_request)
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    assert fresh(notice).status == NoticeStatus.ACTIVE
    app.config["APPROVAL_THRESHOLD"] = 2
    try:
        post_form(client_request, f"/staff/notices/{notice.id}/update",
                  {"summary": "More snow.", "advice": "", "notify": "y"},
                  token_from=f"/staff/notices/{notice.id}/update")
    finally:
        app.config["APPROVAL_THRESHOLD"] = 5000
    notice = fresh(notice)
    assert notice.pending_update is not None and len(alerts_for(notice)) == 3  # only the first publication's
    post_form(client_request, f"/staff/notices/{notice.id}/update",
              {"summary": "Nobody is told of this one.", "advice": "", "notify": ""},
              token_from=f"/staff/notices/{notice.id}/update")
    assert fresh(notice).updates[-1].summary == "Nobody is told of this one."


def test_a_resolution_with_alerts_to_the_whole_county_waits_for_a_second_officer(
        client_request, officers, subscribers) -> None:
    author, other, third = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    sign_in(client_request, other)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    post_form(client_request, f"/staff/notices/{notice.id}/resolve", {"summary": "All clear.", "notify": "y"},
              token_from=f"/staff/notices/{notice.id}/resolve")
    notice = fresh(notice)
    assert notice.status == NoticeStatus.ACTIVE and notice.pending_update is not None
    sign_in(client_request, third)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    assert fresh(notice).status == NoticeStatus.RESOLVED


# Scheduled publishing --------------------------------------------------------------------------------------------

def test_a_scheduled_notice_whose_audience_grew_past_the_threshold_waits_for_approval_when_due(
        app, client_request, officers, factories) -> None:
    author, other, _ = officers
    factories.SubscriberFactory(contact="first@example.com", area_ids=["weymouth"])
    sign_in(client_request, author)
    notice = create_draft(client_request)
    later = (utc_now() + dt.timedelta(hours=2)).astimezone(dt.UTC)
    post_form(client_request, f"/staff/notices/{notice.id}/publish",
              {"when": "later", "publish_at": later.strftime("%Y-%m-%dT%H:%M+00:00")})
    assert fresh(notice).status == NoticeStatus.SCHEDULED
    for n in range(3):
        factories.SubscriberFactory(contact=f"late{n}@example.com", area_ids=["weymouth"])
    notice = fresh(notice)
    notice.publish_at_utc = utc_now() - dt.timedelta(minutes=1)
    db.session.commit()

    app.config["APPROVAL_THRESHOLD"] = 2
    try:
        assert publishing.publish_due_notices() == 0
    finally:
        app.config["APPROVAL_THRESHOLD"] = 5000
    notice = fresh(notice)
    assert notice.status == NoticeStatus.AWAITING_APPROVAL and alerts_for(notice) == []
    sign_in(client_request, author)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {}, expected_status=409)
    sign_in(client_request, other)
    post_form(client_request, f"/staff/notices/{notice.id}/approve", {})
    assert fresh(notice).status == NoticeStatus.ACTIVE and len(alerts_for(notice)) == 4


# Telling approvers -----------------------------------------------------------------------------------------------

def test_officers_who_can_approve_are_emailed_a_link_at_top_priority(client_request, officers, factories,
                                                                     subscribers) -> None:
    author, other, third = officers
    factories.StaffUserFactory(role=Role.CONTACT_CENTRE, email="cc@dorsetcouncil.example")
    factories.StaffUserFactory(is_disabled=True, email="gone@dorsetcouncil.example")
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    emails = list(db.session.scalars(select(Message).where(Message.kind == MessageKind.APPROVAL_REQUEST)))
    assert sorted(m.recipient for m in emails) == sorted([other.email, third.email])
    email = emails[0]
    assert email.channel == Channel.EMAIL and email.priority == PRIORITY_CONFIRMATION and email.subscriber_id is None
    assert f"http://localhost/staff/notices/{notice.id}" in email.body
    assert notice.title in email.subject


def test_waiting_items_come_first_on_the_dashboard_of_officers_who_can_approve_them(
        client_request, officers, subscribers) -> None:
    author, other, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    sign_in(client_request, other)
    page = client_request.get("/staff/")
    first_heading = page.select("main h2")[0].get_text(strip=True)
    assert first_heading == "Waiting for your approval"
    assert page.soup.select_one("#waiting-for-you a")["href"] == f"/staff/notices/{notice.id}"
    sign_in(client_request, author)
    page = client_request.get("/staff/")
    assert page.soup.select_one("#waiting-for-you") is None


# The audience is counted only as far as the threshold -----------------------------------------------------------

def test_the_approval_check_counts_the_audience_only_up_to_the_threshold(factories) -> None:
    from alerts.data import fanouts
    for n in range(5):
        factories.SubscriberFactory(contact=f"r{n}@example.com", area_ids=["weymouth"])
    notice = factories.NoticeFactory(area_ids=["weymouth"])
    assert fanouts.audience_at_most(notice, limit=3) == 3
    assert fanouts.audience_at_most(notice, limit=10) == 5


# API tokens act for one named person ------------------------------------------------------------------------------

def test_create_api_token_acts_for_a_named_user_and_expires_after_the_days_given(runner, factories) -> None:
    officer = factories.StaffUserFactory(email="highways@dorsetcouncil.example")
    db.session.commit()
    result = runner.invoke(args=["create-api-token", "Highways", "--user", officer.email, "--days", "30"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    record = staff_data.api_token_for(token)
    assert record.staff_user_id == officer.id
    assert dt.timedelta(days=29, hours=23) < record.expires_at_utc - utc_now() <= dt.timedelta(days=30)
    result = runner.invoke(args=["create-api-token", "Highways", "--user", "nobody@dorsetcouncil.example"])
    assert result.exit_code != 0 and "no staff account" in result.output.lower()


def test_a_token_defaults_to_90_days(factories) -> None:
    created = staff_data.create_api_token("Highways", factories.StaffUserFactory())
    assert dt.timedelta(days=89) < created.record.expires_at_utc - utc_now() <= dt.timedelta(days=90)


def test_a_token_stops_working_when_it_expires_or_its_user_is_disabled_or_loses_the_role(client, factories) -> None:
    officer = factories.StaffUserFactory()
    headers = token_for(officer)
    assert client.post("/api/v1/notices", json={**API_NOTICE, "areas": ["bridport"]}, headers=headers).status_code \
        == 201
    staff_data.set_disabled(officer, True)
    db.session.commit()
    assert client.post("/api/v1/notices", json=API_NOTICE, headers=headers).status_code == 401
    staff_data.set_disabled(officer, False)
    staff_data.change_role(officer, Role.CONTACT_CENTRE)
    db.session.commit()
    assert client.post("/api/v1/notices", json=API_NOTICE, headers=headers).status_code == 403

    expired = _factories.StaffUserFactory()
    created = staff_data.create_api_token("Old", expired, days=1)
    created.record.expires_at_utc = utc_now() - dt.timedelta(seconds=1)
    db.session.commit()
    response = client.post("/api/v1/notices", json=API_NOTICE, headers={"Authorization": f"Bearer {created.token}"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_an_admin_picks_the_user_a_token_acts_for_and_sees_when_it_expires_and_was_last_used(
        client, client_request, sign_in_as, factories) -> None:
    officer = factories.StaffUserFactory(email="highways@dorsetcouncil.example")
    sign_in_as(Role.ADMIN)
    page = post_form(client_request, "/staff/api-tokens", {"name": "Highways", "user": str(officer.id), "days": "30"},
                     200, token_from="/staff/api-tokens")
    token = page.soup.select_one("#new-token code").get_text()
    client.post("/api/v1/notices", json={**API_NOTICE, "areas": ["bridport"]},
                headers={"Authorization": f"Bearer {token}"})
    page = client_request.get("/staff/api-tokens")
    row = page.select("#tokens tbody tr")[0].get_text(" ", strip=True)
    assert "highways@dorsetcouncil.example" in row and "Never" not in row
    page = post_form(client_request, "/staff/api-tokens", {"name": "", "user": "", "days": "0"}, 400,
                     token_from="/staff/api-tokens")
    assert "Select the person this token acts for" in page.error_summary()


def test_the_openapi_document_describes_approval(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    approve = document["paths"]["/api/v1/notices/{notice_id}/approve"]["post"]
    assert {"200", "403"} <= set(approve["responses"])
    assert "202" in document["paths"]["/api/v1/notices/{notice_id}/updates"]["post"]["responses"]



def test_the_officer_whose_token_asked_for_an_update_cannot_approve_it_in_the_pages(
        client, client_request, officers, subscribers) -> None:
    holder, other, _ = officers
    headers = token_for(holder)
    notice_id = client.post("/api/v1/notices", json={**API_NOTICE, "notify": False}, headers=headers).json["id"]
    assert client.post(f"/api/v1/notices/{notice_id}/updates", json={"summary": "Tell everyone."},
                       headers=headers).status_code == 202
    sign_in(client_request, holder)
    post_form(client_request, f"/staff/notices/{notice_id}/approve", {}, expected_status=409)
    notice = db.session.get(Notice, notice_id)
    assert alerts_for(notice) == [] and notice.pending_update is not None
    sign_in(client_request, other)
    post_form(client_request, f"/staff/notices/{notice_id}/approve", {})
    assert len(alerts_for(fresh(notice))) == 2


def test_withdrawing_an_update_waiting_for_approval_sends_nothing(client_request, officers, subscribers) -> None:
    author, _, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"], notify="")
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    post_form(client_request, f"/staff/notices/{notice.id}/update", {"summary": "Oops.", "advice": "", "notify": "y"},
              token_from=f"/staff/notices/{notice.id}/update")
    post_form(client_request, f"/staff/notices/{notice.id}/cancel", {})
    notice = fresh(notice)
    assert notice.status == NoticeStatus.ACTIVE and notice.pending_update is None and alerts_for(notice) == []


def test_a_disabled_officer_or_the_contact_centre_cannot_approve(client_request, officers, factories,
                                                                 subscribers) -> None:
    author, _, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    notice = fresh(notice)
    assert not publishing.may_approve(notice, factories.StaffUserFactory(is_disabled=True))
    assert not publishing.may_approve(notice, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    assert publishing.may_approve(notice, factories.StaffUserFactory(role=Role.ADMIN))


def test_the_approval_check_reads_the_kept_counts_not_the_subscriptions(app, factories) -> None:
    from sqlalchemy import event

    from alerts.data import notice_lifecycle
    notice = factories.NoticeFactory(area_ids=["weymouth"], status=NoticeStatus.DRAFT)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        assert notice_lifecycle.needs_approval(notice, 4) is False
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    # A count of the subscriptions grows with them; the kept counts do not (alerts/data/kept_audience.py).
    assert any("audience_counts" in s for s in statements)
    assert not any(" subscriptions" in s or " subscribers" in s for s in statements)


def test_an_approval_from_a_page_opened_before_the_notice_was_changed_and_asked_again_is_refused(
        client, client_request, officers, subscribers) -> None:
    author, approver, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    sign_in(client_request, approver)
    page = client_request.get(f"/staff/notices/{notice.id}")
    seen = page.soup.select_one(f"form[action='/staff/notices/{notice.id}/approve'] input[name=seen]")["value"]
    assert seen

    notice = fresh(notice)  # meanwhile the author changes it and asks again (here through the service directly)
    from alerts.data.notice_lifecycle import NoticeDraft
    from alerts.models import Impact
    actor = publishing.Actor(user_id=author.id, name=author.email)
    publishing.edit_draft(notice, NoticeDraft(title="Something else entirely", service_id="bins-and-recycling",
                                              area_ids=["whole-county"], impact=Impact.SEVERE, summary="Changed."),
                          actor)
    publishing.request_publication(fresh(notice), actor)

    page = post_form(client_request, f"/staff/notices/{notice.id}/approve", {"seen": seen}, expected_status=409)
    assert page.error_summary() == ["This notice changed after you opened it. Check it again before approving it."]
    assert fresh(notice).status == NoticeStatus.AWAITING_APPROVAL


def test_the_dispatcher_sends_the_approval_request_through_notify_ahead_of_the_alerts(
        app, client_request, officers) -> None:
    import responses
    from responses import matchers

    from alerts.delivery.allowance import reset_allowance
    from alerts.delivery.app_gateway import reset_gateway
    from alerts.delivery.dispatcher import Dispatcher
    from tests.delivery.conftest import API_KEY, EMAIL_URL, accepted

    author, other, third = officers
    staff_data.set_disabled(third, True)
    db.session.commit()
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    message = db.session.scalar(select(Message).where(Message.kind == MessageKind.APPROVAL_REQUEST))
    assert message.status == "queued", "queued in the request, never sent from it"

    previous = {name: app.config[name] for name in ("NOTIFY_API_KEY", "NOTIFY_RATE_LIMIT_PER_MINUTE")}
    app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_RATE_LIMIT_PER_MINUTE=600_000)
    reset_gateway(app)
    reset_allowance(app)
    body = (f"{author.email} has asked to send a notice to the whole county: \"Bin collections suspended in "
            "Weymouth\".\n\nNothing is published or sent until an officer other than whoever wrote, changed or "
            "asked to send it approves it. Check it and approve it, or cancel it:\n\n"
            f"http://localhost/staff/notices/{notice.id}")
    try:
        with responses.RequestsMock() as mock:
            mock.post(EMAIL_URL, status=201, json=accepted(message.id), match=[matchers.json_params_matcher({
                "email_address": other.email, "template_id": app.config["NOTIFY_EMAIL_TEMPLATE_ID"],
                "personalisation": {"subject": "Approval needed: Bin collections suspended in Weymouth",
                                    "body": body},
                "reference": message.id})])
            dispatcher = Dispatcher(app, concurrency=1)
            try:
                dispatcher.run_batch()
            finally:
                dispatcher.close()
    finally:
        app.config.update(previous)
        reset_gateway(app)
        reset_allowance(app)
    db.session.expire_all()
    assert db.session.get(Message, message.id).status == "sent"


def test_the_edit_page_warns_that_a_change_withdraws_the_request(client_request, officers, subscribers) -> None:
    author, _, _ = officers
    sign_in(client_request, author)
    notice = create_draft(client_request, areas=["whole-county"])
    assert client_request.get(f"/staff/notices/{notice.id}/edit").soup.select_one("#withdraws-request") is None
    post_form(client_request, f"/staff/notices/{notice.id}/publish", {"when": "now"})
    page = client_request.get(f"/staff/notices/{notice.id}/edit")
    assert "Saving a change withdraws the request" in page.soup.select_one("#withdraws-request").get_text()


def test_an_admin_who_made_a_token_cannot_approve_what_it_asked_to_send_directly_or_through_another_token(
        client, client_request, sign_in_as, officers, subscribers) -> None:
    officer_b, officer_c, officer_d = officers
    admin = sign_in_as(Role.ADMIN)

    def token_made_on_the_page(user: StaffUser) -> dict[str, str]:
        page = post_form(client_request, "/staff/api-tokens", {"name": "Mine", "user": str(user.id), "days": "1"},
                         200, token_from="/staff/api-tokens")
        return {"Authorization": f"Bearer {page.soup.select_one('#new-token code').get_text()}"}

    as_b, as_c = token_made_on_the_page(officer_b), token_made_on_the_page(officer_c)
    notice_id = client.post("/api/v1/notices", json=API_NOTICE, headers=as_b).json["id"]
    post_form(client_request, f"/staff/notices/{notice_id}/approve", {}, expected_status=409)
    assert client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=as_c).status_code == 403
    assert admin.email not in [m.recipient for m in db.session.scalars(
        select(Message).where(Message.kind == MessageKind.APPROVAL_REQUEST))]

    sign_in(client_request, officer_d)
    post_form(client_request, f"/staff/notices/{notice_id}/approve", {})
    assert db.session.get(Notice, notice_id).status == NoticeStatus.ACTIVE

    # The same holds for an update with alerts on asked through the admin's token.
    assert client.post(f"/api/v1/notices/{notice_id}/updates", json={"summary": "More."}, headers=as_b).status_code \
        == 202
    sign_in(client_request, admin)
    post_form(client_request, f"/staff/notices/{notice_id}/approve", {}, expected_status=409)
    assert client.post(f"/api/v1/notices/{notice_id}/approve", json={}, headers=as_c).status_code == 403
