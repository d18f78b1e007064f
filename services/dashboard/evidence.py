"""The volumes a finding rests on, as a chart drawn from its evidence (a flat Struct of
figures, see services/rules/findings.py). Each volume rule spells its figures its own way:
- unannounced_change: one ISO week, its plan against what was offered, forecast and handled;
- forecast_accuracy: comma-separated weeks with their forecast and handled volumes;
- offshoring_shift, offshoring_drift: onshore and offshore volumes over the window before and
  after;
- a weekly series the checks attach ({week, site_id or country, handled}, under
  `weekly_handled_by_site` or `weekly_handled_by_country`): one line per site or country.
"""

from __future__ import annotations

from collections import defaultdict

from services.dashboard import french
from services.dashboard.charts import Series, bar_chart, line_chart

# Lists of {week, site_id | site | country, handled} the checks attach to their findings.
SERIES = {
    "weekly_handled_by_site": "Contacts traités par site, semaine par semaine",
    "weekly_handled_by_country": "Contacts traités par pays, semaine par semaine",
    "series": "Contacts traités par site, autour du changement",
}


def volume_chart(rule: str, evidence: dict) -> str:
    """The chart for this evidence, or "" when it holds no volumes. A weekly series wins over
    the rule's own figures: it shows the weeks around the change, not only their sums."""
    try:
        for name, title in SERIES.items():
            if isinstance(evidence.get(name), list) and evidence[name]:
                return _by_site(evidence[name], title)
        if rule == "unannounced_change":
            return _unannounced(evidence)
        if rule == "forecast_accuracy":
            return _forecasts(evidence)
        if rule in ("offshoring_shift", "offshoring_drift"):
            return _offshoring(evidence)
    except (KeyError, TypeError, ValueError):
        return ""  # figures in a shape this page does not know: the table still shows them
    return ""


def _unannounced(evidence: dict) -> str:
    labels = ["Prévu (plan)", "Offert", "Prévision", "Traité"]
    values = [
        float(evidence["plan"]),
        float(evidence["offered"]),
        float(evidence["forecast"]),
        float(evidence["handled"]),
    ]
    week = french.week(str(evidence.get("week", "")))
    return bar_chart(f"Contacts de la semaine ({week})", labels, values)


def _forecasts(evidence: dict) -> str:
    weeks = [french.week(w) for w in str(evidence["weeks"]).split(",")]
    forecast = [float(v) for v in str(evidence["forecast"]).split(",")]
    handled = [float(v) for v in str(evidence["handled"]).split(",")]
    return line_chart(
        "Prévisions et contacts traités, semaine par semaine",
        weeks,
        [Series("Prévision du donneur d'ordre", forecast), Series("Contacts traités", handled)],
    )


def _offshoring(evidence: dict) -> str:
    labels = [_window(evidence["window_before"]), _window(evidence["window_after"])]
    return line_chart(
        "Contacts traités en France et hors de France, avant et après",
        labels,
        [
            Series(
                "En France",
                [float(evidence["onshore_before"]), float(evidence["onshore_after"])],
            ),
            Series(
                "Hors de France",
                [float(evidence["offshore_before"]), float(evidence["offshore_after"])],
            ),
        ],
    )


def _by_site(points: list, title: str) -> str:
    """One line per site (or country), one point per week it has figures for."""

    def place(p: dict) -> str:
        found = p.get("site_id") or p.get("site") or p.get("country") or "?"
        return french.country(found) if "country" in p and not p.get("site_id") else str(found)

    weeks = sorted({str(p.get("week") or p.get("period")) for p in points})
    by_place: dict[str, dict[str, float]] = defaultdict(dict)
    for p in points:
        week = str(p.get("week") or p.get("period"))
        by_place[place(p)][week] = by_place[place(p)].get(week, 0.0) + float(p["handled"])
    return line_chart(
        title,
        [french.week(w) for w in weeks],
        [Series(name, [values.get(w) for w in weeks]) for name, values in sorted(by_place.items())],
    )


def _window(text: str) -> str:
    """'2026-W01 to 2026-W04' → 'sem. 1 à sem. 4'."""
    first, _, last = str(text).partition(" to ")
    return f"{french.week(first)} à {french.week(last)}" if last else french.week(first)
