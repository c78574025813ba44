from pathlib import Path

from sqlalchemy import func, select

from alerts.data.subscribers import find_subscriber
from alerts.extensions import db
from alerts.models import Channel, Message, Subscriber, SubscriberStatus, Subscription


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscribers.csv"
    path.write_text(text)
    return path


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def import_file(runner, tmp_path: Path, text: str):
    return runner.invoke(args=["import-subscribers", str(write_csv(tmp_path, text))])


def test_good_rows_become_confirmed_subscriptions_and_nothing_is_sent(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,contact,postcode\n"
                                           "email,Someone@Example.com,dt4 7ta\n"
                                           "sms,07700 900 982,DT1 1XJ\n")

    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 2 subscriptions (2 new subscribers); skipped 0 rows\n"
    email = find_subscriber(Channel.EMAIL, "someone@example.com")
    assert email.status == SubscriberStatus.CONFIRMED
    assert email.consent_source == "import"
    assert email.confirmed_at_utc is not None
    assert email.all_services is True
    assert [(s.area_id, s.postcode) for s in email.subscriptions] == [("weymouth", "DT4 7TA")]
    sms = find_subscriber(Channel.SMS, "+447700900982")
    assert [(s.area_id, s.postcode) for s in sms.subscriptions] == [("dorchester", "DT1 1XJ")]
    assert count(Message) == 0


def test_each_bad_row_is_reported_with_its_line_number_and_skipped_whole(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,contact,postcode,services\n"
                                           "email,good@example.com,DT4 7TA,\n"
                                           "fax,01305 221000,DT4 7TA,\n"
                                           "sms,01305 221000,DT4 7TA,\n"
                                           "email,not-an-email,DT4 7TA,\n"
                                           "email,nopostcode@example.com,not a postcode,\n"
                                           "email,bournemouth@example.com,BH1 1AA,\n"
                                           "email,badservice@example.com,DT4 7TA,schools;parking\n")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: Channel must be email or sms",
        "line 4: Enter a UK mobile number, like 07700 900 982",
        "line 5: Enter an email address in the correct format, like name@example.com",
        "line 6: Enter a full UK postcode, like DT1 1XJ",
        "line 7: BH1 1AA is not in the council's area",
        "line 8: No service with the id parking",
    ]
    assert result.stdout == "Imported 1 subscriptions (1 new subscribers); skipped 6 rows\n"
    assert [s.contact for s in db.session.scalars(select(Subscriber))] == ["good@example.com"]
    assert count(Subscription) == 1


def test_importing_the_same_file_twice_creates_nothing_new(runner, tmp_path) -> None:
    text = "channel,contact,postcode,services\nemail,someone@example.com,DT4 7TA,schools\nsms,07700900982,DT1 1XJ,\n"
    import_file(runner, tmp_path, text)
    first_confirmed = find_subscriber(Channel.EMAIL, "someone@example.com").confirmed_at_utc

    result = import_file(runner, tmp_path, text)

    assert result.exit_code == 0, result.output
    assert result.stdout == ("Imported 0 subscriptions (0 new subscribers); skipped 0 rows\n"
                             "2 rows were already subscribed and left as they were\n")
    assert (count(Subscriber), count(Subscription)) == (2, 2)
    assert find_subscriber(Channel.EMAIL, "someone@example.com").confirmed_at_utc == first_confirmed


def test_services_column_lists_service_ids_and_empty_means_all(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,contact,postcode,services\n"
                                           "email,some@example.com,DT4 7TA, schools ; libraries\n"
                                           "email,all@example.com,DT4 7TA,\n")

    assert result.exit_code == 0, result.output
    some = find_subscriber(Channel.EMAIL, "some@example.com")
    assert some.all_services is False
    assert sorted(s.id for s in some.services) == ["libraries", "schools"]
    assert find_subscriber(Channel.EMAIL, "all@example.com").all_services is True


def test_an_existing_subscriber_gets_areas_and_services_added_not_replaced(runner, tmp_path, factories) -> None:
    factories.SubscriberFactory(contact="known@example.com", all_services=False, area_ids=["weymouth"])
    import_file(runner, tmp_path, "channel,contact,postcode,services\nemail,known@example.com,DT4 7TA,schools\n")

    result = import_file(runner, tmp_path, "channel,contact,postcode,services\n"
                                           "email,known@example.com,DT1 1XJ,libraries\n")

    assert result.exit_code == 0, result.output
    assert "Imported 1 subscriptions (0 new subscribers)" in result.stdout
    known = find_subscriber(Channel.EMAIL, "known@example.com")
    assert sorted(s.area_id for s in known.subscriptions) == ["dorchester", "weymouth"]
    assert sorted(s.id for s in known.services) == ["libraries", "schools"]
    assert known.consent_source == "import"
    assert count(Subscriber) == 1


def test_a_pending_sign_up_is_confirmed_by_the_import(runner, tmp_path, factories) -> None:
    factories.SubscriberFactory(contact="waiting@example.com", pending=True)

    import_file(runner, tmp_path, "channel,contact,postcode\nemail,waiting@example.com,DT5 1AA\n")

    waiting = find_subscriber(Channel.EMAIL, "waiting@example.com")
    assert waiting.status == SubscriberStatus.CONFIRMED
    assert [s.area_id for s in waiting.subscriptions] == ["portland"]


def test_a_contact_who_unsubscribed_is_not_subscribed_again(runner, tmp_path, factories) -> None:
    factories.SubscriberFactory(contact="stopped@example.com", status=SubscriberStatus.UNSUBSCRIBED, area_ids=[])

    result = import_file(runner, tmp_path, "channel,contact,postcode\nemail,stopped@example.com,DT4 7TA\n")

    assert result.exit_code == 1
    assert result.stderr == "line 2: This contact unsubscribed from these alerts, so was not subscribed again\n"
    stopped = find_subscriber(Channel.EMAIL, "stopped@example.com")
    assert stopped.status == SubscriberStatus.UNSUBSCRIBED
    assert stopped.subscriptions == []


def test_a_file_missing_a_header_column_imports_nothing(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,email,postcode\nemail,someone@example.com,DT4 7TA\n")

    assert result.exit_code == 1
    assert "missing contact" in result.output
    assert count(Subscriber) == 0


def test_an_optional_digest_column_moves_a_bulletin_services_daily_readers_across(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,contact,postcode,digest\n"
                                           "email,daily@example.com,DT4 7TA,Yes\n"
                                           "email,each@example.com,DT4 7TA,no\n"
                                           "email,unsaid@example.com,DT4 7TA,\n"
                                           "sms,07700 900 982,DT4 7TA,NO\n")

    assert result.exit_code == 0, result.output
    assert find_subscriber(Channel.EMAIL, "daily@example.com").digest is True
    assert find_subscriber(Channel.EMAIL, "each@example.com").digest is False
    assert find_subscriber(Channel.EMAIL, "unsaid@example.com").digest is False
    assert find_subscriber(Channel.SMS, "+447700900982").digest is False

    again = import_file(runner, tmp_path, "channel,contact,postcode,digest\n"
                                          "email,daily@example.com,DT4 7TA,yes\n"
                                          "email,each@example.com,DT4 7TA,YES\n")
    assert again.exit_code == 0, again.output
    assert "1 rows were already subscribed and left as they were" in again.stdout
    assert find_subscriber(Channel.EMAIL, "each@example.com").digest is True, "a later file's answer stands"


def test_a_digest_that_is_not_yes_or_no_or_yes_for_a_mobile_is_refused_naming_the_row(runner, tmp_path) -> None:
    result = import_file(runner, tmp_path, "channel,contact,postcode,digest\n"
                                           "email,good@example.com,DT4 7TA,yes\n"
                                           "email,maybe@example.com,DT4 7TA,weekly\n"
                                           "sms,07700 900 982,DT4 7TA,yes\n")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 3: Digest must be yes or no, not 'weekly'",
        "line 4: Digest can only be yes for an email address: the daily digest is sent by email",
    ]
    assert find_subscriber(Channel.EMAIL, "maybe@example.com") is None
    assert find_subscriber(Channel.SMS, "+447700900982") is None
    assert find_subscriber(Channel.EMAIL, "good@example.com").digest is True
