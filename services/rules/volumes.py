"""What makes an interval volume record malformed.

Volumes come from the centres' telephony and workforce-management systems, per queue in
15- or 30-minute intervals (design map §1, orders of magnitude). A record that does not
describe a real interval is refused; the figures themselves are the centre's to report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from services.rules.calendar import PARIS, iso_week
from services.rules.wording import Text, text

INTERVAL_MINUTES = (15, 30)
# (site, ISO year, ISO week) -> [handled, forecast, offered]
WeeklySums = dict[tuple[str, int, int], list[int]]


def interval_problems(
    interval_start: datetime, minutes: int, offered: int, handled: int
) -> list[tuple[str, Text]]:
    """(field, reason) for each problem of one record; empty when it is well formed."""
    problems = []
    if minutes not in INTERVAL_MINUTES:
        problems.append(("interval_minutes", text("volume-interval-minutes", minutes=minutes)))
    elif interval_start.second or interval_start.microsecond or interval_start.minute % minutes:
        problems.append(("interval_start", text("volume-interval-start", minutes=minutes)))
    if handled > offered:
        problems.append(
            (
                "handled_contacts",
                text("volume-handled-above-offered", handled=handled, offered=offered),
            )
        )
    return problems


# How far ahead of the receiving service's clock a centre's clock may be: an interval that
# starts later than now plus this has not happened yet, whatever the centre's export says.
CLOCK_SKEW = timedelta(minutes=5)


def from_the_future(interval_start: datetime, now: datetime) -> Text | None:
    """Why an interval cannot be reported yet, or None: volumes are facts, and a week with
    figures from days to come would look complete (or cut) before it has happened."""
    if interval_start > now + CLOCK_SKEW:
        # The instants in UTC, to the minute, as the centre's export gives them.
        return text(
            "volume-interval-future",
            start=f"{interval_start:%Y-%m-%dT%H:%M}Z",
            now=f"{now:%Y-%m-%dT%H:%M}Z",
            minutes=int(CLOCK_SKEW.total_seconds() // 60),
        )
    return None


def weekly_sums(records: Iterable, sign: int = 1) -> WeeklySums:
    """The figures of interval records (VolumeRecord) summed per site and ISO week. The week
    is that of the interval's day in France; it is computed once per UTC hour (the French
    offset only changes on the hour), which keeps a million intervals fast."""
    weeks: dict[int, tuple[int, int]] = {}
    sums: WeeklySums = {}
    for r in records:
        hour = r.interval_start.seconds // 3600
        week = weeks.get(hour)
        if week is None:
            instant = datetime.fromtimestamp(hour * 3600, PARIS)
            week = weeks[hour] = iso_week(instant.date())
        key = (r.site_id, *week)
        figures = sums.get(key)
        if figures is None:
            sums[key] = [
                sign * r.handled_contacts,
                sign * r.forecast_contacts,
                sign * r.offered_contacts,
            ]
        else:
            figures[0] += sign * r.handled_contacts
            figures[1] += sign * r.forecast_contacts
            figures[2] += sign * r.offered_contacts
    return sums


def add_sums(into: dict[tuple, list[int]], more: dict[tuple, list[int]]) -> None:
    for key, figures in more.items():
        held = into.setdefault(key, [0, 0, 0])
        for i, value in enumerate(figures):
            held[i] += value


def net_weekly_sums(intervals: Iterable, replaced: Iterable) -> WeeklySums:
    """What a report adds to each site's week: its intervals less the figures they correct.
    A week a correction touched stays, at zero if nothing changed in sum."""
    sums = weekly_sums(intervals)
    add_sums(sums, weekly_sums(replaced, sign=-1))
    return sums
