"""Weekly volumes: ISO-week arithmetic across year ends, the weekly plan, unannounced changes at
and around the tolerance, forecast accuracy runs; properties with hypothesis."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules.calendar import add_weeks, iso_week, week_label, week_start
from services.rules.findings import Severity
from services.rules.wording import text
from services.rules.workload import (
    WeekVolume,
    WorkloadPolicy,
    forecast_accuracy,
    unannounced_change,
    weekly_plan,
)

PLAN = Decimal("1200")


def volume(
    handled: int, year: int = 2026, week: int = 10, forecast: int = 0, offered: int = 0
) -> WeekVolume:
    return WeekVolume("c-1", year, week, handled, forecast, offered)


# --- ISO weeks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), (2026, 10)),
        (date(2026, 3, 8), (2026, 10)),  # Sunday
        (date(2025, 12, 29), (2026, 1)),  # a Monday of December in the next ISO year
        (date(2027, 1, 1), (2026, 53)),  # 2026 has 53 weeks
        (date(2021, 1, 3), (2020, 53)),
        (date(2025, 12, 28), (2025, 52)),
    ],
)
def test_iso_week(day, expected):
    assert iso_week(day) == expected


@pytest.mark.parametrize(
    ("year", "week", "weeks", "expected"),
    [
        (2026, 10, 0, (2026, 10)),
        (2026, 1, -1, (2025, 52)),  # 2025 has 52 weeks
        (2021, 1, -1, (2020, 53)),  # 2020 has 53
        (2020, 53, 1, (2021, 1)),
        (2026, 53, 1, (2027, 1)),
        (2026, 2, -8, (2025, 46)),
        (2025, 52, 2, (2026, 2)),
        (2026, 10, 52, (2027, 9)),  # 2026 has 53 weeks
    ],
)
def test_add_weeks(year, week, weeks, expected):
    assert add_weeks(year, week, weeks) == expected


def test_weeks_and_labels():
    assert week_start(2026, 10) == date(2026, 3, 2)
    assert week_start(2026, 1) == date(2025, 12, 29)
    assert week_label(2026, 3) == "2026-W03" and week_label(2026, 53) == "2026-W53"
    with pytest.raises(ValueError):
        week_start(2025, 53)
    with pytest.raises(ValueError):
        volume(1, year=2025, week=53)
    with pytest.raises(ValueError):
        volume(-1)


@given(st.dates(min_value=date(1900, 1, 8), max_value=date(2200, 1, 1)), st.integers(-600, 600))
def test_add_weeks_moves_the_monday_by_whole_weeks(day, weeks):
    year, week = iso_week(day)
    moved = add_weeks(year, week, weeks)
    assert week_start(*moved) == week_start(year, week) + timedelta(weeks=weeks)
    assert add_weeks(*moved, -weeks) == (year, week)


# --- the plan -------------------------------------------------------------------------------

CUT = (date(2026, 3, 2), Decimal("-40"))  # effective on the Monday of 2026-W10


@pytest.mark.parametrize(
    ("baseline", "notices", "week", "expected"),
    [
        (5200, [], 10, "1200"),  # 5,200 a month × 12 ÷ 52
        (1000, [], 10, "230.77"),
        (0, [], 10, "0"),
        (5200, [CUT], 9, "1200"),  # not in force yet
        (5200, [CUT], 10, "720"),  # effective on the week's Monday
        (5200, [CUT], 11, "720"),
        (5200, [(date(2026, 3, 3), Decimal("-40"))], 10, "1200"),  # mid-week: from next week
        (5200, [(date(2026, 3, 3), Decimal("-40"))], 11, "720"),
        (5200, [(date(2026, 1, 5), Decimal("25")), CUT], 10, "720"),  # the latest applies
        (5200, [CUT, (date(2026, 1, 5), Decimal("25"))], 10, "720"),  # in any order
        (5200, [(date(2026, 1, 5), Decimal("25")), CUT], 9, "1500"),
        (5200, [CUT, (date(2026, 3, 2), Decimal("10"))], 10, "1320"),  # same date: the later
        (5200, [(date(2026, 3, 2), Decimal("-100"))], 12, "0"),  # a termination
        (5200, [(date(2026, 3, 2), Decimal("-12.5"))], 12, "1050"),
    ],
)
def test_weekly_plan(baseline, notices, week, expected):
    assert weekly_plan(baseline, notices, 2026, week) == Decimal(expected)


@pytest.mark.parametrize(
    ("baseline", "change"), [(-1, Decimal("0")), (100, Decimal("-101")), (100, Decimal("NaN"))]
)
def test_weekly_plan_refuses_nonsense(baseline, change):
    with pytest.raises(ValueError):
        weekly_plan(baseline, [(date(2026, 1, 1), change)], 2026, 10)


# --- unannounced change ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handled", "plan", "severity"),
    [
        (1200, PLAN, None),
        (1380, PLAN, None),  # +15 %: at the tolerance
        (1381, PLAN, Severity.WARNING),  # +15.08 %
        (1020, PLAN, None),  # -15 %
        (1019, PLAN, Severity.WARNING),
        (1560, PLAN, Severity.WARNING),  # +30 %: twice the tolerance, not beyond
        (1561, PLAN, Severity.SERIOUS),
        (840, PLAN, Severity.WARNING),  # -30 %
        (839, PLAN, Severity.SERIOUS),
        (0, PLAN, Severity.SERIOUS),  # -100 %
        (115004, Decimal("100000"), None),  # +15.004 % is 15.00 % to two decimals
        (115005, Decimal("100000"), Severity.WARNING),  # 15.005 % rounds to 15.01 %
        (0, Decimal("0"), None),
        (5, Decimal("0"), Severity.SERIOUS),
    ],
)
def test_unannounced_change_thresholds(handled, plan, severity):
    breach = unannounced_change(volume(handled), plan)
    assert (breach.severity if breach else None) == severity


@pytest.mark.parametrize(
    ("tolerance", "handled", "severity"),
    [("10", 1320, None), ("10", 1321, Severity.WARNING), ("10", 1441, Severity.SERIOUS)],
)
def test_the_tolerance_is_a_parameter(tolerance, handled, severity):
    policy = WorkloadPolicy(tolerance_percent=Decimal(tolerance))
    breach = unannounced_change(volume(handled), PLAN, policy)
    assert (breach.severity if breach else None) == severity


def test_the_unannounced_change_breach():
    plan = weekly_plan(5200, [], 2026, 10)
    breach = unannounced_change(volume(720, forecast=1150, offered=760), plan)
    assert breach is not None
    assert (breach.rule, breach.severity, breach.subject) == (
        "unannounced_change",
        Severity.SERIOUS,
        "c-1|2026-W10",
    )
    assert breach.evidence == {
        "contract_id": "c-1",
        "week": "2026-W10",
        "week_start": "2026-03-02",
        "handled": 720,
        "offered": 760,
        "forecast": 1150,
        "plan": "1200",
        "gap_percent": "-40",
        "tolerance_percent": "15",
    }
    assert breach.summary == text(
        "volume-change-summary", contract="c-1", week="2026-W10", direction="cut", gap=40
    )
    assert breach.explanation == text(
        "volume-change-explanation",
        contract="c-1",
        week="2026-W10",
        monday=date(2026, 3, 2),
        handled=720,
        plan=Decimal("1200"),
        tolerance=Decimal("15"),
        direction="cut",
        gap=Decimal("40"),
    )
    assert breach.reference == text("reference-unannounced-change")
    assert render(breach.summary, "fr") == (
        "Contrat c-1, semaine 2026-W10 : volume traité inférieur de 40\u202f% au volume prévu,"
        " sans préavis."
    )
    assert render(breach.explanation, "fr").startswith(
        "Au cours de la semaine du 2 mars 2026 (2026-W10), le contrat c-1 a traité 720 contacts"
        " pour un volume prévu de 1\u202f200 (son volume de référence ajusté des préavis en"
        " vigueur), soit 40\u202f% de moins, au-delà de la tolérance de ±15\u202f%."
    )
    assert render(breach.reference, "fr").startswith(
        "Label Responsabilité Sociale, 3e engagement des donneurs d'ordre"
    )
    # English callers read what they read before.
    assert render(breach.summary, "en") == (
        "Contract c-1, week 2026-W10: 40% fewer contacts than planned, with no notice."
    )
    assert "720 contacts against a plan of 1,200" in render(breach.explanation, "en")


def test_a_rise_above_the_plan_says_so():
    breach = unannounced_change(volume(1560), PLAN)
    assert breach is not None
    assert breach.summary.values["direction"] == "rise"
    assert breach.summary.values["gap"] == Decimal("30")
    assert render(breach.summary, "fr") == (
        "Contrat c-1, semaine 2026-W10 : volume traité supérieur de 30\u202f% au volume prévu,"
        " sans préavis."
    )
    assert "1\u202f560 contacts pour un volume prévu de 1\u202f200" in render(
        breach.explanation, "fr"
    )
    assert "soit 30\u202f% de plus" in render(breach.explanation, "fr")


def test_a_notified_change_moves_the_plan_and_is_no_breach():
    plan = weekly_plan(5200, [CUT], 2026, 10)
    assert unannounced_change(volume(720), plan) is None
    assert unannounced_change(volume(1200), plan) is not None  # the cut did not happen


def test_nothing_planned_but_contacts_handled():
    breach = unannounced_change(volume(5, year=2026, week=53), Decimal(0))
    assert breach is not None and breach.evidence["gap_percent"] == "n/a"
    assert breach.subject == "c-1|2026-W53"
    assert breach.summary == text(
        "volume-change-summary", contract="c-1", week="2026-W53", direction="unplanned"
    )
    assert "gap" not in breach.explanation.values and breach.explanation.values["plan"] == 0
    assert render(breach.summary, "fr") == (
        "Contrat c-1, semaine 2026-W53 : des contacts traités alors qu'aucun volume n'était"
        " prévu, sans préavis."
    )
    assert render(breach.explanation, "fr").startswith(
        "Au cours de la semaine du 28 décembre 2026 (2026-W53), le contrat c-1 a traité"
        " 5 contacts alors qu'aucun volume n'était prévu"
    )


@pytest.mark.parametrize("plan", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_a_nonsense_plan_is_refused(plan):
    with pytest.raises(ValueError):
        unannounced_change(volume(1), plan)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tolerance_percent": Decimal("0")},
        {"forecast_band_percent": Decimal("-5")},
        {"forecast_weeks_in_a_row": 0},
    ],
)
def test_a_nonsense_policy_is_refused(kwargs):
    with pytest.raises(ValueError):
        WorkloadPolicy(**kwargs)


# --- forecast accuracy ----------------------------------------------------------------------


def weeks(*rows: tuple[int, int, int, int]) -> list[WeekVolume]:
    """(year, week, forecast, handled) rows."""
    return [WeekVolume("c-1", y, w, handled=h, forecast=f, offered=h) for y, w, f, h in rows]


OVER = (130, 100)  # +30 %
UNDER = (70, 100)  # -30 %
FINE = (110, 100)  # +10 %


def run(*forecast_handled: tuple[int, int], year: int = 2026, first: int = 8) -> list:
    return weeks(*((year, first + i, f, h) for i, (f, h) in enumerate(forecast_handled)))


@pytest.mark.parametrize(
    ("history", "subject"),
    [
        (run(OVER, OVER), None),  # K-1 weeks
        (run(OVER, OVER, OVER), "c-1|2026-W10"),  # K weeks
        (run(FINE, OVER, OVER, OVER), "c-1|2026-W11"),
        (run(OVER, OVER, OVER, FINE), None),  # the run must reach the latest week
        (run(UNDER, UNDER, UNDER), "c-1|2026-W10"),
        (run(UNDER, OVER, OVER), None),  # a change of direction
        (run(OVER, UNDER, OVER), None),
        (run(UNDER, OVER, OVER, OVER), "c-1|2026-W11"),
        (run((120, 100), OVER, OVER), None),  # +20 %: at the band's edge, inside it
        (run((80, 100), UNDER, UNDER), None),  # -20 %
        (run((12001, 10000), OVER, OVER), "c-1|2026-W10"),  # +20.01 %
        (run((7999, 10000), UNDER, UNDER), "c-1|2026-W10"),  # -20.01 %
        (run(OVER, (0, 0), OVER, OVER), "c-1|2026-W11"),  # a week with nothing handled
        (run(OVER, (500, 0), OVER, OVER), "c-1|2026-W11"),  # ... is skipped either way
        (run(OVER, OVER, OVER, (40, 0)), "c-1|2026-W10"),  # also at the end
        (run((0, 0), (0, 0), (0, 0)), None),
        ([], None),
    ],
)
def test_forecast_accuracy_runs(history, subject):
    breach = forecast_accuracy(history)
    assert (breach.subject if breach else None) == subject


@pytest.mark.parametrize(
    ("history", "subject"),
    [
        (weeks((2026, 8, *OVER), (2026, 10, *OVER), (2026, 11, *OVER)), None),  # W09 missing
        (weeks((2026, 7, *OVER), (2026, 8, *OVER), (2026, 10, *OVER), (2026, 11, *OVER)), None),
        (
            weeks((2026, 5, *UNDER), (2026, 7, *OVER), (2026, 8, *OVER), (2026, 9, *OVER)),
            "c-1|2026-W09",
        ),
        (weeks((2025, 51, *OVER), (2025, 52, *OVER), (2026, 1, *OVER)), "c-1|2026-W01"),
        (weeks((2026, 52, *UNDER), (2026, 53, *UNDER), (2027, 1, *UNDER)), "c-1|2027-W01"),
        (weeks((2020, 52, *OVER), (2020, 53, *OVER), (2021, 1, *OVER)), "c-1|2021-W01"),
        (weeks((2026, 51, *OVER), (2026, 52, *OVER), (2027, 1, *OVER)), None),  # W53 missing
    ],
)
def test_forecast_accuracy_over_missing_weeks_and_year_ends(history, subject):
    breach = forecast_accuracy(history)
    assert (breach.subject if breach else None) == subject


def test_the_weeks_may_come_in_any_order():
    history = run(FINE, OVER, OVER, OVER)
    assert forecast_accuracy(list(reversed(history))) == forecast_accuracy(history) is not None


@pytest.mark.parametrize(
    ("wanted", "history", "breach"),
    [
        (1, run(FINE, OVER), True),
        (1, run(OVER, FINE), False),
        (4, run(OVER, OVER, OVER), False),
        (4, run(OVER, OVER, OVER, OVER), True),
    ],
)
def test_weeks_in_a_row_is_a_parameter(wanted, history, breach):
    policy = WorkloadPolicy(forecast_weeks_in_a_row=wanted)
    assert (forecast_accuracy(history, policy) is not None) == breach


def test_the_forecast_accuracy_breach():
    breach = forecast_accuracy(run(FINE, (150, 100), (1300, 1000), (121, 100), first=9))
    assert breach is not None
    assert (breach.rule, breach.severity, breach.subject) == (
        "forecast_accuracy",
        Severity.WARNING,
        "c-1|2026-W12",
    )
    assert breach.evidence == {
        "contract_id": "c-1",
        "direction": "over",
        "weeks": "2026-W10,2026-W11,2026-W12",
        "forecast": "150,1300,121",
        "handled": "100,1000,100",
        "error_percent": "50,30,21",
        "band_percent": "20",
        "weeks_in_a_row": 3,
    }
    figures = {"contract": "c-1", "direction": "over", "band": 20, "weeks": 3, "last": "2026-W12"}
    assert breach.summary == text("forecast-summary", **figures)
    assert breach.explanation == text(
        "forecast-explanation",
        errors=[
            text("forecast-week", week=w, forecast=f, handled=h, direction="over", error=e)
            for w, f, h, e in [
                ("2026-W10", 150, 100, 50),
                ("2026-W11", 1300, 1000, 30),
                ("2026-W12", 121, 100, 21),
            ]
        ],
        **figures,
    )
    assert breach.reference == text("reference-forecast-accuracy")
    assert render(breach.summary, "fr") == (
        "Contrat c-1 : prévisions supérieures de plus de 20\u202f% aux volumes traités,"
        " 3 semaines de suite jusqu'à la semaine 2026-W12."
    )
    assert render(breach.explanation, "fr").startswith(
        "Les prévisions du donneur d'ordre pour le contrat c-1 ont été supérieures aux contacts"
        " traités, au-delà de la marge de ±20\u202f% prévue au contrat, 3 semaines de suite :"
        " 150 contacts prévus pour 100 traités en 2026-W10 (+50\u202f%), 1\u202f300 contacts"
        " prévus pour 1\u202f000 traités en 2026-W11 (+30\u202f%) et 121 contacts prévus pour"
        " 100 traités en 2026-W12 (+21\u202f%)."
    )
    assert render(breach.summary, "en") == (
        "Contract c-1: volumes over-forecast by more than 20% for 3 weeks running, to 2026-W12."
    )
    assert "2026-W11 forecast 1,300 for 1,000 handled (+30%)" in render(breach.explanation, "en")


def test_a_single_week_under_forecast_reads_as_one_week():
    policy = WorkloadPolicy(forecast_weeks_in_a_row=1)
    breach = forecast_accuracy(run(FINE, (60, 100), first=9), policy)
    assert breach is not None
    assert breach.summary.values["direction"] == "under"
    assert breach.explanation.values["errors"] == (
        text(
            "forecast-week", week="2026-W10", forecast=60, handled=100, direction="under", error=40
        ),
    )
    assert render(breach.summary, "fr") == (
        "Contrat c-1 : prévision inférieure de plus de 20\u202f% au volume traité la semaine"
        " 2026-W10."
    )
    assert "60 contacts prévus pour 100 traités en 2026-W10 (−40\u202f%)" in render(
        breach.explanation, "fr"
    )


def test_forecast_accuracy_refuses_mixed_or_repeated_weeks():
    history = run(OVER, OVER, OVER)
    with pytest.raises(ValueError, match="one contract"):
        forecast_accuracy([*history, WeekVolume("c-2", 2026, 11, 1, 1, 1)])
    with pytest.raises(ValueError, match="twice"):
        forecast_accuracy([*history, history[-1]])


# --- properties -----------------------------------------------------------------------------

week_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31))


@st.composite
def contract_weeks(draw) -> list[WeekVolume]:
    """A contract's weeks from a start, some left out."""
    year, week = iso_week(draw(week_days))
    found = []
    for i in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 5)) == 0:
            continue  # a missing week
        y, w = add_weeks(year, week, i)
        handled = draw(st.integers(0, 2000))
        forecast = draw(st.integers(0, 3000))
        found.append(WeekVolume("c-1", y, w, handled, forecast, handled))
    return found


workload_policies = st.builds(
    WorkloadPolicy,
    tolerance_percent=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("80"), places=1),
    forecast_band_percent=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("80"), places=1),
    forecast_weeks_in_a_row=st.integers(1, 5),
)


@given(contract_weeks(), workload_policies, st.randoms(use_true_random=False))
def test_forecast_accuracy_is_deterministic_and_its_run_is_off_one_way(history, policy, rnd):
    breach = forecast_accuracy(history, policy)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    assert forecast_accuracy(shuffled, policy) == breach
    if breach is None:
        return
    errors = [Decimal(e) for e in str(breach.evidence["error_percent"]).split(",")]
    assert len(errors) == policy.forecast_weeks_in_a_row
    assert all(abs(e) > policy.forecast_band_percent for e in errors)
    assert all(e > 0 for e in errors) or all(e < 0 for e in errors)
    measured = [w for w in history if w.handled]
    assert breach.subject == f"c-1|{max(measured, key=lambda w: (w.year, w.week)).label}"


@given(
    st.integers(0, 10**7),
    st.lists(
        st.tuples(week_days, st.decimals(min_value=-100, max_value=1000, places=2)), max_size=5
    ),
    week_days,
    st.integers(0, 10**7),
    workload_policies,
)
def test_the_plan_and_the_change_never_raise_on_valid_input(
    baseline, notices, day, handled, policy
):
    year, week = iso_week(day)
    plan = weekly_plan(baseline, notices, year, week)
    assert plan >= 0
    first = unannounced_change(volume(handled, year, week), plan, policy)
    assert first == unannounced_change(volume(handled, year, week), plan, policy)
    if first is not None:
        assert first.rule == "unannounced_change" and first.subject.endswith(
            week_label(*(year, week))
        )
        assert first.severity in (Severity.WARNING, Severity.SERIOUS)
