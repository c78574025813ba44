from sqlalchemy import select

from alerts.data import staff as staff_data
from alerts.data.warnings import current_warnings
from alerts.extensions import db
from alerts.models import ApiToken, Role, StaffUser


def test_create_user_reads_the_password_from_standard_input(runner) -> None:
    result = runner.invoke(args=["create-user", "Officer@DorsetCouncil.example", "--role", "officer"],
                           input="a long snowy passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(StaffUser))
    assert user.email == "officer@dorsetcouncil.example" and user.role == Role.OFFICER
    assert staff_data.authenticate(user, "a long snowy passphrase")


def test_create_user_refuses_a_common_password(runner) -> None:
    result = runner.invoke(args=["create-user", "x@dorsetcouncil.example", "--role", "admin"], input="password123\n")
    assert result.exit_code == 1 and "too common" in result.output


def test_create_api_token_prints_the_token_once_and_keeps_only_its_hash(runner, factories) -> None:
    factories.StaffUserFactory(email="highways@dorsetcouncil.example")
    result = runner.invoke(args=["create-api-token", "Highways", "--user", "highways@dorsetcouncil.example"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    record = db.session.scalar(select(ApiToken))
    assert token.startswith("dsa_") and record.token_hash != token
    assert staff_data.api_token_for(token).id == record.id


def test_seed_demo_adds_confirmed_subscribers_in_weymouth(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "confirmed demo subscribers, most of them in Weymouth" in result.output
    assert runner.invoke(args=["expand-fanouts"]).exit_code == 0


def test_seed_demo_prints_the_address_it_serves_and_adds_a_manager(runner) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Staff sign-in (http://localhost/staff/sign-in):" in result.output, "BASE_URL, not a fixed :5000"
    manager = db.session.scalar(select(StaffUser).where(StaffUser.role == Role.MANAGER))
    assert manager is not None and manager.email in result.output


def test_seed_demo_loads_a_recorded_winter_warning_that_the_officers_dashboard_shows(
        runner, client_request, sign_in_as) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded 1 recorded Met Office warning for Dorset, starting now." in result.output
    assert [w.title for w in current_warnings()] == ["Yellow warning of snow, ice affecting South West England"]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert len(current_warnings()) == 1, "running it again adds nothing"
    sign_in_as(Role.OFFICER)
    page = client_request.get("/staff/")
    assert "Yellow warning of snow, ice affecting South West England" in page.select("#warning-1")[0].get_text()


def test_seed_demo_loads_last_winters_history_so_the_warning_card_offers_its_notices(
        runner, client_request, sign_in_as) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded last winter's history: 3 resolved notices" in result.output
    assert "Loaded last winter" not in runner.invoke(args=["seed-demo"]).output, "running it again adds nothing"
    sign_in_as(Role.OFFICER)
    card = client_request.get("/staff/").select("#warning-1 .app-foresight")[0].get_text(" ", strip=True)
    assert "Bin collections suspended in Weymouth and Portland" in card
    assert "Predicted audience: 2 emails and 2 texts" in card
    sign_in_as(Role.MANAGER)
    kinds = client_request.get("/staff/insight?from=2020-01-01").select("#warning-kinds-table")[0].get_text(" ")
    assert "Snow" in kinds and "Bins and recycling: 1" in kinds


def test_seed_demo_adds_one_resident_with_a_linked_email_and_mobile(runner) -> None:
    from alerts.data import residents
    from alerts.models import Channel, Subscriber

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    email = db.session.scalar(select(Subscriber).where(Subscriber.contact == "household@example.com"))
    assert email is not None and email.resident_id is not None
    contacts = residents.contacts_of(email)
    assert [(c.channel, c.contact) for c in contacts] == [(Channel.EMAIL, "household@example.com"),
                                                          (Channel.SMS, "+447700900104")]
    assert {s.area_id for s in contacts[1].subscriptions} == {s.area_id for s in email.subscriptions}
    assert "One resident gets alerts by email and by text: manage them at http" in result.output
    assert "/manage/" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "One resident gets alerts" not in again.output, "running it again adds nothing"
