from alerts.data import operations


def test_healthz_reports_the_database_and_that_no_scheduler_has_been_seen(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["scheduler"]["status"] == "never-seen"
    assert response.json["outbox"] == {"backlog": 0, "oldest_queued_seconds": 0, "held_channels": [],
                                       "auth_failure": None}


def test_healthz_reports_the_schedulers_heartbeat(client) -> None:
    operations.record_heartbeat("scheduler", "host:123")
    scheduler = client.get("/healthz").json["scheduler"]
    assert scheduler["status"] == "ok"
    assert scheduler["leader"] == "host:123"
    assert scheduler["seconds_since_heartbeat"] <= 5
