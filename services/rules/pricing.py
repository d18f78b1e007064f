"""Prices compared on one basis: euros per productive hour, the unit of the labour-cost floor
(see purchasing.CostFloor). A price per handled contact converts through the forecast: the
contacts a month are handled in that month's productive hours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum


class PriceBasis(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.PriceBasis)."""

    PER_PRODUCTIVE_HOUR = 1
    PER_HANDLED_CONTACT = 2


def per_productive_hour(
    price_cents: int, basis: PriceBasis, contacts_per_month: int, productive_hours_per_month: int
) -> Decimal:
    """Euros per productive hour, to the cent."""
    euros = Decimal(price_cents) / 100
    if basis is PriceBasis.PER_HANDLED_CONTACT:
        euros = euros * contacts_per_month / productive_hours_per_month
    return euros.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
