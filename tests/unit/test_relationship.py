"""The established relationship across successive contracts (Code de commerce L442-1 II):
where its chain of contracts starts, across breaks shorter than the committee's gap, from a
declared older start, on the day it is measured."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rules.relationship import (
    ContractPeriod,
    RelationshipPolicy,
    established_since,
)

ON = date(2026, 3, 2)


def period(name: str, first: str, last: str) -> ContractPeriod:
    return ContractPeriod(name, date.fromisoformat(first), date.fromisoformat(last))


@pytest.mark.parametrize(
    ("periods", "since", "ids"),
    [
        # One contract: from its first day.
        ([period("a", "2024-01-01", "2026-12-31")], date(2024, 1, 1), ("a",)),
        # Successive contracts back to back, or a month apart: one relationship.
        (
            [
                period("a", "2020-01-01", "2021-12-31"),
                period("b", "2022-01-01", "2023-12-31"),
                period("c", "2024-02-01", "2026-12-31"),
            ],
            date(2020, 1, 1),
            ("a", "b", "c"),
        ),
        # A break longer than the gap (92 days): the relationship starts again after it.
        (
            [period("a", "2018-01-01", "2019-12-31"), period("b", "2021-01-01", "2026-12-31")],
            date(2021, 1, 1),
            ("b",),
        ),
        # Exactly 92 days between the last day and the next first day: still one.
        (
            [period("a", "2020-01-01", "2023-09-30"), period("b", "2023-12-31", "2026-12-31")],
            date(2020, 1, 1),
            ("a", "b"),
        ),
        (
            [period("a", "2020-01-01", "2023-09-29"), period("b", "2023-12-31", "2026-12-31")],
            date(2023, 12, 31),
            ("b",),
        ),
        # A long contract overlapping later ones links them to older ones.
        (
            [
                period("old", "2015-01-01", "2016-06-30"),
                period("long", "2016-07-01", "2025-12-31"),
                period("short", "2023-01-01", "2023-03-31"),
                period("now", "2026-01-01", "2026-12-31"),
            ],
            date(2015, 1, 1),
            ("long", "now", "old", "short"),
        ),
        # A contract that starts after the day measured does not count yet.
        (
            [period("a", "2025-01-01", "2026-12-31"), period("later", "2026-06-01", "2027-01-01")],
            date(2025, 1, 1),
            ("a",),
        ),
    ],
)
def test_the_relationship_runs_across_successive_contracts(periods, since, ids):
    found = established_since(periods, ON)
    assert (found.since, found.contract_ids, found.declared) == (since, ids, False)


def test_nothing_started_yet():
    assert established_since([period("a", "2027-01-01", "2027-12-31")], ON) is None
    assert established_since([], ON) is None
    assert established_since([], ON, declared_start=date(2027, 1, 1)) is None


def test_a_declared_relationship_stands_without_contracts_in_the_register():
    found = established_since([], ON, declared_start=date(2019, 9, 1))
    assert (found.since, found.contract_ids, found.declared) == (date(2019, 9, 1), (), True)


def test_a_declared_older_start_counts_a_later_one_does_not():
    contracts = [period("a", "2024-01-01", "2026-12-31")]
    older = established_since(contracts, ON, declared_start=date(2012, 5, 1))
    assert (older.since, older.declared) == (date(2012, 5, 1), True)
    later = established_since(contracts, ON, declared_start=date(2025, 1, 1))
    assert (later.since, later.declared) == (date(2024, 1, 1), False)


def test_the_gap_is_the_committees():
    contracts = [period("a", "2018-01-01", "2019-12-31"), period("b", "2021-01-01", "2026-12-31")]
    wide = established_since(contracts, ON, policy=RelationshipPolicy(max_gap_days=400))
    assert wide.since == date(2018, 1, 1)
    with pytest.raises(ValueError):
        RelationshipPolicy(max_gap_days=-1)


contract_periods = st.lists(
    st.tuples(st.dates(date(2000, 1, 1), date(2030, 12, 31)), st.integers(0, 3_000)).map(
        lambda t: (t[0], t[0] + timedelta(days=t[1]))
    ),
    max_size=8,
).map(lambda spans: [ContractPeriod(f"c{i}", a, b) for i, (a, b) in enumerate(spans)])


@given(contract_periods, st.dates(date(2000, 1, 1), date(2031, 12, 31)))
def test_the_chain_has_no_break_longer_than_the_gap(periods, on):
    """Independently: every day from the chain's start to its latest first day lies within
    `max_gap_days` of a contract of the chain, and no started contract outside the chain ends
    within the gap before its start."""
    found = established_since(periods, on)
    started = [p for p in periods if p.first_day <= on]
    if not started:
        assert found is None
        return
    gap = timedelta(days=RelationshipPolicy().max_gap_days)
    chain = [p for p in started if p.contract_id in found.contract_ids]
    assert found.since == min(p.first_day for p in chain)
    assert max(p.first_day for p in started) in {p.first_day for p in chain}
    outside = [p for p in started if p.contract_id not in found.contract_ids]
    assert all(p.last_day < found.since - gap for p in outside)
    # Walking the chain by first day, each next contract starts within the gap of the
    # furthest last day reached so far.
    reached = None
    for p in sorted(chain, key=lambda p: p.first_day):
        assert reached is None or p.first_day <= reached + gap
        reached = p.last_day if reached is None else max(reached, p.last_day)
