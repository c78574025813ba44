"""schemathesis sends generated requests, valid and deliberately invalid, to every operation of /api/v1/openapi.json.

In-process over WSGI against the test app. Every response must conform to the schema, no input may cause a 500,
and every 4xx must be problem+json. Notices exist so that the 200 responses have bodies worth checking.

(schemathesis.pytest.from_fixture does not work with pytest 9, so each operation's Hypothesis strategy is used
directly; the operations come from the same openapi_document() the endpoint serves, so a new one is tested at once.)
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from alerts.api.openapi import openapi_document
from config.council import DEFAULT_COUNCIL, load_council
from tests import factories

_PATHS = openapi_document(load_council(DEFAULT_COUNCIL))["paths"]
OPERATIONS = [(path, method) for path, methods in _PATHS.items() for method in methods]
# Invalid input can only be made up for an operation that takes some.
CASES = [(path, method, mode) for path, method in OPERATIONS for mode in GenerationMode
         if mode == GenerationMode.POSITIVE or _PATHS[path][method].get("parameters")]


def check_response(case: schemathesis.Case) -> None:
    # A schema-valid string can still name no known area, service or postcode: that is a 422 with the reason, which
    # is right, so the "schema-valid requests are accepted" check is left out. Every other check runs.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500, response.text
    if 400 <= response.status_code < 500:
        content_type = {name.lower(): values for name, values in response.headers.items()}["content-type"]
        assert content_type[0].startswith("application/problem+json"), response.headers
        body = response.json()
        assert body["status"] == response.status_code and body["title"]


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{m.upper()} {p} {g}" for p, m, g in CASES])
def test_the_api_answers_any_request_within_its_contract(app: Flask, path: str, method: str,
                                                         mode: GenerationMode) -> None:
    factories.NoticeFactory(area_ids=["weymouth"])
    factories.NoticeFactory(area_ids=["whole-county"])
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: schemathesis.Case) -> None:
        check_response(case)

    run()


@pytest.mark.parametrize("url", ["/api/v1/notices/8426688807899114851744645906432", "/api/v1/notices/2147483648",
                                 "/notices/8426688807899114851744645906432", "/notices/0"])
def test_a_notice_id_too_large_for_the_database_is_simply_not_found(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/notices?area=weymouth%00", "/api/v1/notices?service=%00",
                                 "/api/v1/notices?postcode=DT4%00"])
def test_a_nul_character_is_a_bad_request_not_a_database_error(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_nul_character_in_a_page_request_gets_a_plain_400(client: FlaskClient) -> None:
    assert client.get("/notices?postcode=DT4%007TA").status_code == 400
