"""A council that writes only in English takes plain strings, as always, and refuses the two-language form."""

from alerts.extensions import db
from alerts.models import Notice
from tests.api.test_officer_api import NOTICE, make_token


def test_a_two_language_text_is_refused_naming_the_field(client) -> None:
    body = {**NOTICE, "summary": {"cy": "Mae'r graeanwyr allan heno.", "en": "Gritters are out tonight."}}
    response = client.post("/api/v1/notices", json=body, headers=make_token())
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"summary": "summary must be a string: this council writes only in English"}
    assert db.session.query(Notice).count() == 0


def test_the_openapi_document_asks_for_plain_strings(client) -> None:
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["NewNotice"]["properties"]
    assert schema["title"] == {"type": "string", "maxLength": 200} and schema["summary"] == {"type": "string"}
