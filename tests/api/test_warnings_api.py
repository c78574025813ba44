from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient

from alerts.extensions import db
from alerts.models import WeatherWarning, utc_now


def a_warning(warning_id: str, *, is_current: bool = True, ends_in_hours: float = 12) -> WeatherWarning:
    now = utc_now().replace(microsecond=0)
    warning = WeatherWarning(
        id=warning_id, level="yellow", hazards=["snow", "ice"],
        title="Yellow warning of snow, ice affecting South West England",
        description="Yellow warning of snow, ice affecting South West England: Devon, Dorset valid from …",
        areas=["Devon", "Dorset"], link=f"https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings#?id={warning_id}",
        valid_from_utc=now - dt.timedelta(hours=1), valid_to_utc=now + dt.timedelta(hours=ends_in_hours),
        is_current=is_current,
    )
    db.session.add(warning)
    db.session.commit()
    return warning


def test_current_weather_warnings_are_listed_in_the_contract_shape(client: FlaskClient) -> None:
    warning = a_warning("0c6b9a57")
    a_warning("withdrawn", is_current=False)
    a_warning("already-over", ends_in_hours=-0.5)

    response = client.get("/api/v1/warnings")

    assert response.status_code == 200
    assert response.json["links"]["self"] == "http://localhost/api/v1/warnings"
    (listed,) = response.json["warnings"]
    assert listed == {
        "id": "0c6b9a57",
        "level": "yellow",
        "hazards": ["snow", "ice"],
        "title": "Yellow warning of snow, ice affecting South West England",
        "description": warning.description,
        "areas": ["Devon", "Dorset"],
        "valid_from": warning.valid_from_utc.isoformat(),
        "valid_to": warning.valid_to_utc.isoformat(),
        "link": warning.link,
        "updated_at": listed["updated_at"],
    }
    assert listed["valid_to"].endswith("+00:00")


def test_no_warnings_is_an_empty_list(client: FlaskClient) -> None:
    assert client.get("/api/v1/warnings").json["warnings"] == []


def test_the_openapi_document_describes_warnings(client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["paths"]["/api/v1/warnings"]["get"]["operationId"] == "listWarnings"
    assert "Warning" in document["components"]["schemas"]
