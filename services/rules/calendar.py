"""The domain's calendar: French days and ISO weeks. A contract date, a notice date, a
label's validity are days in France, and an instant becomes one in Paris time (near midnight
it is not the UTC day); volumes are judged by ISO week. Pure: the clock itself (what time it
is now) lives with the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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


def add_weeks(year: int, week: int, weeks: int) -> tuple[int, int]:
    """The ISO week `weeks` after (before, when negative) the given one, across year ends and
    53-week years: (2026, 1) − 1 week is (2025, 52); (2021, 1) − 1 is (2020, 53).
    OverflowError beyond the calendar (year 1 to 9999)."""
    return iso_week(week_start(year, week) + timedelta(weeks=weeks))


def week_label(year: int, week: int) -> str:
    """The ISO 8601 week as every finding's subject gives it: (2026, 3) is "2026-W03"."""
    return f"{year}-W{week:02d}"
