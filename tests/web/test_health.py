import datetime as dt

from alerts.data import operations
from alerts.extensions import db
from alerts.models import ChannelHold, utc_now


def test_healthz_reports_the_database_and_that_no_scheduler_has_been_seen(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["scheduler"] == {"status": "never-seen", "seconds_since_heartbeat": None}
    assert response.json["outbox"] == {"backlog": 0, "oldest_queued_seconds": 0, "held_channels": [],
                                       "auth_failure": False}


def test_healthz_reports_the_schedulers_state_but_not_its_host_or_pid(client) -> None:
    operations.record_heartbeat("scheduler", "worker-7.internal:4242")
    db.session.commit()
    response = client.get("/healthz")
    scheduler = response.json["scheduler"]
    assert scheduler["status"] == "ok"
    assert scheduler["seconds_since_heartbeat"] <= 5
    body = response.get_data(as_text=True)
    assert "worker-7" not in body and "4242" not in body


def hold_everything_for_a_refused_key() -> None:
    now = utc_now()
    db.session.add(ChannelHold(channel="all", kind="auth_failure", since_utc=now,
                               held_until_utc=now + dt.timedelta(minutes=5),
                               reason="AuthFailure (403 AuthError): Invalid token: API key not found"))
    db.session.commit()


def test_healthz_says_notify_refused_the_key_without_notifys_words(client) -> None:
    hold_everything_for_a_refused_key()
    response = client.get("/healthz")
    assert response.json["outbox"]["auth_failure"] is True
    assert [hold["channel"] for hold in response.json["outbox"]["held_channels"]] == ["all"]
    assert "Invalid token" not in response.get_data(as_text=True)


def test_healthz_on_a_database_not_yet_migrated_answers_503_not_500(tmp_path) -> None:
    from alerts import create_app

    unmigrated = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = unmigrated.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json == {"database": "not migrated"}
