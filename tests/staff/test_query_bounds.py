"""Whatever is typed into a staff page's query string gets a page or a GOV.UK error summary, never a 500."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.credentials import second_factor
from alerts.data import staff_accounts
from alerts.extensions import db
from alerts.models import Role
from tests import factories as _factories
from tests.staff.conftest import csrf_token

SECRET = "JBSWY3DPEHPK3PXP"
HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", ["/staff/audit?page=²", "/staff/outbox?page=²", f"/staff/audit?page={HUGE}",
                                 f"/staff/outbox?page={HUGE}", "/staff/audit?page=-3", "/staff/outbox?page=0"])
def test_a_page_number_that_isnt_one_shows_the_first_page(client_request, sign_in_as, url: str) -> None:
    sign_in_as(Role.ADMIN)
    client_request.get(url, expected_status=200)


def test_a_date_far_in_the_future_is_an_error_the_manager_can_fix(client_request, sign_in_as) -> None:
    sign_in_as(Role.MANAGER)
    page = client_request.get("/staff/insight?to=9999-12-31", expected_status=400)
    assert page.error_summary() == ["The end date must be no more than a year from today"]
    page = client_request.get("/staff/insight?from=0001-01-01", expected_status=400)
    assert page.error_summary() == ["The start date must be on or after 1 January 2000"]


def test_the_audit_log_refuses_dates_outside_a_sane_range(client_request, sign_in_as) -> None:
    sign_in_as(Role.ADMIN)
    page = client_request.get("/staff/audit?to=9999-12-31", expected_status=400)
    assert page.error_summary() == ["The 'to' date must be no more than a year from today"]


@pytest.mark.parametrize("two_factor", [False, True])
def test_a_next_with_control_characters_is_ignored(app, client_request, factories, two_factor: bool) -> None:
    user = factories.StaffUserFactory()
    if two_factor:
        staff_accounts.confirm_second_factor(user, second_factor.seal(SECRET, app.config["SECRET_KEY"]),
                                             pyotp.TOTP(SECRET).now(), app.config["SECRET_KEY"])
        db.session.commit()
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in?next=/staff/%0d%0aX",
                                          data={"email": user.email, "password": _factories.PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    if two_factor:
        later = time.time() + 30  # the code used to set it up is spent
        with freeze_time(dt.datetime.fromtimestamp(later, dt.UTC)):
            response = client_request.client.post(
                "/staff/sign-in/security-code",
                data={"code": pyotp.TOTP(SECRET).at(later), "csrf_token": csrf_token(client_request,
                                                                                   "/staff/sign-in/security-code")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", ["/staff/\tX", "/staff/ X", "/staff/é", "/staff/\x7f"])
def test_a_next_that_is_not_a_plain_staff_path_goes_to_the_dashboard(client_request, factories, target) -> None:
    user = factories.StaffUserFactory()
    token = csrf_token(client_request)
    response = client_request.client.post("/staff/sign-in", query_string={"next": target},
                                          data={"email": user.email, "password": _factories.PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == "/staff/"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/staff/audit", "/staff/outbox", "/staff/insight"]),
       name=st.sampled_from(["page", "from", "to"]), value=st.text(max_size=24))
def test_no_query_value_on_a_staff_list_page_is_a_500(client_request, sign_in_as, path, name, value) -> None:
    if not getattr(client_request, "_signed_in", False):
        sign_in_as(Role.ADMIN)
        client_request._signed_in = True
    response = client_request.client.get(path, query_string={name: value})
    assert response.status_code in (200, 400), (path, name, value, response.status_code)
