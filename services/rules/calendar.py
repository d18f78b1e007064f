"""The domain's calendar: French days, ISO weeks, public holidays and business days. A
contract date, a notice date, a label's validity are days in France, and an instant becomes
one in Paris time (near midnight it is not the UTC day); volumes are judged by ISO week;
lead times in business days skip weekends and French public holidays. Pure: the clock itself
(what time it is now) lives with the services."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import holidays as holidays_library

from services.rules.wording import Text, text

PARIS = ZoneInfo("Europe/Paris")


def french_day(instant: datetime) -> date:
    """The calendar day in France at an instant."""
    return instant.astimezone(PARIS).date()


# --- ISO weeks: the checks judge volumes by ISO week, Monday to Sunday ----------------


def iso_week(day: date) -> tuple[int, int]:
    """The (ISO year, ISO week) of a day: 29 December 2025 is (2026, 1), 1 January 2027 is
    (2026, 53)."""
    year, week, _ = day.isocalendar()
    return year, week


def week_start(year: int, week: int) -> date:
    """The Monday of an ISO week; ValueError when the year has no such week (a week 53 in a
    52-week year, week 0)."""
    return date.fromisocalendar(year, week, 1)


@functools.lru_cache(maxsize=1 << 16)
def add_weeks(year: int, week: int, weeks: int) -> tuple[int, int]:
    """The ISO week `weeks` after (before, when negative) the given one, across year ends and
    53-week years: (2026, 1) − 1 week is (2025, 52); (2021, 1) − 1 is (2020, 53).
    OverflowError beyond the calendar (year 1 to 9999). Kept: the offshoring checks ask for
    the same few hundred weeks around each judged one, for every contract."""
    return iso_week(week_start(year, week) + timedelta(weeks=weeks))


def week_label(year: int, week: int) -> str:
    """The ISO 8601 week as every finding's subject gives it: (2026, 3) is "2026-W03"."""
    return f"{year}-W{week:02d}"


# --- public holidays: the days business days skip -----------------------------------------

# The public holidays of a year: the calendar that business days skip.
HolidayCalendar = Callable[[int], Set[date]]


@functools.lru_cache(maxsize=1024)
def french_public_holidays(
    year: int, *, alsace_moselle: bool = False, whit_monday: bool = True
) -> frozenset[date]:
    """The French public holidays (jours fériés, Code du travail L3133-1) of `year`, from the
    `holidays` library: metropolitan France, 11 days: 1 January, Easter Monday, 1 May, 8 May,
    Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December.

    - Whit Monday (lundi de Pentecôte) is counted as a holiday by default. It is a public
      holiday in law (restored by the loi n° 2008-351); the "journée de solidarité"
      (L3133-7 ff.) is a day each employer sets, often but not always Whit Monday, so it is
      not a fact of the calendar. Counting it as a holiday asks the ordering party one
      business day more, never less. Pass whit_monday=False for a contract that says the
      centre works that day. (The library itself leaves it out in 2005–2007, when the law
      made it the solidarity day.)
    - alsace_moselle=True adds Good Friday and 26 December (local law of Bas-Rhin, Haut-Rhin
      and Moselle; the library's subdivision "57", which has the same days as "6AE").
    - The library knows French holidays from 1803 to 2100; outside those years this returns
      no holiday, and business days are Monday to Friday.

    A pure function of its arguments (the library computes the dates from the year; it reads
    nothing but its own translation files), cached."""
    # English names, whatever the locale, so that Whit Monday is found by its name.
    calendar_of_year = holidays_library.France(
        years=year, subdiv="57" if alsace_moselle else None, language="en_US"
    )
    days = frozenset(calendar_of_year)
    if not whit_monday:
        days -= set(calendar_of_year.get_named("Pentecost Monday", lookup="exact"))
    return days


def alsace_moselle_public_holidays(year: int) -> frozenset[date]:
    """The public holidays of Bas-Rhin, Haut-Rhin and Moselle: France's plus Good Friday and
    26 December."""
    return french_public_holidays(year, alsace_moselle=True)


# A holiday's names, by day: the `holidays` library's, in French and in English.
HolidayNames = Callable[[int], Mapping[date, Text]]


@functools.lru_cache(maxsize=256)
def french_public_holiday_names(year: int, *, alsace_moselle: bool = False) -> dict[date, Text]:
    """The names of the public holidays of `year` as the `holidays` library gives them ("Lundi
    de Pentecôte", "Pentecost Monday"), as a Text the catalogue writes in each language."""
    subdiv = "57" if alsace_moselle else None
    french = holidays_library.France(years=year, subdiv=subdiv, language="fr")
    english = holidays_library.France(years=year, subdiv=subdiv, language="en_US")
    return {
        day: text("lead-time-public-holiday-name", fr=name, en=english.get(day, name))
        for day, name in french.items()
    }


@dataclass(frozen=True)
class PublicHoliday:
    day: date
    name: Text  # the library's name, in each language


def public_holidays_between(
    start: date,
    end: date,
    *,
    weekdays_only: bool = False,
    holidays: HolidayCalendar = french_public_holidays,
    names: HolidayNames = french_public_holiday_names,
) -> tuple[PublicHoliday, ...]:
    """The public holidays in [start, end), named, in order; only those falling Monday to
    Friday (the ones a business-day count skips) with weekdays_only."""
    found = []
    for year in range(start.year, (end - timedelta(days=1)).year + 1) if end > start else ():
        named = names(year)
        for day in sorted(holidays(year)):
            if start <= day < end and (day.weekday() < 5 or not weekdays_only):
                name = named.get(day) or text("lead-time-public-holiday-unnamed")
                found.append(PublicHoliday(day, name))
    return tuple(found)


# --- business days: Monday to Friday, not a public holiday --------------------------------

FORWARD: Literal[1] = 1
BACKWARD: Literal[-1] = -1
Direction = Literal[1, -1]


def business_days(
    start: date, end: date, holidays: HolidayCalendar = french_public_holidays
) -> int:
    """Business days in [start, end): Monday to Friday, not a public holiday; 0 when end <=
    start. Counted by whole weeks and by the holidays of each year of the span, not day by
    day."""
    if end <= start:
        return 0
    return _weekdays(start, end) - _weekday_holidays(start, end, holidays)


def nth_business_day(
    day: date,
    n: int,
    direction: Direction,
    holidays: HolidayCalendar = french_public_holidays,
) -> date:
    """The n-th business day (n >= 1) walking from `day` itself towards later days (FORWARD)
    or earlier ones (BACKWARD); `day` is the first when it is a business day. Goes n
    weekdays, then as many more as there were holidays on the way, until a stretch has none.
    OverflowError beyond the calendar (year 1 to 9999)."""
    step = timedelta(days=direction)
    start, wanted = day, n
    while True:
        found = _nth_weekday(start, wanted, direction)
        first, last = (start, found) if direction == FORWARD else (found, start)
        missing = _weekday_holidays(first, last + timedelta(days=1), holidays)
        if not missing:
            return found
        start, wanted = found + step, missing


def _nth_weekday(day: date, n: int, direction: Direction) -> date:
    """The n-th Monday-to-Friday walking from `day` itself in `direction` (n >= 1)."""
    step = timedelta(days=direction)
    first = day
    while first.weekday() >= 5:
        first += step
    weeks, rest = divmod(n - 1, 5)
    found = first + timedelta(weeks=weeks * direction)  # same weekday, 5 weekdays a week on
    while rest:
        found += step
        if found.weekday() < 5:
            rest -= 1
    return found


def _weekdays(start: date, end: date) -> int:
    """Mondays to Fridays in [start, end), end > start."""
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)


def _weekday_holidays(start: date, end: date, holidays: HolidayCalendar) -> int:
    """Holidays falling Monday to Friday in [start, end), end > start."""
    last = end - timedelta(days=1)
    found: set[date] = set()
    for year in range(start.year, last.year + 1):
        found.update(d for d in holidays(year) if start <= d <= last and d.weekday() < 5)
    return len(found)
