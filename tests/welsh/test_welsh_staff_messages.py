"""What the layers below the staff pages say to an officer reads in the page's language: a notice in the wrong state,
the insight page's tables, a date out of range. English stays as it was."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import force_locale

from alerts.data import notice_lifecycle
from alerts.models import NoticeStatus, Role
from alerts.web.query_args import parse_date
from tests import factories
from tests.staff.conftest import sign_in


def test_a_notice_in_the_wrong_state_is_refused_in_welsh(app: Flask) -> None:
    notice = factories.NoticeFactory(status=NoticeStatus.ACTIVE)
    for language, message in (("cy", "Dim ond drafft y gellir ei olygu. Postiwch ddiweddariad yn lle hynny."),
                              ("en", "Only a draft can be edited. Post an update instead.")):
        with app.test_request_context(), force_locale(language):
            try:
                notice_lifecycle.edit_draft(notice, notice_lifecycle.NoticeDraft(
                    title="x", service_id=notice.service_id, impact=notice.impact, summary="x", advice="",
                    area_ids=["x"]), editor_id=None)
                raise AssertionError("edited a live notice")
            except notice_lifecycle.NoticeStateError as refusal:
                assert str(refusal) == message


def test_the_insight_tables_read_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.MANAGER))
    page = client_request.get("/cy/staff/insight")
    headings = [heading.get_text(strip=True) for heading in page.select("h2.govuk-heading-m")]
    assert "Hysbysiadau fesul gwasanaeth" in headings
    assert "A oedd yr hysbysiad hwn yn ddefnyddiol? Atebion trigolion fesul hysbysiad" in headings
    english = client_request.get("/staff/insight")
    assert "Notices by service" in [heading.get_text(strip=True) for heading in english.select("h2.govuk-heading-m")]


def test_a_date_out_of_range_is_told_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.MANAGER))
    page = client_request.get("/cy/staff/insight?to-day=1&to-month=1&to-year=1999", expected_status=400)
    assert "Y dyddiad gorffen: rhaid iddo fod ar 1 Ionawr 2000 neu wedyn" in page.error_summary()


def test_a_date_message_stays_english_outside_a_welsh_page(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        parsed = parse_date("1999-01-01", label="The end date", invalid="bad", today=dt.date(2026, 12, 6))
    assert parsed.error == "The end date must be on or after 1 January 2000"


def test_a_refusal_from_the_admin_rules_reads_in_welsh(client_request) -> None:
    admin = factories.StaffUserFactory(role=Role.ADMIN)
    sign_in(client_request, admin)
    client_request.post_form(f"/cy/staff/users/{admin.id}/disable", {}, expected_status=302,
                             token_from=f"/cy/staff/users/{admin.id}")
    assert "Ni allwch analluogi eich cyfrif eich hun" in client_request.get(f"/cy/staff/users/{admin.id}").text


def test_a_refused_password_reads_in_welsh(client_request) -> None:
    sign_in(client_request, factories.StaffUserFactory(role=Role.OFFICER))
    page = client_request.post_form("/cy/staff/account/password", {"current_password": factories.PASSWORD,
                                                                    "new_password": "password1"}, expected_status=400)
    assert page.error_summary() == [
        "Dewiswch gyfrinair sy’n anoddach ei ddyfalu: mae’r un hwn yn rhy gyffredin"]
