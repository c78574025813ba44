"""The contact centre counts its calls in two clicks: what the call was about (a notice or a service) and how it
ended. Only counts are kept: nothing about the caller."""

from __future__ import annotations

from sqlalchemy import select

from alerts.data import calls as call_data
from alerts.data.insight import today
from alerts.extensions import db
from alerts.models import AuditEvent, InsightCount, Role
from tests.staff.conftest import csrf_token, post_form


def _calls() -> dict[str, int]:
    return dict(db.session.execute(select(InsightCount.key, InsightCount.count)
                                   .where(InsightCount.metric == "call")).tuples().all())


def test_the_caller_page_offers_one_button_per_outcome_on_each_notice(client_request, sign_in_as, factories):
    sign_in_as(Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory(title="Weymouth bins", area_ids=["weymouth"])
    page = client_request.get("/staff/lookup?postcode=dt4+7ta")
    form = page.soup.select_one(f"form#log-call-{notice.id}")
    assert form is not None and form["method"] == "post" and form["action"] == "/staff/calls"
    assert form.select_one(f"input[name=subject][value='notice:{notice.id}']")
    assert [b["value"] for b in form.select("button[name=outcome]")] == ["answered", "signed_up", "passed_on"]
    assert [b.get_text(" ", strip=True) for b in form.select("button[name=outcome]")] == [
        "Answered from the notice Weymouth bins", "Signed up Weymouth bins", "Passed to the service Weymouth bins"]


def test_logging_a_call_from_a_notice_counts_it_for_the_notice_and_its_service(client_request, sign_in_as, factories):
    sign_in_as(Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory(area_ids=["weymouth"])
    back = "/staff/lookup?postcode=DT4+7TA"
    response = post_form(client_request, "/staff/calls",
                         {"subject": f"notice:{notice.id}", "outcome": "answered", "next": back})
    assert response.headers["Location"] == back
    assert _calls() == {f"bins-and-recycling|{notice.id}|answered": 1}
    page = client_request.get(back)
    assert "Call logged: answered from the notice" in page.text
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("call%"))).all(), \
        "counts only: no audit event names the agent against a caller"


def test_the_dashboard_logs_a_call_about_a_service_in_two_clicks(client_request, sign_in_as):
    sign_in_as(Role.CONTACT_CENTRE)
    page = client_request.get("/staff/")
    form = page.soup.select_one("form#log-call")
    assert form is not None
    options = [o["value"] for o in form.select("select[name=subject] option")]
    assert "service:roads-and-gritting" in options
    post_form(client_request, "/staff/calls", {"subject": "service:roads-and-gritting", "outcome": "passed_on",
                                               "next": "/staff/"})
    post_form(client_request, "/staff/calls", {"subject": "service:roads-and-gritting", "outcome": "passed_on"})
    assert _calls() == {"roads-and-gritting||passed_on": 2}
    assert call_data.calls_per_day(today(), today()) == {today(): 2}


def test_a_call_about_nothing_we_know_is_an_error_not_a_count(client_request, sign_in_as):
    sign_in_as(Role.CONTACT_CENTRE)
    for subject, outcome in (("service:made-up", "answered"), ("notice:999999", "answered"),
                             ("service:roads-and-gritting", "shouted"), ("", "")):
        post_form(client_request, "/staff/calls", {"subject": subject, "outcome": outcome}, expected_status=400)
    assert _calls() == {}


def test_only_the_contact_centre_and_admins_log_calls_and_only_with_a_token(client_request, sign_in_as):
    sign_in_as(Role.MANAGER)
    token = csrf_token(client_request, "/staff/sign-out")
    response = client_request.client.post("/staff/calls", data={"subject": "service:roads-and-gritting",
                                                                "outcome": "answered", "csrf_token": token})
    assert response.status_code == 403
    sign_in_as(Role.CONTACT_CENTRE)
    response = client_request.client.post("/staff/calls", data={"subject": "service:roads-and-gritting",
                                                                "outcome": "answered"})
    assert response.status_code == 400
    assert _calls() == {}


def test_an_outside_next_address_is_ignored(client_request, sign_in_as):
    sign_in_as(Role.CONTACT_CENTRE)
    response = post_form(client_request, "/staff/calls", {"subject": "service:roads-and-gritting",
                                                          "outcome": "answered", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/staff/"
