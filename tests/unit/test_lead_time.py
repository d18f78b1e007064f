"""Notice for workload changes: every band edge, calendar vs business days vs months, notices
across French public holidays and weekends, termination, a change of 0 %, the deadline to the
day; properties with hypothesis."""

import calendar
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vigie.contracts.v1 import contracts_pb2
from vigie.notices.v1 import notices_pb2

from services.common import wording
from services.rules import Violation
from services.rules.calendar import (
    PublicHoliday,
    alsace_moselle_public_holidays,
    business_days,
    french_public_holiday_names,
    french_public_holidays,
)
from services.rules.lead_time import (
    AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS,
    AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    AGENT_SCHEDULE_REFERENCE,
    COUNTING_TEXTS,
    DEFAULT_SCHEDULE,
    REFERENCE,
    Counting,
    LeadTimeUnit,
    NoticeBand,
    WorkloadChange,
    amount_text,
    assess,
    band_for,
    below_agent_floor,
    change_percent,
    change_text,
    deadline,
    earliest_effective_date,
    fewest_working_days,
    notice_given,
    preview,
    schedule_problems,
    schedule_text,
)
from services.rules.purchasing import whole_months
from services.rules.wording import text

CAL, BUS, MON = LeadTimeUnit.CALENDAR_DAYS, LeadTimeUnit.BUSINESS_DAYS, LeadTimeUnit.CALENDAR_MONTHS
LEGAL, NOTICE_DAY = Counting.LEGAL, Counting.NOTICE_DAY_COUNTS

# The design's example schedule: ≤10 %: 2 weeks, ≤30 %: 4 weeks, more or termination: 3 months.
UP_TO_10 = NoticeBand(Decimal(10), 14, CAL)
UP_TO_30 = NoticeBand(Decimal(30), 20, BUS)
LARGER = NoticeBand(None, 3, MON)
SCHEDULE = (UP_TO_10, UP_TO_30, LARGER)


def no_holidays(year: int) -> frozenset[date]:
    return frozenset()


def change(percent: str, termination: bool = False) -> WorkloadChange:
    return WorkloadChange(Decimal(percent), termination)


def band(lead: int, unit: LeadTimeUnit) -> NoticeBand:
    return NoticeBand(None, lead, unit)


# --- the calendar -------------------------------------------------------------------------


def test_french_public_holidays_2026_and_2027():
    assert french_public_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    }
    assert date(2027, 5, 6) in french_public_holidays(2027)  # Ascension
    assert date(2027, 5, 17) in french_public_holidays(2027)  # Whit Monday
    assert len(french_public_holidays(2027)) == 11


def test_whit_monday_can_be_a_working_day_by_contract():
    assert french_public_holidays(2026) - french_public_holidays(2026, whit_monday=False) == {
        date(2026, 5, 25)
    }


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    assert alsace_moselle_public_holidays(2026) - french_public_holidays(2026) == {
        date(2026, 4, 3),
        date(2026, 12, 26),
    }


def test_the_library_knows_no_holiday_after_2100():
    # Documented: business days are then Monday to Friday.
    assert french_public_holidays(2101) == frozenset()


def test_units_are_numbered_as_in_the_protos():
    for unit in LeadTimeUnit:
        assert contracts_pb2.LeadTimeUnit.Value(f"LEAD_TIME_UNIT_{unit.name}") == unit


# --- the size of a change -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "new_level", "expected"),
    [
        (100, 60, "-40.00"),
        (100, 125, "25.00"),
        (100, 100, "0.00"),
        (100, 0, "-100.00"),
        (3, 4, "33.33"),
        (3, 2, "-33.33"),
        (800, 801, "0.13"),  # 0.125, half up
        (800, 799, "-0.13"),  # -0.125, half away from zero
        (1000, 1100, "10.00"),
        (100_000, 110_001, "10.00"),  # 10.001 %: rounded into the 10 % band
        (100_000, 110_005, "10.01"),  # 10.005 %, half up
    ],
)
def test_change_percent(baseline, new_level, expected):
    assert change_percent(baseline, new_level) == Decimal(expected)
    assert str(change_percent(baseline, new_level)) == expected


@pytest.mark.parametrize(("baseline", "new_level"), [(0, 10), (-5, 10), (10, -1)])
def test_change_percent_refuses_a_meaningless_baseline_or_level(baseline, new_level):
    with pytest.raises(ValueError):
        change_percent(baseline, new_level)


def test_a_change_must_be_a_number():
    with pytest.raises(ValueError):
        WorkloadChange(Decimal("NaN"))
    with pytest.raises(ValueError):
        WorkloadChange(Decimal("Infinity"))


# --- which band ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        ("0.01", UP_TO_10),
        ("9.99", UP_TO_10),
        ("10", UP_TO_10),  # bounds are inclusive
        ("10.00", UP_TO_10),
        ("10.01", UP_TO_30),
        ("29.99", UP_TO_30),
        ("30", UP_TO_30),
        ("30.01", LARGER),
        ("100", LARGER),
        ("1000", LARGER),
    ],
)
def test_every_band_edge_up_and_down(percent, expected):
    assert band_for(SCHEDULE, change(percent)) == expected
    assert band_for(SCHEDULE, change(f"-{percent}")) == expected  # a cut and a rise alike


@pytest.mark.parametrize(
    ("schedule", "the_change", "expected"),
    [
        (SCHEDULE, change("0"), None),  # no change, no notice
        (SCHEDULE, change("-0.00"), None),
        (SCHEDULE, change("0", termination=True), LARGER),
        (SCHEDULE, change("5", termination=True), LARGER),  # termination, whatever its size
        ((), change("40"), None),  # no schedule
        ((), change("0", termination=True), None),
        ((UP_TO_10, UP_TO_30), change("30.01"), None),  # nothing covers it
        ((UP_TO_10, UP_TO_30), change("-5", termination=True), UP_TO_30),  # the largest band
        ((LARGER, UP_TO_30, UP_TO_10), change("10.01"), UP_TO_30),  # order does not matter
        ((LARGER, UP_TO_30, UP_TO_10), change("45"), LARGER),
        ((LARGER,), change("1"), LARGER),  # one band for everything
        ((LARGER,), change("1", termination=True), LARGER),
    ],
)
def test_band_for(schedule, the_change, expected):
    assert band_for(schedule, the_change) == expected


# --- the deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective", "the_band", "expected"),
    [
        # Calendar days: effective − N − 1 days (the notice day does not count, the period
        # ends the day before the change), across a month and a year.
        (date(2026, 6, 15), band(14, CAL), date(2026, 5, 31)),  # 1 to 14 June count
        (date(2026, 1, 10), band(14, CAL), date(2025, 12, 26)),
        (date(2026, 3, 1), band(1, CAL), date(2026, 2, 27)),  # 28 February counts
        # Business days: the day before the N-th business day before the effective day.
        (date(2026, 6, 8), band(5, BUS), date(2026, 5, 31)),  # Sunday: 1 to 5 June count
        (date(2026, 6, 9), band(5, BUS), date(2026, 6, 1)),  # 2, 3, 4, 5 and 8 June count
        (date(2026, 6, 6), band(5, BUS), date(2026, 5, 31)),  # Saturday: as for Monday
        (date(2026, 6, 7), band(5, BUS), date(2026, 5, 31)),  # Sunday: as for Monday
        (date(2026, 6, 8), band(1, BUS), date(2026, 6, 4)),  # Friday 5 June counts
        (date(2026, 6, 6), band(1, BUS), date(2026, 6, 4)),
        # 1 May, 8 May and Ascension 2026 (Fri, Fri, Thu): 28, 29, 30 April, 4 to 7 May, 11
        # to 13 May count.
        (date(2026, 5, 15), band(10, BUS), date(2026, 4, 27)),
        # Whit Monday 2026 (25 May): the deadline may be the holiday itself.
        (date(2026, 5, 29), band(3, BUS), date(2026, 5, 25)),
        (date(2026, 5, 29), band(4, BUS), date(2026, 5, 21)),
        # 20 business days before Monday 8 June 2026: over 8 May, Ascension and Whit Monday.
        (date(2026, 6, 8), band(20, BUS), date(2026, 5, 5)),
        # 2027: Ascension on Thursday 6 May, Whit Monday on 17 May; 1 and 8 May are Saturdays.
        # 15 business days from Monday 26 April: 27 to 30 April, 3 to 5, 7, 10 to 14, 18 and 19
        # May; the change may take effect on Thursday 20 May.
        (date(2027, 5, 20), band(15, BUS), date(2027, 4, 26)),
        (date(2027, 5, 19), band(15, BUS), date(2027, 4, 25)),
        (date(2027, 5, 10), band(5, BUS), date(2027, 4, 29)),
        # 14 July 2026 (Tuesday).
        (date(2026, 7, 17), band(5, BUS), date(2026, 7, 8)),
        # 15 August: a Saturday in 2026 (nothing to skip), a Tuesday in 2028.
        (date(2026, 8, 21), band(5, BUS), date(2026, 8, 13)),
        (date(2028, 8, 18), band(5, BUS), date(2028, 8, 9)),
        # 1 and 11 November 2027 (Monday, Thursday).
        (date(2027, 11, 12), band(10, BUS), date(2027, 10, 26)),
        # New Year 2027 (Friday), then Christmas 2026 (Friday).
        (date(2027, 1, 5), band(5, BUS), date(2026, 12, 27)),
        (date(2027, 1, 5), band(10, BUS), date(2026, 12, 17)),
        # Calendar months (641): the period ends on the notice's day number N months later
        # (the month's last day when it has none), and the change may take effect the day
        # after: the deadline is day d N months before the day before the effective date.
        (date(2026, 3, 12), band(3, MON), date(2025, 12, 11)),  # ends on 11 March
        (date(2026, 3, 13), band(3, MON), date(2025, 12, 12)),
        (date(2026, 1, 15), band(3, MON), date(2025, 10, 14)),
        (date(2026, 3, 29), band(1, MON), date(2026, 2, 28)),  # ends on 28 March
        (date(2026, 3, 31), band(1, MON), date(2026, 2, 28)),
        (date(2026, 3, 1), band(1, MON), date(2026, 1, 31)),  # 31 January ends on 28 Feb
        (date(2026, 2, 28), band(1, MON), date(2026, 1, 27)),
        (date(2026, 5, 1), band(1, MON), date(2026, 3, 31)),  # 31 March ends on 30 April
        (date(2026, 4, 30), band(1, MON), date(2026, 3, 29)),
        (date(2028, 3, 1), band(12, MON), date(2027, 2, 28)),  # ends on 28 February 2028
        (date(2027, 5, 27), band(1, MON), date(2027, 4, 26)),  # ends on 26 May
    ],
)
def test_deadline(effective, the_band, expected):
    assert deadline(effective, the_band) == expected
    assert deadline(effective, the_band, counting=LEGAL) == expected  # the default
    given_on_deadline = notice_given(expected, effective, the_band.unit)
    given_a_day_late = notice_given(expected + timedelta(days=1), effective, the_band.unit)
    assert given_on_deadline >= the_band.lead_time > given_a_day_late


@pytest.mark.parametrize(
    ("effective", "the_band", "expected"),
    [
        # Calendar days: effective − N days, across a month and a year.
        (date(2026, 6, 15), band(14, CAL), date(2026, 6, 1)),
        (date(2026, 1, 10), band(14, CAL), date(2025, 12, 27)),
        (date(2026, 3, 1), band(1, CAL), date(2026, 2, 28)),
        # Business days: the N-th business day before the effective day.
        (date(2026, 6, 8), band(5, BUS), date(2026, 6, 1)),  # Monday → the Monday before
        (date(2026, 6, 9), band(5, BUS), date(2026, 6, 2)),
        (date(2026, 6, 6), band(5, BUS), date(2026, 6, 1)),  # Saturday: as for Monday
        (date(2026, 6, 7), band(5, BUS), date(2026, 6, 1)),  # Sunday: as for Monday
        (date(2026, 6, 8), band(1, BUS), date(2026, 6, 5)),  # Monday → the Friday before
        (date(2026, 6, 6), band(1, BUS), date(2026, 6, 5)),  # Saturday → Friday
        # 1 May, 8 May and Ascension 2026 (Fri, Fri, Thu): three business days further back.
        (date(2026, 5, 15), band(10, BUS), date(2026, 4, 28)),
        # Whit Monday 2026 (25 May).
        (date(2026, 5, 29), band(3, BUS), date(2026, 5, 26)),
        (date(2026, 5, 29), band(4, BUS), date(2026, 5, 22)),
        # 20 business days before Monday 8 June 2026: over 8 May, Ascension and Whit Monday.
        (date(2026, 6, 8), band(20, BUS), date(2026, 5, 6)),
        # 2027: 15 business days from Monday 26 April, itself counted, end on 18 May.
        (date(2027, 5, 19), band(15, BUS), date(2027, 4, 26)),
        # Ascension 2027 (Thursday 6 May); 1 and 8 May 2027 are Saturdays and change nothing.
        (date(2027, 5, 10), band(5, BUS), date(2027, 4, 30)),
        # 14 July 2026 (Tuesday).
        (date(2026, 7, 17), band(5, BUS), date(2026, 7, 9)),
        # 15 August: a Saturday in 2026 (nothing to skip), a Tuesday in 2028.
        (date(2026, 8, 21), band(5, BUS), date(2026, 8, 14)),
        (date(2028, 8, 18), band(5, BUS), date(2028, 8, 10)),
        # 1 and 11 November 2027 (Monday, Thursday).
        (date(2027, 11, 12), band(10, BUS), date(2027, 10, 27)),
        # New Year 2027 (Friday), then Christmas 2026 (Friday).
        (date(2027, 1, 5), band(5, BUS), date(2026, 12, 28)),
        (date(2027, 1, 5), band(10, BUS), date(2026, 12, 18)),
        # Calendar months: day d N months before; the month's last day when it has no day d,
        # or when the effective day is the last of its month (as purchasing.whole_months).
        (date(2026, 3, 12), band(3, MON), date(2025, 12, 12)),
        (date(2026, 1, 15), band(3, MON), date(2025, 10, 15)),
        (date(2026, 3, 29), band(1, MON), date(2026, 2, 28)),
        (date(2026, 3, 30), band(1, MON), date(2026, 2, 28)),
        (date(2026, 3, 31), band(1, MON), date(2026, 2, 28)),
        (date(2026, 4, 30), band(1, MON), date(2026, 3, 31)),
        (date(2026, 2, 28), band(1, MON), date(2026, 1, 31)),
        (date(2026, 2, 27), band(1, MON), date(2026, 1, 27)),
        (date(2028, 2, 29), band(12, MON), date(2027, 2, 28)),
        (date(2028, 2, 29), band(1, MON), date(2028, 1, 31)),
    ],
)
def test_deadline_when_the_notice_day_counts(effective, the_band, expected):
    assert deadline(effective, the_band, counting=NOTICE_DAY) == expected
    unit = the_band.unit
    given_on_deadline = notice_given(expected, effective, unit, counting=NOTICE_DAY)
    a_day_late = expected + timedelta(days=1)
    assert (
        given_on_deadline
        >= the_band.lead_time
        > notice_given(a_day_late, effective, unit, counting=NOTICE_DAY)
    )


def test_the_legal_deadline_is_a_day_earlier_in_days_and_a_day_before_the_change_in_months():
    for effective in (date(2026, 6, 8), date(2027, 5, 20), date(2026, 3, 1), date(2026, 5, 1)):
        for lead in (1, 5, 14, 20):
            for unit in (CAL, BUS):
                assert deadline(effective, band(lead, unit)) == deadline(
                    effective, band(lead, unit), counting=NOTICE_DAY
                ) - timedelta(days=1)
            assert deadline(effective, band(lead, MON)) == deadline(
                effective - timedelta(days=1), band(lead, MON), counting=NOTICE_DAY
            )


def test_holidays_are_a_parameter():
    # Without holidays, 10 business days before Friday 15 May 2026: 1 to 14 May count.
    assert deadline(date(2026, 5, 15), band(10, BUS), no_holidays) == date(2026, 4, 30)
    # Whit Monday worked by contract: 25 to 28 May count.
    as_worked = lambda year: french_public_holidays(year, whit_monday=False)  # noqa: E731
    assert deadline(date(2026, 5, 29), band(4, BUS), as_worked) == date(2026, 5, 24)
    # Alsace-Moselle: Good Friday 2026 (3 April) next to Easter Monday (6 April).
    assert deadline(date(2026, 4, 8), band(3, BUS)) == date(2026, 4, 1)
    assert deadline(date(2026, 4, 8), band(3, BUS), alsace_moselle_public_holidays) == date(
        2026, 3, 31
    )


@pytest.mark.parametrize("lead", [0, -1])
@pytest.mark.parametrize("counting", list(Counting))
def test_deadline_refuses_a_lead_time_below_1(lead, counting):
    with pytest.raises(ValueError):
        deadline(date(2026, 6, 8), band(lead, CAL), counting=counting)


def test_counting_is_numbered_as_in_the_protos():
    for counting in Counting:
        assert notices_pb2.LeadTimeCounting.Value(f"LEAD_TIME_COUNTING_{counting.name}") == (
            counting
        )


# --- counting the notice given ------------------------------------------------------------


@pytest.mark.parametrize(
    ("notified", "effective", "expected"),
    [
        # The documented example: Monday 1 June to Monday 8 June 2026 is 4 business days (2
        # to 5 June); from Sunday 31 May, 5.
        (date(2026, 6, 1), date(2026, 6, 8), 4),
        (date(2026, 5, 31), date(2026, 6, 8), 5),
        (date(2026, 5, 29), date(2026, 6, 8), 5),  # Friday 29 May does not count
        (date(2026, 5, 28), date(2026, 6, 8), 6),
        (date(2026, 6, 1), date(2026, 6, 6), 4),  # effective Saturday
        (date(2026, 6, 1), date(2026, 6, 7), 4),  # effective Sunday
        (date(2026, 6, 4), date(2026, 6, 8), 1),  # Thursday for Monday: the Friday
        (date(2026, 6, 5), date(2026, 6, 8), 0),  # Friday for Monday: nothing in between
        (date(2026, 6, 6), date(2026, 6, 8), 0),
        (date(2026, 4, 29), date(2026, 5, 4), 1),  # Wednesday 29 April: Thursday 30 April
        (date(2026, 4, 30), date(2026, 5, 4), 0),  # then 1 May (a holiday) and a weekend
        (date(2026, 5, 1), date(2026, 6, 1), 17),  # May 2026: 21 weekdays, 4 holidays
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 28, 29, 30, 31 December
        # 2027, across Ascension (6 May) and Whit Monday (17 May).
        (date(2027, 4, 26), date(2027, 5, 20), 15),
        (date(2027, 4, 26), date(2027, 5, 19), 14),
        (date(2027, 4, 23), date(2027, 5, 19), 15),
        (date(2026, 6, 7), date(2026, 6, 8), 0),
        (date(2026, 6, 8), date(2026, 6, 8), 0),
        (date(2026, 6, 9), date(2026, 6, 8), 0),  # after the effective date: none
    ],
)
def test_business_days_given(notified, effective, expected):
    assert notice_given(notified, effective, BUS) == expected
    assert notice_given(notified, effective, BUS, counting=LEGAL) == expected
    if effective > notified:
        assert business_days(notified + timedelta(days=1), effective) == expected


@pytest.mark.parametrize(
    ("notified", "effective", "expected"),
    [
        # The notice day counts when it is a business day: Monday 1 June to Monday 8 June
        # 2026 is 5 business days.
        (date(2026, 6, 1), date(2026, 6, 8), 5),
        (date(2026, 6, 2), date(2026, 6, 8), 4),
        (date(2026, 6, 1), date(2026, 6, 6), 5),  # effective Saturday
        (date(2026, 6, 1), date(2026, 6, 7), 5),  # effective Sunday
        (date(2026, 6, 5), date(2026, 6, 8), 1),  # Friday for Monday: the Friday
        (date(2026, 6, 6), date(2026, 6, 8), 0),  # given on Saturday: counts from Monday
        (date(2026, 4, 30), date(2026, 5, 4), 1),  # Thursday 30 April for Monday 4 May
        (date(2026, 5, 1), date(2026, 5, 4), 0),  # given on 1 May (a holiday)
        (date(2026, 5, 1), date(2026, 6, 1), 17),  # May 2026: 21 weekdays, 4 holidays
        (date(2026, 12, 24), date(2027, 1, 4), 5),  # 24, 28, 29, 30, 31 December
        (date(2027, 4, 26), date(2027, 5, 19), 15),
        (date(2026, 6, 8), date(2026, 6, 8), 0),
        (date(2026, 6, 9), date(2026, 6, 8), 0),  # after the effective date: none
    ],
)
def test_business_days_given_when_the_notice_day_counts(notified, effective, expected):
    assert business_days(notified, effective) == expected
    assert notice_given(notified, effective, BUS, counting=NOTICE_DAY) == expected


@pytest.mark.parametrize(
    ("notified", "effective", "unit", "legal", "notice_day"),
    [
        (date(2026, 6, 1), date(2026, 6, 15), CAL, 13, 14),
        (date(2026, 5, 31), date(2026, 6, 15), CAL, 14, 15),
        (date(2026, 6, 14), date(2026, 6, 15), CAL, 0, 1),
        (date(2026, 6, 15), date(2026, 6, 15), CAL, 0, 0),
        (date(2026, 6, 16), date(2026, 6, 15), CAL, 0, 0),
        # 641: notice on 12 December 2025 for 3 months ends on 12 March 2026.
        (date(2025, 12, 12), date(2026, 3, 12), MON, 2, 3),
        (date(2025, 12, 12), date(2026, 3, 13), MON, 3, 3),
        (date(2025, 12, 11), date(2026, 3, 12), MON, 3, 3),
        (date(2025, 12, 13), date(2026, 3, 12), MON, 2, 2),
        (date(2026, 3, 2), date(2026, 3, 12), MON, 0, 0),
        # On 31 March for one month: the period ends on 30 April.
        (date(2026, 3, 31), date(2026, 4, 30), MON, 0, 1),
        (date(2026, 3, 31), date(2026, 5, 1), MON, 1, 1),
        # On 28, 30 or 31 January for one month: it ends on 28 February.
        (date(2026, 1, 28), date(2026, 3, 1), MON, 1, 1),
        (date(2026, 1, 30), date(2026, 3, 1), MON, 1, 1),
        (date(2026, 1, 31), date(2026, 2, 28), MON, 0, 1),
        # On 28 February for one month: it ends on 28 March (the notice's day number).
        (date(2026, 2, 28), date(2026, 3, 29), MON, 1, 1),
        (date(2026, 2, 28), date(2026, 3, 28), MON, 0, 1),
        (date(2026, 6, 1), date(2026, 6, 1), MON, 0, 0),
    ],
)
def test_notice_given_in_calendar_units(notified, effective, unit, legal, notice_day):
    assert notice_given(notified, effective, unit) == legal
    assert notice_given(notified, effective, unit, counting=NOTICE_DAY) == notice_day


@pytest.mark.parametrize(
    ("the_band", "legal", "notice_day"),
    [
        # A notice on Monday 26 April 2027, across Ascension (Thursday 6 May) and Whit Monday
        # (17 May): the first day the change may take effect.
        (band(15, BUS), date(2027, 5, 20), date(2027, 5, 19)),
        (band(15, CAL), date(2027, 5, 12), date(2027, 5, 11)),  # 27 April to 11 May count
        (band(1, MON), date(2027, 5, 27), date(2027, 5, 26)),  # the month ends on 26 May
    ],
)
def test_a_notice_on_26_april_2027_across_ascension_and_whit_monday(the_band, legal, notice_day):
    notified = date(2027, 4, 26)
    schedule = (the_band,)
    for counting, first in ((LEGAL, legal), (NOTICE_DAY, notice_day)):
        on_time = assess(schedule, change("-20"), notified, first, counting=counting)
        a_day_early = assess(
            schedule, change("-20"), notified, first - timedelta(days=1), counting=counting
        )
        assert on_time.complies and on_time.actual == the_band.lead_time
        assert on_time.deadline == notified and on_time.counting is counting
        assert not a_day_early.complies and a_day_early.shortfall == 1
        assert a_day_early.deadline < notified
        assert a_day_early.shortfall_days == (notified - a_day_early.deadline).days


# --- the verdict --------------------------------------------------------------------------


LEGAL_COUNTING = (
    "Le jour de la notification ne compte pas et le délai doit être entièrement écoulé la "
    "veille de la prise d'effet (Code de procédure civile, art. 641 et 642, alinéa 1er)."
)


def test_the_demo_a_40_percent_cut_with_10_days_notice_where_3_months_are_due():
    verdict = assess(SCHEDULE, change("-40"), date(2026, 3, 2), date(2026, 3, 12))
    assert verdict.band == LARGER
    assert (verdict.required, verdict.unit, verdict.actual) == (3, MON, 0)
    assert not verdict.complies and verdict.counting is LEGAL
    assert verdict.shortfall == 3  # months
    # Notice on 11 December 2025 ends on 11 March 2026, the day before the change.
    assert verdict.deadline == date(2025, 12, 11)
    assert verdict.shortfall_days == 81  # 11 December 2025 to 2 March 2026
    assert verdict.reference == REFERENCE == text("lead-time-reference")
    months = LeadTimeUnit.CALENDAR_MONTHS
    assert verdict.explanation == text(
        "lead-time-explanation",
        change=text("change-cut", percent=Decimal(40)),
        notified_on=date(2026, 3, 2),
        effective_date=date(2026, 3, 12),
        required=amount_text(3, months),
        band=text("lead-time-band-above", percent=Decimal(30)),
        by=text("lead-time-by", deadline=date(2025, 12, 11)),
        outcome=text(
            "lead-time-short",
            given=amount_text(0, months),
            actual=0,
            required=3,
            shortfall=amount_text(3, months),
            late_days=81,
        ),
        counting=text("lead-time-counting-legal"),
    )
    assert wording.render(verdict.explanation, "fr") == (
        "Notifiée le 2 mars 2026 pour prendre effet le 12 mars 2026, une baisse de charge de "
        "40 % exigeait un préavis de 3 mois (variations de plus de 30 % et résiliation), soit "
        "une notification au plus tard le 11 décembre 2025. Préavis de 0 mois au lieu de 3 "
        "exigés, soit 3 mois de moins (81 jours de retard). " + LEGAL_COUNTING
    )
    assert wording.render(verdict.explanation, "en") == (
        "Notified on March 2, 2026 to take effect on March 12, 2026, a 40% cut in workload "
        "needed 3 calendar months of notice (changes above 30% and termination), so notice by "
        "December 11, 2025; 0 calendar months were given: 3 calendar months short (81 days "
        "late). The day of the notice does not count, and the period must have run in full by "
        "the day before the change takes effect (Code de procédure civile, art. 641 and 642, "
        "first paragraph)."
    )
    assert wording.render(verdict.reference, "fr").startswith(
        "Label Responsabilité Sociale, 3e engagement des donneurs d'ordre"
    )
    assert "3rd commitment" in wording.render(verdict.reference, "en")


def test_the_issue_s_example_10_calendar_days_where_90_are_due():
    # The issue counted the notice day: 16 to 25 April, 10 days. Counted as the law does
    # (17 to 25 April), 9.
    schedule = (NoticeBand(None, 90, CAL),)
    as_agreed = assess(
        schedule, change("-60"), date(2027, 4, 16), date(2027, 4, 26), counting=NOTICE_DAY
    )
    assert (as_agreed.required, as_agreed.actual, as_agreed.shortfall_days) == (90, 10, 80)
    assert as_agreed.explanation.values["outcome"] == text(
        "lead-time-short-in-days",
        given=amount_text(10, CAL),
        actual=10,
        required=90,
        shortfall=80,
    )
    assert wording.render(as_agreed.explanation, "fr") == (
        "Notifiée le 16 avril 2027 pour prendre effet le 26 avril 2027, une baisse de charge de "
        "60 % exigeait un préavis de 90 jours calendaires (toute variation et résiliation), soit "
        "une notification au plus tard le 26 janvier 2027. Préavis de 10 jours calendaires au "
        "lieu de 90 exigés, soit 80 jours de moins. Selon le décompte convenu, le jour de la "
        "notification compte, celui de la prise d'effet non."
    )
    legal = assess(schedule, change("-60"), date(2027, 4, 16), date(2027, 4, 26))
    assert (legal.required, legal.actual, legal.shortfall_days) == (90, 9, 81)
    assert legal.deadline == date(2027, 1, 25)
    assert (
        "Préavis de 9 jours calendaires au lieu de 90 exigés, soit 81 jours de moins. "
        + LEGAL_COUNTING
    ) in wording.render(legal.explanation, "fr")


LEGAL_CASES = [
    # ≤10 %, 14 calendar days: on the deadline (31 May: 1 to 14 June count), then a day late.
    (change("5"), date(2026, 5, 31), date(2026, 6, 15), True, 14, 0, 0),
    (change("5"), date(2026, 6, 1), date(2026, 6, 15), False, 13, 1, 1),
    (change("-10"), date(2026, 5, 30), date(2026, 6, 15), True, 15, 0, 0),
    # ≤30 %, 20 business days: the deadline is Tuesday 5 May 2026 (over 8 May, Ascension and
    # Whit Monday); Wednesday 6 May is one business day and one day late.
    (change("20"), date(2026, 5, 5), date(2026, 6, 8), True, 20, 0, 0),
    (change("20"), date(2026, 5, 6), date(2026, 6, 8), False, 19, 1, 1),
    # Given on 8 May (a holiday) or on Sunday 10 May, both count from Monday 11 May; given on
    # Monday 11 May, from Tuesday 12 May.
    (change("-20"), date(2026, 5, 8), date(2026, 6, 8), False, 18, 2, 3),
    (change("-20"), date(2026, 5, 10), date(2026, 6, 8), False, 18, 2, 5),
    (change("30"), date(2026, 5, 11), date(2026, 6, 8), False, 17, 3, 6),
    # Effective on a weekend: the same deadline as the Monday after.
    (change("20"), date(2026, 5, 5), date(2026, 6, 6), True, 20, 0, 0),
    (change("20"), date(2026, 5, 6), date(2026, 6, 7), False, 19, 1, 1),
    # Larger and termination, 3 calendar months: notice on 28 February 2026 ends on 28 May,
    # before a change on 1 June; on 1 March it would end on 1 June.
    (change("-40"), date(2026, 2, 28), date(2026, 6, 1), True, 3, 0, 0),
    (change("-40"), date(2026, 3, 1), date(2026, 6, 1), False, 2, 1, 1),
    (change("0", termination=True), date(2026, 2, 28), date(2026, 6, 1), True, 3, 0, 0),
    (change("0", termination=True), date(2026, 3, 1), date(2026, 6, 1), False, 2, 1, 1),
    (change("5", termination=True), date(2026, 4, 1), date(2026, 6, 1), False, 1, 2, 32),
    # Notified on or after the effective date: no lead time at all.
    (change("5"), date(2026, 6, 15), date(2026, 6, 15), False, 0, 14, 15),
    (change("5"), date(2026, 6, 20), date(2026, 6, 15), False, 0, 14, 20),
]
NOTICE_DAY_CASES = [
    # ≤10 %, 14 calendar days: on the deadline, then one day late.
    (change("5"), date(2026, 6, 1), date(2026, 6, 15), True, 14, 0, 0),
    (change("5"), date(2026, 6, 2), date(2026, 6, 15), False, 13, 1, 1),
    (change("-10"), date(2026, 5, 31), date(2026, 6, 15), True, 15, 0, 0),
    # ≤30 %, 20 business days: the deadline is Wednesday 6 May 2026 (over 8 May, Ascension
    # and Whit Monday); Thursday 7 May is one business day and one day late.
    (change("20"), date(2026, 5, 6), date(2026, 6, 8), True, 20, 0, 0),
    (change("20"), date(2026, 5, 7), date(2026, 6, 8), False, 19, 1, 1),
    # Given on 8 May (a holiday), on Sunday 10 May or on Monday 11 May: all count from
    # Monday 11 May.
    (change("-20"), date(2026, 5, 8), date(2026, 6, 8), False, 18, 2, 2),
    (change("-20"), date(2026, 5, 10), date(2026, 6, 8), False, 18, 2, 4),
    (change("30"), date(2026, 5, 11), date(2026, 6, 8), False, 18, 2, 5),
    # Effective on a weekend: the same deadline as the Monday after.
    (change("20"), date(2026, 5, 6), date(2026, 6, 6), True, 20, 0, 0),
    (change("20"), date(2026, 5, 7), date(2026, 6, 7), False, 19, 1, 1),
    # Larger and termination, 3 calendar months: on the deadline, then one day late.
    (change("-40"), date(2026, 3, 1), date(2026, 6, 1), True, 3, 0, 0),
    (change("-40"), date(2026, 3, 2), date(2026, 6, 1), False, 2, 1, 1),
    (change("0", termination=True), date(2026, 3, 1), date(2026, 6, 1), True, 3, 0, 0),
    (change("0", termination=True), date(2026, 3, 2), date(2026, 6, 1), False, 2, 1, 1),
    (change("5", termination=True), date(2026, 4, 1), date(2026, 6, 1), False, 2, 1, 31),
    # Notified on or after the effective date: no lead time at all.
    (change("5"), date(2026, 6, 15), date(2026, 6, 15), False, 0, 14, 14),
    (change("5"), date(2026, 6, 20), date(2026, 6, 15), False, 0, 14, 19),
]


@pytest.mark.parametrize(
    ("counting", "the_change", "notified", "effective", "complies", "actual", "shortfall", "days"),
    [(LEGAL, *case) for case in LEGAL_CASES] + [(NOTICE_DAY, *case) for case in NOTICE_DAY_CASES],
)
def test_assess(counting, the_change, notified, effective, complies, actual, shortfall, days):
    verdict = assess(SCHEDULE, the_change, notified, effective, counting=counting)
    if counting is LEGAL:
        assert verdict == assess(SCHEDULE, the_change, notified, effective)  # the default
    assert verdict.counting is counting
    assert verdict.complies is complies
    assert verdict.actual == actual
    assert verdict.shortfall == shortfall
    assert verdict.shortfall_days == days
    assert verdict.required == verdict.band.lead_time
    assert verdict.unit == verdict.band.unit
    outcome = verdict.explanation.values["outcome"]
    given = amount_text(actual, verdict.unit)
    if complies:
        assert outcome == text("lead-time-complies", given=given, actual=actual)
    elif verdict.unit is CAL:  # the shortfall is already in days
        assert outcome == text(
            "lead-time-short-in-days",
            given=given,
            actual=actual,
            required=verdict.required,
            shortfall=shortfall,
        )
    else:
        assert outcome == text(
            "lead-time-short",
            given=given,
            actual=actual,
            required=verdict.required,
            shortfall=amount_text(shortfall, verdict.unit),
            late_days=days,
        )
    french = wording.render(verdict.explanation, "fr")
    assert ("de moins" in french) is not complies
    assert ("le délai est respecté" in french) is complies
    assert verdict.explanation.values["counting"] == COUNTING_TEXTS[counting]


def test_a_shortfall_in_calendar_days_is_not_repeated_in_days():
    verdict = assess(SCHEDULE, change("5"), date(2026, 6, 1), date(2026, 6, 15))
    assert wording.render(verdict.explanation, "fr").endswith(
        "Préavis de 13 jours calendaires au lieu de 14 exigés, soit 1 jour de moins. "
        + LEGAL_COUNTING
    )
    assert (
        "13 calendar days were given: 1 calendar day short. The day of the notice"
        in wording.render(verdict.explanation, "en")
    )


def test_a_notice_that_complies_says_so():
    verdict = assess(SCHEDULE, change("-10"), date(2026, 5, 31), date(2026, 6, 15))
    assert wording.render(verdict.explanation, "fr") == (
        "Notifiée le 31 mai 2026 pour prendre effet le 15 juin 2026, une baisse de charge de "
        "10 % exigeait un préavis de 14 jours calendaires (variations jusqu'à 10 %), soit une "
        "notification au plus tard le 31 mai 2026. Préavis de 14 jours calendaires : le délai "
        "est respecté. " + LEGAL_COUNTING
    )
    assert "14 calendar days were given, which complies. The day" in wording.render(
        verdict.explanation, "en"
    )


def test_a_business_day_shortfall_says_how_late_in_days():
    verdict = assess(SCHEDULE, change("-20"), date(2026, 5, 6), date(2026, 6, 8))
    assert wording.render(verdict.explanation, "fr") == (
        "Notifiée le 6 mai 2026 pour prendre effet le 8 juin 2026, une baisse de charge de 20 % "
        "exigeait un préavis de 20 jours ouvrés (variations jusqu'à 30 %), soit une notification "
        "au plus tard le 5 mai 2026. Préavis de 19 jours ouvrés au lieu de 20 exigés, soit "
        "1 jour ouvré de moins (1 jour de retard). " + LEGAL_COUNTING
    )
    assert wording.render(verdict.explanation, "en").startswith(
        "Notified on May 6, 2026 to take effect on June 8, 2026, a 20% cut in workload needed "
        "20 business days of notice (changes up to 30%), so notice by May 5, 2026; 19 business "
        "days were given: 1 business day short (1 day late)."
    )


def test_the_agreed_counting_says_so():
    verdict = assess(
        SCHEDULE, change("-20"), date(2026, 5, 6), date(2026, 6, 8), counting=NOTICE_DAY
    )
    assert verdict.complies and verdict.deadline == date(2026, 5, 6)
    assert wording.render(verdict.explanation, "fr").endswith(
        "Préavis de 20 jours ouvrés : le délai est respecté. Selon le décompte convenu, le jour "
        "de la notification compte, celui de la prise d'effet non."
    )
    assert wording.render(verdict.explanation, "en").endswith(
        "20 business days were given, which complies. As agreed, the day of the notice counts "
        "and the day the change takes effect does not."
    )


@pytest.mark.parametrize("size", ["0.5", "5", "10", "10.01", "20", "30", "30.01", "40", "100"])
def test_a_cut_and_a_rise_of_the_same_size_get_the_same_verdict(size):
    for notified in (date(2026, 1, 5), date(2026, 5, 7), date(2026, 6, 1)):
        cut = assess(SCHEDULE, change(f"-{size}"), notified, date(2026, 6, 15))
        rise = assess(SCHEDULE, change(size), notified, date(2026, 6, 15))
        assert cut.band == rise.band
        assert (cut.complies, cut.actual, cut.shortfall, cut.deadline) == (
            rise.complies,
            rise.actual,
            rise.shortfall,
            rise.deadline,
        )
        assert cut.explanation.values["change"] == text("change-cut", percent=Decimal(size))
        assert rise.explanation.values["change"] == text("change-rise", percent=Decimal(size))
        assert "une baisse de charge de" in wording.render(cut.explanation, "fr")
        assert "une hausse de charge de" in wording.render(rise.explanation, "fr")


@pytest.mark.parametrize("percent", ["0", "0.00", "-0"])
@pytest.mark.parametrize("notified", [date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 1)])
def test_a_change_of_exactly_0_percent_needs_no_notice(percent, notified):
    verdict = assess(SCHEDULE, change(percent), notified, date(2026, 6, 15))
    assert verdict.complies
    assert (verdict.required, verdict.unit, verdict.actual) == (0, None, 0)
    assert (verdict.shortfall, verdict.shortfall_days) == (0, 0)
    assert verdict.deadline is None and verdict.band is None
    assert verdict.explanation == text("lead-time-no-change")
    assert wording.render(verdict.explanation, "fr") == (
        "Une variation de charge de 0 % laisse la charge inchangée : aucun préavis n'est "
        "nécessaire."
    )


def test_the_committee_s_default_schedule():
    assert (
        NoticeBand(Decimal(10), 15, CAL),
        NoticeBand(Decimal(30), 1, MON),
        NoticeBand(None, 3, MON),
    ) == DEFAULT_SCHEDULE
    assert schedule_problems(DEFAULT_SCHEDULE) == []
    # No band of the default leaves the agents less than their 7 working days.
    assert min(map(fewest_working_days, DEFAULT_SCHEDULE)) >= AGENT_SCHEDULE_NOTICE_WORKING_DAYS
    assert wording.render(schedule_text(DEFAULT_SCHEDULE), "fr") == (
        "15 jours calendaires jusqu'à 10 %, 1 mois jusqu'à 30 % et 3 mois au-delà, "
        "résiliation comprise"
    )


@pytest.mark.parametrize(
    ("the_change", "notified", "complies", "band", "actual"),
    [
        # The issue's case: a 60 % cut with one day's notice no longer complies.
        (change("-60"), date(2026, 3, 2), False, DEFAULT_SCHEDULE[2], 0),
        (change("0", termination=True), date(2026, 3, 2), False, DEFAULT_SCHEDULE[2], 0),
        (change("-5"), date(2026, 3, 2), False, DEFAULT_SCHEDULE[0], 1),
        # 15 calendar days: 17 February to 3 March count.
        (change("-5"), date(2026, 2, 16), True, DEFAULT_SCHEDULE[0], 15),
        # A month: notice on 3 February ends on 3 March, on 4 February on 4 March.
        (change("20"), date(2026, 2, 3), True, DEFAULT_SCHEDULE[1], 1),
        (change("20"), date(2026, 2, 4), False, DEFAULT_SCHEDULE[1], 0),
    ],
)
def test_no_schedule_means_the_committee_s_default(the_change, notified, complies, band, actual):
    verdict = assess((), the_change, notified, date(2026, 3, 4))
    as_agreed = assess(DEFAULT_SCHEDULE, the_change, notified, date(2026, 3, 4))
    assert verdict.default_schedule and not as_agreed.default_schedule
    # The same verdict as a contract that agreed on the default, said differently.
    assert verdict == replace(as_agreed, default_schedule=True, explanation=verdict.explanation)
    assert (verdict.complies, verdict.band, verdict.actual) == (complies, band, actual)
    assert verdict.explanation == text(
        "lead-time-default-schedule",
        schedule=schedule_text(DEFAULT_SCHEDULE),
        explanation=as_agreed.explanation,
    )
    french = wording.render(verdict.explanation, "fr")
    assert french.startswith(
        "Le 3e engagement des donneurs d'ordre vaut pour toute évolution de charge : faute de "
        "barème de délais de prévenance au contrat, le barème par défaut du comité du label "
        "s'applique (15 jours calendaires jusqu'à 10 %, 1 mois jusqu'à 30 % et 3 mois au-delà, "
        "résiliation comprise). Notifiée le "
    )
    assert "default schedule applies" in wording.render(verdict.explanation, "en")
    assert verdict.reference == REFERENCE


def test_a_contract_s_own_schedule_is_not_the_default():
    verdict = assess(SCHEDULE, change("-60"), date(2026, 3, 2), date(2026, 3, 4))
    assert not verdict.default_schedule
    assert verdict.explanation.message == "lead-time-explanation"


def test_no_change_needs_no_notice_under_the_default_either():
    verdict = assess((), change("0"), date(2026, 3, 2), date(2026, 3, 3))
    assert verdict.complies and verdict.default_schedule and verdict.band is None
    assert verdict.explanation == text("lead-time-no-change")


@pytest.mark.parametrize(
    ("schedule", "french"),
    [
        ((LARGER,), "3 mois pour toute variation, résiliation comprise"),
        (
            SCHEDULE,
            "14 jours calendaires jusqu'à 10 %, 20 jours ouvrés jusqu'à 30 % et 3 mois "
            "au-delà, résiliation comprise",
        ),
        ((UP_TO_10, UP_TO_30), "14 jours calendaires jusqu'à 10 % et 20 jours ouvrés jusqu'à 30 %"),
    ],
)
def test_a_schedule_in_french(schedule, french):
    assert wording.render(schedule_text(schedule), "fr") == french


def test_termination_explains_itself():
    verdict = assess(SCHEDULE, change("0", termination=True), date(2026, 4, 1), date(2026, 6, 1))
    assert verdict.explanation.values["change"] == text("change-termination")
    assert wording.render(verdict.explanation, "fr").startswith(
        "Notifiée le 1 avril 2026 pour prendre effet le 1 juin 2026, la résiliation du contrat "
        "exigeait un préavis de 3 mois (variations de plus de 30 % et résiliation)"
    )
    assert wording.render(verdict.explanation, "en").startswith(
        "Notified on April 1, 2026 to take effect on June 1, 2026, the termination of the "
        "contract needed 3 calendar months of notice (changes above 30% and termination)"
    )


@pytest.mark.parametrize(
    ("the_change", "french"),
    [
        (change("-40"), "une baisse de charge de 40 %"),
        (change("12.5"), "une hausse de charge de 12,5 %"),
        (change("-33.30"), "une baisse de charge de 33,3 %"),
        (change("0"), "une variation de charge de 0 %"),
        (change("-40", termination=True), "la résiliation du contrat"),
    ],
)
def test_a_change_in_french(the_change, french):
    assert wording.render(change_text(the_change), "fr") == french


@pytest.mark.parametrize(
    ("count", "unit", "french", "english"),
    [
        (0, CAL, "0 jour calendaire", "0 calendar days"),
        (1, CAL, "1 jour calendaire", "1 calendar day"),
        (14, CAL, "14 jours calendaires", "14 calendar days"),
        (1, BUS, "1 jour ouvré", "1 business day"),
        (20, BUS, "20 jours ouvrés", "20 business days"),
        (1, MON, "1 mois", "1 calendar month"),
        (3, MON, "3 mois", "3 calendar months"),
    ],
)
def test_a_lead_time_in_french_and_english(count, unit, french, english):
    assert amount_text(count, unit) == text(amount_text(count, unit).message, count=count)
    assert wording.render(amount_text(count, unit), "fr") == french
    assert wording.render(amount_text(count, unit), "en") == english


def test_a_change_beyond_a_schedule_without_an_open_band_is_held_to_the_largest_band():
    verdict = assess((UP_TO_10, UP_TO_30), change("-50"), date(2026, 5, 6), date(2026, 6, 8))
    assert verdict.band == UP_TO_30
    assert (verdict.required, verdict.actual, verdict.shortfall) == (20, 19, 1)
    assert verdict.explanation.values["band"] == text("lead-time-band-largest", percent=Decimal(30))
    assert (
        "(variations jusqu'à 30 %, la tranche la plus large d'un barème qui ne va pas au-delà)"
        in wording.render(verdict.explanation, "fr")
    )
    verdict = assess(
        (UP_TO_10, UP_TO_30), change("0", termination=True), date(2026, 5, 5), date(2026, 6, 8)
    )
    assert verdict.band == UP_TO_30 and verdict.complies
    assert verdict.explanation.values["band"] == text(
        "lead-time-band-termination", percent=Decimal(30)
    )
    assert "la tranche la plus large, appliquée à la résiliation" in wording.render(
        verdict.explanation, "fr"
    )


def test_a_deadline_before_year_1_cannot_be_met():
    verdict = assess(SCHEDULE, change("40"), date(1, 1, 1), date(1, 2, 1))
    assert not verdict.complies and verdict.deadline is None
    # Notice on 1 January for one month ends on 1 February: the change needed 2 February.
    assert (verdict.actual, verdict.shortfall) == (0, 3)
    verdict = assess(SCHEDULE, change("40"), date(1, 1, 1), date(1, 2, 2))
    assert (verdict.actual, verdict.shortfall, verdict.deadline) == (1, 2, None)
    assert verdict.shortfall_days >= 1
    assert verdict.explanation.values["by"] == text("lead-time-by-none")
    assert "délai qu'aucune date de notification ne pouvait respecter." in wording.render(
        verdict.explanation, "fr"
    )


# --- agents' own schedules ----------------------------------------------------------------


BY_LAW, BY_AGREEMENT = (
    AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS,
)


@pytest.mark.parametrize(
    ("notified", "effective", "working_days", "counting", "below"),
    [
        # 7 working days before Monday 15 June 2026: 4, 5, 8 to 12 June count.
        (date(2026, 6, 3), date(2026, 6, 15), BY_LAW, LEGAL, False),
        (date(2026, 6, 4), date(2026, 6, 15), BY_LAW, LEGAL, True),
        (date(2026, 6, 4), date(2026, 6, 15), BY_LAW, NOTICE_DAY, False),
        (date(2026, 6, 5), date(2026, 6, 15), BY_LAW, NOTICE_DAY, True),
        # Over 8 May and Ascension 2026, for Friday 15 May: 4 to 7, 11 to 13 May count.
        (date(2026, 5, 3), date(2026, 5, 15), BY_LAW, LEGAL, False),
        (date(2026, 5, 4), date(2026, 5, 15), BY_LAW, LEGAL, True),
        (date(2026, 5, 4), date(2026, 5, 15), BY_LAW, NOTICE_DAY, False),
        (date(2026, 5, 5), date(2026, 5, 15), BY_LAW, NOTICE_DAY, True),
        # By collective agreement, 3: 10, 11 and 12 June for Monday 15 June.
        (date(2026, 6, 9), date(2026, 6, 15), BY_AGREEMENT, LEGAL, False),
        (date(2026, 6, 10), date(2026, 6, 15), BY_AGREEMENT, LEGAL, True),
        (date(2026, 6, 10), date(2026, 6, 15), BY_AGREEMENT, NOTICE_DAY, False),
        (date(2026, 6, 11), date(2026, 6, 15), BY_AGREEMENT, NOTICE_DAY, True),
        (date(2026, 6, 20), date(2026, 6, 15), BY_LAW, LEGAL, True),  # after the change
    ],
)
def test_below_agent_floor(notified, effective, working_days, counting, below):
    found = below_agent_floor(notified, effective, working_days=working_days, counting=counting)
    assert found is below
    if working_days == BY_LAW and counting is LEGAL:
        assert below_agent_floor(notified, effective) is below


def test_the_agent_floor_is_7_working_days_or_3_by_agreement():
    assert AGENT_SCHEDULE_NOTICE_WORKING_DAYS == 7
    assert AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS == 3
    assert wording.render(AGENT_SCHEDULE_REFERENCE, "fr") == (
        "Code du travail, art. L3123-11 et L3123-31 (préavis de 7 jours ouvrés pour modifier la "
        "répartition des horaires d'un salarié à temps partiel) et art. L3123-24 (au moins "
        "3 jours ouvrés par accord collectif)"
    )


@pytest.mark.parametrize(
    ("the_band", "fewest"),
    [
        (band(1, CAL), 0),  # a Saturday
        (band(2, CAL), 0),  # a weekend
        (band(7, CAL), 5),
        (band(9, CAL), 5),  # Saturday to the Sunday after next
        (band(10, CAL), 6),
        (band(11, CAL), 7),  # the shortest calendar-day band that gives 7 in any week
        (band(14, CAL), 10),
        (band(15, CAL), 10),
        (band(6, BUS), 6),
        (band(7, BUS), 7),
        (band(1, MON), 20),
    ],
)
def test_fewest_working_days(the_band, fewest):
    assert fewest_working_days(the_band) == fewest


@given(st.integers(1, 400), st.sampled_from([CAL, MON]), st.integers(0, 6))
def test_fewest_working_days_is_the_fewest_weekdays_of_any_start(lead, unit, weekday):
    """Counted day by day from every day of the week: a stretch of the band's length (a
    month at its shortest, 28 days) never holds fewer weekdays, and some start holds exactly
    that many."""
    days = lead * (28 if unit is MON else 1)
    start = date(2024, 1, 1) + timedelta(days=weekday)  # 1 January 2024 is a Monday
    count = sum(1 for i in range(days) if (start + timedelta(days=i)).weekday() < 5)
    assert count >= fewest_working_days(band(lead, unit))
    if weekday == 5:  # from a Saturday, the weekend comes first: the fewest
        assert count == fewest_working_days(band(lead, unit))


# --- a schedule that makes sense ----------------------------------------------------------

NOT_POSITIVE = text("lead-time-error-bound-not-positive")
BELOW_1 = text("lead-time-error-lead-time-below-1")


@pytest.mark.parametrize(
    ("schedule", "problems"),
    [
        (SCHEDULE, []),
        ((), []),
        ((LARGER,), []),
        ((UP_TO_10, UP_TO_30), []),
        (
            (UP_TO_30, UP_TO_10, LARGER),
            [
                Violation(
                    "notice_schedule.bands[1].up_to_percent",
                    text("lead-time-error-bound-not-increasing", previous=Decimal(30)),
                )
            ],
        ),
        (
            (UP_TO_10, NoticeBand(Decimal("10.0"), 20, BUS)),
            [
                Violation(
                    "notice_schedule.bands[1].up_to_percent",
                    text("lead-time-error-bound-not-increasing", previous=Decimal(10)),
                )
            ],
        ),
        (
            (LARGER, UP_TO_10),
            [
                Violation(
                    "notice_schedule.bands[0].up_to_percent",
                    text("lead-time-error-open-band-not-last"),
                )
            ],
        ),
        (
            (UP_TO_10, LARGER, LARGER),
            [
                Violation(
                    "notice_schedule.bands[1].up_to_percent",
                    text("lead-time-error-open-band-not-last"),
                )
            ],
        ),
        (
            (NoticeBand(Decimal(0), 14, CAL), NoticeBand(Decimal(-5), 14, CAL)),
            [
                Violation("notice_schedule.bands[0].up_to_percent", NOT_POSITIVE),
                Violation("notice_schedule.bands[1].up_to_percent", NOT_POSITIVE),
            ],
        ),
        (
            (NoticeBand(Decimal(10), 0, CAL), NoticeBand(None, 3, 0)),
            [
                Violation("notice_schedule.bands[0].lead_time", BELOW_1),
                Violation("notice_schedule.bands[1].unit", text("lead-time-error-unknown-unit")),
            ],
        ),
    ],
)
def test_schedule_problems(schedule, problems):
    assert schedule_problems(schedule) == problems


def test_schedule_problems_name_the_field_given():
    problems = schedule_problems((NoticeBand(Decimal(10), 0, CAL),), field="bands")
    assert problems == [Violation("bands[0].lead_time", BELOW_1)]


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        (
            text("lead-time-error-bound-not-increasing", previous=Decimal("12.5")),
            "doit dépasser les 12,5 % de la tranche précédente : les tranches vont par taille de "
            "variation croissante",
        ),
        (
            text("lead-time-error-open-band-not-last"),
            "seule la dernière tranche peut être sans limite (variations plus larges et "
            "résiliation)",
        ),
        (NOT_POSITIVE, "doit être un nombre supérieur à 0"),
        (BELOW_1, "doit être d'au moins 1"),
        (
            text("lead-time-error-unknown-unit"),
            "doit être en jours calendaires, en jours ouvrés ou en mois",
        ),
    ],
)
def test_schedule_problems_in_french(reason, french):
    assert wording.render(reason, "fr") == french


# --- properties ---------------------------------------------------------------------------


@st.composite
def schedules(draw):
    bounds = draw(st.lists(st.integers(1, 1000), unique=True, max_size=5).map(sorted))
    open_ended = draw(st.booleans()) or not bounds
    bands = [
        NoticeBand(
            Decimal(bound) if bound is not None else None,
            draw(st.integers(1, 400)),
            draw(st.sampled_from(LeadTimeUnit)),
        )
        for bound in [*bounds, *([None] if open_ended else [])]
    ]
    return tuple(bands)


changes = st.builds(
    WorkloadChange,
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    st.booleans(),
)
# (notified_on, effective_date), the notice up to 30 days after the effective date.
notice_dates = st.tuples(
    st.dates(min_value=date(1, 2, 1), max_value=date(9000, 1, 1)),
    st.integers(min_value=-30, max_value=2000),
).map(lambda pair: (pair[0], pair[0] + timedelta(days=pair[1])))


countings = st.sampled_from(Counting)


@given(schedules() | st.just(()), changes, notice_dates, countings)
def test_assess_never_raises_and_is_consistent(schedule, the_change, dates, counting):
    notified, effective = dates
    assert schedule_problems(schedule) == []
    verdict = assess(schedule, the_change, notified, effective, counting=counting)
    assert (verdict.shortfall == 0) is verdict.complies
    assert (verdict.shortfall_days == 0) is verdict.complies
    assert verdict.shortfall >= 0 and verdict.shortfall_days >= 0 and verdict.actual >= 0
    if verdict.band is None:
        assert verdict.complies and verdict.required == 0 and verdict.unit is None
    else:
        assert verdict.required == verdict.band.lead_time >= 1
        assert verdict.shortfall == max(verdict.required - verdict.actual, 0)
        # The deadline is exact: a notice complies exactly when it is given by the deadline.
        assert verdict.complies is (verdict.deadline is not None and notified <= verdict.deadline)
        if not verdict.complies and verdict.deadline is not None:
            assert verdict.shortfall_days == (notified - verdict.deadline).days
    assert verdict.reference == REFERENCE
    for language in wording.LANGUAGES:
        words = wording.render(verdict.explanation, language)
        # A missing figure would show as "{$name}" (or the bare message id).
        assert words.endswith(".") and "{" not in words and "lead-time-" not in words


@given(schedules(), changes, notice_dates, countings)
def test_notice_given_a_day_earlier_never_turns_compliance_into_a_breach(
    schedule, the_change, dates, counting
):
    notified, effective = dates
    later = assess(schedule, the_change, notified, effective, counting=counting)
    earlier = assess(
        schedule, the_change, notified - timedelta(days=1), effective, counting=counting
    )
    assert earlier.actual >= later.actual
    assert earlier.shortfall <= later.shortfall
    if later.complies:
        assert earlier.complies


@given(
    st.dates(min_value=date(2, 1, 1), max_value=date(9000, 1, 1)),
    st.integers(1, 3660),
    st.sampled_from(LeadTimeUnit),
    st.booleans(),
    countings,
)
def test_the_deadline_is_the_last_day_that_complies(
    effective, lead, unit, worked_whit_monday, counting
):
    holidays = (
        (lambda year: french_public_holidays(year, whit_monday=False))
        if worked_whit_monday
        else french_public_holidays
    )
    the_band = NoticeBand(None, lead, unit)
    try:
        last_day = deadline(effective, the_band, holidays, counting)
    except OverflowError:
        return  # before 1 January of year 1
    assert last_day < effective
    assert notice_given(last_day, effective, unit, holidays, counting) >= lead
    assert notice_given(last_day + timedelta(days=1), effective, unit, holidays, counting) < lead
    legal = counting is LEGAL
    if unit is BUS:
        # The first day that counts is a business day: the deadline itself (the notice day
        # counts), or the day after it (legal counting).
        first = last_day + timedelta(days=int(legal))
        assert business_days(first, effective, holidays) == lead
        assert business_days(first, first + timedelta(days=1), holidays) == 1
    if unit is MON:
        # As purchasing.whole_months counts (the notice day counts), to the day before the
        # change, or the day before that when the period must have run by then.
        assert whole_months(last_day, effective - timedelta(days=1 + int(legal))) == lead


def period_end(notified: date, months: int) -> date:
    """Code de procédure civile art. 641, as written: the day of the month `months` later
    that bears the notice's day number, or that month's last day when it has none."""
    year, month = divmod(notified.month - 1 + months, 12)
    year, month = notified.year + year, month + 1
    return date(year, month, min(notified.day, calendar.monthrange(year, month)[1]))


@given(
    st.dates(min_value=date(2, 1, 1), max_value=date(9000, 1, 1)),
    st.integers(0, 400),
    st.integers(1, 40),
)
def test_legal_months_end_on_the_notice_s_day_number(notified, days, months):
    """A notice gives N months exactly when its N-month period (641) ends before the day the
    change takes effect (642: a period ends at midnight of its last day)."""
    effective = period_end(notified, months) + timedelta(days=days - 200)
    given_months = notice_given(notified, effective, MON)
    assert (given_months >= months) is (period_end(notified, months) < effective)
    if given_months:
        assert (
            period_end(notified, given_months) < effective <= period_end(notified, given_months + 1)
        )


@given(
    st.dates(min_value=date(1, 1, 2), max_value=date(9000, 1, 1)),
    st.integers(-30, 2000),
    st.sampled_from(LeadTimeUnit),
)
def test_the_legal_count_leaves_out_the_notice_day(notified, days, unit):
    """Legally, in days: the notice day counts for nothing, so it is the count from the next
    day with that day counting; in months, the count to the day before the change."""
    effective = notified + timedelta(days=days)
    legal = notice_given(notified, effective, unit)
    if unit is MON:
        earlier = effective - timedelta(days=1)
        assert legal == notice_given(notified, earlier, unit, counting=NOTICE_DAY)
    elif effective > notified:
        later = notified + timedelta(days=1)
        assert legal == notice_given(later, effective, unit, counting=NOTICE_DAY)
    assert legal <= notice_given(notified, effective, unit, counting=NOTICE_DAY)
    assert (
        notice_given(notified, effective, unit, counting=NOTICE_DAY) - legal <= 1 or unit is not CAL
    )


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 1, 1)), st.integers(0, 800))
def test_business_days_count_day_by_day(start, days):
    end = start + timedelta(days=days)
    expected = sum(
        1
        for i in range(days)
        if (day := start + timedelta(days=i)).weekday() < 5
        and day not in french_public_holidays(day.year)
    )
    assert business_days(start, end) == expected


# --- the preview --------------------------------------------------------------------------


@given(schedules() | st.just(()), changes, notice_dates, countings)
def test_the_previewed_date_complies_and_the_day_before_does_not(
    schedule, the_change, dates, counting
):
    """Issuing the change for the previewed date is never a breach, and for the day before
    always is — for every unit and counting, and under the default schedule too."""
    notified, _ = dates
    earliest = earliest_effective_date(schedule, the_change, notified, counting=counting)
    on_time = assess(schedule, the_change, notified, earliest, counting=counting)
    assert on_time.complies
    if on_time.band is None:  # no notice needed: the notice day itself
        assert earliest == notified
        return
    assert earliest > notified
    day_before = assess(
        schedule, the_change, notified, earliest - timedelta(days=1), counting=counting
    )
    assert not day_before.complies
    assert on_time.deadline is not None and on_time.deadline >= notified
    assert day_before.deadline is None or day_before.deadline < notified


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2110, 1, 1)),
    st.integers(1, 800),
    st.sampled_from(LeadTimeUnit),
    countings,
    st.integers(-30, 60),
)
def test_a_preview_agrees_with_the_verdicts(notified, lead, unit, counting, desired_offset):
    schedule = (NoticeBand(None, lead if unit is not MON else lead % 37 or 1, unit),)
    seen = preview(schedule, change("-50"), notified, counting=counting)
    earliest = seen.earliest_effective_date
    desired = earliest + timedelta(days=desired_offset)
    seen = preview(schedule, change("-50"), notified, desired, counting=counting)
    assert seen.desired == assess(schedule, change("-50"), notified, desired, counting=counting)
    assert seen.desired.complies is (desired >= earliest)
    assert seen.business_days == notice_given(notified, earliest, BUS, counting=counting)
    # The agents' floor: the first day that gives 7 working days.
    floor = seen.agent_floor_date
    assert not below_agent_floor(notified, floor, counting=counting)
    assert below_agent_floor(notified, floor - timedelta(days=1), counting=counting)
    assert seen.agent_floor_binds is (floor > earliest)
    # The holidays listed are those of the stretch counted, Monday to Friday.
    first = notified + timedelta(days=int(counting is LEGAL))
    expected = [
        d
        for d in (first + timedelta(days=i) for i in range((earliest - first).days))
        if d.weekday() < 5 and d in french_public_holidays(d.year)
    ]
    assert [h.day for h in seen.public_holidays] == expected
    for language in wording.LANGUAGES:
        words = wording.render(seen.explanation, language)
        assert words.endswith(".") and "{" not in words and "lead-time-" not in words


def test_a_preview_from_26_april_2027_across_ascension_and_whit_monday():
    schedule = (NoticeBand(Decimal(10), 15, BUS), LARGER)
    seen = preview(schedule, change("-8"), date(2027, 4, 26), date(2027, 5, 18))
    assert (seen.band, seen.required, seen.unit) == (schedule[0], 15, BUS)
    assert not seen.default_schedule and seen.counting is LEGAL
    assert seen.earliest_effective_date == date(2027, 5, 20)
    assert seen.business_days == 15
    assert seen.public_holidays == (
        PublicHoliday(
            date(2027, 5, 6),
            text("lead-time-public-holiday-name", fr="Ascension", en="Ascension Day"),
        ),
        PublicHoliday(
            date(2027, 5, 17),
            text("lead-time-public-holiday-name", fr="Lundi de Pentecôte", en="Pentecost Monday"),
        ),
    )
    # 27 to 30 April, 3 to 5 May: the agents' 7 working days end on 5 May.
    assert (seen.agent_floor_date, seen.agent_floor_binds) == (date(2027, 5, 6), False)
    assert not seen.desired.complies and seen.desired.actual == 13
    assert seen.reference == REFERENCE
    assert wording.render(seen.explanation, "fr") == (
        "Notifiée le 26 avril 2027, une baisse de charge de 8 % exige un préavis de 15 jours "
        "ouvrés (variations jusqu'à 10 %) : elle peut prendre effet au plus tôt le 20 mai 2027. "
        "La date d'effet souhaitée, le 18 mai 2027, ne respecte pas ce délai : elle précède de "
        "2 jours la date au plus tôt. La période compte 15 jours ouvrés, jours fériés exclus : "
        "Ascension (6 mai 2027) et Lundi de Pentecôte (17 mai 2027). Ce délai laisse aux "
        "conseillers à temps partiel les 7 jours ouvrés de prévenance que prévoit le Code du "
        "travail (art. L3123-31) avant toute modification de la répartition de leurs horaires. "
        + LEGAL_COUNTING
    )
    assert "Ascension Day (May 6, 2027) and Pentecost Monday (May 17, 2027)" in (
        wording.render(seen.explanation, "en")
    )
    as_agreed = preview(schedule, change("-8"), date(2027, 4, 26), counting=NOTICE_DAY)
    assert as_agreed.earliest_effective_date == date(2027, 5, 19)
    assert as_agreed.counting is NOTICE_DAY


def test_a_preview_says_when_the_agents_floor_binds():
    schedule = (NoticeBand(None, 3, BUS),)
    seen = preview(schedule, change("20"), date(2027, 4, 26), date(2027, 5, 3))
    assert seen.earliest_effective_date == date(2027, 4, 30)  # 27, 28, 29 April count
    assert (seen.agent_floor_date, seen.agent_floor_binds) == (date(2027, 5, 6), True)
    assert seen.desired.complies and seen.public_holidays == ()
    assert (
        "La date d'effet souhaitée, le 3 mai 2027, respecte ce délai. La période compte "
        "3 jours ouvrés. Les conseillers à temps partiel devant être prévenus 7 jours ouvrés "
        "avant toute modification de la répartition de leurs horaires (Code du travail, "
        "art. L3123-31), la modification ne devrait pas prendre effet avant le 6 mai 2027."
    ) in wording.render(seen.explanation, "fr")


def test_a_preview_under_the_committee_s_default_schedule():
    seen = preview((), change("-60"), date(2026, 3, 2))
    assert seen.default_schedule and seen.band == DEFAULT_SCHEDULE[2]
    # 3 months from 2 March end on 2 June.
    assert seen.earliest_effective_date == date(2026, 6, 3)
    assert seen.explanation.message == "lead-time-default-schedule"
    assert wording.render(seen.explanation, "fr").startswith(
        "Le 3e engagement des donneurs d'ordre vaut pour toute évolution de charge"
    )


def test_a_preview_of_no_change_needs_no_notice():
    seen = preview(SCHEDULE, change("0"), date(2026, 3, 2), date(2026, 3, 2))
    assert seen.band is None and seen.required == 0 and seen.unit is None
    assert seen.earliest_effective_date == date(2026, 3, 2)
    assert seen.desired.complies and not seen.agent_floor_binds
    assert seen.explanation == text("lead-time-no-change")


def test_the_holidays_names_come_from_the_library_in_both_languages():
    names = french_public_holiday_names(2026)
    assert set(names) == french_public_holidays(2026)
    assert wording.render(names[date(2026, 5, 25)], "fr") == "Lundi de Pentecôte"
    assert wording.render(names[date(2026, 5, 25)], "en") == "Pentecost Monday"
    assert wording.render(names[date(2026, 7, 14)], "fr") == "Fête nationale"
