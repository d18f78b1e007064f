"""Episodes: a breach that lasts is one finding, not one a week.

An unannounced change, a forecast off its band or an offshoring shift that holds for several
weeks is one episode. It starts at the first week judged in breach, grows while the next
judged weeks are in breach the same way, and ends at the first judged week that is not:
within tolerance again, or off the other way (which starts an episode of its own). A week
with no figures is not judged: it neither extends nor ends an episode.

An episode is identified by its rule, what it is about (a contract, an ordering party, an
outsourcer) and its first week, and it is always computed from the whole series of judged
weeks, never from the order in which they arrived. So the same figures give the same
episodes whatever the order of the reports, and a correction or a late week can lengthen,
shorten, split, merge or erase episodes: `reconcile` compares what the figures show now with
what is on record, and says which episodes to raise, which to update, and which the data no
longer supports (withdrawn, never deleted: the committee may have acted on them).

Source: the rules whose weekly breaches are folded here (workload.py, offshoring.py); this
module adds no judgement of its own, only how long each breach lasted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from services.rules.calendar import PARIS, add_weeks, iso_week, week_label
from services.rules.findings import Breach
from services.rules.wording import text

Week = tuple[int, int]  # (ISO year, ISO week)
# Which way a weekly breach goes ("rise", "cut", "over", "under"): an episode holds the weeks
# that go one way.
Direction = Callable[[Breach], str]


# How long after a week is over in France its figures may still come in before it is judged:
# a centre's workforce-management export of Sunday evening reaches Vigie on Monday or Tuesday.
# A report later still is a correction like any other: the week is judged again.
REPORTING_GRACE = timedelta(days=2)


def last_judged_week(now: datetime, grace: timedelta = REPORTING_GRACE) -> Week:
    """The latest ISO week that is over in France, with `grace` more for late reports: on
    Wednesday 1 April 2026 at 00:00 in Paris, with two days' grace, week 13 (23–29 March). A
    week is never judged while it runs, whatever stray figure of a later day exists."""
    if now.tzinfo is None:
        raise ValueError("an aware instant is needed")
    return add_weeks(*iso_week((now - grace).astimezone(PARIS).date()), -1)


def change_direction(breach: Breach) -> str:
    """An unannounced change goes up or down against the plan (workload.unannounced_change)."""
    return (
        "rise" if Decimal(breach.evidence["handled"]) > Decimal(breach.evidence["plan"]) else "cut"
    )


def forecast_direction(breach: Breach) -> str:
    """A forecast is off over or under (workload.forecast_accuracy)."""
    return str(breach.evidence["direction"])


@dataclass(frozen=True)
class Episode:
    rule: str
    key: str  # what it is about: a contract id, an ordering party id, an outsourcer id
    weeks: tuple[tuple[Week, Breach], ...]  # every week of the episode, in order

    @property
    def first_week(self) -> Week:
        return self.weeks[0][0]

    @property
    def last_week(self) -> Week:
        return self.weeks[-1][0]

    @property
    def subject(self) -> str:
        """Stable for as long as the episode lasts: its finding keeps one id."""
        return f"{self.key}|{week_label(*self.first_week)}"

    def breach(self) -> Breach:
        """The episode as one breach: the worst severity, the latest week's figures and
        words, and the weekly series of every figure that moved."""
        first, last = week_label(*self.first_week), week_label(*self.last_week)
        latest = self.weeks[-1][1]
        count = len(self.weeks)
        evidence = dict(latest.evidence)
        evidence |= {
            "first_week": first,
            "last_week": last,
            "weeks_in_breach": count,
            "episode_weeks": ",".join(week_label(*week) for week, _ in self.weeks),
        }
        evidence |= _series(b for _, b in self.weeks)
        span = {"first": first, "last": last, "weeks": count}
        return Breach(
            rule=self.rule,
            severity=max(b.severity for _, b in self.weeks),
            subject=self.subject,
            summary=text("episode-summary", latest=latest.summary, **span),
            explanation=text("episode-explanation", latest=latest.explanation, **span),
            reference=latest.reference,
            evidence=evidence,
        )


def fold(
    rule: str,
    key: str,
    judged: Iterable[tuple[Week, Breach | None]],
    direction: Direction = lambda _: "",
) -> list[Episode]:
    """The episodes in a series of judged weeks (in any order; a week given twice is a
    ValueError): each week's breach, or None when the week was judged and found in order."""
    ordered = sorted(judged, key=lambda item: item[0])
    if len({week for week, _ in ordered}) != len(ordered):
        raise ValueError("a week is judged twice")
    episodes: list[list[tuple[Week, Breach]]] = []
    current: list[tuple[Week, Breach]] | None = None
    for week, breach in ordered:
        if breach is None:
            current = None
            continue
        if current is None or direction(current[-1][1]) != direction(breach):
            current = []
            episodes.append(current)
        current.append((week, breach))
    return [Episode(rule, key, tuple(weeks)) for weeks in episodes]


@dataclass(frozen=True)
class Reconciled:
    """What to do with the findings on record so that they match what the figures show."""

    raised: list[Breach]  # episodes not on record yet
    updated: list[Breach]  # on record, with figures or weeks that changed
    withdrawn: list[Breach]  # on record, and no longer supported by the figures


def reconcile(held: Mapping[tuple[str, str], Breach], computed: Sequence[Breach]) -> Reconciled:
    """Compare the breaches on record (by (rule, subject), for the scope that was computed
    again) with those the figures show now."""
    now = {(b.rule, b.subject): b for b in computed}
    if len(now) != len(computed):
        raise ValueError("two computed breaches share a rule and subject")
    return Reconciled(
        raised=[b for k, b in now.items() if k not in held],
        updated=[b for k, b in now.items() if k in held and held[k] != b],
        withdrawn=[b for k, b in held.items() if k not in now],
    )


# Figures that name the week itself: the episode's weeks already list them.
_NOT_A_SERIES = frozenset({"week", "week_start"})


def _series(breaches: Iterable[Breach]) -> dict[str, str]:
    """For each figure that differs from week to week, its values in week order."""
    weekly = list(breaches)
    if len(weekly) < 2:
        return {}
    shared = set.intersection(*(set(b.evidence) for b in weekly)) - _NOT_A_SERIES
    return {
        f"by_week_{name}": ",".join(str(b.evidence[name]) for b in weekly)
        for name in sorted(shared)
        if len({b.evidence[name] for b in weekly}) > 1
    }
