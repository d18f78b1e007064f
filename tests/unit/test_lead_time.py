"""Notice for workload changes: every band edge, calendar vs business days vs months, notices
across French public holidays and weekends, termination, a change of 0 %, the deadline to the
day; properties with hypothesis."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vigie.contracts.v1 import contracts_pb2

from services.rules import Violation
from services.rules.lead_time import (
    AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS,
    AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    REFERENCE,
    LeadTimeUnit,
    NoticeBand,
    WorkloadChange,
    alsace_moselle_public_holidays,
    assess,
    band_for,
    below_agent_floor,
    business_days,
    change_percent,
    deadline,
    french_public_holidays,
    notice_given,
    schedule_problems,
)
from services.rules.purchasing import whole_months

CAL, BUS, MON = LeadTimeUnit.CALENDAR_DAYS, LeadTimeUnit.BUSINESS_DAYS, LeadTimeUnit.CALENDAR_MONTHS

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
def test_deadline(effective, the_band, expected):
    assert deadline(effective, the_band) == expected
    given_on_deadline = notice_given(expected, effective, the_band.unit)
    given_a_day_late = notice_given(expected + timedelta(days=1), effective, the_band.unit)
    assert given_on_deadline >= the_band.lead_time > given_a_day_late


def test_holidays_are_a_parameter():
    # Without holidays, 10 business days before Friday 15 May 2026 is Friday 1 May.
    assert deadline(date(2026, 5, 15), band(10, BUS), no_holidays) == date(2026, 5, 1)
    # Whit Monday worked by contract.
    as_worked = lambda year: french_public_holidays(year, whit_monday=False)  # noqa: E731
    assert deadline(date(2026, 5, 29), band(4, BUS), as_worked) == date(2026, 5, 25)
    # Alsace-Moselle: Good Friday 2026 (3 April) next to Easter Monday (6 April).
    assert deadline(date(2026, 4, 8), band(3, BUS)) == date(2026, 4, 2)
    assert deadline(date(2026, 4, 8), band(3, BUS), alsace_moselle_public_holidays) == date(
        2026, 4, 1
    )


@pytest.mark.parametrize("lead", [0, -1])
def test_deadline_refuses_a_lead_time_below_1(lead):
    with pytest.raises(ValueError):
        deadline(date(2026, 6, 8), band(lead, CAL))


# --- counting the notice given ------------------------------------------------------------


@pytest.mark.parametrize(
    ("notified", "effective", "expected"),
    [
        # The documented example: Monday 1 June to Monday 8 June 2026 is 5 business days.
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
        (date(2026, 6, 8), date(2026, 6, 8), 0),
        (date(2026, 6, 9), date(2026, 6, 8), 0),  # after the effective date: none
    ],
)
def test_business_days(notified, effective, expected):
    assert business_days(notified, effective) == expected
    assert notice_given(notified, effective, BUS) == expected


@pytest.mark.parametrize(
    ("notified", "effective", "unit", "expected"),
    [
        (date(2026, 6, 1), date(2026, 6, 15), CAL, 14),
        (date(2026, 6, 15), date(2026, 6, 15), CAL, 0),
        (date(2026, 6, 16), date(2026, 6, 15), CAL, 0),
        (date(2025, 12, 12), date(2026, 3, 12), MON, 3),
        (date(2025, 12, 13), date(2026, 3, 12), MON, 2),
        (date(2026, 3, 2), date(2026, 3, 12), MON, 0),
        (date(2026, 3, 31), date(2026, 4, 30), MON, 1),
        (date(2026, 6, 1), date(2026, 6, 1), MON, 0),
    ],
)
def test_notice_given_in_calendar_units(notified, effective, unit, expected):
    assert notice_given(notified, effective, unit) == expected


# --- the verdict --------------------------------------------------------------------------


def test_the_demo_a_40_percent_cut_with_10_days_notice_where_3_months_are_due():
    verdict = assess(SCHEDULE, change("-40"), date(2026, 3, 2), date(2026, 3, 12))
    assert verdict.band == LARGER
    assert (verdict.required, verdict.unit, verdict.actual) == (3, MON, 0)
    assert not verdict.complies
    assert verdict.shortfall == 3  # months
    assert verdict.deadline == date(2025, 12, 12)
    assert verdict.shortfall_days == 80  # 12 December 2025 to 2 March 2026
    assert verdict.reference == REFERENCE
    assert "3rd commitment" in verdict.reference
    assert verdict.explanation == (
        "A 40% cut in workload notified on 2026-03-02 to take effect on 2026-03-12 needed "
        "3 calendar months of notice (changes above 30% and termination), so notice by "
        "2025-12-12; 0 calendar months were given: 3 calendar months short (80 days late)."
    )


@pytest.mark.parametrize(
    ("the_change", "notified", "effective", "complies", "actual", "shortfall", "days"),
    [
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
    ],
)
def test_assess(the_change, notified, effective, complies, actual, shortfall, days):
    verdict = assess(SCHEDULE, the_change, notified, effective)
    assert verdict.complies is complies
    assert verdict.actual == actual
    assert verdict.shortfall == shortfall
    assert verdict.shortfall_days == days
    assert verdict.required == verdict.band.lead_time
    assert verdict.unit == verdict.band.unit
    if complies:
        assert verdict.explanation.endswith("which complies.")
    elif verdict.unit is CAL:  # the shortfall is already in days
        assert verdict.explanation.endswith(" short.")
    else:
        days_late = f"{days} day" if days == 1 else f"{days} days"
        assert verdict.explanation.endswith(f" short ({days_late} late).")
    assert ("short" in verdict.explanation) is not complies


def test_a_shortfall_in_calendar_days_is_not_repeated_in_days():
    verdict = assess(SCHEDULE, change("5"), date(2026, 6, 2), date(2026, 6, 15))
    assert verdict.explanation.endswith("13 calendar days were given: 1 calendar day short.")


def test_a_business_day_shortfall_says_how_late_in_days():
    verdict = assess(SCHEDULE, change("-20"), date(2026, 5, 7), date(2026, 6, 8))
    assert verdict.explanation == (
        "A 20% cut in workload notified on 2026-05-07 to take effect on 2026-06-08 needed "
        "20 business days of notice (changes up to 30%), so notice by 2026-05-06; 19 business "
        "days were given: 1 business day short (1 day late)."
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
        assert "cut" in cut.explanation and "rise" in rise.explanation


@pytest.mark.parametrize("percent", ["0", "0.00", "-0"])
@pytest.mark.parametrize("notified", [date(2026, 6, 1), date(2026, 6, 15), date(2026, 7, 1)])
def test_a_change_of_exactly_0_percent_needs_no_notice(percent, notified):
    verdict = assess(SCHEDULE, change(percent), notified, date(2026, 6, 15))
    assert verdict.complies
    assert (verdict.required, verdict.unit, verdict.actual) == (0, None, 0)
    assert (verdict.shortfall, verdict.shortfall_days) == (0, 0)
    assert verdict.deadline is None and verdict.band is None
    assert verdict.explanation == "A change of 0% leaves the workload as it is and needs no notice."


@pytest.mark.parametrize("the_change", [change("-40"), change("0", termination=True)])
def test_no_schedule_means_no_agreed_lead_time(the_change):
    verdict = assess((), the_change, date(2026, 3, 2), date(2026, 3, 3))
    assert verdict.complies
    assert (verdict.required, verdict.unit, verdict.shortfall, verdict.deadline) == (
        0,
        None,
        0,
        None,
    )
    assert "no notice schedule" in verdict.explanation
    assert verdict.reference == REFERENCE


def test_termination_explains_itself():
    verdict = assess(SCHEDULE, change("0", termination=True), date(2026, 4, 1), date(2026, 6, 1))
    assert verdict.explanation.startswith(
        "The termination of the contract notified on 2026-04-01 to take effect on 2026-06-01 "
        "needed 3 calendar months of notice (changes above 30% and termination)"
    )


def test_a_change_beyond_a_schedule_without_an_open_band_is_held_to_the_largest_band():
    verdict = assess((UP_TO_10, UP_TO_30), change("-50"), date(2026, 5, 7), date(2026, 6, 8))
    assert verdict.band == UP_TO_30
    assert (verdict.required, verdict.actual, verdict.shortfall) == (20, 19, 1)
    assert "the largest band of a schedule that does not go further" in verdict.explanation
    verdict = assess(
        (UP_TO_10, UP_TO_30), change("0", termination=True), date(2026, 5, 6), date(2026, 6, 8)
    )
    assert verdict.band == UP_TO_30 and verdict.complies
    assert "the largest band, applied to termination" in verdict.explanation


def test_a_deadline_before_year_1_cannot_be_met():
    verdict = assess(SCHEDULE, change("40"), date(1, 1, 1), date(1, 2, 1))
    assert not verdict.complies and verdict.deadline is None
    assert (verdict.actual, verdict.shortfall) == (1, 2)
    assert verdict.shortfall_days >= 1
    assert "no notice date could do" in verdict.explanation


# --- agents' own schedules ----------------------------------------------------------------


BY_LAW, BY_AGREEMENT = (
    AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS,
)


@pytest.mark.parametrize(
    ("notified", "effective", "working_days", "below"),
    [
        # 7 working days before Monday 15 June 2026 is Thursday 4 June.
        (date(2026, 6, 4), date(2026, 6, 15), BY_LAW, False),
        (date(2026, 6, 5), date(2026, 6, 15), BY_LAW, True),
        # Over 8 May and Ascension 2026: 7 working days before Friday 15 May is Monday 4 May.
        (date(2026, 5, 4), date(2026, 5, 15), BY_LAW, False),
        (date(2026, 5, 5), date(2026, 5, 15), BY_LAW, True),
        # By collective agreement, 3: Wednesday 10 June for Monday 15 June.
        (date(2026, 6, 10), date(2026, 6, 15), BY_AGREEMENT, False),
        (date(2026, 6, 11), date(2026, 6, 15), BY_AGREEMENT, True),
        (date(2026, 6, 20), date(2026, 6, 15), BY_LAW, True),  # after the change
    ],
)
def test_below_agent_floor(notified, effective, working_days, below):
    assert below_agent_floor(notified, effective, working_days=working_days) is below
    if working_days == BY_LAW:
        assert below_agent_floor(notified, effective) is below


def test_the_agent_floor_is_7_working_days_or_3_by_agreement():
    assert AGENT_SCHEDULE_NOTICE_WORKING_DAYS == 7
    assert AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS == 3


# --- a schedule that makes sense ----------------------------------------------------------


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
                    "must be greater than the previous band's 30%: bands go in increasing "
                    "order of change size",
                )
            ],
        ),
        (
            (UP_TO_10, NoticeBand(Decimal("10.0"), 20, BUS)),
            [
                Violation(
                    "notice_schedule.bands[1].up_to_percent",
                    "must be greater than the previous band's 10%: bands go in increasing "
                    "order of change size",
                )
            ],
        ),
        (
            (LARGER, UP_TO_10),
            [
                Violation(
                    "notice_schedule.bands[0].up_to_percent",
                    "only the last band may be open-ended (larger changes and termination)",
                )
            ],
        ),
        (
            (UP_TO_10, LARGER, LARGER),
            [
                Violation(
                    "notice_schedule.bands[1].up_to_percent",
                    "only the last band may be open-ended (larger changes and termination)",
                )
            ],
        ),
        (
            (NoticeBand(Decimal(0), 14, CAL), NoticeBand(Decimal(-5), 14, CAL)),
            [
                Violation("notice_schedule.bands[0].up_to_percent", "must be a number above 0"),
                Violation("notice_schedule.bands[1].up_to_percent", "must be a number above 0"),
            ],
        ),
        (
            (NoticeBand(Decimal(10), 0, CAL), NoticeBand(None, 3, 0)),
            [
                Violation("notice_schedule.bands[0].lead_time", "must be at least 1"),
                Violation(
                    "notice_schedule.bands[1].unit",
                    "must be calendar days, business days or calendar months",
                ),
            ],
        ),
    ],
)
def test_schedule_problems(schedule, problems):
    assert schedule_problems(schedule) == problems


def test_schedule_problems_name_the_field_given():
    problems = schedule_problems((NoticeBand(Decimal(10), 0, CAL),), field="bands")
    assert problems == [Violation("bands[0].lead_time", "must be at least 1")]


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


@given(schedules() | st.just(()), changes, notice_dates)
def test_assess_never_raises_and_is_consistent(schedule, the_change, dates):
    notified, effective = dates
    assert schedule_problems(schedule) == []
    verdict = assess(schedule, the_change, notified, effective)
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
    assert verdict.explanation.endswith(".") and verdict.reference == REFERENCE


@given(schedules(), changes, notice_dates)
def test_notice_given_a_day_earlier_never_turns_compliance_into_a_breach(
    schedule, the_change, dates
):
    notified, effective = dates
    later = assess(schedule, the_change, notified, effective)
    earlier = assess(schedule, the_change, notified - timedelta(days=1), effective)
    assert earlier.actual >= later.actual
    assert earlier.shortfall <= later.shortfall
    if later.complies:
        assert earlier.complies


@given(
    st.dates(min_value=date(2, 1, 1), max_value=date(9000, 1, 1)),
    st.integers(1, 3660),
    st.sampled_from(LeadTimeUnit),
    st.booleans(),
)
def test_the_deadline_is_the_last_day_that_complies(effective, lead, unit, worked_whit_monday):
    holidays = (
        (lambda year: french_public_holidays(year, whit_monday=False))
        if worked_whit_monday
        else french_public_holidays
    )
    the_band = NoticeBand(None, lead, unit)
    try:
        last_day = deadline(effective, the_band, holidays)
    except OverflowError:
        return  # before 1 January of year 1
    assert last_day < effective
    assert notice_given(last_day, effective, unit, holidays) >= lead
    assert notice_given(last_day + timedelta(days=1), effective, unit, holidays) < lead
    if unit is BUS:
        assert business_days(last_day, effective, holidays) == lead
        assert business_days(last_day, last_day + timedelta(days=1), holidays) == 1
    if unit is MON:
        assert whole_months(last_day, effective - timedelta(days=1)) == lead


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
