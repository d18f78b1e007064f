"""Episodes: weekly breaches folded into one finding per episode, and reconciled with what is
on record; the same figures in any order of reports end with the same episodes."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common import wording
from services.common.wording import render
from services.rules import workload
from services.rules.calendar import add_weeks
from services.rules.episodes import (
    Episode,
    change_direction,
    fold,
    forecast_direction,
    reconcile,
)
from services.rules.findings import Breach, Severity
from services.rules.wording import text
from services.rules.workload import WeekVolume, unannounced_change

CONTRACT = "c-1"
BASELINE = 5200  # a month: 1,200 a week
PLAN = workload.weekly_plan(BASELINE, [], 2026, 1)


def week(handled: int, at: tuple[int, int], forecast: int | None = None) -> WeekVolume:
    return WeekVolume(CONTRACT, *at, handled, handled if forecast is None else forecast, handled)


def change(handled: int, at: tuple[int, int]) -> Breach | None:
    return unannounced_change(week(handled, at), PLAN)


def weeks_from(start: tuple[int, int], count: int) -> list[tuple[int, int]]:
    return [add_weeks(*start, i) for i in range(count)]


def judged(figures: list[int | None], start=(2026, 10)) -> list[tuple]:
    """Judged weeks from handled figures, None for a week with no figures (not judged)."""
    return [
        (at, change(h, at))
        for at, h in zip(weeks_from(start, len(figures)), figures, strict=True)
        if h is not None
    ]


def episodes_of(figures: list[int | None]) -> list[Episode]:
    return fold("unannounced_change", CONTRACT, judged(figures), change_direction)


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ([], []),
        ([1200, 1250, 1100], []),  # within ±15 %
        ([480], [["2026-W10"]]),
        ([1200, 480, 480, 480, 1200], [["2026-W11", "2026-W12", "2026-W13"]]),
        ([480, 480, None, 480], [["2026-W10", "2026-W11", "2026-W13"]]),  # a gap is not judged
        ([480, 1200, 480], [["2026-W10"], ["2026-W12"]]),  # back within tolerance: ends
        ([480, 2000, 2000], [["2026-W10"], ["2026-W11", "2026-W12"]]),  # the other way: splits
        ([480, 480, 480, 480], [["2026-W10", "2026-W11", "2026-W12", "2026-W13"]]),
    ],
)
def test_an_episode_holds_the_weeks_in_breach_one_way_until_one_is_not(figures, expected):
    found = episodes_of(figures)
    assert [[f"{y}-W{w:02d}" for (y, w), _ in e.weeks] for e in found] == expected


def test_an_episode_is_one_breach_named_by_its_first_week_with_the_worst_severity_and_series():
    [episode] = episodes_of([1000, 480, 900, 480])  # W10 within? 1000 is -16.67 %: a warning
    breach = episode.breach()
    assert episode.subject == f"{CONTRACT}|2026-W10"
    assert breach.subject == episode.subject
    assert breach.rule == "unannounced_change"
    assert breach.severity == Severity.SERIOUS  # 480 is -60 %
    assert breach.evidence["first_week"] == "2026-W10"
    assert breach.evidence["last_week"] == "2026-W13"
    assert breach.evidence["weeks_in_breach"] == 4
    assert breach.evidence["episode_weeks"] == "2026-W10,2026-W11,2026-W12,2026-W13"
    assert breach.evidence["by_week_handled"] == "1000,480,900,480"
    assert "by_week_week" not in breach.evidence
    assert breach.evidence["handled"] == 480  # the latest week's own figures
    latest = episode.weeks[-1][1]
    span = {"first": "2026-W10", "last": "2026-W13", "weeks": 4}
    assert breach.summary == text("episode-summary", latest=latest.summary, **span)
    assert breach.explanation == text("episode-explanation", latest=latest.explanation, **span)
    assert breach.reference == latest.reference
    assert render(breach.summary, "fr") == (
        "[de 2026-W10 à 2026-W13, 4 semaines en manquement] Contrat c-1, semaine 2026-W13 :"
        " volume traité inférieur de 60\u202f% au volume prévu, sans préavis."
    )
    assert render(breach.explanation, "fr").endswith(
        "plus grave qu'une variation notifiée en retard. Il s'agit d'un seul épisode, commencé"
        " la semaine 2026-W10, qui a duré 4 semaines examinées, jusqu'à la semaine 2026-W13."
    )
    assert render(breach.summary, "en").startswith("[2026-W10 to 2026-W13, 4 weeks in breach] ")


def test_an_episode_of_one_week_names_that_week():
    [episode] = episodes_of([1200, 480, 1200])
    breach = episode.breach()
    assert breach.summary.values["weeks"] == 1
    assert render(breach.summary, "fr").startswith("[2026-W11] Contrat c-1, semaine 2026-W11 :")
    assert render(breach.explanation, "fr").endswith(
        " Il s'agit d'un seul épisode, commencé la semaine 2026-W11."
    )


def on_record(computed: Breach) -> Breach:
    """The breach as the check store reads it back: its texts kept as JSON."""
    return replace(
        computed,
        **{
            name: wording.from_json(
                json.loads(json.dumps(wording.to_json(getattr(computed, name))))
            )
            for name in ("summary", "explanation", "reference")
        },
    )


def test_an_episode_read_back_from_the_record_equals_the_one_computed_again():
    """What the store reads back must compare equal, or every episode would be revised at
    each check: dates, Decimals and nested texts (a change) and lists of texts (a forecast)."""
    [episode] = episodes_of([1000, 480, 900, 480])
    series = [week(1000, at, 1500) for at in weeks_from((2026, 10), 3)]
    forecast = workload.forecast_accuracy(series)
    [run] = fold("forecast_accuracy", CONTRACT, [((2026, 12), forecast)], forecast_direction)
    for computed in (episode.breach(), run.breach()):
        held = on_record(computed)
        assert held == computed
        result = reconcile({(held.rule, held.subject): held}, [computed])
        assert (result.raised, result.updated, result.withdrawn) == ([], [], [])
    [longer] = episodes_of([1000, 480, 900, 480, 480])
    held = on_record(episode.breach())
    assert reconcile({(held.rule, held.subject): held}, [longer.breach()]).updated


def test_a_week_judged_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        fold("r", "k", [((2026, 1), None), ((2026, 1), None)])


def test_forecast_runs_become_episodes_that_start_when_the_run_is_long_enough():
    policy = workload.DEFAULT_POLICY  # three weeks in a row off ±20 %
    figures = [(1000, 1000), (1000, 1500), (1000, 1500), (1000, 1500), (1000, 1600), (1000, 990)]
    series = [week(h, at, f) for at, (h, f) in zip(weeks_from((2026, 10), 6), figures, strict=True)]
    judged_weeks = [
        ((w.year, w.week), workload.forecast_accuracy(series[: i + 1], policy))
        for i, w in enumerate(series)
    ]
    [episode] = fold("forecast_accuracy", CONTRACT, judged_weeks, forecast_direction)
    assert [w for w, _ in episode.weeks] == [(2026, 13), (2026, 14)]
    assert forecast_direction(episode.weeks[0][1]) == "over"


def breach(subject: str, handled: int) -> Breach:
    return Breach("r", Severity.WARNING, subject, "s", "e", "ref", {"handled": handled})


def test_reconcile_raises_the_new_updates_the_changed_and_withdraws_the_unsupported():
    held = {("r", s.subject): s for s in (breach("a", 1), breach("b", 2), breach("c", 3))}
    now = [breach("a", 1), breach("b", 5), breach("d", 4)]
    result = reconcile(held, now)
    assert [b.subject for b in result.raised] == ["d"]
    assert [(b.subject, b.evidence["handled"]) for b in result.updated] == [("b", 5)]
    assert [b.subject for b in result.withdrawn] == ["c"]
    assert reconcile({}, []) == reconcile({}, [])
    with pytest.raises(ValueError):
        reconcile({}, [breach("a", 1), breach("a", 2)])


# -- the same figures in any order of reports --------------------------------------------

WEEKS = weeks_from((2026, 40), 8)
# Per week, a factor of the plan: within tolerance, a cut, a deep cut or a rise.
FACTORS = [Decimal("1"), Decimal("0.9"), Decimal("0.5"), Decimal("0.2"), Decimal("1.6")]


@st.composite
def stories(draw):
    """A contract's weekly figures, reported as day intervals (five a week) in chunks."""
    factors = draw(st.lists(st.sampled_from(FACTORS), min_size=len(WEEKS), max_size=len(WEEKS)))
    intervals = []
    for at, factor in zip(WEEKS, factors, strict=True):
        total = int(PLAN * factor)
        days = [total // 5 + (1 if d < total % 5 else 0) for d in range(5)]
        intervals += [(at, day, handled) for day, handled in enumerate(days)]
    cuts = draw(st.lists(st.integers(1, len(intervals) - 1), max_size=12, unique=True))
    bounds = [0, *sorted(cuts), len(intervals)]
    reports = [intervals[a:b] for a, b in pairwise(bounds)]
    order = draw(st.permutations(range(len(reports))))
    return reports, [reports[i] for i in order]


def episodes_now(sums: dict[tuple[int, int], int]) -> list[Breach]:
    """What the figures show: every week with figures judged (a replay: all weeks over)."""
    judged_weeks = [(at, change(h, at)) for at, h in sums.items()]
    return [
        e.breach() for e in fold("unannounced_change", CONTRACT, judged_weeks, change_direction)
    ]


def replay(reports) -> tuple[dict, list[tuple[str, str]]]:
    """The reports applied one at a time, the findings on record reconciled after each;
    returns what is on record at the end and every change made on the way."""
    sums: dict[tuple[int, int], int] = {}
    held: dict[tuple[str, str], Breach] = {}
    changes = []
    for report in reports:
        for at, _day, handled in report:
            sums[at] = sums.get(at, 0) + handled
        result = reconcile(held, episodes_now(sums))
        for b in result.withdrawn:
            del held[(b.rule, b.subject)]
            changes.append(("withdrawn", b.subject))
        for b in [*result.raised, *result.updated]:
            held[(b.rule, b.subject)] = b
            changes.append(("raised" if b in result.raised else "updated", b.subject))
    return held, changes


@settings(max_examples=150, deadline=None)
@given(stories())
def test_the_same_reports_in_any_order_end_with_the_same_findings_on_record(story):
    in_order, shuffled = story
    held_in_order, _ = replay(in_order)
    held_shuffled, changes = replay(shuffled)
    assert held_shuffled == held_in_order
    # And it is what the complete figures show, computed at once.
    complete: dict[tuple[int, int], int] = {}
    for report in in_order:
        for at, _day, handled in report:
            complete[at] = complete.get(at, 0) + handled
    assert set(held_shuffled.values()) == set(episodes_now(complete))
    # Whatever was raised on partial figures and is not supported at the end was withdrawn.
    raised = {s for kind, s in changes if kind == "raised"}
    withdrawn = {s for kind, s in changes if kind == "withdrawn"}
    on_record = {b.subject for b in held_shuffled.values()}
    assert on_record <= raised
    assert raised <= on_record | withdrawn
