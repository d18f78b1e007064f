"""What makes an interval volume record malformed.

Volumes come from the centres' telephony and workforce-management systems, per queue in
15- or 30-minute intervals (design map §1, orders of magnitude). A record that does not
describe a real interval is refused; the figures themselves are the centre's to report."""

from __future__ import annotations

from datetime import datetime

INTERVAL_MINUTES = (15, 30)


def interval_problems(
    interval_start: datetime, minutes: int, offered: int, handled: int
) -> list[tuple[str, str]]:
    """(field, reason) for each problem of one record; empty when it is well formed."""
    problems = []
    if minutes not in INTERVAL_MINUTES:
        problems.append(("interval_minutes", f"{minutes} is not 15 or 30"))
    elif interval_start.second or interval_start.microsecond or interval_start.minute % minutes:
        problems.append(("interval_start", f"does not start a {minutes}-minute interval"))
    if handled > offered:
        problems.append(("handled_contacts", f"{handled} handled is more than {offered} offered"))
    return problems
