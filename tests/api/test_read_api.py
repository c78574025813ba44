from alerts.models import Impact, NoticeStatus


def test_notices_for_a_postcode_come_back_as_json_in_the_contract_shape(client, factories) -> None:
    notice = factories.NoticeFactory(title="Bins suspended", area_ids=["weymouth", "portland"], impact=Impact.SEVERE)
    factories.NoticeFactory(title="Sherborne school", area_ids=["sherborne"])

    response = client.get("/api/v1/notices?postcode=DT4%207TA")

    assert response.status_code == 200
    body = response.json
    assert [n["title"] for n in body["notices"]] == ["Bins suspended"]
    first = body["notices"][0]
    assert set(first) >= {"id", "title", "service", "areas", "impact", "status", "starts_at", "expected_end_at",
                          "summary", "advice", "updates", "updated_at"}
    assert first["id"] == notice.id
    assert first["service"] == {"id": "bins-and-recycling", "name": "Bins and recycling"}
    assert [a["id"] for a in first["areas"]] == ["weymouth", "portland"]
    assert first["updated_at"].endswith("+00:00")
    assert body["links"]["self"].startswith("http://localhost/api/v1/notices")


def test_notices_filter_by_area_service_and_status(client, factories) -> None:
    factories.NoticeFactory(title="Active bins", area_ids=["dorchester"])
    factories.NoticeFactory(title="Active library", service_id="libraries", area_ids=["dorchester"])
    factories.NoticeFactory(title="Resolved bins", status=NoticeStatus.RESOLVED, area_ids=["dorchester"])
    factories.NoticeFactory(title="A draft", status=NoticeStatus.DRAFT, area_ids=["dorchester"])

    def titles(query: str) -> list[str]:
        return sorted(n["title"] for n in client.get(f"/api/v1/notices?{query}").json["notices"])

    assert titles("area=dorchester") == ["Active bins", "Active library"]
    assert titles("area=dorchester&service=libraries") == ["Active library"]
    assert titles("status=resolved") == ["Resolved bins"]
    assert titles("status=all") == ["Active bins", "Active library", "Resolved bins"]


def test_notices_are_paginated_with_links(app, client, factories) -> None:
    app.config["API_PAGE_SIZE"] = 2
    try:
        for _ in range(5):
            factories.NoticeFactory()
        first = client.get("/api/v1/notices").json
        assert len(first["notices"]) == 2 and first["total"] == 5
        assert "page=2" in first["links"]["next"] and "prev" not in first["links"]
        last = client.get("/api/v1/notices?page=3").json
        assert len(last["notices"]) == 1 and "next" not in last["links"]
    finally:
        app.config["API_PAGE_SIZE"] = 50


def test_bad_filters_are_problem_json_naming_each_field(client) -> None:
    response = client.get("/api/v1/notices?postcode=nonsense&area=atlantis&service=moon&status=maybe&page=0")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {
        "postcode": "Enter a full UK postcode, like DT1 1XJ",
        "area": "Unknown area 'atlantis': see /api/v1/areas",
        "service": "Unknown service 'moon': see /api/v1/services",
        "status": "Status must be one of active, resolved or all",
        "page": "Page must be a whole number from 1 to 10000",
    }


def test_a_page_beyond_the_bound_is_refused_not_sent_to_the_database(client) -> None:
    response = client.get("/api/v1/notices?page=99999999999999999999999")
    assert response.status_code == 422
    assert response.json["errors"] == {"page": "Page must be a whole number from 1 to 10000"}


def test_a_postcode_outside_the_area_is_a_clear_422(client) -> None:
    response = client.get("/api/v1/notices?postcode=BH1+1AA")
    assert response.status_code == 422
    assert response.json["errors"]["postcode"] == "BH1 1AA is outside Dorset Council's area"


def test_one_notice_and_a_missing_one(client, factories) -> None:
    notice = factories.NoticeFactory(title="Gritting")
    assert client.get(f"/api/v1/notices/{notice.id}").json["title"] == "Gritting"
    missing = client.get("/api/v1/notices/424242")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_areas_services_and_status(client, factories) -> None:
    areas = client.get("/api/v1/areas").json["areas"]
    assert {"id": "weymouth", "name": "Weymouth", "kind": "town"} in areas
    services = client.get("/api/v1/services").json["services"]
    assert {"id": "schools", "name": "Schools"} in services
    factories.NoticeFactory()
    status = client.get("/api/v1/status")
    assert status.json == {"active_notices": 1, "by_service": {"bins-and-recycling": 1}, "disruption": True}
    assert status.headers["Access-Control-Allow-Origin"] == "*"


def test_reads_send_an_etag_and_answer_a_matching_conditional_request_with_304(client, factories) -> None:
    notice = factories.NoticeFactory()
    first = client.get("/api/v1/notices")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    assert client.get("/api/v1/notices", headers={"If-None-Match": etag}).status_code == 304

    notice.summary = "Changed"
    factories.NoticeFactory._meta.sqlalchemy_session_factory().commit()
    changed = client.get("/api/v1/notices", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_unknown_api_urls_are_problem_json(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_the_openapi_document_is_valid_openapi_3_1(client) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/notices" in document["paths"]


def test_a_page_written_with_a_superscript_digit_is_refused_not_a_500(client) -> None:
    # Found by schemathesis: "²".isdigit() is true, but int("²") raises.
    response = client.get("/api/v1/notices?page=%C2%B2")
    assert response.status_code == 422
    assert response.json["errors"]["page"] == "Page must be a whole number from 1 to 10000"


def test_an_empty_page_is_refused_as_the_contract_says_a_page_is_a_whole_number(client) -> None:
    response = client.get("/api/v1/notices?page=")
    assert response.status_code == 422
    assert response.json["errors"]["page"] == "Page must be a whole number from 1 to 10000"
