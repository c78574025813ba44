"""Insight on how the council responds: calls beside notices, feedback per notice and service, time from a warning
to the first notice, and the open statistics' feedback and calls."""

from __future__ import annotations

from alerts.data import calls as call_data
from alerts.data import feedback as feedback_data
from alerts.extensions import db
from alerts.models import Role


def _answers(notice, yes: int, no: int) -> None:
    for _ in range(yes):
        feedback_data.count_answer(notice.id, feedback_data.Answer.YES, feedback_data.AskedOn.PAGE)
    for _ in range(no):
        feedback_data.count_answer(notice.id, feedback_data.Answer.NO, feedback_data.AskedOn.EMAIL)
    db.session.commit()


def test_a_manager_sees_calls_beside_notices_and_feedback_per_notice_and_service(client_request, sign_in_as,
                                                                                factories):
    sign_in_as(Role.MANAGER)
    bins = factories.NoticeFactory(title="Bins suspended")
    _answers(bins, 3, 1)
    call_data.count_call("bins-and-recycling", bins.id, call_data.CallOutcome.ANSWERED)
    call_data.count_call("roads-and-gritting", None, call_data.CallOutcome.PASSED_ON)
    db.session.commit()

    page = client_request.get("/staff/insight")

    def rows(name: str) -> list[list[str]]:
        return [[cell.get_text(strip=True) for cell in row.select("th, td")]
                for row in page.soup.select(f"#{name}-table tbody tr")]

    [today_row] = rows("calls-and-notices")
    assert today_row[1:] == ["1", "2"]
    assert rows("feedback-by-notice") == [["Bins suspended", "Bins and recycling", "3", "1"]]
    assert ["Bins and recycling", "3", "1"] in rows("feedback-by-service")
    assert ["Roads and gritting", "0", "0", "1", "1"] in rows("calls-by-service")
    csv_text = client_request.client.get("/staff/insight/feedback-by-notice.csv").get_data(as_text=True)
    assert csv_text.splitlines() == ["Notice,Service,Useful,Not useful", "Bins suspended,Bins and recycling,3,1"]


def test_open_statistics_give_feedback_and_calls_by_month_and_service_suppressing_small_counts(client, factories):
    bins = factories.NoticeFactory()
    _answers(bins, 12, 2)
    for _ in range(11):
        call_data.count_call("bins-and-recycling", bins.id, call_data.CallOutcome.ANSWERED)
    db.session.commit()

    body = client.get("/api/v1/statistics").get_json()

    [feedback] = body["feedback"]
    assert feedback["service"]["id"] == "bins-and-recycling"
    assert feedback["useful"] == {"count": 12, "suppressed": False}
    assert feedback["not_useful"] == {"count": None, "suppressed": True}
    [calls] = body["calls"]
    assert calls["answered"] == {"count": 11, "suppressed": False}
    assert calls["signed_up"] == {"count": None, "suppressed": True}
