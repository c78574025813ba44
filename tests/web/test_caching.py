"""The rendered-copy cache and conditional reads: fast in a storm, never stale, never shared across visitors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, flash, request_started, session, template_rendered
from flask.testing import FlaskClient

from alerts.data import notices as notice_data
from alerts.extensions import db
from alerts.models import NoticeUpdate, UpdateKind, utc_now
from alerts.web import caching
from alerts.web.caching import RenderedCache, cached_page, rendered_cache

NOTICES_PAGE = "/notices?postcode=DT4+7TA"
CACHED_PAGES = ["/", NOTICES_PAGE, "/notices/{id}"]


@contextmanager
def templates_rendered(app: Flask) -> Iterator[list[str]]:
    names: list[str] = []

    def record(sender: Flask, template: object, context: dict, **extra: object) -> None:
        names.append(getattr(template, "name", "?"))

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


@pytest.fixture
def notice(factories):
    return factories.NoticeFactory(area_ids=["weymouth"], title="Bins not collected in Weymouth")


@pytest.mark.parametrize("url", CACHED_PAGES)
def test_a_resident_page_is_rendered_once_and_then_served_from_its_copy(app: Flask, client: FlaskClient, notice,
                                                                         url: str) -> None:
    url = url.format(id=notice.id)
    first = client.get(url)
    with templates_rendered(app) as rendered:
        again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert rendered == []
    assert "Set-Cookie" not in again.headers
    assert "Cookie" in again.headers["Vary"]
    assert first.get_data() == again.get_data()


@pytest.mark.parametrize("url", [*CACHED_PAGES, "/accessibility", "/privacy", "/cookies"])
def test_an_anonymous_public_page_is_the_same_for_everyone_and_a_cdn_may_keep_it_briefly(
        client: FlaskClient, notice, url: str) -> None:
    url = url.format(id=notice.id)
    responses = [client.get(url) for _ in range(3)]

    assert {response.get_data() for response in responses} == {responses[0].get_data()}, "no per-response nonce"
    assert {response.headers["Content-Security-Policy"] for response in responses} == {
        responses[0].headers["Content-Security-Policy"]}
    for response in responses:
        assert response.status_code == 200
        assert response.cache_control.public
        assert response.cache_control.s_maxage == 60
        assert response.cache_control.max_age == 0, "browsers ask again; the CDN answers"
        assert "Set-Cookie" not in response.headers
        assert "Cookie" in response.headers["Vary"]


def test_an_update_to_a_notice_shows_on_the_next_request(client: FlaskClient, notice) -> None:
    assert "Bins not collected in Weymouth" in client.get(NOTICES_PAGE).get_data(as_text=True)

    notice.title = "Bins collected late in Weymouth"
    notice.version += 1
    db.session.commit()
    page = client.get(NOTICES_PAGE).get_data(as_text=True)

    assert "Bins collected late in Weymouth" in page
    assert "Bins not collected in Weymouth" not in page


def test_a_new_notice_shows_on_the_start_page_at_once(client: FlaskClient, factories) -> None:
    assert "Winter weather is causing disruption" not in client.get("/").get_data(as_text=True)
    assert "There is disruption to" not in client.get("/").get_data(as_text=True)

    factories.NoticeFactory(area_ids=["weymouth"])

    assert "There is disruption to 1 service in Dorset." in client.get("/").get_data(as_text=True)


def test_a_resolved_notice_leaves_the_cached_notices_page_at_once(client: FlaskClient, notice) -> None:
    assert "Bins not collected in Weymouth" in client.get(NOTICES_PAGE).get_data(as_text=True)

    notice.status = "resolved"
    db.session.commit()

    assert "Bins not collected in Weymouth" not in client.get(NOTICES_PAGE).get_data(as_text=True)


def test_a_visitor_with_a_session_gets_a_fresh_page_which_is_not_kept(app: Flask, client: FlaskClient,
                                                                       notice) -> None:
    client.set_cookie("session", "anything")
    with templates_rendered(app) as rendered:
        client.get(NOTICES_PAGE)
        client.get(NOTICES_PAGE)

    assert rendered.count("public/notices.html") == 2
    assert len(rendered_cache(app)) == 0


@pytest.mark.parametrize("touch", [lambda: flash("Saved"), lambda: session.update(csrf_token="secret")],
                         ids=["flashed message", "CSRF token"])
def test_a_page_whose_view_touched_the_session_is_not_kept(app: Flask, touch) -> None:
    def view() -> str:
        touch()
        return "<p>For one visitor only</p>"

    def shared_view() -> str:
        return "<p>For everyone</p>"

    with app.test_request_context("/for-one"):
        cached_page(view)()
    assert len(rendered_cache(app)) == 0
    with app.test_request_context("/for-everyone"):
        cached_page(shared_view)()
    assert len(rendered_cache(app)) == 1


def test_a_missing_notice_is_not_kept_by_anyone(client: FlaskClient) -> None:
    response = client.get("/notices/999")

    assert response.status_code == 404
    assert response.cache_control.no_store and not response.cache_control.public


def test_a_public_page_for_a_visitor_with_a_session_is_not_kept_by_anyone(client: FlaskClient, notice) -> None:
    client.set_cookie("session", "anything")

    response = client.get(NOTICES_PAGE)

    assert response.status_code == 200
    assert response.cache_control.no_store and not response.cache_control.public


@pytest.mark.parametrize("url", ["/subscribe", "/manage", "/staff/sign-in", "/staff/", "/manage/not-a-token",
                                 "/notices?postcode=nonsense"])
def test_journeys_staff_pages_and_errors_are_never_stored(client: FlaskClient, url: str) -> None:
    response = client.get(url)

    assert response.cache_control.no_store, (url, response.status_code)
    assert not response.cache_control.public


def test_a_form_carrying_a_token_for_one_visitor_is_never_public(client: FlaskClient) -> None:
    response = client.get("/subscribe")
    if response.status_code in (301, 302, 303):
        response = client.get(response.headers["Location"])

    assert 'name="csrf_token"' in response.get_data(as_text=True) or response.status_code != 200
    assert response.cache_control.no_store and not response.cache_control.public


@pytest.mark.parametrize("url", ["/api/v1/notices", "/feeds/notices.atom", "/api/v1/areas"])
def test_open_data_reads_keep_their_own_public_caching(client: FlaskClient, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert response.cache_control.public and (response.cache_control.max_age or 0) > 0
    assert not response.cache_control.no_store


def test_an_invalid_postcode_is_answered_fresh_each_time(app: Flask, client: FlaskClient) -> None:
    with templates_rendered(app) as rendered:
        assert client.get("/notices?postcode=nonsense").status_code == 400
        assert client.get("/notices?postcode=nonsense").status_code == 400
    assert rendered.count("public/start.html") == 2


@pytest.mark.parametrize("url", ["/api/v1/notices", "/embed/banner", "/feeds/notices.atom"])
def test_a_conditional_request_is_answered_without_running_the_view(app: Flask, client: FlaskClient, notice,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     url: str) -> None:
    etag = client.get(url).headers["ETag"]
    rendered_cache(app).clear()

    def no_queries(*args: object, **kwargs: object) -> None:
        raise AssertionError("a 304 must not read the notices")

    monkeypatch.setattr(notice_data, "list_public_notices", no_queries)
    monkeypatch.setattr(notice_data, "has_active_notices", no_queries)
    with templates_rendered(app) as rendered:
        again = client.get(url, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    assert rendered == []


def test_the_banner_and_status_keep_their_cross_origin_headers_on_a_304(client: FlaskClient, notice) -> None:
    for url in ("/embed/banner", "/api/v1/status"):
        etag = client.get(url).headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert "frame-ancestors" in client.get("/embed/banner", headers={"If-None-Match": etag}).headers[
        "Content-Security-Policy"]


def test_a_new_update_changes_the_api_etag_and_body_at_once(client: FlaskClient, notice) -> None:
    first = client.get("/api/v1/notices")

    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="Crews are out again.",
                                       created_at_utc=utc_now()))
    db.session.commit()
    again = client.get("/api/v1/notices", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200
    assert "Crews are out again." in again.get_data(as_text=True)


def test_api_copies_are_kept_apart_by_host(client: FlaskClient, notice) -> None:
    first = client.get("/api/v1/notices", headers={"Host": "localhost"}).get_json()
    second = client.get("/api/v1/notices", headers={"Host": "127.0.0.1"}).get_json()
    assert first["links"]["self"].startswith("http://localhost/")
    assert second["links"]["self"].startswith("http://127.0.0.1/")


def test_a_copy_expires_after_its_time(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    cache = RenderedCache(seconds=15, max_entries=10)
    cache.put("/", ("state",), caching.Response("page"))

    now[0] += 14
    assert cache.get("/", ("state",)) is not None
    assert cache.get("/", ("other state",)) is None, "a changed state drops the copy"
    cache.put("/", ("state",), caching.Response("page"))
    now[0] += 16
    assert cache.get("/", ("state",)) is None


def test_the_cache_keeps_only_the_most_recently_used_copies() -> None:
    cache = RenderedCache(seconds=15, max_entries=2)
    for url in ("/a", "/b"):
        cache.put(url, ("s",), caching.Response(url))
    assert cache.get("/a", ("s",)) is not None
    cache.put("/c", ("s",), caching.Response("/c"))

    assert cache.get("/b", ("s",)) is None
    assert cache.get("/a", ("s",)) is not None and cache.get("/c", ("s",)) is not None
    assert len(cache) == 2


def test_copies_leave_out_cookies() -> None:
    cache = RenderedCache(seconds=15, max_entries=2)
    response = caching.Response("page")
    response.set_cookie("session", "someone's")
    cache.put("/", ("s",), response)
    assert "Set-Cookie" not in cache.get("/", ("s",)).response().headers  # type: ignore[union-attr]


@contextmanager
def requests_reaching_flask(app: Flask) -> Iterator[list[str]]:
    paths: list[str] = []

    def record(sender: Flask, **extra: object) -> None:
        from flask import request

        paths.append(request.path)

    request_started.connect(record, app)
    try:
        yield paths
    finally:
        request_started.disconnect(record, app)


@pytest.mark.parametrize("url", [NOTICES_PAGE, "/", "/api/v1/notices", "/feeds/notices.atom", "/accessibility"])
def test_an_anonymous_public_read_is_answered_from_its_finished_copy_before_flask_runs(
        app: Flask, client: FlaskClient, notice, url: str) -> None:
    first = client.get(url)
    with requests_reaching_flask(app) as reached:
        again = client.get(url)
        head = client.head(url)

    assert reached == []
    assert again.status_code == head.status_code == 200
    assert again.get_data() == first.get_data() and head.get_data() == b""
    for header in ("Content-Security-Policy", "Cache-Control", "Content-Type", "X-Content-Type-Options", "Vary"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"], "a request id per response"


def test_a_visitor_with_a_cookie_or_credentials_always_reaches_the_app(app: Flask, client: FlaskClient,
                                                                       notice) -> None:
    client.get(NOTICES_PAGE)
    with requests_reaching_flask(app) as reached:
        client.get(NOTICES_PAGE, headers={"Authorization": "Bearer something"})
        client.set_cookie("session", "anything")
        client.get(NOTICES_PAGE)

    assert reached == ["/notices", "/notices"]


def test_a_change_is_served_at_once_even_from_before_flask(client: FlaskClient, notice) -> None:
    client.get(NOTICES_PAGE)
    client.get(NOTICES_PAGE)

    notice.title = "Bins collected late in Weymouth"
    notice.version += 1
    db.session.commit()

    assert "Bins collected late in Weymouth" in client.get(NOTICES_PAGE).get_data(as_text=True)


def test_a_copy_answers_a_conditional_request_with_a_304(app: Flask, client: FlaskClient, notice) -> None:
    etag = client.get("/api/v1/notices").headers["ETag"]
    with requests_reaching_flask(app) as reached:
        again = client.get("/api/v1/notices", headers={"If-None-Match": etag})
        other = client.get("/api/v1/notices", headers={"If-None-Match": '"something-else"'})

    assert reached == []
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert other.status_code == 200


def test_copies_are_kept_apart_by_host_and_forwarded_scheme_and_never_serve_a_forged_host(
        client: FlaskClient, notice) -> None:
    client.get("/api/v1/notices", headers={"Host": "localhost"})
    client.get("/api/v1/notices", headers={"Host": "localhost"})

    assert client.get("/api/v1/notices", headers={"Host": "evil.example"}).status_code == 400
    second = client.get("/api/v1/notices", headers={"Host": "127.0.0.1"}).get_json()
    assert second["links"]["self"].startswith("http://127.0.0.1/")


def test_a_read_answered_with_an_error_or_a_redirect_is_never_kept(app: Flask, client: FlaskClient) -> None:
    client.get("/notices/999")
    client.get("/notices?postcode=nonsense")
    with requests_reaching_flask(app) as reached:
        client.get("/notices/999")
        client.get("/notices?postcode=nonsense")

    assert reached == ["/notices/999", "/notices"]
