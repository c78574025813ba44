"""What texts cost: fragments × the price per fragment, and the share of the year's free allowance.

Emails are free through Notify. The price and allowance are settings (config/settings.py, block "Texts, cost and
insight").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


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


def sms_cost(texts: int, fragments_each: int, config: Mapping[str, Any]) -> SmsCost:
    return SmsCost(texts=texts, fragments_each=fragments_each,
                   price_pence=Decimal(str(config["NOTIFY_SMS_PRICE_PENCE"])),
                   free_allowance=int(config["NOTIFY_FREE_SMS_ALLOWANCE"]))


def pounds_from_notify(cost_in_pounds: Any) -> Decimal | None:
    """Notify's `cost_in_pounds` (null until its cost data is ready) as an exact amount."""
    if cost_in_pounds is None or isinstance(cost_in_pounds, bool):
        return None
    try:
        return Decimal(str(cost_in_pounds))
    except ArithmeticError:
        return None
