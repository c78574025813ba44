"""With MFA_REQUIRED, an API token is no way round the second factor: a token acting for someone without one is
refused (403 problem+json), and none can be made for them."""

from __future__ import annotations

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from alerts.credentials import second_factor
from alerts.data import staff as staff_data
from alerts.data import staff_accounts
from alerts.extensions import db
from alerts.models import Role, StaffUser
from alerts.services import staff_admin
from alerts.services.actors import Actor
from tests.api.test_officer_api import NOTICE
from tests.factories import StaffUserFactory

SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def mfa_required(app: Flask):
    app.config["MFA_REQUIRED"] = True
    yield
    app.config["MFA_REQUIRED"] = False


def token_for(user: StaffUser) -> dict[str, str]:
    created = staff_data.create_api_token("Highways", user)
    db.session.commit()
    return {"Authorization": f"Bearer {created.token}"}


def with_second_factor(app: Flask, user: StaffUser) -> StaffUser:
    key = app.config["SECRET_KEY"]
    staff_accounts.confirm_second_factor(user, second_factor.seal(SECRET, key), pyotp.TOTP(SECRET).now(), key)
    db.session.commit()
    return user


def test_a_token_for_someone_without_a_second_factor_is_refused(client: FlaskClient, mfa_required) -> None:
    response = client.post("/api/v1/notices", json=NOTICE, headers=token_for(StaffUserFactory(role=Role.OFFICER)))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "second factor" in response.json["detail"]


def test_a_token_for_someone_with_a_second_factor_works(app: Flask, client: FlaskClient, mfa_required) -> None:
    user = with_second_factor(app, StaffUserFactory(role=Role.OFFICER))
    response = client.post("/api/v1/notices", json=NOTICE, headers=token_for(user))
    assert response.status_code == 201, response.json


def test_without_mfa_required_tokens_work_as_before(client: FlaskClient) -> None:
    response = client.post("/api/v1/notices", json=NOTICE, headers=token_for(StaffUserFactory(role=Role.OFFICER)))
    assert response.status_code == 201, response.json


def test_no_token_is_made_for_someone_without_a_second_factor(app: Flask) -> None:
    admin = StaffUserFactory(role=Role.ADMIN)
    officer = StaffUserFactory(role=Role.OFFICER)
    with pytest.raises(staff_admin.NotAllowed, match="must set up a second factor"):
        staff_admin.create_api_token("Highways", officer, days=90, actor=Actor.staff(admin, "192.0.2.1"),
                                     second_factor_required=True)
    assert staff_data.list_api_tokens() == []
    with_second_factor(app, officer)
    assert staff_admin.create_api_token("Highways", officer, days=90, actor=Actor.staff(admin, "192.0.2.1"),
                                        second_factor_required=True).token


def test_the_command_makes_no_token_for_someone_without_a_second_factor(runner, mfa_required) -> None:
    officer = StaffUserFactory(role=Role.OFFICER)
    result = runner.invoke(args=["create-api-token", "Highways", "--user", officer.email])
    assert result.exit_code != 0
    assert "must set up a second factor" in result.output
    assert staff_data.list_api_tokens() == []
