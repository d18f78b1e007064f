"""The domain's calendar: public holidays named, business days counted and walked in both
directions (the lead-time rule's tests check the counting against the law's examples)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.common import wording
from services.rules.calendar import (
    BACKWARD,
    FORWARD,
    business_days,
    french_public_holidays,
    nth_business_day,
    public_holidays_between,
)


def test_a_walk_starts_on_its_own_day_when_it_is_a_business_day():
    # Friday 15 May 2026 is a business day; Thursday 14 May is Ascension.
    assert nth_business_day(date(2026, 5, 15), 1, FORWARD) == date(2026, 5, 15)
    assert nth_business_day(date(2026, 5, 15), 1, BACKWARD) == date(2026, 5, 15)
    assert nth_business_day(date(2026, 5, 14), 1, BACKWARD) == date(2026, 5, 13)
    assert nth_business_day(date(2026, 5, 14), 1, FORWARD) == date(2026, 5, 15)


def test_a_walk_skips_weekends_and_holidays():
    # From Thursday 30 April 2026: 1 May (Fri), the weekend, 8 May (Fri) and 14 May are off.
    assert nth_business_day(date(2026, 4, 30), 6, FORWARD) == date(2026, 5, 11)
    assert nth_business_day(date(2026, 5, 11), 6, BACKWARD) == date(2026, 4, 30)
    assert nth_business_day(date(2026, 5, 11), 6, BACKWARD, lambda year: frozenset()) == date(
        2026, 5, 4
    )


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=400),
)
def test_walking_n_business_days_and_back_returns_and_counts_n(day, n):
    there = nth_business_day(day, n, FORWARD)
    back = nth_business_day(there, n, BACKWARD)
    assert back == nth_business_day(day, 1, FORWARD)  # the first business day from `day`
    assert business_days(back, there + timedelta(days=1)) == n
    assert there.weekday() < 5 and there not in french_public_holidays(there.year)


def test_holidays_between_are_named_and_may_leave_weekends_out():
    november = public_holidays_between(date(2026, 11, 1), date(2026, 12, 1))
    assert [(h.day, wording.render(h.name, "fr")) for h in november] == [
        (date(2026, 11, 1), "Toussaint"),  # a Sunday
        (date(2026, 11, 11), "Armistice"),
    ]
    assert [h.day for h in november if h.day.weekday() < 5] == [
        h.day
        for h in public_holidays_between(date(2026, 11, 1), date(2026, 12, 1), weekdays_only=True)
    ]
    assert public_holidays_between(date(2026, 11, 2), date(2026, 11, 2)) == ()
