"""Responsible purchasing: each rule at, below and above its limit; the dated cost floor."""

import calendar
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rules import Violation
from services.rules.purchasing import (
    DEFAULT_POLICY,
    PERENNIAL_ONLY,
    RULES,
    ActivityType,
    AuctionType,
    CostFloor,
    PaymentTerms,
    PurchasingPolicy,
    TenderTerms,
    invalid_terms,
    review,
    whole_months,
)

START = date(2026, 3, 1)
FLOOR_2026 = DEFAULT_POLICY.cost_floor_on(START).per_productive_hour  # 12.02 × 1.45 ÷ 0.80
CENT = Decimal("0.01")

# Perennial terms that raise no advisory: every test changes one thing.
GOOD = TenderTerms(
    activity_type=ActivityType.PERENNIAL,
    start=START,
    end=date(2029, 2, 28),
    payment_terms=PaymentTerms(30, end_of_month=False),
    auction_type=AuctionType.SEALED_BID,
    penalty_cap_percent=Decimal("10"),
    minimum_volume_commitment_percent=Decimal("70"),
    notice_schedule_bands=3,
    price_per_productive_hour=Decimal("25.00"),
)


def rules(terms: TenderTerms, **kwargs) -> list[str]:
    return [a.rule for a in review(terms, **kwargs)]


def test_good_terms_raise_nothing():
    assert review(GOOD) == []


@pytest.mark.parametrize(
    ("days", "end_of_month", "expected"),
    [
        (0, False, []),
        (59, False, []),
        (60, False, []),
        (61, False, ["payment_terms"]),
        (44, True, []),
        (45, True, []),
        (46, True, ["payment_terms"]),
        (60, True, ["payment_terms"]),
    ],
)
def test_payment_terms(days, end_of_month, expected):
    assert rules(replace(GOOD, payment_terms=PaymentTerms(days, end_of_month))) == expected


@pytest.mark.parametrize(
    ("terms", "observed", "limit"),
    [
        (PaymentTerms(75, False), "75 days", "60 days"),
        (PaymentTerms(46, True), "46 days end of month", "45 days end of month"),
    ],
)
def test_payment_terms_advisory(terms, observed, limit):
    (advisory,) = review(replace(GOOD, payment_terms=terms))
    assert (advisory.observed, advisory.limit) == (observed, limit)
    assert advisory.reference == "Code de commerce L441-10"


def test_cost_floor_per_productive_hour():
    assert DEFAULT_POLICY.cost_floor_on(START).per_productive_hour == Decimal("21.79")  # 21.78625
    assert DEFAULT_POLICY.cost_floor_on(date(2025, 6, 1)).per_productive_hour == Decimal("21.53")


def test_cost_floor_rounds_half_up_to_the_cent():
    floor = CostFloor(START, Decimal("2.01"), Decimal("0.5"), Decimal("1"))  # 1.005
    assert floor.per_productive_hour == Decimal("1.01")


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (FLOOR_2026 - CENT, ["price_below_floor"]),
        (FLOOR_2026, []),
        (FLOOR_2026 + CENT, []),
        (Decimal("0"), ["price_below_floor"]),
        (None, []),
    ],
)
def test_price_floor(price, expected):
    assert rules(replace(GOOD, price_per_productive_hour=price)) == expected


@pytest.mark.parametrize("activity", list(ActivityType))
def test_price_floor_applies_to_every_activity(activity):
    terms = replace(
        GOOD, activity_type=activity, price_per_productive_hour=Decimal("21.40"), end=START
    )
    (advisory,) = [a for a in review(terms) if a.rule == "price_below_floor"]
    assert (advisory.observed, advisory.limit) == ("21.40 EUR/h", "21.79 EUR/h")
    assert "L2152-5" in advisory.reference and "IDCC 2098" in advisory.reference
    assert "12.02" in advisory.explanation and "2026-01-01" in advisory.explanation


def test_a_fraction_of_a_cent_below_the_floor_shows_every_digit():
    (advisory,) = review(replace(GOOD, price_per_productive_hour=FLOOR_2026 - Decimal("0.001")))
    assert advisory.observed == "21.789 EUR/h"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 12, 31), []),  # the 2024 floor, 21.53, is in force
        (date(2026, 1, 1), ["price_below_floor"]),
        (None, ["price_below_floor"]),  # the start date, 2026-03-01
        (date(2024, 10, 31), []),  # no floor in force: the price is not checked
    ],
)
def test_price_floor_on_a_given_date(on, expected):
    terms = replace(GOOD, price_per_productive_hour=Decimal("21.60"))
    assert rules(terms, on=on) == expected


@pytest.mark.parametrize(
    ("day", "wage"),
    [
        (date(2024, 11, 1), Decimal("11.88")),
        (date(2024, 11, 2), Decimal("11.88")),
        (date(2025, 12, 31), Decimal("11.88")),
        (date(2026, 1, 1), Decimal("12.02")),
        (date(2026, 1, 2), Decimal("12.02")),
        (date(2040, 1, 1), Decimal("12.02")),
    ],
)
def test_cost_floor_in_force(day, wage):
    assert DEFAULT_POLICY.cost_floor_on(day).hourly_minimum_wage == wage


@pytest.mark.parametrize(
    "policy", [DEFAULT_POLICY, PurchasingPolicy(cost_floors=())], ids=["before", "empty"]
)
def test_no_cost_floor_in_force(policy):
    with pytest.raises(ValueError, match="no cost floor in force on 2024-10-31"):
        policy.cost_floor_on(date(2024, 10, 31))


def test_cost_floors_in_any_order():
    later, earlier = DEFAULT_POLICY.cost_floors[1], DEFAULT_POLICY.cost_floors[0]
    policy = PurchasingPolicy(cost_floors=(later, earlier))
    assert policy.cost_floor_on(date(2026, 6, 1)) == later
    assert policy.cost_floor_on(date(2025, 6, 1)) == earlier


@pytest.mark.parametrize(
    ("wage", "coefficient", "share"),
    [("0", "1.45", "0.80"), ("11.88", "0", "0.80"), ("11.88", "1.45", "0"), ("11.88", "1", "1.1")],
)
def test_nonsense_cost_floor(wage, coefficient, share):
    with pytest.raises(ValueError):
        CostFloor(START, Decimal(wage), Decimal(coefficient), Decimal(share))


def test_two_floors_on_one_date():
    floor = DEFAULT_POLICY.cost_floors[0]
    with pytest.raises(ValueError, match="same date"):
        PurchasingPolicy(cost_floors=(floor, replace(floor, hourly_minimum_wage=Decimal("12"))))


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (ActivityType.PERENNIAL, ["reverse_auction_perennial"]),
        (ActivityType.CAMPAIGN, []),
        (ActivityType.PUNCTUAL, []),
    ],
)
@pytest.mark.parametrize("auction", list(AuctionType))
def test_reverse_auction(activity, auction, expected):
    terms = replace(GOOD, activity_type=activity, auction_type=auction)
    assert rules(terms) == (expected if auction is AuctionType.REVERSE_AUCTION else [])


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), 0),
        (date(2026, 1, 1), date(2026, 1, 31), 1),
        (date(2026, 1, 2), date(2026, 1, 31), 0),
        (date(2026, 1, 1), date(2026, 12, 31), 12),
        (date(2026, 1, 15), date(2027, 1, 14), 12),
        (date(2026, 1, 15), date(2027, 1, 13), 11),
        (date(2026, 3, 31), date(2026, 4, 29), 1),  # April has no 31st
        (date(2026, 3, 31), date(2026, 4, 28), 0),
        (date(2026, 1, 30), date(2026, 2, 28), 1),
        (date(2024, 2, 29), date(2025, 2, 26), 11),
        (date(2024, 2, 29), date(2025, 2, 27), 12),  # 2025 has no 29 February
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(9999, 1, 1), date.max, 12),
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("end", "activity", "expected"),
    [
        (date(2027, 1, 31), ActivityType.PERENNIAL, ["short_perennial_contract"]),  # 11 months
        (date(2027, 2, 27), ActivityType.PERENNIAL, ["short_perennial_contract"]),  # a day short
        (date(2027, 2, 28), ActivityType.PERENNIAL, []),  # 12 months
        (date(2027, 3, 31), ActivityType.PERENNIAL, []),  # 13 months
        (date(2026, 5, 31), ActivityType.CAMPAIGN, []),
        (START, ActivityType.PUNCTUAL, []),
    ],
)
def test_short_perennial_contract(end, activity, expected):
    assert rules(replace(GOOD, end=end, activity_type=activity)) == expected


def test_short_perennial_contract_advisory():
    (advisory,) = review(replace(GOOD, end=date(2026, 10, 31)))
    assert (advisory.observed, advisory.limit) == ("8 months", "12 months")


def test_minimum_perennial_months_is_a_parameter():
    policy = replace(DEFAULT_POLICY, min_perennial_months=36)
    assert rules(replace(GOOD, end=date(2029, 2, 27)), policy=policy) == [
        "short_perennial_contract"
    ]
    assert rules(GOOD, policy=policy) == []


@pytest.mark.parametrize(
    ("cap", "expected", "observed"),
    [
        (None, ["penalties_uncapped"], "no cap"),
        (Decimal("0"), [], None),
        (Decimal("9.99"), [], None),
        (Decimal("10"), [], None),
        (Decimal("10.01"), ["penalty_cap_above_limit"], "10.01%"),
        (Decimal("15"), ["penalty_cap_above_limit"], "15%"),
    ],
)
@pytest.mark.parametrize("activity", list(ActivityType))
def test_penalties_on_any_activity(cap, expected, observed, activity):
    terms = replace(GOOD, penalty_cap_percent=cap, activity_type=activity)
    advisories = review(terms)
    assert [a.rule for a in advisories] == expected
    if advisories:
        assert (advisories[0].observed, advisories[0].limit) == (observed, "10%")


@pytest.mark.parametrize(
    ("commitment", "activity", "expected"),
    [
        (None, ActivityType.PERENNIAL, ["no_volume_commitment"]),
        (Decimal("0"), ActivityType.PERENNIAL, ["no_volume_commitment"]),
        (Decimal("0.5"), ActivityType.PERENNIAL, []),
        (Decimal("60"), ActivityType.PERENNIAL, []),
        (None, ActivityType.CAMPAIGN, []),
        (Decimal("0"), ActivityType.PUNCTUAL, []),
    ],
)
def test_volume_commitment(commitment, activity, expected):
    terms = replace(GOOD, minimum_volume_commitment_percent=commitment, activity_type=activity)
    assert rules(terms) == expected


@pytest.mark.parametrize(
    ("bands", "activity", "expected"),
    [
        (0, ActivityType.PERENNIAL, ["no_notice_schedule"]),
        (1, ActivityType.PERENNIAL, []),
        (0, ActivityType.CAMPAIGN, []),
        (0, ActivityType.PUNCTUAL, []),
    ],
)
def test_notice_schedule(bands, activity, expected):
    assert rules(replace(GOOD, notice_schedule_bands=bands, activity_type=activity)) == expected


def test_no_notice_schedule_cites_the_third_commitment():
    (advisory,) = review(replace(GOOD, notice_schedule_bands=0))
    assert "3rd commitment" in advisory.reference


def test_every_advisory_in_the_documented_order():
    worst = TenderTerms(
        activity_type=ActivityType.PERENNIAL,
        start=START,
        end=START,
        payment_terms=PaymentTerms(90, end_of_month=False),
        auction_type=AuctionType.REVERSE_AUCTION,
        penalty_cap_percent=None,
        minimum_volume_commitment_percent=None,
        notice_schedule_bands=0,
        price_per_productive_hour=Decimal("15"),
    )
    assert rules(worst) == [r for r in RULES if r != "penalty_cap_above_limit"]
    assert rules(replace(worst, penalty_cap_percent=Decimal("50"))) == [
        r for r in RULES if r != "penalties_uncapped"
    ]
    for advisory in review(worst):
        assert advisory.reference and advisory.explanation.endswith(".")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"end": START}, []),
        ({"end": START - timedelta(days=1)}, [Violation("end_date", "must be on or after")]),
        ({"payment_terms": PaymentTerms(-1, False)}, [Violation("payment_terms.days", "negative")]),
        ({"penalty_cap_percent": Decimal("-1")}, [Violation("penalty_cap_percent", "negative")]),
        (
            {"minimum_volume_commitment_percent": Decimal("-0.1")},
            [Violation("minimum_volume_commitment_percent", "negative")],
        ),
        (
            {"price_per_productive_hour": Decimal("-0.01")},
            [Violation("price_ceiling_per_hour", "negative")],
        ),
        (
            {"price_per_productive_hour": Decimal("NaN")},
            [Violation("price_ceiling_per_hour", "finite")],
        ),
        (
            {"penalty_cap_percent": Decimal("Infinity")},
            [Violation("penalty_cap_percent", "finite")],
        ),
        (
            {
                "end": START - timedelta(days=1),
                "payment_terms": PaymentTerms(-5, True),
                "penalty_cap_percent": Decimal("-2"),
            },
            [
                Violation("end_date", "must be on or after"),
                Violation("payment_terms.days", "negative"),
                Violation("penalty_cap_percent", "negative"),
            ],
        ),
    ],
)
def test_invalid_terms(changes, expected):
    problems = invalid_terms(replace(GOOD, **changes))
    assert [p.field for p in problems] == [v.field for v in expected]
    for problem, violation in zip(problems, expected, strict=True):
        assert violation.reason in problem.reason


def decimals(max_value: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, allow_nan=False, allow_infinity=False)


@st.composite
def valid_terms(draw) -> TenderTerms:
    start = draw(st.dates())
    return TenderTerms(
        activity_type=draw(st.sampled_from(ActivityType)),
        start=start,
        end=draw(st.dates(min_value=start)),
        payment_terms=PaymentTerms(draw(st.integers(min_value=0)), draw(st.booleans())),
        auction_type=draw(st.sampled_from(AuctionType)),
        penalty_cap_percent=draw(st.none() | decimals(10**6)),
        minimum_volume_commitment_percent=draw(st.none() | decimals(100)),
        notice_schedule_bands=draw(st.integers(min_value=0, max_value=20)),
        price_per_productive_hour=draw(st.none() | decimals(10**9)),
    )


@given(valid_terms(), st.none() | st.dates())
def test_review_never_raises_and_uses_documented_ids(terms, on):
    assert invalid_terms(terms) == []
    advisories = review(terms, on=on)
    ids = [a.rule for a in advisories]
    assert set(ids) <= set(RULES)
    assert ids == sorted(ids, key=RULES.index) and len(set(ids)) == len(ids)
    if terms.activity_type is not ActivityType.PERENNIAL:
        assert not set(ids) & PERENNIAL_ONLY


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=0, max_value=2000))
def test_whole_months_is_the_count_of_month_anniversaries_up_to_the_day_after_end(start, days):
    end = start + timedelta(days=days)

    def anniversary(months: int) -> date:
        # Day d of the month `months` later, or its last day when it has no day d.
        years, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + years, month + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    expected = max(m for m in range(0, 70) if anniversary(m) <= end + timedelta(days=1))
    assert whole_months(start, end) == expected
