from openapi_spec_validator import validate
from sqlalchemy import func, select

from alerts.data import outbox_claims
from alerts.data import staff as staff_data
from alerts.extensions import db
from alerts.models import AuditEvent, Channel, Message, MessageStatus, Notice, NoticeStatus, Role
from tests.factories import StaffUserFactory

NOTICE = {"title": "Gritting on the A35", "service": "roads-and-gritting", "areas": ["bridport"], "impact": "minor",
          "summary": "Gritters are out tonight.", "advice": "Drive carefully."}


def make_token(role: Role = Role.OFFICER) -> dict[str, str]:
    created = staff_data.create_api_token("Highways", StaffUserFactory(role=role))
    db.session.commit()
    return {"Authorization": f"Bearer {created.token}"}


def test_a_token_publishes_updates_and_resolves_a_notice(client, factories) -> None:
    headers = make_token()
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["bridport"])
    response = client.post("/api/v1/notices", json=NOTICE, headers=headers)
    assert response.status_code == 201, response.json
    notice_id = response.json["id"]
    assert response.json["status"] == "active"
    assert client.get(f"/api/v1/notices/{notice_id}").json["title"] == "Gritting on the A35"
    [first] = db.session.scalars(select(Message)).all()
    outbox_claims.record_sent(first.id, "notify-1", local_outbox=False)  # the dispatcher sent the first text

    response = client.post(f"/api/v1/notices/{notice_id}/updates", json={"summary": "Still icy."}, headers=headers)
    assert response.status_code == 201 and response.json["updates"][-1]["summary"] == "Still icy."
    response = client.post(f"/api/v1/notices/{notice_id}/resolve", json={"summary": "Roads clear."}, headers=headers)
    assert response.status_code == 200 and response.json["status"] == "resolved"
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2  # publish text, resolve text
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["notice.publish_requested", "notice.updated", "notice.resolved"]
    assert db.session.scalar(select(AuditEvent.actor)) == "api token: Highways"


def test_a_notice_resolved_through_the_api_before_its_first_text_went_texts_nobody_that_it_is_over(
        client, factories) -> None:
    headers = make_token()
    factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900001", area_ids=["bridport"])
    notice_id = client.post("/api/v1/notices", json=NOTICE, headers=headers).json["id"]
    response = client.post(f"/api/v1/notices/{notice_id}/resolve", json={"summary": "Roads clear."}, headers=headers)
    assert response.status_code == 200 and response.json["status"] == "resolved"
    db.session.expire_all()
    [first] = db.session.scalars(select(Message)).all()
    assert (first.status, first.last_error) == (
        MessageStatus.SKIPPED, "Not sent: the notice was resolved before this message could go")


def test_a_county_wide_notice_through_the_api_waits_for_approval(client, factories) -> None:
    factories.SubscriberFactory()
    response = client.post("/api/v1/notices", json={**NOTICE, "areas": ["whole-county"]}, headers=make_token())
    assert response.status_code == 202 and response.json["status"] == "awaiting_approval"
    assert db.session.get(Notice, response.json["id"]).status == NoticeStatus.AWAITING_APPROVAL
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_no_token_a_revoked_token_or_the_wrong_role_is_refused_as_problem_json(client) -> None:
    response = client.post("/api/v1/notices", json=NOTICE)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    created = staff_data.create_api_token("Old", StaffUserFactory())
    staff_data.revoke_api_token(created.record)
    db.session.commit()
    assert client.post("/api/v1/notices", json=NOTICE,
                       headers={"Authorization": f"Bearer {created.token}"}).status_code == 401
    response = client.post("/api/v1/notices", json=NOTICE, headers=make_token(Role.CONTACT_CENTRE))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_invalid_fields_are_listed_in_a_422(client) -> None:
    response = client.post("/api/v1/notices", headers=make_token(),
                           json={"title": "", "service": "nope", "areas": ["atlantis"], "impact": "mild",
                                 "summary": "x", "starts_at": "tomorrow", "notify": "yes"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"title", "service", "areas", "impact", "starts_at", "notify"}
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_a_token_records_when_it_was_last_used(client) -> None:
    headers = make_token()
    client.post("/api/v1/notices", json=NOTICE, headers=headers)
    assert staff_data.list_api_tokens()[0].last_used_at_utc is not None


def test_the_openapi_document_describes_the_officer_api_and_is_valid(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert "post" in document["paths"]["/api/v1/notices"]
    assert "/api/v1/notices/{notice_id}/resolve" in document["paths"]
