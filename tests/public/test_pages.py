from alerts.models import NoticeStatus


def test_the_start_page_shows_the_winter_banner_when_a_notice_is_active(client_request, factories) -> None:
    factories.NoticeFactory()
    page = client_request.get("/")
    assert page.h1 == "Find out what services may be affected in your area"
    banner = page.select(".govuk-notification-banner")
    assert banner and "Winter weather is causing disruption to services in some parts of Dorset" in banner[0].text
    assert page.select("input#postcode[name=postcode][autocomplete=postal-code]")


def test_the_start_page_has_no_banner_when_nothing_is_disrupted(client_request, factories) -> None:
    factories.NoticeFactory(status=NoticeStatus.RESOLVED)
    page = client_request.get("/")
    assert not page.select(".govuk-notification-banner")


def test_notices_for_a_postcode_include_county_wide_ones_grouped_by_service_most_severe_first(
    client_request, factories
) -> None:
    from alerts.models import Impact

    factories.NoticeFactory(title="Gritting everywhere", service_id="roads-and-gritting", impact=Impact.MINOR,
                            area_ids=["whole-county"])
    factories.NoticeFactory(title="Bins suspended", impact=Impact.SEVERE, area_ids=["weymouth", "portland"])
    factories.NoticeFactory(title="Sherborne school closed", service_id="schools", area_ids=["sherborne"])
    factories.NoticeFactory(title="Old news", status=NoticeStatus.RESOLVED)

    page = client_request.get("/notices?postcode=dt4 7ta")

    assert page.h1 == "Disruption near DT4 7TA"
    assert [h.text for h in page.select("h2.govuk-heading-l")] == ["Bins and recycling", "Roads and gritting"]
    titles = [a.text for a in page.select(".govuk-summary-card__title a")]
    assert titles == ["Bins suspended", "Gritting everywhere"]
    assert page.select("time[datetime]"), "each notice says when it was last updated"


def test_an_invalid_postcode_shows_the_govuk_error_summary_with_status_400(client_request) -> None:
    page = client_request.get("/notices?postcode=nonsense", expected_status=400)
    assert page.error_summary() == ["Enter a full UK postcode, like DT1 1XJ"]
    assert page.select("#postcode-error")
    assert page.select(".govuk-error-summary a[href='#postcode']")


def test_a_bournemouth_postcode_is_told_it_is_outside_dorset_councils_area(client_request) -> None:
    page = client_request.get("/notices?postcode=BH1 1AA")
    assert page.h1 == "BH1 1AA is outside Dorset Council’s area"
    assert "Bournemouth, Christchurch and Poole Council" in page.text
    assert "no reported disruption" not in page.text


def test_a_postcode_with_nothing_disrupted_says_so(client_request) -> None:
    page = client_request.get("/notices?postcode=DT9 3AA")
    assert "There is no reported disruption to council services in Sherborne" in page.text


def test_one_notice_shows_its_timeline(client_request, factories) -> None:
    from alerts.models import NoticeUpdate, UpdateKind

    notice = factories.NoticeFactory(title="A35 closed")
    notice.updates.append(NoticeUpdate(kind=UpdateKind.UPDATED, summary="One lane has reopened."))
    factories.NoticeFactory._meta.sqlalchemy_session_factory().commit()

    page = client_request.get(f"/notices/{notice.id}")

    assert page.h1 == "A35 closed"
    assert "One lane has reopened." in page.text
    assert page.title == "A35 closed – Check disruption to Dorset Council services – Dorset Council"


def test_drafts_and_unknown_notices_are_not_found(client_request, factories) -> None:
    draft = factories.NoticeFactory(status=NoticeStatus.DRAFT)
    client_request.get(f"/notices/{draft.id}", expected_status=404)
    page = client_request.get("/notices/999999", expected_status=404)
    assert page.h1 == "Page not found"


def test_content_pages_exist(client_request) -> None:
    for url in ("/accessibility", "/privacy", "/cookies"):
        client_request.get(url)
