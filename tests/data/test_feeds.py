from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.ingest.feeds import parse_feed
from alerts.ingest.met_office import parse_warnings, warnings_mentioning
from alerts.models import WeatherWarning

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"


def dorset_warnings(name: str) -> list:
    return warnings_mentioning(parse_warnings(parse_feed((FIXTURES / name).read_bytes()).entries).warnings, "Dorset")


def test_a_warning_whose_item_could_not_be_read_this_time_is_kept_not_withdrawn(app) -> None:
    source = feed_data.create_feed_source(name="Met Office", url="https://example.test/sw", kind="met-office-warnings")
    (warning,) = dorset_warnings("winter-south-west.xml")
    feed_data.save_met_office_warnings(source.id, [warning])
    db.session.commit()

    kept = feed_data.save_met_office_warnings(source.id, [], keep_ids={warning.warning_id})
    db.session.commit()
    assert kept.withdrawn == 0
    assert db.session.get(WeatherWarning, warning.warning_id).is_current

    gone = feed_data.save_met_office_warnings(source.id, [])
    db.session.commit()
    assert gone.withdrawn == 1
    assert not db.session.get(WeatherWarning, warning.warning_id).is_current


def test_a_warning_listed_once_for_each_day_it_covers_is_saved_once(app) -> None:
    source = feed_data.create_feed_source(name="Met Office", url="https://example.test/sw", kind="met-office-warnings")
    (today,) = dorset_warnings("winter-south-west.xml")
    tomorrow = replace(today, issued_date=today.issued_date + dt.timedelta(days=1))

    changes = feed_data.save_met_office_warnings(source.id, [today, tomorrow])
    db.session.commit()

    assert changes == feed_data.WarningChanges(created=1, updated=0, withdrawn=0)
