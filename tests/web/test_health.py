import datetime as dt

from alerts.data import operations
from alerts.extensions import db
from alerts.models import ChannelHold, utc_now


def test_healthz_reports_the_database_and_that_no_scheduler_has_been_seen(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["scheduler"] == {"status": "never-seen", "seconds_since_heartbeat": None}
    # Nothing has counted the backlog yet, and /healthz never counts it itself: unknown, and it says why.
    assert response.json["outbox"] == {"backlog": None, "oldest_queued_seconds": None, "counted": "never-seen",
                                       "counted_seconds_ago": None, "held_channels": [], "auth_failure": False}


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


def _met_office_source(**values) -> None:
    from alerts.models import FeedSource

    db.session.add(FeedSource(**{"name": "Met Office warnings", "url": "https://feeds.example.test/sw.xml",
                                 "kind": "met-office-warnings", "poll_interval_minutes": 15, **values}))
    db.session.commit()


def test_healthz_reports_stale_feeds_but_stays_up(client) -> None:
    assert client.get("/healthz").json["feeds"] == "ok", "no feed source: nothing to be stale"
    now = utc_now()
    _met_office_source(last_success_at_utc=now - dt.timedelta(minutes=29), created_at_utc=now - dt.timedelta(days=1))
    assert client.get("/healthz").json["feeds"] == "ok", "within twice its interval"
    db.session.execute(db.text("UPDATE feed_sources SET last_success_at_utc = :then"),
                       {"then": now - dt.timedelta(minutes=31)})
    db.session.commit()
    response = client.get("/healthz")
    assert (response.status_code, response.json["feeds"]) == (200, "stale")


def test_healthz_reports_a_failing_feed_at_once_and_ignores_a_switched_off_one(client) -> None:
    now = utc_now()
    _met_office_source(last_success_at_utc=now, last_error="The feed could not be fetched", enabled=False)
    assert client.get("/healthz").json["feeds"] == "ok"
    _met_office_source(last_success_at_utc=now, last_error="The feed could not be fetched")
    assert client.get("/healthz").json["feeds"] == "stale"

