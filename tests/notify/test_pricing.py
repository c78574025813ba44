import datetime as dt
from decimal import Decimal

import pytest
from freezegun import freeze_time

from alerts.notify.pricing import sms_cost, sms_price_pence

UNSET = {"NOTIFY_SMS_PRICE_PENCE": None, "NOTIFY_FREE_SMS_ALLOWANCE": 10000}


@pytest.mark.parametrize(
    "day, pence",
    [
        (dt.date(2024, 4, 1), "2.27"),
        (dt.date(2025, 3, 31), "2.27"),
        (dt.date(2025, 4, 1), "2.33"),
        (dt.date(2025, 6, 1), "2.33"),
        (dt.date(2026, 3, 31), "2.33"),
        (dt.date(2026, 4, 1), "2.4"),
        (dt.date(2026, 12, 6), "2.4"),
    ],
)
def test_a_text_is_priced_at_notifys_rate_on_the_day_it_is_sent(day: dt.date, pence: str) -> None:
    assert sms_price_pence(day) == Decimal(pence)
    assert sms_cost(1, 1, UNSET, on=day).price_pence == Decimal(pence)


def test_a_text_sent_after_1_april_2026_costs_2_4p_a_fragment() -> None:
    cost = sms_cost(1000, 2, UNSET, on=dt.date(2026, 4, 2))

    assert (cost.price_pence, cost.pounds) == (Decimal("2.4"), Decimal("48.00"))


def test_a_text_sent_on_1_june_2025_costs_2_33p_a_fragment() -> None:
    assert sms_cost(1, 1, UNSET, on=dt.date(2025, 6, 1)).price_pence == Decimal("2.33")


@pytest.mark.parametrize("day", [dt.date(2025, 6, 1), dt.date(2026, 12, 6)])
def test_a_price_set_in_the_environment_wins_over_notifys_table(day: dt.date) -> None:
    config = {"NOTIFY_SMS_PRICE_PENCE": "1.97", "NOTIFY_FREE_SMS_ALLOWANCE": 10000}

    assert sms_cost(1, 1, config, on=day).price_pence == Decimal("1.97")


@freeze_time("2026-03-31T23:30:00Z")
def test_without_a_day_the_price_is_todays_in_the_uk() -> None:
    # 00:30 on 1 April in London: Notify's new rate has started.
    assert sms_cost(1, 1, UNSET).price_pence == Decimal("2.4")


def test_there_is_no_price_before_notifys_first_recorded_rate() -> None:
    with pytest.raises(ValueError, match="2024-04-01"):
        sms_price_pence(dt.date(2024, 3, 31))


def test_an_empty_setting_means_unset() -> None:
    config = {"NOTIFY_SMS_PRICE_PENCE": "", "NOTIFY_FREE_SMS_ALLOWANCE": 10000}

    assert sms_cost(1, 1, config, on=dt.date(2025, 6, 1)).price_pence == Decimal("2.33")
