"""Disguised perennial activity: chains at, below and above the gap and the span; properties
with hypothesis. Also the Breach shape every streaming rule returns."""

import random
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules.findings import Breach, Severity
from services.rules.perennial import (
    ContractSpan,
    PerennialPolicy,
    chains,
    disguised_perennial,
    normalised_scope,
)
from services.rules.purchasing import ActivityType
from services.rules.wording import text

CAMPAIGN, PUNCTUAL, PERENNIAL = ActivityType.CAMPAIGN, ActivityType.PUNCTUAL, ActivityType.PERENNIAL
JAN_1 = date(2025, 1, 1)
JUN_30 = date(2025, 6, 30)


def span(
    contract_id: str,
    start: date,
    end: date,
    activity: ActivityType = CAMPAIGN,
    party: str = "op-1",
    scope: str = "Retail banking",
    centre: str = "ctr-1",
) -> ContractSpan:
    return ContractSpan(contract_id, party, scope, activity, start, end, centre)


def ids(found: list[list[ContractSpan]]) -> list[list[str]]:
    return [[s.contract_id for s in chain] for chain in found]


FIRST = span("c-1", JAN_1, JUN_30)


@pytest.mark.parametrize(
    ("second_start", "expected"),
    [
        (date(2025, 6, 15), [["c-1", "c-2"]]),  # overlapping
        (date(2025, 6, 30), [["c-1", "c-2"]]),  # starts on the last day of the first
        (date(2025, 7, 1), [["c-1", "c-2"]]),  # gap 0
        (date(2025, 7, 30), [["c-1", "c-2"]]),  # gap 29
        (date(2025, 7, 31), [["c-1", "c-2"]]),  # gap 30: at the limit
        (date(2025, 8, 1), [["c-1"], ["c-2"]]),  # gap 31
    ],
)
def test_the_gap_between_two_contracts(second_start, expected):
    second = span("c-2", second_start, second_start + timedelta(days=90))
    assert ids(chains([FIRST, second])) == expected


@pytest.mark.parametrize(
    ("max_gap_days", "second_start", "chained"),
    [(0, date(2025, 7, 1), True), (0, date(2025, 7, 2), False), (7, date(2025, 7, 8), True)],
)
def test_the_gap_is_a_parameter(max_gap_days, second_start, chained):
    second = span("c-2", second_start, date(2025, 12, 31))
    policy = PerennialPolicy(max_gap_days=max_gap_days)
    assert len(chains([FIRST, second], policy)) == (1 if chained else 2)


@pytest.mark.parametrize(
    ("last_end", "breach"),
    [
        (date(2025, 12, 30), False),  # 11 months and 30 days
        (date(2025, 12, 31), False),  # 12 months: not longer than 12
        (date(2026, 1, 1), True),  # 12 months and 1 day
        (date(2026, 1, 30), True),
        (date(2026, 1, 31), True),  # 13 months
    ],
)
def test_the_span_of_a_chain(last_end, breach):
    second = span("c-2", date(2025, 7, 1), last_end)
    assert bool(disguised_perennial([FIRST, second])) == breach


@pytest.mark.parametrize(
    ("max_span_months", "last_end", "breach"),
    [(6, date(2025, 6, 30), False), (6, date(2025, 7, 1), True), (24, date(2026, 12, 31), False)],
)
def test_the_span_is_a_parameter(max_span_months, last_end, breach):
    first = span("c-1", JAN_1, date(2025, 3, 31))
    second = span("c-2", date(2025, 4, 1), last_end)
    policy = PerennialPolicy(max_span_months=max_span_months)
    assert bool(disguised_perennial([first, second], policy)) == breach


def test_a_single_long_campaign_is_no_chain():
    assert disguised_perennial([span("c-1", JAN_1, date(2027, 1, 1))]) == []


def test_the_breach():
    found = disguised_perennial(
        [
            span("c-3", date(2025, 9, 1), date(2026, 2, 4), PUNCTUAL, centre="ctr-2"),
            span("c-1", JAN_1, date(2025, 4, 30)),
            span("c-2", date(2025, 5, 21), date(2025, 8, 31), scope="  RETAIL   Banking "),
        ]
    )
    assert found == [
        Breach(
            rule="disguised_perennial",
            severity=Severity.SERIOUS,
            subject="op-1|retail banking|c-1",
            summary=found[0].summary,
            explanation=found[0].explanation,
            reference=found[0].reference,
            evidence={
                "ordering_party_id": "op-1",
                "scope": "retail banking",
                "contracts": "c-1,c-2,c-3",
                "centres": "ctr-1,ctr-2",
                "first_start": "2025-01-01",
                "last_end": "2026-02-04",
                "months": 13,
                "extra_days": 4,
                "days": 400,
                "gaps": "20,0",
                "longest_gap_days": 20,
                "max_span_months": 12,
                "max_gap_days": 30,
            },
        )
    ]
    (breach,) = found
    contracts = text("perennial-contracts-mixed", count=3)
    assert breach.summary == text(
        "perennial-summary",
        contracts=contracts,
        party="op-1",
        scope="retail banking",
        start=JAN_1,
        end=date(2026, 2, 4),
        span=12,
    )
    assert breach.explanation == text(
        "perennial-explanation",
        party="op-1",
        scope="retail banking",
        contracts=contracts,
        ids=("c-1", "c-2", "c-3"),
        start=JAN_1,
        end=date(2026, 2, 4),
        duration=text("perennial-duration", months=13, days=4),
        gap=20,
        span=12,
        max_gap=30,
    )
    assert breach.reference == text("reference-disguised-perennial")
    assert render(breach.summary, "fr") == (
        "3 contrats de campagne et ponctuels du donneur d'ordre op-1 pour « retail banking », "
        "enchaînés du 1 janvier 2025 au 4 février 2026 : plus de 12 mois."
    )
    assert render(breach.explanation, "fr") == (
        "Le donneur d'ordre op-1 a passé 3 contrats de campagne et ponctuels pour « retail "
        "banking » (c-1, c-2 et c-3), qui se sont succédé du 1 janvier 2025 au 4 février 2026, "
        "soit 13 mois et 4 jours, avec au plus 20 jours d'interruption entre deux contrats : un "
        "travail enchaîné sur plus de 12 mois avec des interruptions d'au plus 30 jours relève "
        "d'une activité pérenne, et le label demande de donner la préférence aux centres "
        "labellisés pour les activités pérennes."
    )
    reference = render(breach.reference, "fr")
    assert reference.startswith("Label Responsabilité Sociale, 1er engagement des donneurs")
    assert "« hors campagnes et besoins ponctuels »" in reference
    assert "13 months and 4 days" in render(breach.explanation, "en")


@pytest.mark.parametrize(
    ("kinds", "contracts"),
    [
        ((CAMPAIGN, CAMPAIGN), text("perennial-contracts-campaign", count=2)),
        ((PUNCTUAL, PUNCTUAL), text("perennial-contracts-punctual", count=2)),
        ((PUNCTUAL, CAMPAIGN), text("perennial-contracts-mixed", count=2)),
    ],
)
def test_the_breach_names_the_kinds_of_contract(kinds, contracts):
    # Back to back (no gap) over 13 months exactly.
    (breach,) = disguised_perennial(
        [
            span("c-1", JAN_1, JUN_30, kinds[0]),
            span("c-2", date(2025, 7, 1), date(2026, 1, 31), kinds[1]),
        ]
    )
    assert breach.summary.values["contracts"] == contracts
    figures = breach.explanation.values
    assert (figures["gap"], figures["duration"]) == (
        0,
        text("perennial-duration", months=13, days=0),
    )
    assert render(breach.explanation, "fr").startswith(
        "Le donneur d'ordre op-1 a passé 2 contrats "
    )
    assert "soit 13 mois, sans interruption entre eux :" in render(breach.explanation, "fr")


@pytest.mark.parametrize(
    ("phrase", "french"),
    [
        (text("perennial-contracts-campaign", count=2), "2 contrats de campagne"),
        (text("perennial-contracts-punctual", count=3), "3 contrats ponctuels"),
        (text("perennial-duration", months=12, days=1), "12 mois et 1 jour"),
        (text("perennial-duration", months=1, days=0), "1 mois"),
    ],
)
def test_the_phrases_in_french(phrase, french):
    assert render(phrase, "fr") == french


def test_perennial_contracts_never_chain_nor_bridge():
    perennial = span("p-1", date(2025, 5, 1), date(2026, 12, 31), PERENNIAL)
    later = span("c-2", date(2025, 9, 1), date(2026, 6, 30))
    assert ids(chains([FIRST, perennial, later])) == [["c-1"], ["c-2"]]
    assert disguised_perennial([FIRST, perennial, later]) == []
    assert chains([perennial, replace(perennial, contract_id="p-2")]) == []


def test_the_gap_is_counted_from_the_latest_end_of_the_chain():
    long = span("c-1", JAN_1, date(2025, 12, 31))
    inside = span("c-2", date(2025, 2, 1), date(2025, 2, 28))
    after = span("c-3", date(2026, 1, 20), date(2026, 3, 31))  # 19 days after c-1 ends
    assert ids(chains([long, inside, after])) == [["c-1", "c-2", "c-3"]]
    (breach,) = disguised_perennial([long, inside, after])
    assert breach.evidence["gaps"] == "0,19"


@pytest.mark.parametrize(
    ("other", "chained"),
    [
        ({"scope": "retail   BANKING"}, True),
        ({"scope": "Retail banking level 2"}, False),
        ({"party": "op-2"}, False),
        ({"centre": "ctr-9"}, True),
        ({"activity": PUNCTUAL}, True),
    ],
)
def test_what_chains(other, chained):
    second = span("c-2", date(2025, 7, 1), date(2025, 12, 31), **other)
    assert (len(chains([FIRST, second])) == 1) == chained


def test_chains_come_in_order_of_party_scope_and_start():
    spans = [
        span("b-2", date(2025, 9, 1), date(2025, 9, 30), party="op-b"),
        span("a-2", date(2025, 4, 1), date(2025, 4, 30), party="op-a", scope="z"),
        span("a-1", date(2025, 1, 1), date(2025, 1, 31), party="op-a", scope="z"),
        span("b-1", date(2025, 1, 1), date(2025, 1, 31), party="op-b"),
    ]
    assert ids(chains(spans)) == [["a-1"], ["a-2"], ["b-1"], ["b-2"]]


def test_a_contract_given_twice():
    assert ids(chains([FIRST, FIRST])) == [["c-1"]]
    with pytest.raises(ValueError, match="c-1 is given twice"):
        chains([FIRST, replace(FIRST, end=date(2025, 7, 31))])


def test_nonsense_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        span("c-1", JAN_1, JAN_1 - timedelta(days=1))
    with pytest.raises(ValueError):
        PerennialPolicy(max_span_months=0)
    with pytest.raises(ValueError):
        PerennialPolicy(max_gap_days=-1)


def test_normalised_scope():
    assert normalised_scope("  Retail\tBANKING \n level-1 ") == "retail banking level-1"
    assert normalised_scope("Straße") == normalised_scope("STRASSE")


# --- the Breach shape -----------------------------------------------------------------------


def test_a_breach_is_hashable_and_its_evidence_flat():
    breach = Breach("r", Severity.INFO, "s", "x", "y", "z", {"b": 1, "a": "2", "c": 0.5})
    same = Breach("r", Severity.INFO, "s", "x", "y", "z", {"a": "2", "c": 0.5, "b": 1})
    assert breach == same and hash(breach) == hash(same) and len({breach, same}) == 1
    assert list(breach.evidence) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="flat"):
        Breach("r", Severity.INFO, "s", "x", "y", "z", {"a": {"nested": 1}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="subject"):
        Breach("r", Severity.INFO, "", "x", "y", "z", {})


# --- properties -----------------------------------------------------------------------------


@st.composite
def contract_spans(draw) -> list[ContractSpan]:
    count = draw(st.integers(0, 12))
    found = []
    for i in range(count):
        start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)))
        found.append(
            span(
                f"c-{i}",
                start,
                start + timedelta(days=draw(st.integers(0, 400))),
                draw(st.sampled_from(ActivityType)),
                party=draw(st.sampled_from(["op-1", "op-2"])),
                scope=draw(st.sampled_from(["Retail banking", "retail  BANKING", "claims"])),
                centre=draw(st.sampled_from(["ctr-1", "ctr-2"])),
            )
        )
    return found


policies = st.builds(
    PerennialPolicy, max_span_months=st.integers(1, 30), max_gap_days=st.integers(0, 90)
)


@given(contract_spans(), policies, st.randoms(use_true_random=False))
def test_same_contracts_in_any_order_give_the_same_chains_and_breaches(spans, policy, rnd):
    shuffled = list(spans)
    rnd.shuffle(shuffled)
    assert chains(spans, policy) == chains(shuffled, policy)
    assert disguised_perennial(spans, policy) == disguised_perennial(shuffled, policy)
    assert disguised_perennial(spans, policy) == disguised_perennial(spans, policy)


@given(contract_spans(), policies)
def test_chains_partition_the_campaigns_and_break_only_on_long_gaps(spans, policy):
    found = chains(spans, policy)
    chained = [s for chain in found for s in chain]
    assert sorted(s.contract_id for s in chained) == sorted(
        s.contract_id for s in spans if s.activity_type is not PERENNIAL
    )
    for chain in found:
        assert len({(s.ordering_party_id, normalised_scope(s.scope)) for s in chain}) == 1
        assert [s.start for s in chain] == sorted(s.start for s in chain)
        for i in range(1, len(chain)):
            covered_to = max(s.end for s in chain[:i])
            assert (chain[i].start - covered_to).days - 1 <= policy.max_gap_days
    for before, after in pairwise(found):
        same_key = (before[0].ordering_party_id, normalised_scope(before[0].scope)) == (
            after[0].ordering_party_id,
            normalised_scope(after[0].scope),
        )
        if same_key:
            gap = (after[0].start - max(s.end for s in before)).days - 1
            assert gap > policy.max_gap_days


@given(contract_spans(), policies)
def test_breaches_are_serious_unique_and_never_about_perennial_work(spans, policy):
    found = disguised_perennial(spans, policy)
    perennial_ids = {s.contract_id for s in spans if s.activity_type is PERENNIAL}
    assert len({b.subject for b in found}) == len(found)
    for breach in found:
        assert breach.rule == "disguised_perennial" and breach.severity is Severity.SERIOUS
        contracts = str(breach.evidence["contracts"]).split(",")
        assert len(contracts) >= 2 and not set(contracts) & perennial_ids
        months, extra = breach.evidence["months"], breach.evidence["extra_days"]
        assert months > policy.max_span_months or (months == policy.max_span_months and extra)


def test_shuffling_a_known_chain():
    spans = [
        span(f"c-{i}", JAN_1 + timedelta(days=40 * i), JAN_1 + timedelta(days=40 * i + 30))
        for i in range(12)
    ]
    expected = disguised_perennial(spans)
    assert len(expected) == 1
    for seed in range(5):
        shuffled = list(spans)
        random.Random(seed).shuffle(shuffled)
        assert disguised_perennial(shuffled) == expected
