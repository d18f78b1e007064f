"""Disguised perennial activity: campaigns chained into lasting work.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre", 1st
commitment: "Préférence donnée aux centres de relation client labellisés pour des activités
pérennes (hors campagnes et besoins ponctuels)". Campaigns and punctual needs are outside the
preference, so successive "campaigns" of one ordering party for the same work, each short,
chained with short gaps, are a known way around it: together they run as a perennial
activity, bought without the preference (label_preference.py) and without the safeguards the
purchasing rules ask of perennial work (purchasing.py: contract length, volume commitment,
notice schedule).

How a chain is found (`chains`):
- only campaign and punctual contracts count; perennial contracts never do;
- contracts chain when they are of the same ordering party and the same scope, the scope
  compared case-insensitively with its whitespace collapsed ("Retail  Banking" is "retail
  banking"), whatever centre holds them;
- in order of start, a contract joins the chain when the gap before it is at most
  `max_gap_days`: the gap is the days no contract of the chain covers, from the day after the
  chain's latest end to the day before the contract's start (a contract ending on 31 January
  and the next starting on 1 February leave a gap of 0 days; starting on 3 March, 30 days).
  Overlapping contracts chain too (no gap).
A chain of two contracts or more is a disguised perennial activity when it runs longer than
`max_span_months`, from its first start to its latest end (both inclusive), counted in whole
months as in purchasing.whole_months (Code de procédure civile art. 641): 1 January 2025 to
31 December 2025 is 12 months, not longer than 12; to 1 January 2026 it is longer.
The span and the gap are the committee's parameters; the defaults (12 months, 30 days) are
the ones in the design map.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from services.rules.findings import Breach, Severity
from services.rules.purchasing import ActivityType, whole_months
from services.rules.wording import Text, text

RULE = "disguised_perennial"
# The label's 1st commitment, whose preference excludes campaigns and punctual needs.
REFERENCE = text("reference-disguised-perennial")
CHAINED_TYPES = (ActivityType.CAMPAIGN, ActivityType.PUNCTUAL)


@dataclass(frozen=True)
class ContractSpan:
    contract_id: str
    ordering_party_id: str
    scope: str  # the activity contracted, e.g. "retail banking level-1 support"
    activity_type: ActivityType
    start: date
    end: date  # last day of the contract, inclusive
    centre_id: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"contract {self.contract_id}: ends before it starts")


@dataclass(frozen=True)
class PerennialPolicy:
    max_span_months: int = 12  # a chain running longer than this is perennial work
    max_gap_days: int = 30  # a longer gap between two contracts breaks the chain

    def __post_init__(self) -> None:
        if self.max_span_months < 1:
            raise ValueError("max_span_months must be at least 1")
        if self.max_gap_days < 0:
            raise ValueError("max_gap_days must not be negative")


DEFAULT_POLICY = PerennialPolicy()


def normalised_scope(scope: str) -> str:
    """Case-folded, whitespace collapsed and trimmed: how two scopes are compared."""
    return " ".join(scope.casefold().split())


def chains(
    spans: Iterable[ContractSpan], policy: PerennialPolicy = DEFAULT_POLICY
) -> list[list[ContractSpan]]:
    """The chains of campaign and punctual contracts (module docstring), single contracts
    included; perennial contracts are left out. Each chain is in order of (start, end,
    contract id); the chains in order of (ordering party, normalised scope, first start). The
    same contracts in any order give the same chains.

    ValueError when a contract id appears twice with different terms (a contract appears
    once; pass the terms in force)."""
    by_id: dict[str, ContractSpan] = {}
    for span in spans:
        if span.activity_type not in CHAINED_TYPES:
            continue
        known = by_id.setdefault(span.contract_id, span)
        if known != span:
            raise ValueError(f"contract {span.contract_id} is given twice, with different terms")
    found: list[list[ContractSpan]] = []
    for _, group in groupby(sorted(by_id.values(), key=_order), key=_key):
        chain: list[ContractSpan] = []
        chain_end = date.min
        for span in group:
            if chain and _gap_days(chain_end, span.start) > policy.max_gap_days:
                found.append(chain)
                chain = []
            if not chain:
                chain_end = span.end
            chain.append(span)
            chain_end = max(chain_end, span.end)
        found.append(chain)
    return found


def disguised_perennial(
    spans: Iterable[ContractSpan], policy: PerennialPolicy = DEFAULT_POLICY
) -> list[Breach]:
    """A SERIOUS breach for each chain of two contracts or more running longer than
    max_span_months, in the order of `chains`. Its subject, "ordering party|normalised
    scope|first contract id", stays the same while the chain grows at its end. A contract
    found to start before the first gives the chain a new subject; one that bridges two chains
    merges them under the earlier one's subject. Either way a subject reported before may no
    longer be: the caller treats it as superseded, not as resolved."""
    return [
        _breach(chain, policy)
        for chain in chains(spans, policy)
        if len(chain) >= 2 and _longer_than(chain[0].start, _end(chain), policy.max_span_months)
    ]


def _key(span: ContractSpan) -> tuple[str, str]:
    return span.ordering_party_id, normalised_scope(span.scope)


def _order(span: ContractSpan) -> tuple[str, str, date, date, str]:
    return (*_key(span), span.start, span.end, span.contract_id)


def _gap_days(chain_end: date, start: date) -> int:
    """Days in (chain_end, start), none covered; negative when they overlap."""
    return (start - chain_end).days - 1


def _end(chain: list[ContractSpan]) -> date:
    return max(s.end for s in chain)


def _longer_than(start: date, end: date, months: int) -> bool:
    """Whether [start, end] runs longer than `months` whole months: it does when the day
    before its end is already `months` months from the start."""
    return end > start and whole_months(start, end - timedelta(days=1)) >= months


def _months_and_days(start: date, end: date) -> tuple[int, int]:
    """[start, end] as whole months and the days beyond them, end at least a month after
    start: 1 January 2025 to 4 February 2026 is 13 months and 4 days."""
    months = whole_months(start, end)
    last = end  # walks back to the last day of the whole months (at most a month's days)
    while whole_months(start, last - timedelta(days=1)) == months:
        last -= timedelta(days=1)
    return months, (end - last).days


def _contracts(chain: list[ContractSpan]) -> Text:
    """The chain's contracts, counted, by kind: campaign, punctual, or both."""
    kinds = {ActivityType(s.activity_type) for s in chain}
    if kinds == {ActivityType.CAMPAIGN}:
        return text("perennial-contracts-campaign", count=len(chain))
    if kinds == {ActivityType.PUNCTUAL}:
        return text("perennial-contracts-punctual", count=len(chain))
    return text("perennial-contracts-mixed", count=len(chain))


def _breach(chain: list[ContractSpan], policy: PerennialPolicy) -> Breach:
    first, end = chain[0], _end(chain)
    party, scope = _key(first)
    months, extra = _months_and_days(first.start, end)
    days = (end - first.start).days + 1
    gaps, chain_end = [], first.end
    for span in chain[1:]:
        gaps.append(max(0, _gap_days(chain_end, span.start)))
        chain_end = max(chain_end, span.end)
    contracts = _contracts(chain)
    centres = sorted({s.centre_id for s in chain})
    return Breach(
        rule=RULE,
        severity=Severity.SERIOUS,
        subject=f"{party}|{scope}|{first.contract_id}",
        summary=text(
            "perennial-summary",
            contracts=contracts,
            party=party,
            scope=scope,
            start=first.start,
            end=end,
            span=policy.max_span_months,
        ),
        explanation=text(
            "perennial-explanation",
            party=party,
            scope=scope,
            contracts=contracts,
            ids=tuple(s.contract_id for s in chain),
            start=first.start,
            end=end,
            duration=text("perennial-duration", months=months, days=extra),
            gap=max(gaps),
            span=policy.max_span_months,
            max_gap=policy.max_gap_days,
        ),
        reference=REFERENCE,
        evidence={
            "ordering_party_id": party,
            "scope": scope,
            "contracts": ",".join(s.contract_id for s in chain),
            "centres": ",".join(centres),
            "first_start": first.start.isoformat(),
            "last_end": end.isoformat(),
            "months": months,
            "extra_days": extra,
            "days": days,
            "gaps": ",".join(str(g) for g in gaps),
            "longest_gap_days": max(gaps),
            "max_span_months": policy.max_span_months,
            "max_gap_days": policy.max_gap_days,
        },
    )
