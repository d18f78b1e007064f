"""Time as the services read it: instants in UTC, days as French calendar days (labels,
notices and contract dates are French dates). Use cases take `now` as a parameter so that
tests can move it. The domain kernel's calendar names are re-exported here for the
dashboard, which reads the rules only through the services and the plumbing: one French
calendar, public holidays included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from services.rules.calendar import PARIS, PublicHoliday, french_day, public_holidays_between

__all__ = [
    "PARIS",
    "Clock",
    "PublicHoliday",
    "french_day",
    "french_today",
    "public_holidays_between",
    "utc_now",
]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def french_today() -> date:
    """Today as a French calendar day (near midnight it is not the UTC day)."""
    return french_day(utc_now())
