"""The evidence of a notice breach on a calendar: the lead time the contract required (from
the last day the notice could have been given to the effective date) against the lead time
actually given (from the notice to the effective date), with weekends and French public
holidays, since business-day lead times skip them. As the verdict counted them: by default
(the law's counting) neither the notice day nor the effective day counts; a verdict counted
with the notice day (or recorded before the counting was stated) counts the notice day."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, timedelta

from services.common import wording
from services.common.clock import public_holidays_between
from services.dashboard.french import WEEKDAYS_SHORT, day, month_title
from services.dashboard.markup import e

MAX_MONTHS = 14  # beyond, the calendar is no longer readable; the figures still say it all


def french_holidays(start: date, end: date) -> dict[date, str]:
    """Public holidays in metropolitan France from `start` to `end` (both included), weekends
    too, with their French names: the domain's calendar, the one lead times are counted by."""
    found = public_holidays_between(start, end + timedelta(days=1))
    return {holiday.day: wording.render(holiday.name, "fr") for holiday in found}


def lead_time_calendar(
    notified_on: date, deadline: date, effective: date, notice_day_counts: bool = False
) -> str:
    """Month grids from the earlier of the deadline and the notice to the effective date."""
    first = min(deadline, notified_on, effective)
    start, end = first.replace(day=1), effective
    off = french_holidays(start, end + timedelta(days=31))
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < MAX_MONTHS:
        months.append(_month(year, month, notified_on, deadline, effective, off, notice_day_counts))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    in_span = {d: n for d, n in off.items() if first <= d <= effective}
    listed = "".join(f"<li>{e(day(d))} : {e(name)}</li>" for d, name in in_span.items())
    holidays_html = (
        f'<p>Jours fériés sur la période :</p><ul class="holidays">{listed}</ul>'
        if in_span
        else "<p>Aucun jour férié sur la période.</p>"
    )
    return (
        '<div class="calendar-legend">'
        '<span class="day required">Préavis exigé</span>'
        '<span class="day actual">Préavis donné</span>'
        '<span class="day weekend">Week-end</span>'
        '<span class="day holiday">Jour férié</span>'
        '<span class="day deadline">Dernier jour pour prévenir</span>'
        '<span class="day notified">Jour du préavis</span>'
        '<span class="day effective">Date d\'effet</span>'
        "</div>"
        f'<div class="calendar">{"".join(months)}</div>{holidays_html}'
    )


def _month(
    year: int,
    month: int,
    notified_on: date,
    deadline: date,
    effective: date,
    off: dict,
    notice_day_counts: bool,
) -> str:
    head = "".join(f"<th>{e(d)}</th>" for d in WEEKDAYS_SHORT)
    rows = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = []
        for d in week:
            if d.month != month:
                cells.append('<td class="outside"></td>')
                continue
            css, notes = _day_classes(d, notified_on, deadline, effective, off, notice_day_counts)
            title = f' title="{e(" · ".join(notes))}"' if notes else ""
            cells.append(
                f'<td class="{" ".join(css)}" data-date="{d.isoformat()}"{title}>{d.day}</td>'
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="month"><caption>{e(month_title(year, month))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _day_classes(
    d: date,
    notified_on: date,
    deadline: date,
    effective: date,
    off: dict,
    notice_day_counts: bool,
) -> tuple[list[str], list[str]]:
    css, notes = ["day"], []
    # The first day that counts: the notice day itself, or (the law's counting) the next.
    after = timedelta(days=0 if notice_day_counts else 1)
    if deadline + after <= d < effective:
        css.append("required")
    if notified_on + after <= d < effective:
        css.append("actual")
    if d.weekday() >= 5:
        css.append("weekend")
    if d in off:
        css.append("holiday")
        notes.append(off[d])
    for marker, css_name, text in (
        (deadline, "deadline", "Dernier jour pour prévenir"),
        (notified_on, "notified", "Préavis donné"),
        (effective, "effective", "Date d'effet"),
    ):
        if d == marker:
            css.append(css_name)
            notes.append(text)
    return css, notes
