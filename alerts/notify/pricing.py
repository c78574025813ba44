"""What texts cost: fragments × the price per fragment, and the share of the year's free allowance.

Emails are free through Notify. The price is Notify's on the day a text is sent, from the table below unless the
NOTIFY_SMS_PRICE_PENCE setting fixes it; the allowance is a setting (config/settings.py, block "Texts, cost and
insight").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class SmsPrice:
    """Notify's price per text fragment in pence, before VAT, from the start of `from_day` (UK time)."""

    from_day: dt.date
    pence: Decimal


# Notify's `rates` rows (alphagov/notifications-api migrations 0440_new_sms_allowance_n_rate.py,
# 0492_sms_rate_april_2025.py, 0547_new_sms_allowance_n_rate.py), each valid from 23:00 UTC the day before: midnight
# in London, the day Notify's billing prices by (`fact_billing_dao.get_rate`). Add next April's row when Notify
# publishes it (https://www.notifications.service.gov.uk/pricing).
NOTIFY_SMS_PRICES = (
    SmsPrice(dt.date(2024, 4, 1), Decimal("2.27")),
    SmsPrice(dt.date(2025, 4, 1), Decimal("2.33")),
    SmsPrice(dt.date(2026, 4, 1), Decimal("2.4")),
)


@dataclass(frozen=True)
class SmsCost:
    texts: int
    fragments_each: int
    price_pence: Decimal
    free_allowance: int

    @property
    def fragments(self) -> int:
        return self.texts * self.fragments_each

    @property
    def pounds(self) -> Decimal:
        """Before VAT, and as if the free allowance were already used: the price of the fragments themselves."""
        return (self.fragments * self.price_pence / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def allowance_percent(self) -> Decimal:
        if self.free_allowance <= 0:
            return Decimal(0)
        return (Decimal(self.fragments) * 100 / self.free_allowance).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def sms_cost(texts: int, fragments_each: int, config: Mapping[str, Any], *, on: dt.date | None = None) -> SmsCost:
    """Texts sent `on` a day (today in the UK unless given), at NOTIFY_SMS_PRICE_PENCE when it is set."""
    override = config.get("NOTIFY_SMS_PRICE_PENCE")
    price = Decimal(str(override)) if override not in (None, "") else sms_price_pence(on or today_in_the_uk())
    return SmsCost(texts=texts, fragments_each=fragments_each, price_pence=price,
                   free_allowance=int(config["NOTIFY_FREE_SMS_ALLOWANCE"]))


def sms_price_pence(on: dt.date) -> Decimal:
    """Notify's price per text fragment on a day (UK time), before VAT."""
    for price in reversed(NOTIFY_SMS_PRICES):
        if price.from_day <= on:
            return price.pence
    raise ValueError(f"No Notify text price is recorded before {NOTIFY_SMS_PRICES[0].from_day.isoformat()}")


def today_in_the_uk() -> dt.date:
    return dt.datetime.now(LONDON).date()


def pounds_from_notify(cost_in_pounds: Any) -> Decimal | None:
    """Notify's `cost_in_pounds` (null until its cost data is ready) as an exact amount."""
    if cost_in_pounds is None or isinstance(cost_in_pounds, bool):
        return None
    try:
        return Decimal(str(cost_in_pounds))
    except ArithmeticError:
        return None
