"""The domain's calendar: French days. A contract date, a notice date, a label's validity
are days in France, and an instant becomes one in Paris time (near midnight it is not the
UTC day). Pure: the clock itself (what time it is now) lives with the services."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def french_day(instant: datetime) -> date:
    """The calendar day in France at an instant."""
    return instant.astimezone(PARIS).date()
