"""Minimum notice for workload changes: the ordering parties' 3rd commitment.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre":
"Définition et respect de délais minimums de prévenance convenus par le donneur d'ordre et le
centres de relation client labellisé pour les demandes d'évolution de charge". The lead times
are agreed per contract, graded by the size of the change (e.g. ≤10 %: 14 calendar days,
≤30 %: 20 business days, more or termination: 3 calendar months). A notice with less lead time
than agreed is a breach: recorded, never refused. The commitment covers every workload change,
not only perennial work: a contract that agreed no schedule is held to the label committee's
default one (DEFAULT_SCHEDULE), and the verdict says so.

How lead time is counted: a convention, a parameter of every function here (`Counting`).

- Counting.LEGAL, the default: as the Code de procédure civile counts a period (art. 641 and
  642, first paragraph), which the courts apply beyond procedure (to the notice of a
  dismissal interview, for example). The day of the notice does not count (641): the period
  starts the next day. It ends at midnight of its last day (642, first paragraph), and the
  change may take effect the day after at the earliest. So the units that count are those strictly
  between the notice and the effective date, in (notified_on, effective_date) — as for "X
  jours au moins avant" in the Code du travail, where neither the day of the notice nor the
  day the change takes effect counts.
  - calendar days: effective_date − notified_on − 1; a change effective on 15 June with 14
    days' notice had to be notified by 31 May (1 to 14 June count);
  - business days (jours ouvrés): Monday to Friday except French public holidays, after the
    notice day and before the effective day: a change effective on Monday 8 June 2026 with 5
    business days' notice had to be notified by Sunday 31 May (1 to 5 June count); notified
    on Monday 1 June it has 4, one short. A change effective on Saturday 6 or Sunday 7 June
    has the same deadline as one effective on Monday 8 June: the days the centre has to adapt
    are the same. The deadline may be a weekend or a holiday: the next business day is the
    first that counts.
  - calendar months (641): the period ends on the day of the last month that bears the same
    number as the day of the notice, or on that month's last day when it has none; the change
    may take effect the day after. Notice given on 12 December 2025 for 3 months ends on 12
    March 2026: a change on 13 March has 3 months, one on 12 March 2; notice given on 30 or
    31 January for one month ends on 28 February.
  Art. 642, second paragraph (a period that would end on a Saturday, a Sunday or a public
  holiday is extended to the next working day) is not applied, by choice: it protects a
  party who must act before a deadline while offices are closed, and nobody has to act
  within a notice lead time, which is the minimum time between two dates, counted backwards
  from the effective date (a "délai à rebours", to which doctrine holds 642 does not apply).
  Moving a notice deadline that falls on a Sunday to the Monday would shorten the notice the
  3rd commitment protects; parties who want weekends and holidays left out agree on business
  days, which leave them out.
- Counting.NOTICE_DAY_COUNTS, the convention Vigie used before, for a contract that agrees on
  it: the units in [notified_on, effective_date) — the notice day counts (when it is a
  business day, for business days), the effective day does not. The deadline is then one
  day later than the legal one: "N days before" the effective date; a notice given on 12
  December has 3 months for a change on 12 March; on 13 December, 2.

In both, the deadline is exact: a notice complies exactly when it is given on or before it
(the tests check it, for every unit and convention). A notice given after the effective
date has no lead time at all (0 in every unit).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

from services.rules import Violation
from services.rules.calendar import (
    BACKWARD,
    FORWARD,
    HolidayCalendar,
    HolidayNames,
    PublicHoliday,
    business_days,
    french_public_holiday_names,
    french_public_holidays,
    nth_business_day,
    public_holidays_between,
)
from services.rules.wording import Text, text

# Label Responsabilité Sociale, 3rd commitment of ordering parties (sources/004 §3).
REFERENCE = text("lead-time-reference")

# Agents' own schedules. Code du travail, part-time work: a change in how working hours are
# spread over the days of the week or the weeks of the month is notified with notice
# (L3123-11); by default at least 7 working days (jours ouvrés) before it takes effect
# (L3123-31); a collective agreement may lower it to no less than 3 working days, with
# compensation for the employees (L3123-24). Article numbers as renumbered by the loi
# n° 2016-1088 (checked against the legal press: before it, L3123-21 said "sept jours au
# moins avant la date à laquelle elle doit avoir lieu"). Working days are counted as the
# lead time is (`Counting`).
# A workload change notified with less lead time than this cannot be absorbed without
# breaking the agents' schedules: the notices service reports it as an aggravating fact.
AGENT_SCHEDULE_NOTICE_WORKING_DAYS = 7
AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS = 3
AGENT_SCHEDULE_REFERENCE = text(
    "lead-time-agent-schedule-reference",
    working_days=AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    agreement_min_working_days=AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS,
)


class LeadTimeUnit(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.LeadTimeUnit)."""

    CALENDAR_DAYS = 1
    BUSINESS_DAYS = 2  # Monday to Friday except French public holidays
    CALENDAR_MONTHS = 3


class Counting(IntEnum):
    """How the days of a lead time are counted (module docstring). Numbered as in the protos
    (vigie.notices.v1.LeadTimeCounting)."""

    # Code de procédure civile art. 641 and 642, first paragraph: the units strictly between
    # the notice and the effective date.
    LEGAL = 1
    # The notice day counts, the effective day does not: the units in [notice, effective).
    NOTICE_DAY_COUNTS = 2


COUNTING_TEXTS = {
    Counting.LEGAL: text("lead-time-counting-legal"),
    Counting.NOTICE_DAY_COUNTS: text("lead-time-counting-notice-day-counts"),
}


@dataclass(frozen=True)
class NoticeBand:
    """A change up to this size needs at least this lead time. Checked by schedule_problems,
    not here, so that a bad schedule is reported field by field."""

    # Inclusive upper bound, in percent of the baseline volume; None on the open-ended last
    # band: any larger change, and termination.
    up_to_percent: Decimal | None
    lead_time: int  # >= 1
    unit: LeadTimeUnit


# The label committee's choice, not the law's: the schedule a contract that agreed none is
# held to, since the 3rd commitment covers every workload change to a centre. Sized so that
# no band gives the agents less than their 7 working days (15 calendar days give at least
# 10 weekdays), and so that the largest changes and termination get the 3 months the
# sample perennial tenders ask.
DEFAULT_SCHEDULE = (
    NoticeBand(Decimal(10), 15, LeadTimeUnit.CALENDAR_DAYS),
    NoticeBand(Decimal(30), 1, LeadTimeUnit.CALENDAR_MONTHS),
    NoticeBand(None, 3, LeadTimeUnit.CALENDAR_MONTHS),
)


@dataclass(frozen=True)
class WorkloadChange:
    # Signed: -40 for a 40 % cut, +25 for a rise; its size is abs(change_percent).
    change_percent: Decimal
    # Termination falls in the open-ended band, or the largest band if none is open-ended,
    # whatever change_percent says.
    termination: bool = False

    def __post_init__(self) -> None:
        if not self.change_percent.is_finite():
            raise ValueError("the change must be a finite percentage")


@dataclass(frozen=True)
class LeadTimeVerdict:
    required: int  # in the band's unit; 0 when no notice is needed
    unit: LeadTimeUnit | None  # None when no notice is needed (then all counts are 0)
    actual: int  # in the same unit, counted the same way
    complies: bool
    shortfall: int  # required − actual, in the same unit; 0 when it complies
    # Calendar days from the deadline to the notice; 0 when it complies. When the deadline
    # would fall before 1 January of year 1, the days from then: a lower bound.
    shortfall_days: int
    # The last day the notice could have been given; None when no notice is needed, or when
    # it would fall before 1 January of year 1.
    deadline: date | None
    band: NoticeBand | None  # the band applied
    reference: Text
    explanation: Text  # what a committee member reads: the figures and the outcome
    counting: Counting = Counting.LEGAL  # how `actual` and `deadline` were counted
    # The contract agreed no schedule: DEFAULT_SCHEDULE was applied.
    default_schedule: bool = False


def change_percent(baseline: int, new_level: int) -> Decimal:
    """(new − baseline) ÷ baseline × 100, to 2 decimals (half up): 100 → 60 is -40.00."""
    if baseline <= 0:
        raise ValueError("the baseline volume must be greater than 0")
    if new_level < 0:
        raise ValueError("the new volume level must not be negative")
    raw = Decimal(new_level - baseline) * 100 / Decimal(baseline)
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_for(schedule: Sequence[NoticeBand], change: WorkloadChange) -> NoticeBand | None:
    """The band a change falls in: the bounded band with the smallest up_to_percent at or
    above the size of the change (bounds are inclusive: 10 % falls in "up to 10 %"), else the
    open-ended band. A termination falls in the open-ended band, or in the largest bounded band
    when there is none.

    None when no notice is needed or agreed: the schedule is empty; the change is exactly 0 %
    (and not a termination); or the change is larger than every band of a schedule without an
    open-ended band — nothing covers it (`assess` then holds it to the largest band).
    The bands need not be given in order."""
    if not schedule:
        return None
    open_ended = next((b for b in schedule if b.up_to_percent is None), None)
    if change.termination:
        return open_ended or _largest_bounded_band(schedule)
    size = abs(change.change_percent)
    if size == 0:
        return None
    covering = [b for b in schedule if b.up_to_percent is not None and b.up_to_percent >= size]
    if covering:
        return min(covering, key=_upper_bound)  # min keeps the first of equal bounds
    return open_ended


def deadline(
    effective_date: date,
    band: NoticeBand,
    holidays: HolidayCalendar = french_public_holidays,
    counting: Counting = Counting.LEGAL,
) -> date:
    """The last day the notice could be given: N units before the effective date, counted as
    the module says. Legal counting: calendar days, effective − N − 1 days; business days,
    the day before the N-th business day before the effective date; calendar months, day d
    of the month N months before the day before the effective date (its last day when it has
    no day d, or when that day is the last of its month). Notice day counts: one day later
    for calendar days and business days (the N-th business day before, always a business
    day), and N months before the effective date itself. OverflowError when that falls
    before 1 January of year 1; ValueError for a lead time below 1 or an unknown unit."""
    if band.lead_time < 1:
        raise ValueError("the lead time must be at least 1")
    unit, legal = LeadTimeUnit(band.unit), Counting(counting) is Counting.LEGAL
    if unit is LeadTimeUnit.CALENDAR_MONTHS:
        # The period ends on the same day number as the notice day (641): legally, by the
        # day before the change; else on the day of the change.
        return _months_before(effective_date - timedelta(days=int(legal)), band.lead_time)
    if unit is LeadTimeUnit.CALENDAR_DAYS:
        last_day = effective_date - timedelta(days=band.lead_time)
    else:
        # The N-th business day before the effective date: walking back from the day before.
        last_day = nth_business_day(
            effective_date - timedelta(days=1), band.lead_time, BACKWARD, holidays
        )
    # Legally the notice day does not count: the first day that counts is the one after it.
    return last_day - timedelta(days=int(legal))


def notice_given(
    notified_on: date,
    effective_date: date,
    unit: LeadTimeUnit,
    holidays: HolidayCalendar = french_public_holidays,
    counting: Counting = Counting.LEGAL,
) -> int:
    """The lead time a notice gives, in `unit`: the days (or whole months) strictly between
    the notice and the effective date (legal counting), or in [notified_on, effective_date)
    when the notice day counts; 0 when the notice comes on or after the effective date."""
    if effective_date <= notified_on:
        return 0
    unit, legal = LeadTimeUnit(unit), Counting(counting) is Counting.LEGAL
    if unit is LeadTimeUnit.CALENDAR_MONTHS:
        last_day = effective_date - timedelta(days=int(legal))
        return _months_given(notified_on, last_day) if last_day > notified_on else 0
    first_day = notified_on + timedelta(days=int(legal))
    if unit is LeadTimeUnit.CALENDAR_DAYS:
        return max((effective_date - first_day).days, 0)
    return business_days(first_day, effective_date, holidays)


def assess(
    schedule: Sequence[NoticeBand],
    change: WorkloadChange,
    notified_on: date,
    effective_date: date,
    holidays: HolidayCalendar = french_public_holidays,
    counting: Counting = Counting.LEGAL,
    default_schedule: Sequence[NoticeBand] = DEFAULT_SCHEDULE,
) -> LeadTimeVerdict:
    """Whether a workload-change notice gives the lead time the contract's schedule asks for,
    counted by `counting` (legal by default: module docstring).
    Call schedule_problems first; for a valid schedule this never raises, whatever the dates.

    - No schedule: the label committee's default schedule applies (`default_schedule`), since
      the 3rd commitment covers every workload change; the verdict says so
      (default_schedule, and the explanation). The purchasing rules also flag perennial
      work without a schedule (purchasing, "no_notice_schedule").
    - A change of exactly 0 % (not a termination) needs no notice: complies, required 0.
    - A change larger than every band of a schedule without an open-ended band is held to the
      largest band, and the explanation says so: a larger change never needs less notice.
    - A notice given on or after the effective date has a lead time of 0."""
    counting = Counting(counting)
    default = not schedule
    if default:
        schedule = default_schedule
    band = band_for(schedule, change)
    if band is None and change.change_percent == 0:  # a termination always has a band
        return _no_notice_needed(text("lead-time-no-change"), counting, default)
    beyond_schedule = band is None  # larger than every band, and none is open-ended
    if band is None:
        band = _largest_bounded_band(schedule)
    unit = LeadTimeUnit(band.unit)
    required = band.lead_time
    actual = notice_given(notified_on, effective_date, unit, holidays, counting)
    try:
        last_day: date | None = deadline(effective_date, band, holidays, counting)
    except OverflowError:  # the deadline falls before 1 January of year 1
        last_day = None
    # The same answer as notified_on <= last_day: the deadline is exact (tests check it).
    complies = actual >= required
    shortfall = 0 if complies else required - actual
    if complies:
        shortfall_days = 0
    elif last_day is None:
        shortfall_days = (notified_on - date.min).days + 1  # at least this many
    else:
        shortfall_days = (notified_on - last_day).days
    explanation = _explain(
        schedule,
        change,
        band,
        beyond_schedule,
        notified_on,
        effective_date,
        actual,
        last_day,
        shortfall,
        shortfall_days,
        counting,
    )
    if default:
        explanation = text(
            "lead-time-default-schedule", schedule=schedule_text(schedule), explanation=explanation
        )
    return LeadTimeVerdict(
        required=required,
        unit=unit,
        actual=actual,
        complies=complies,
        shortfall=shortfall,
        shortfall_days=shortfall_days,
        deadline=last_day,
        band=band,
        reference=REFERENCE,
        explanation=explanation,
        counting=counting,
        default_schedule=default,
    )


def below_agent_floor(
    notified_on: date,
    effective_date: date,
    holidays: HolidayCalendar = french_public_holidays,
    working_days: int = AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    counting: Counting = Counting.LEGAL,
) -> bool:
    """Whether the notice gives fewer working days than agents' part-time schedules need to
    be changed lawfully (7 by default, Code du travail L3123-31; a collective agreement may
    say 3 — pass working_days=AGENT_SCHEDULE_NOTICE_AGREEMENT_MIN_WORKING_DAYS). Working days
    are business days counted as the lead time is (`counting`)."""
    given = notice_given(
        notified_on, effective_date, LeadTimeUnit.BUSINESS_DAYS, holidays, counting
    )
    return given < working_days


def fewest_working_days(band: NoticeBand) -> int:
    """The fewest working days a notice of exactly this band's lead time gives, whatever the
    day it is given on, in weeks without a public holiday (a holiday takes one more; the
    verdict of each notice counts the real ones): business days are working days; a stretch
    of N calendar days holds at least 5 weekdays a week plus what its last days add after a
    weekend (11 days hold 7); a calendar month is at least 28 days. The same under both
    countings: each counts a stretch of consecutive days."""
    unit = LeadTimeUnit(band.unit)
    if unit is LeadTimeUnit.BUSINESS_DAYS:
        return band.lead_time
    days = band.lead_time * (28 if unit is LeadTimeUnit.CALENDAR_MONTHS else 1)
    weeks, rest = divmod(days, 7)
    return weeks * 5 + max(rest - 2, 0)


@dataclass(frozen=True)
class Preview:
    """What a workload change notified on a day would need: the answer of earliest_effective_
    date, with what it counted and why."""

    band: NoticeBand | None  # None when no notice is needed (a change of 0 %)
    required: int  # in the band's unit; 0 when no notice is needed
    unit: LeadTimeUnit | None
    default_schedule: bool  # the contract agreed none: DEFAULT_SCHEDULE applied
    counting: Counting
    notified_on: date
    # The first day the change may take effect: issued for it, the notice complies; for the
    # day before, it does not (the notice day itself when no notice is needed).
    earliest_effective_date: date
    # Business days counted from the notice to that day (as the counting counts them), and
    # the public holidays falling Monday to Friday in that stretch, which do not count.
    business_days: int
    public_holidays: tuple[PublicHoliday, ...]
    # The first day that leaves agents' part-time schedules their 7 working days; binds when
    # it is later than the contract's earliest date (never when no notice is needed).
    agent_floor_date: date
    agent_floor_binds: bool
    desired_effective_date: date | None
    desired: LeadTimeVerdict | None  # the verdict a notice for that day would get
    reference: Text
    explanation: Text


def earliest_effective_date(
    schedule: Sequence[NoticeBand],
    change: WorkloadChange,
    notified_on: date,
    holidays: HolidayCalendar = french_public_holidays,
    counting: Counting = Counting.LEGAL,
    default_schedule: Sequence[NoticeBand] = DEFAULT_SCHEDULE,
) -> date:
    """The first day a change notified on `notified_on` may take effect under the schedule
    (the committee's default when there is none), counted by `counting`: assess gives a
    compliant verdict for it and a breach for the day before. The notice day itself when no
    notice is needed. OverflowError past 31 December 9999."""
    band = _band_applied(schedule or default_schedule, change)
    if band is None:
        return notified_on
    return _earliest(notified_on, band, holidays, Counting(counting))


def preview(
    schedule: Sequence[NoticeBand],
    change: WorkloadChange,
    notified_on: date,
    desired_effective_date: date | None = None,
    holidays: HolidayCalendar = french_public_holidays,
    names: HolidayNames = french_public_holiday_names,
    counting: Counting = Counting.LEGAL,
    working_days: int = AGENT_SCHEDULE_NOTICE_WORKING_DAYS,
    default_schedule: Sequence[NoticeBand] = DEFAULT_SCHEDULE,
) -> Preview:
    """Everything an ordering party needs before it notifies a change: the band, the earliest
    date, what was counted to get there, whether agents' schedules need longer, and whether
    a desired date would comply. Call schedule_problems first; OverflowError past year 9999."""
    counting = Counting(counting)
    default = not schedule
    applied = schedule or default_schedule
    band = _band_applied(applied, change)
    earliest = earliest_effective_date(
        schedule, change, notified_on, holidays, counting, default_schedule
    )
    floor_band = NoticeBand(None, working_days, LeadTimeUnit.BUSINESS_DAYS)
    floor_date = _earliest(notified_on, floor_band, holidays, counting)
    first_counted = notified_on + timedelta(days=int(counting is Counting.LEGAL))
    found = public_holidays_between(
        first_counted, earliest, weekdays_only=True, holidays=holidays, names=names
    )
    desired = None
    if desired_effective_date is not None:
        desired = assess(
            schedule,
            change,
            notified_on,
            desired_effective_date,
            holidays,
            counting,
            default_schedule,
        )
    counted = notice_given(notified_on, earliest, LeadTimeUnit.BUSINESS_DAYS, holidays, counting)
    binds = band is not None and floor_date > earliest
    if band is None:
        explanation = text("lead-time-no-change")
    else:
        explanation = _explain_preview(
            applied,
            change,
            band,
            notified_on,
            earliest,
            counted,
            found,
            working_days,
            floor_date if binds else None,
            desired_effective_date,
            counting,
        )
        if default:
            explanation = text(
                "lead-time-default-schedule",
                schedule=schedule_text(applied),
                explanation=explanation,
            )
    return Preview(
        band=band,
        required=band.lead_time if band else 0,
        unit=LeadTimeUnit(band.unit) if band else None,
        default_schedule=default,
        counting=counting,
        notified_on=notified_on,
        earliest_effective_date=earliest,
        business_days=counted,
        public_holidays=found,
        agent_floor_date=floor_date,
        agent_floor_binds=binds,
        desired_effective_date=desired_effective_date,
        desired=desired,
        reference=REFERENCE,
        explanation=explanation,
    )


def schedule_problems(
    schedule: Sequence[NoticeBand], field: str = "notice_schedule.bands"
) -> list[Violation]:
    """What makes a notice schedule meaningless (refused with INVALID_ARGUMENT); [] when
    valid: bands in strictly increasing up_to_percent (each above 0), only the last one
    open-ended, every lead time at least 1, every unit a known one. An empty schedule is valid
    here (the purchasing rules advise against it on perennial work)."""
    problems = []
    previous: Decimal | None = None
    for i, band in enumerate(schedule):
        bound = band.up_to_percent
        if bound is None:
            if i != len(schedule) - 1:
                problems.append(
                    Violation(
                        f"{field}[{i}].up_to_percent", text("lead-time-error-open-band-not-last")
                    )
                )
        elif not (bound.is_finite() and bound > 0):
            problems.append(
                Violation(f"{field}[{i}].up_to_percent", text("lead-time-error-bound-not-positive"))
            )
        else:
            if previous is not None and bound <= previous:
                problems.append(
                    Violation(
                        f"{field}[{i}].up_to_percent",
                        text("lead-time-error-bound-not-increasing", previous=previous),
                    )
                )
            previous = bound if previous is None else max(previous, bound)
        if band.lead_time < 1:
            problems.append(
                Violation(f"{field}[{i}].lead_time", text("lead-time-error-lead-time-below-1"))
            )
        try:
            LeadTimeUnit(band.unit)
        except ValueError:
            problems.append(Violation(f"{field}[{i}].unit", text("lead-time-error-unknown-unit")))
    return problems


def _upper_bound(band: NoticeBand) -> Decimal:
    assert band.up_to_percent is not None
    return band.up_to_percent


def _largest_bounded_band(schedule: Sequence[NoticeBand]) -> NoticeBand:
    """The band with the largest up_to_percent (the first of equals); the schedule has one
    when it is not empty and has no open-ended band."""
    bounded = [b for b in schedule if b.up_to_percent is not None]
    return max(bounded, key=_upper_bound)


# --- counting -----------------------------------------------------------------------------


def _band_applied(schedule: Sequence[NoticeBand], change: WorkloadChange) -> NoticeBand | None:
    """The band assess holds a change to: band_for's, or the largest band for a change larger
    than every band of a schedule without an open-ended one; None when no notice is needed."""
    band = band_for(schedule, change)
    if band is None and change.change_percent != 0 and schedule:
        return _largest_bounded_band(schedule)
    return band


def _earliest(
    notified_on: date, band: NoticeBand, holidays: HolidayCalendar, counting: Counting
) -> date:
    """The first effective date for which a notice given on `notified_on` gives the band's
    lead time: the day after the band's period ends (legal counting), or, when the notice
    day counts, the day after its last counted day (days) or the day its months end."""
    legal = int(Counting(counting) is Counting.LEGAL)
    unit, lead = LeadTimeUnit(band.unit), band.lead_time
    if unit is LeadTimeUnit.CALENDAR_MONTHS:
        return _period_end(notified_on, lead) + timedelta(days=legal)
    first = notified_on + timedelta(days=legal)  # the first day that may count
    if unit is LeadTimeUnit.CALENDAR_DAYS:
        return first + timedelta(days=lead)
    return nth_business_day(first, lead, FORWARD, holidays) + timedelta(days=1)


def _period_end(notified_on: date, months: int) -> date:
    """Code de procédure civile art. 641: the day `months` months later bearing the notice
    day's number, or that month's last day when it has none."""
    years, month = divmod(notified_on.month - 1 + months, 12)
    year, month = notified_on.year + years, month + 1
    if year > date.max.year:
        raise OverflowError("the period ends after 31 December 9999")
    return date(year, month, min(notified_on.day, calendar.monthrange(year, month)[1]))


def _months_given(notified_on: date, last_day: date) -> int:
    """The whole months from a notice to a period's last day (last_day > notified_on): the
    most months whose period, ending on the notice's day number (641), ends by last_day.
    The inverse of _months_before, so that deadline and notice_given agree exactly."""
    months = (last_day.year - notified_on.year) * 12 + last_day.month - notified_on.month
    while months > 0 and _months_before(last_day, months) < notified_on:
        months -= 1
    return months


def _months_before(day: date, months: int) -> date:
    """The latest notice day giving `months` whole months before `day` (module docstring)."""
    years, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month + 1
    if year < 1:
        raise OverflowError("the deadline falls before 1 January of year 1")
    last = calendar.monthrange(year, month)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if at_month_end else min(day.day, last))


# --- explaining ---------------------------------------------------------------------------


def change_text(change: WorkloadChange) -> Text:
    """The change as a phrase: "a 40% cut in workload", "the termination of the contract"."""
    if change.termination:
        return text("change-termination")
    size = abs(change.change_percent)
    if change.change_percent < 0:
        return text("change-cut", percent=size)
    if change.change_percent > 0:
        return text("change-rise", percent=size)
    return text("change-none")


_AMOUNT_MESSAGES = {
    LeadTimeUnit.CALENDAR_DAYS: "lead-time-calendar-days",
    LeadTimeUnit.BUSINESS_DAYS: "lead-time-business-days",
    LeadTimeUnit.CALENDAR_MONTHS: "lead-time-calendar-months",
}


def amount_text(count: int, unit: LeadTimeUnit) -> Text:
    """A lead time as a phrase: "3 calendar months", "1 business day"."""
    return text(_AMOUNT_MESSAGES[LeadTimeUnit(unit)], count=count)


def _no_notice_needed(explanation: Text, counting: Counting, default: bool) -> LeadTimeVerdict:
    return LeadTimeVerdict(
        required=0,
        unit=None,
        actual=0,
        complies=True,
        shortfall=0,
        shortfall_days=0,
        deadline=None,
        band=None,
        reference=REFERENCE,
        explanation=explanation,
        counting=counting,
        default_schedule=default,
    )


def _explain(
    schedule: Sequence[NoticeBand],
    change: WorkloadChange,
    band: NoticeBand,
    beyond_schedule: bool,
    notified_on: date,
    effective_date: date,
    actual: int,
    last_day: date | None,
    shortfall: int,
    shortfall_days: int,
    counting: Counting,
) -> Text:
    unit = LeadTimeUnit(band.unit)
    given = amount_text(actual, unit)
    if not shortfall:
        outcome = text("lead-time-complies", given=given, actual=actual)
    elif unit is LeadTimeUnit.CALENDAR_DAYS:  # the shortfall is already in days
        outcome = text(
            "lead-time-short-in-days",
            given=given,
            actual=actual,
            required=band.lead_time,
            shortfall=shortfall,
        )
    else:
        outcome = text(
            "lead-time-short",
            given=given,
            actual=actual,
            required=band.lead_time,
            shortfall=amount_text(shortfall, unit),
            late_days=shortfall_days,
        )
    return text(
        "lead-time-explanation",
        change=change_text(change),
        notified_on=notified_on,
        effective_date=effective_date,
        required=amount_text(band.lead_time, unit),
        band=_band_text(schedule, band, change, beyond_schedule),
        by=text("lead-time-by", deadline=last_day) if last_day else text("lead-time-by-none"),
        outcome=outcome,
        counting=COUNTING_TEXTS[counting],
    )


def _explain_preview(
    schedule: Sequence[NoticeBand],
    change: WorkloadChange,
    band: NoticeBand,
    notified_on: date,
    earliest: date,
    counted: int,
    found: tuple[PublicHoliday, ...],
    working_days: int,
    floor_date: date | None,
    desired_date: date | None,
    counting: Counting,
) -> Text:
    """The preview's sentences, chained from the last: each carries the rest as `next`."""
    sentence = COUNTING_TEXTS[counting]
    if floor_date is not None:
        sentence = text(
            "lead-time-preview-floor-binds",
            floor=working_days,
            floor_date=floor_date,
            next=sentence,
        )
    else:
        sentence = text("lead-time-preview-floor-met", floor=working_days, next=sentence)
    if found:
        sentence = text(
            "lead-time-preview-counted-holidays",
            business_days=counted,
            holidays=tuple(
                text("lead-time-public-holiday", name=h.name, date=h.day) for h in found
            ),
            next=sentence,
        )
    else:
        sentence = text("lead-time-preview-counted", business_days=counted, next=sentence)
    if desired_date is not None:
        if desired_date >= earliest:
            sentence = text(
                "lead-time-preview-desired-complies", desired=desired_date, next=sentence
            )
        else:
            sentence = text(
                "lead-time-preview-desired-short",
                desired=desired_date,
                days=(earliest - desired_date).days,
                next=sentence,
            )
    return text(
        "lead-time-preview",
        notified_on=notified_on,
        change=change_text(change),
        required=amount_text(band.lead_time, band.unit),
        band=_band_text(schedule, band, change, band_for(schedule, change) is None),
        earliest=earliest,
        next=sentence,
    )


def band_text(schedule: Sequence[NoticeBand], band: NoticeBand) -> Text:
    """The changes a band of a schedule covers, as a phrase: "changes up to 10%"."""
    bounds = [b.up_to_percent for b in schedule if b.up_to_percent is not None]
    if band.up_to_percent is not None:
        return text("lead-time-band-up-to", percent=band.up_to_percent)
    if not bounds:
        return text("lead-time-band-any")
    return text("lead-time-band-above", percent=max(bounds))


def schedule_text(schedule: Sequence[NoticeBand]) -> Text:
    """A whole schedule as a phrase: "15 calendar days up to 10%, 1 calendar month up to 30%
    and 3 calendar months beyond, termination included"."""
    bands = []
    for band in schedule:
        lead = amount_text(band.lead_time, band.unit)
        if band.up_to_percent is not None:
            bands.append(
                text("lead-time-schedule-band-up-to", lead=lead, percent=band.up_to_percent)
            )
        elif len(schedule) == 1:
            bands.append(text("lead-time-schedule-band-any", lead=lead))
        else:
            bands.append(text("lead-time-schedule-band-above", lead=lead))
    return text("lead-time-schedule", bands=tuple(bands))


def _band_text(
    schedule: Sequence[NoticeBand], band: NoticeBand, change: WorkloadChange, beyond: bool
) -> Text:
    if band.up_to_percent is None:
        return band_text(schedule, band)
    if beyond:
        return text("lead-time-band-largest", percent=band.up_to_percent)
    if change.termination:
        return text("lead-time-band-termination", percent=band.up_to_percent)
    return band_text(schedule, band)
