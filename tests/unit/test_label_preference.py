"""Preference for labelled centres: when the advisory appears, which labelled bid it names, and
the price gap it reports."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rules.label_preference import BidView, advisory
from services.rules.purchasing import ActivityType


def bid(bid_id: str, price: str, labelled: bool) -> BidView:
    return BidView(bid_id, f"ctr-{bid_id}", Decimal(price), labelled)


UNLABELLED_WINNER = bid("w", "20.00", labelled=False)
LABELLED_WINNER = bid("w", "20.00", labelled=True)


@pytest.mark.parametrize("activity", list(ActivityType))
@pytest.mark.parametrize("winner", [UNLABELLED_WINNER, LABELLED_WINNER], ids=["unlab", "lab"])
@pytest.mark.parametrize("labelled_bid_present", [True, False])
def test_when_the_advisory_appears(activity, winner, labelled_bid_present):
    bids = [winner, bid("b", "21.00", labelled=labelled_bid_present), bid("c", "19", False)]
    expected = activity is ActivityType.PERENNIAL and not winner.labelled and labelled_bid_present
    assert (advisory(activity, winner, bids) is not None) == expected


def test_no_other_bid():
    assert advisory(ActivityType.PERENNIAL, UNLABELLED_WINNER, [UNLABELLED_WINNER]) is None
    assert advisory(ActivityType.PERENNIAL, UNLABELLED_WINNER, []) is None


def test_the_cheapest_labelled_bid_is_named():
    bids = [
        UNLABELLED_WINNER,
        bid("l1", "23.00", True),
        bid("u1", "18.00", False),  # cheaper, but not labelled
        bid("l2", "21.50", True),
        bid("l3", "22.00", True),
    ]
    result = advisory(ActivityType.PERENNIAL, UNLABELLED_WINNER, bids)
    assert result is not None
    assert (result.winning_bid_id, result.best_labelled_bid_id) == ("w", "l2")
    assert (result.winning_centre_id, result.best_labelled_centre_id) == ("ctr-w", "ctr-l2")


def test_ties_go_to_the_first_labelled_bid():
    bids = [bid("l1", "21.00", True), bid("l2", "21.0", True), UNLABELLED_WINNER]
    result = advisory(ActivityType.PERENNIAL, UNLABELLED_WINNER, bids)
    assert result is not None and result.best_labelled_bid_id == "l1"


@pytest.mark.parametrize(
    ("winning", "labelled", "gap", "percent", "wording"),
    [
        ("20.00", "21.00", "1.00", "5.00", "1.00 EUR/h (5.00%) dearer than"),
        ("20.00", "19.00", "-1.00", "-5.00", "1.00 EUR/h (5.00%) cheaper than"),
        ("20.00", "20.00", "0.00", "0.00", "at the same price as"),
        ("30.00", "30.01", "0.01", "0.03", "dearer"),  # 0.0333…
        ("24.00", "24.01", "0.01", "0.04", "dearer"),  # 0.041666…
        ("8.00", "8.0004", "0.0004", "0.01", "dearer"),  # 0.005, half up
        ("8.00", "7.9996", "-0.0004", "-0.01", "cheaper"),  # -0.005, half away from zero
    ],
)
def test_price_gap(winning, labelled, gap, percent, wording):
    winner = bid("w", winning, False)
    result = advisory(ActivityType.PERENNIAL, winner, [winner, bid("l", labelled, True)])
    assert result is not None
    assert (result.price_gap, result.price_gap_percent) == (Decimal(gap), Decimal(percent))
    assert wording in result.explanation
    assert "1st commitment" in result.reference


@pytest.mark.parametrize(
    ("labelled", "percent", "wording"),
    [
        ("0.00", Decimal(0), "at the same price as"),
        ("0.01", Decimal("Infinity"), "0.01 EUR/h dearer"),
    ],
)
def test_a_winning_price_of_zero(labelled, percent, wording):
    # A per-contact price converted to the hour and rounded to the cent can be 0.00.
    winner = bid("w", "0.00", False)
    result = advisory(ActivityType.PERENNIAL, winner, [winner, bid("l", labelled, True)])
    assert result is not None
    assert result.price_gap_percent == percent
    assert wording in result.explanation and "Infinity" not in result.explanation


@pytest.mark.parametrize("price", ["-0.01", "NaN", "Infinity"])
def test_a_bid_price_is_a_number_at_least_zero(price):
    with pytest.raises(ValueError, match=">= 0"):
        bid("x", price, False)


prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000"), places=2, allow_nan=False)
bids = st.builds(
    BidView,
    bid_id=st.text(min_size=1, max_size=5),
    centre_id=st.text(min_size=1, max_size=5),
    price_per_productive_hour=prices,
    labelled=st.booleans(),
)


@given(st.sampled_from(ActivityType), bids, st.lists(bids, max_size=6))
def test_advisory_iff_perennial_unlabelled_winner_and_a_labelled_bid(activity, winner, others):
    result = advisory(activity, winner, [winner, *others])
    expected = (
        activity is ActivityType.PERENNIAL
        and not winner.labelled
        and any(b.labelled for b in others)
    )
    assert (result is not None) == expected
    if result is not None:
        cheapest = min(b.price_per_productive_hour for b in others if b.labelled)
        assert result.price_gap == cheapest - winner.price_per_productive_hour
        assert result.price_gap * result.price_gap_percent >= 0  # never opposite signs
