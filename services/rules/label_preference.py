"""Preference for labelled centres on perennial activities: the ordering parties' 1st commitment.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre":
"Préférence donnée aux centres de relation client labellisés pour des activités pérennes (hors
campagnes et besoins ponctuels)". A preference, never an exclusion: the label "ne devra pas
introduire de distorsions de concurrence lors des appels d'offres" (same section). So Vigie
does not refuse an award: it says when perennial work went to an unlabelled centre while a
labelled bid existed, and at what price gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.rules.figures import percent_of
from services.rules.purchasing import ActivityType
from services.rules.wording import Text, text

REFERENCE = text("reference-label-preference")


@dataclass(frozen=True)
class BidView:
    bid_id: str
    centre_id: str
    # >= 0: a per-contact price converted to the hour and rounded to the cent can be 0.00.
    price_per_productive_hour: Decimal
    labelled: bool  # the centre's label status as known at award time

    def __post_init__(self) -> None:
        price = self.price_per_productive_hour
        if not (price.is_finite() and price >= 0):
            raise ValueError(f"bid {self.bid_id}: the price must be a number >= 0")


@dataclass(frozen=True)
class LabelPreferenceAdvisory:
    winning_bid_id: str
    best_labelled_bid_id: str
    # Best labelled price − winning price, EUR/h: positive when the labelled bid was dearer.
    price_gap: Decimal
    # price_gap ÷ winning price × 100, to 2 decimals (half up); when the winning price is 0,
    # 0 for a zero gap and Decimal("Infinity") otherwise (the gap cannot be negative then).
    price_gap_percent: Decimal
    reference: Text
    explanation: Text
    winning_centre_id: str = ""
    best_labelled_centre_id: str = ""


def advisory(
    activity_type: ActivityType, winner: BidView, bids: Sequence[BidView]
) -> LabelPreferenceAdvisory | None:
    """The advisory when perennial work went to an unlabelled centre while a labelled bid
    existed; None otherwise. The best labelled bid is the cheapest (ties: the first in `bids`).
    """
    if activity_type is not ActivityType.PERENNIAL or winner.labelled:
        return None
    labelled = [b for b in bids if b.labelled]  # the winner is unlabelled, so never among them
    if not labelled:
        return None
    best = min(labelled, key=lambda b: b.price_per_productive_hour)  # min keeps the first tie
    gap = best.price_per_productive_hour - winner.price_per_productive_hour
    percent = percent_of(gap, winner.price_per_productive_hour)
    return LabelPreferenceAdvisory(
        winning_bid_id=winner.bid_id,
        best_labelled_bid_id=best.bid_id,
        price_gap=gap,
        price_gap_percent=percent,
        reference=REFERENCE,
        explanation=text(
            "label-preference-explanation",
            winner=winner.centre_id,
            best=best.centre_id,
            comparison=comparison(gap, percent),
        ),
        winning_centre_id=winner.centre_id,
        best_labelled_centre_id=best.centre_id,
    )


def comparison(gap: Decimal, percent: Decimal) -> Text:
    """How the best labelled bid compares with the winning one: dearer or cheaper by `gap`
    EUR/h and `percent` % of the winning price (no percentage when it is infinite: the
    winning price was 0), or at the same price."""
    if gap > 0 and percent.is_infinite():
        return text("label-preference-dearer-unpriced", gap=gap)
    if gap > 0:
        return text("label-preference-dearer", gap=gap, percent=percent)
    if gap < 0:
        return text("label-preference-cheaper", gap=-gap, percent=-percent)
    return text("label-preference-same-price")


def summary(
    winning_centre_id: str, best_labelled_centre_id: str, gap: Decimal, percent: Decimal
) -> Text:
    """The finding's one line: who won, the best labelled centre and the price gap."""
    return text(
        "label-preference-summary",
        winner=winning_centre_id,
        best=best_labelled_centre_id,
        comparison=comparison(gap, percent),
    )
