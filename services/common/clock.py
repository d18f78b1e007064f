"""Time as the services read it: instants in UTC, days as French calendar days (labels,
notices and contract dates are French dates). Use cases take `now` as a parameter so that
tests can move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from services.rules.calendar import PARIS, french_day

__all__ = ["PARIS", "Clock", "french_day", "french_today", "utc_now"]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def french_today() -> date:
    """Today as a French calendar day (near midnight it is not the UTC day)."""
    return french_day(utc_now())
