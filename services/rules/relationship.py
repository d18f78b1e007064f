"""The established commercial relationship between an ordering party and an outsourcer, across
its successive contracts, as Code de commerce L442-1 II counts it.

Source: L442-1 II engages the liability of whoever ends an established commercial relationship,
even in part, "sans préavis écrit qui tienne compte notamment de la durée de la relation
commerciale". The courts count the whole relationship, not the last contract, and fix the
notice on the day the termination is notified:
- a succession of contracts, even one-off ones, may make one established relationship (Cass.
  com., 15 septembre 2009, n° 08-19.200);
- "le délai du préavis suffisant s'apprécie en tenant compte de la durée de la relation
  commerciale et des autres circonstances au moment de la notification de la rupture" (Cass.
  com., 17 mai 2023, n° 21-24.809; already Cass. com., 22 octobre 2013, n° 12-19.500).

What Vigie knows of a relationship:
- the contracts between the two in the register (their first and last days);
- a start declared for a relationship older than Vigie (the committee, or the ordering party,
  which declares against its own interest), with its evidence as text.

Two contracts belong to one relationship when the later one starts no more than
`max_gap_days` after the earlier one ended: the committee's choice (a break of some months in
a customer-service relationship is a real break). The outsourcer, in Vigie, is the centre
registered by the provider (Vigie has no group of centres yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ContractPeriod:
    """A contract between the ordering party and the outsourcer: its first and last days (the
    day it was terminated from, when terminated early)."""

    contract_id: str
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"contract {self.contract_id}: ends before it starts")


@dataclass(frozen=True)
class RelationshipPolicy:
    # The longest break between two contracts that keeps them one relationship (committee's
    # choice: about one quarter).
    max_gap_days: int = 92

    def __post_init__(self) -> None:
        if self.max_gap_days < 0:
            raise ValueError("the longest break must be 0 days or more")


DEFAULT_POLICY = RelationshipPolicy()


@dataclass(frozen=True)
class Established:
    """Since when the relationship runs on a given day, and what shows it."""

    since: date
    contract_ids: tuple[str, ...]  # the contracts of the relationship up to that day
    declared: bool  # whether the start is a declared one (older than the register)


def established_since(
    periods: Iterable[ContractPeriod],
    on: date,
    declared_start: date | None = None,
    policy: RelationshipPolicy = DEFAULT_POLICY,
) -> Established | None:
    """The relationship running on `on`: the chain of contracts that reaches that day (a
    contract started on or before it), walked back while each contract starts no more than
    `max_gap_days` after the previous one ends; from a declared start when one is given and
    comes before the chain's first contract (or stands alone). None when neither a contract
    nor a declared start has begun by `on`."""
    started = [p for p in periods if p.first_day <= on]
    if not started:
        # A declared relationship stands on its own (its contracts predate the register).
        if declared_start is not None and declared_start <= on:
            return Established(declared_start, (), declared=True)
        return None
    gap = timedelta(days=policy.max_gap_days)
    # Latest start first: each contract that ends within the gap before the chain's first day
    # joins it and moves that day back (one pass: a later start can never move it further).
    reach = max(p.first_day for p in started)
    for period in sorted(started, key=lambda p: p.first_day, reverse=True):
        if period.last_day >= reach - gap:
            reach = min(reach, period.first_day)
    ids = tuple(sorted(p.contract_id for p in started if p.last_day >= reach - gap))
    if declared_start is not None and declared_start < reach:
        return Established(declared_start, ids, declared=True)
    return Established(reach, ids, declared=False)
