"""Weekly volumes against what was planned and forecast: unannounced workload changes and
forecast accuracy.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre", 3rd
commitment: "Définition et respect de délais minimums de prévenance convenus par le donneur
d'ordre et le centre de relation client labellisé pour les demandes d'évolution de charge".
The lead-time rule (lead_time.py) judges the notices that were given; this module finds the
changes that were never notified: "a change that shows up in the volumes with no notice at
all is a worse one" (design map §1). A forecast that stays off, week after week, in the same
direction is the same fault in slower motion: the centre staffs for the forecast, so the
ordering party's forecasts are part of the workload it announces.

Weeks are ISO weeks (Monday to Sunday; week 1 holds the year's first Thursday; some years have
a week 53). An interval belongs to the week of its start in French local time: the caller
computes that (this module knows no time zone) and passes (ISO year, ISO week); `iso_week`
gives them for a local date. The week arithmetic here (`week_start`, `add_weeks`,
`week_label`) is the one every rule uses.

How the figures are compared:
- the plan of a week is the contract's baseline, per month, times 12 ÷ 52, adjusted by the
  notice in force on that week's Monday (`weekly_plan`), to two decimals;
- a gap is (actual − reference) ÷ reference × 100, to two decimals (half up, away from 0),
  and a gap exactly on a band's edge is inside it: 15.00 % is within ±15 %.
The tolerance and the forecast band are parameters (the contract's or the committee's); the
defaults are only a starting point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from services.rules.calendar import add_weeks, week_label, week_start
from services.rules.figures import percent_of, percent_text
from services.rules.findings import Breach, Severity
from services.rules.wording import Text, text

# The 3rd commitment (lead_time.REFERENCE), and why a change with no notice, or forecasts
# that stay off, are held against it.
UNANNOUNCED_CHANGE_REFERENCE = text("reference-unannounced-change")
FORECAST_ACCURACY_REFERENCE = text("reference-forecast-accuracy")

WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_YEAR = Decimal(12)
CENT = Decimal("0.01")


# --- the figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekVolume:
    """A contract's volumes over one ISO week, summed over its queues and sites."""

    contract_id: str
    year: int  # ISO year
    week: int  # ISO week
    handled: int
    forecast: int  # the ordering party's forecast for the week
    offered: int

    def __post_init__(self) -> None:
        week_start(self.year, self.week)  # ValueError for a week the year does not have
        if min(self.handled, self.forecast, self.offered) < 0:
            raise ValueError("volumes must not be negative")

    @property
    def label(self) -> str:
        return week_label(self.year, self.week)


@dataclass(frozen=True)
class WorkloadPolicy:
    # Handled volume within ± this percent of the plan is no change.
    tolerance_percent: Decimal = Decimal("15")
    # A forecast within ± this percent of the handled volume is accurate.
    forecast_band_percent: Decimal = Decimal("20")
    # How many measured weeks in a row off the band, in one direction, make a breach.
    forecast_weeks_in_a_row: int = 3

    def __post_init__(self) -> None:
        for name in ("tolerance_percent", "forecast_band_percent"):
            value = getattr(self, name)
            if not (value.is_finite() and value > 0):
                raise ValueError(f"{name} must be a number above 0")
        if self.forecast_weeks_in_a_row < 1:
            raise ValueError("forecast_weeks_in_a_row must be at least 1")


DEFAULT_POLICY = WorkloadPolicy()


def weekly_plan(
    baseline_contacts_per_month: int,
    notices_in_force: Sequence[tuple[date, Decimal]],
    year: int,
    week: int,
) -> Decimal:
    """The volume planned for an ISO week, to two decimals (half up).

    The contract's baseline is per month: a week is baseline × 12 ÷ 52 (5,200 a month is 1,200
    a week). Each notice is (effective date, change percent), the change signed and measured
    against the baseline as the notices service records it (-40 for a 40 % cut, so the week
    plans 60 % of the baseline; +25 plans 125 %; -100, a termination, plans 0). The notice
    applied is the one with the latest effective date on or before the week's Monday; of two
    with that date, the later in `notices_in_force` (pass them in the order they were given).
    A notice taking effect mid-week applies from the next week. None applies: the baseline.

    ValueError for a negative baseline or a change that is not a number at or above -100."""
    if baseline_contacts_per_month < 0:
        raise ValueError("the baseline volume must not be negative")
    for _, change in notices_in_force:
        if not (change.is_finite() and change >= -100):
            raise ValueError(f"a notice's change must be a number at or above -100, not {change}")
    monday = week_start(year, week)
    in_force = [(day, i) for i, (day, _) in enumerate(notices_in_force) if day <= monday]
    factor = Decimal(1)
    if in_force:
        _, latest = max(in_force)  # the latest date, then the later in the sequence
        factor = (100 + notices_in_force[latest][1]) / 100
    weekly = Decimal(baseline_contacts_per_month) * MONTHS_PER_YEAR * factor / WEEKS_PER_YEAR
    return weekly.quantize(CENT, rounding=ROUND_HALF_UP)


# --- unannounced change -----------------------------------------------------------------


def unannounced_change(
    week: WeekVolume, plan: Decimal, policy: WorkloadPolicy = DEFAULT_POLICY
) -> Breach | None:
    """A breach when the volume handled in a week is off its plan by more than the tolerance.

    `plan` is weekly_plan(...) with every notice in force, so a change that was notified has
    already moved the plan and only a change no notice covers is left to show. The gap is
    (handled − plan) ÷ plan, in percent (module docstring). Beyond ± tolerance: WARNING;
    beyond ± twice the tolerance: SERIOUS. A plan of 0 (nothing planned, or a termination in
    force) with contacts handled is reported as SERIOUS with the percent "n/a"; nothing handled
    against a plan of 0 is no change. ValueError for a plan that is not a number >= 0."""
    if not (plan.is_finite() and plan >= 0):
        raise ValueError("the plan must be a number >= 0")
    tolerance = policy.tolerance_percent
    if plan == 0:
        if week.handled == 0:
            return None
        gap: Decimal | None = None
        severity = Severity.SERIOUS
    else:
        gap = percent_of(week.handled - plan, plan)
        if abs(gap) <= tolerance:
            return None
        severity = Severity.SERIOUS if abs(gap) > 2 * tolerance else Severity.WARNING
    if gap is None:
        figures: dict = {"direction": "unplanned"}
    else:
        figures = {"direction": "rise" if gap > 0 else "cut", "gap": abs(gap)}
    return Breach(
        rule="unannounced_change",
        severity=severity,
        subject=f"{week.contract_id}|{week.label}",
        summary=text(
            "volume-change-summary", contract=week.contract_id, week=week.label, **figures
        ),
        explanation=text(
            "volume-change-explanation",
            contract=week.contract_id,
            week=week.label,
            monday=week_start(week.year, week.week),
            handled=week.handled,
            plan=plan,
            tolerance=tolerance,
            **figures,
        ),
        reference=UNANNOUNCED_CHANGE_REFERENCE,
        evidence={
            "contract_id": week.contract_id,
            "week": week.label,
            "week_start": week_start(week.year, week.week).isoformat(),
            "handled": week.handled,
            "offered": week.offered,
            "forecast": week.forecast,
            "plan": percent_text(plan),
            "gap_percent": "n/a" if gap is None else percent_text(gap),
            "tolerance_percent": percent_text(tolerance),
        },
    )


# --- forecast accuracy ------------------------------------------------------------------


def forecast_accuracy(
    weeks: Sequence[WeekVolume], policy: WorkloadPolicy = DEFAULT_POLICY
) -> Breach | None:
    """A breach when a contract's latest weeks were forecast off the band, in one direction,
    `forecast_weeks_in_a_row` weeks running.

    The error of a week is (forecast − handled) ÷ handled, in percent (module docstring):
    positive when the ordering party forecast more than came (over-forecast), negative when
    less. Going back from the latest week given, the run takes each measured week while it is
    off the band (beyond ± forecast_band_percent) in the direction of the latest one; it needs
    forecast_weeks_in_a_row of them, in consecutive ISO weeks:
    - a week missing from `weeks` breaks the run (nothing is known of it);
    - a week with nothing handled has no ratio: it is skipped, neither counted nor breaking;
    - a week within the band, or off it the other way, ends the run.
    The subject is the run's latest week, so the breach of one run is found again, with the
    same subject, whenever it is checked. Severity WARNING.

    `weeks` are one contract's, in any order; ValueError when they mix contracts or give one
    week twice."""
    if not weeks:
        return None
    if len({w.contract_id for w in weeks}) > 1:
        raise ValueError("the weeks of one contract are expected")
    ordered = sorted(weeks, key=lambda w: (w.year, w.week))
    if len({(w.year, w.week) for w in ordered}) != len(ordered):
        raise ValueError("a week is given twice")
    band = policy.forecast_band_percent
    wanted = policy.forecast_weeks_in_a_row
    run: list[tuple[WeekVolume, Decimal]] = []  # latest first
    previous: WeekVolume | None = None
    for current in reversed(ordered):
        if previous is not None and add_weeks(current.year, current.week, 1) != (
            previous.year,
            previous.week,
        ):
            return None  # a missing week
        previous = current
        if current.handled == 0:
            continue
        error = percent_of(Decimal(current.forecast - current.handled), Decimal(current.handled))
        if abs(error) <= band or (run and (error > 0) != (run[0][1] > 0)):
            return None
        run.append((current, error))
        if len(run) == wanted:
            return _forecast_breach(list(reversed(run)), policy)
    return None


def _forecast_breach(run: list[tuple[WeekVolume, Decimal]], policy: WorkloadPolicy) -> Breach:
    """The breach for a run of weeks off the band, in week order."""
    last = run[-1][0]
    over = run[-1][1] > 0
    direction = "over" if over else "under"
    band = percent_text(policy.forecast_band_percent)
    labels = [w.label for w, _ in run]
    figures = {
        "contract": last.contract_id,
        "direction": direction,
        "band": policy.forecast_band_percent,
        "weeks": len(run),
        "last": last.label,
    }
    return Breach(
        rule="forecast_accuracy",
        severity=Severity.WARNING,
        subject=f"{last.contract_id}|{last.label}",
        summary=text("forecast-summary", **figures),
        explanation=text(
            "forecast-explanation", errors=[_forecast_week(w, e) for w, e in run], **figures
        ),
        reference=FORECAST_ACCURACY_REFERENCE,
        evidence={
            "contract_id": last.contract_id,
            "direction": direction,
            "weeks": ",".join(labels),
            "forecast": ",".join(str(w.forecast) for w, _ in run),
            "handled": ",".join(str(w.handled) for w, _ in run),
            "error_percent": ",".join(percent_text(e) for _, e in run),
            "band_percent": band,
            "weeks_in_a_row": policy.forecast_weeks_in_a_row,
        },
    )


def _forecast_week(week: WeekVolume, error: Decimal) -> Text:
    """One week of a run: "1 300 contacts prévus pour 1 000 traités en 2026-W11 (+30 %)"."""
    return text(
        "forecast-week",
        week=week.label,
        forecast=week.forecast,
        handled=week.handled,
        direction="over" if error > 0 else "under",
        error=abs(error),
    )
