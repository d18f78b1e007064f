"""Preference for labelled centres: when the advisory appears, which labelled bid it names, and
the price gap it reports."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules.label_preference import REFERENCE, BidView, advisory, comparison, summary
from services.rules.purchasing import ActivityType
from services.rules.wording import text


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


CENT = Decimal("0.01")
DEARER = "label-preference-dearer"
CHEAPER = "label-preference-cheaper"


@pytest.mark.parametrize(
    ("winning", "labelled", "gap", "percent", "expected"),
    [
        ("20.00", "21.00", "1.00", "5.00", text(DEARER, gap=Decimal("1.00"), percent=Decimal(5))),
        (
            "20.00",
            "19.00",
            "-1.00",
            "-5.00",
            text(CHEAPER, gap=Decimal("1.00"), percent=Decimal(5)),
        ),
        ("20.00", "20.00", "0.00", "0.00", text("label-preference-same-price")),
        ("30.00", "30.01", "0.01", "0.03", text(DEARER, gap=CENT, percent=CENT * 3)),  # 0.0333…
        ("24.00", "24.01", "0.01", "0.04", text(DEARER, gap=CENT, percent=CENT * 4)),  # 0.041666…
        (  # 0.005, half up
            "8.00",
            "8.0004",
            "0.0004",
            "0.01",
            text(DEARER, gap=Decimal("0.0004"), percent=CENT),
        ),
        (  # -0.005, half away from zero
            "8.00",
            "7.9996",
            "-0.0004",
            "-0.01",
            text(CHEAPER, gap=Decimal("0.0004"), percent=CENT),
        ),
    ],
)
def test_price_gap(winning, labelled, gap, percent, expected):
    winner = bid("w", winning, False)
    result = advisory(ActivityType.PERENNIAL, winner, [winner, bid("l", labelled, True)])
    assert result is not None
    assert (result.price_gap, result.price_gap_percent) == (Decimal(gap), Decimal(percent))
    assert result.explanation == text(
        "label-preference-explanation", winner="ctr-w", best="ctr-l", comparison=expected
    )
    assert result.reference == REFERENCE


@pytest.mark.parametrize(
    ("labelled", "percent", "expected"),
    [
        ("0.00", Decimal(0), text("label-preference-same-price")),
        ("0.01", Decimal("Infinity"), text("label-preference-dearer-unpriced", gap=CENT)),
    ],
)
def test_a_winning_price_of_zero(labelled, percent, expected):
    # A per-contact price converted to the hour and rounded to the cent can be 0.00.
    winner = bid("w", "0.00", False)
    result = advisory(ActivityType.PERENNIAL, winner, [winner, bid("l", labelled, True)])
    assert result is not None
    assert result.price_gap_percent == percent
    assert result.explanation.values["comparison"] == expected
    assert "∞" not in render(result.explanation, "fr")


def test_the_advisory_in_french():
    winner = bid("w", "25.00", False)
    result = advisory(ActivityType.PERENNIAL, winner, [winner, bid("l", "26.00", True)])
    assert result is not None
    assert render(result.explanation, "fr") == (
        "L'activité pérenne a été confiée au centre non labellisé ctr-w alors que le centre "
        "labellisé ctr-l avait remis une offre plus chère de 1,00 € par heure productive (4 %) "
        "que l'offre retenue ; le label demande une préférence, non une exclusion."
    )
    assert render(result.explanation, "en") == (
        "Perennial work went to unlabelled centre ctr-w while labelled centre ctr-l bid "
        "1.00 EUR/h (4.00%) dearer than the winning bid; the label asks for a preference, not "
        "an exclusion."
    )
    assert render(REFERENCE, "fr") == (
        "Label Responsabilité Sociale, 1er engagement des donneurs d'ordre : préférence donnée "
        "aux centres labellisés pour les activités pérennes, sans distorsion de concurrence"
    )


@pytest.mark.parametrize(
    ("gap", "percent", "french"),
    [
        ("1.00", "4.00", "plus chère de 1,00 € par heure productive (4 %)"),
        ("-0.0004", "-0.01", "moins chère de 0,0004 € par heure productive (0,01 %)"),
        ("0.00", "0.00", "au même prix"),
        ("0.01", "Infinity", "plus chère de 0,01 € par heure productive"),
    ],
)
def test_the_price_gap_in_french(gap, percent, french):
    assert render(comparison(Decimal(gap), Decimal(percent)), "fr") == french


def test_the_summary_names_both_centres_and_the_gap():
    line = summary("ctr-w", "ctr-l", Decimal("1.00"), Decimal("4.00"))
    assert line.values["comparison"] == comparison(Decimal("1.00"), Decimal("4.00"))
    assert render(line, "fr") == (
        "Activité pérenne confiée au centre non labellisé ctr-w ; l'offre du centre labellisé "
        "ctr-l était plus chère de 1,00 € par heure productive (4 %)."
    )


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
