from alerts.models import NoticeStatus


def test_the_start_page_says_what_is_live_when_a_notice_is_active(client_request, factories) -> None:
    factories.NoticeFactory()
    page = client_request.get("/")
    assert page.h1 == "Find out what services may be affected in your area"
    banner = page.select(".govuk-notification-banner")
    assert banner and "There is disruption to 1 service in Dorset." in banner[0].text
    assert "Winter weather" not in page.text, "no cause that no officer named"
    assert page.select("input#postcode[name=postcode][autocomplete=postal-code]")


def test_the_start_page_has_no_banner_when_nothing_is_disrupted(client_request, factories) -> None:
    factories.NoticeFactory(status=NoticeStatus.RESOLVED)
    page = client_request.get("/")
    assert not page.select(".govuk-notification-banner")


def test_notices_for_a_postcode_include_county_wide_ones_most_severe_first_across_services(
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
    titles = [a.text for a in page.select(".govuk-summary-card__title a")]
    assert titles == ["Bins suspended", "Gritting everywhere"]
    assert page.select("time[datetime]"), "each notice says when it was last updated"


def test_a_severe_notice_comes_before_a_minor_one_in_another_service(client_request, factories) -> None:
    from alerts.models import Impact

    factories.NoticeFactory(title="Bin rounds late", impact=Impact.MINOR, area_ids=["weymouth"])
    factories.NoticeFactory(title="Road closed", service_id="roads-and-gritting", impact=Impact.SEVERE,
                            area_ids=["weymouth"])
    factories.NoticeFactory(title="Bins collected a day late", impact=Impact.MAJOR, area_ids=["weymouth"])

    page = client_request.get("/notices?postcode=DT4 7TA")

    titles = [a.text for a in page.select(".govuk-summary-card__title a")]
    assert titles == ["Road closed", "Bins collected a day late", "Bin rounds late"]
    assert "The most serious are shown first, whatever the service." in page.text
    assert not page.select("h2.govuk-heading-l"), "no service headings: the card's Service row names it once"


def test_get_alerts_comes_before_the_first_notice_and_after_the_last(client_request, factories) -> None:
    factories.NoticeFactory(title="Bins suspended", area_ids=["weymouth"])
    factories.NoticeFactory(title="Road closed", service_id="roads-and-gritting", area_ids=["weymouth"])

    page = client_request.get("/notices?postcode=DT4 7TA")

    content = page.select("main")[0]
    order = [el.text.strip() for el in content.select(".govuk-summary-card__title a, a[href^='/subscribe']")]
    assert order[0] == order[-1] == "Get alerts for Weymouth"
    assert sorted(order[1:-1]) == ["Bins suspended", "Road closed"]
    assert content.select("a[href='/subscribe?postcode=DT4%207TA']")


def test_a_notice_page_offers_alerts_for_its_areas(client_request, factories) -> None:
    notice = factories.NoticeFactory(title="Bins suspended", area_ids=["weymouth", "portland"])

    page = client_request.get(f"/notices/{notice.id}")
    assert [a.text for a in page.select("main a[href='/subscribe']")] == ["Get alerts for Weymouth, Portland"]

    from_results = client_request.get(f"/notices/{notice.id}?postcode=dt4 7ta")
    link = from_results.select("main a[href='/subscribe?postcode=DT4%207TA']")
    assert [a.text for a in link] == ["Get alerts for DT4 7TA"]


def test_impact_tags_stay_on_one_line() -> None:
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static" / "app.css").read_text()
    rule = css[css.index(".app-impact-tag {"):]
    assert "white-space: nowrap;" in rule[: rule.index("}")]


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
