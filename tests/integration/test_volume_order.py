"""Findings are a function of the figures, not of the order they came in: one story of weekly
volumes sent in order, reversed and shuffled (each week its own event, applied one at a time)
ends with the same findings on record, which are those the complete figures show; a late week
reported day by day has the cut its first day showed withdrawn once the other days come."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb

from services.common import topics
from services.common.envelope import Event, decode, wrap
from services.contracts.volumes import volumes_reported
from tests.integration.conftest import publish_events
from tests.integration.test_volume_checks import (
    WEEKS,
    contract,
    expected_findings,
    on_record,
    signed,
    week_records,
)

pytestmark = pytest.mark.integration
STEADY, CUT, RISEN, LOW = (1200, 1200), (500, 1200), (900, 900), (200, 200)


def week_event(c: cpb.Contract, site: str, at: tuple[int, int], figures, days=range(5)) -> Event:
    """One week of one site as its own event."""
    return wrap(
        topics.VOLUMES,
        volumes_reported(c, week_records(c, site, at, figures, days)),
        aggregate_id=c.contract_id,
        producer="t",
    )


def story(run: str, variant: str):
    """An onshore contract that loses volume from week 5 with no notice while the outsourcer's
    offshore site grows: contracts, and each week of each as an event."""
    party = f"op-order-{run}-{variant}"
    outsourcer = f"ctr-order-{run}-{variant}"
    onshore = contract(party, outsourcer, {"paris": "FR"})
    offshore = contract(party, outsourcer, {"tunis": "TN"})
    weekly = [
        (onshore, {"paris": [STEADY] * 4 + [CUT] * 5}, []),
        (offshore, {"tunis": [LOW] * 4 + [RISEN] * 5}, []),
    ]
    weeks = [
        week_event(c, site, at, f)
        for c, sites, _ in weekly
        for site, figures in sites.items()
        for at, f in zip(WEEKS, figures, strict=True)
    ]
    return (party, outsourcer), weekly, [signed(c) for c, *_ in weekly], weeks


def shape(finding: fpb.Finding) -> tuple:
    """A finding without the ids of this variant's contracts and parties."""
    evidence = finding.evidence
    return (
        finding.rule,
        evidence.fields["key_kind"].string_value or "contract",
        evidence["first_week"],
        evidence["last_week"],
        finding.severity,
    )


async def test_the_same_weeks_in_any_order_end_with_the_same_findings(settings, monitor, tail):
    run = uuid.uuid4().hex[:8]
    findings = await tail(topics.FINDINGS)
    stories = {v: story(run, v) for v in ("ordered", "reversed", "shuffled")}
    await publish_events(settings.kafka_bootstrap, [e for s in stories.values() for e in s[2]])
    sequences = {
        "ordered": stories["ordered"][3],
        "reversed": list(reversed(stories["reversed"][3])),
        "shuffled": random.Random(run).sample(stories["shuffled"][3], len(stories["shuffled"][3])),
    }
    # One event of each variant at a time, a pause between: each applied on its own, so every
    # intermediate state is evaluated (and what it showed raised, revised or withdrawn).
    for step in zip(*sequences.values(), strict=True):
        await publish_events(settings.kafka_bootstrap, list(step))
        await asyncio.sleep(0.25)

    expected = expected_findings(stories["ordered"][1])
    owners = {v: s[0] for v, s in stories.items()}  # (ordering party, outsourcer)
    records = await findings.collect(
        lambda r: any(r.key.decode() in keys for keys in owners.values()),
        3 * len(expected),
        timeout=120,
        settle=5,
        distinct=lambda r: decode(r.value)[0].event_id,
    )
    held = {
        variant: on_record([r for r in records if r.key.decode() in keys])
        for variant, keys in owners.items()
    }
    assert sorted(held["ordered"]) == sorted(expected)
    shapes = {v: sorted(map(shape, found.values())) for v, found in held.items()}
    assert shapes["reversed"] == shapes["ordered"]
    assert shapes["shuffled"] == shapes["ordered"]
    withdrawn = [
        r
        for r in records
        if r.key.decode() in owners["reversed"]
        and decode(r.value)[0].event_type.endswith("FindingStateChanged")
    ]
    # Reversed, the last weeks come first: the offshore site's growth alone, then the cut
    # without the weeks before it, show episodes the complete figures do not.
    assert withdrawn, "the reversed order showed nothing it had to withdraw"


async def test_a_late_week_reported_day_by_day_withdraws_the_cut_its_first_day_showed(
    settings, monitor, tail
):
    run = uuid.uuid4().hex[:8]
    party = f"op-late-{run}"
    c = contract(party, f"ctr-late-{run}", {"paris": "FR"})
    findings = await tail(topics.FINDINGS)
    at = WEEKS[4]
    earlier = [week_event(c, "paris", w, STEADY) for w in WEEKS[:4]]
    await publish_events(settings.kafka_bootstrap, [signed(c), *earlier])
    monday = week_event(c, "paris", at, STEADY, days=range(1))
    await publish_events(settings.kafka_bootstrap, [monday])  # a fifth of the week: a "cut"
    cut = await findings.collect(lambda r: r.key == party.encode(), 1, timeout=60, settle=0)
    [raised] = [decode(r.value)[1].finding for r in cut]
    assert raised.rule == "unannounced_change"

    rest = week_event(c, "paris", at, STEADY, days=range(1, 5))
    await publish_events(settings.kafka_bootstrap, [rest])
    later = await findings.collect(lambda r: r.key == party.encode(), 1, timeout=60, settle=3)
    [change] = [decode(r.value)[1] for r in later]
    transition = change.transition
    assert transition.finding_id == raised.finding_id
    assert transition.to_state == fpb.FINDING_STATE_WITHDRAWN
    assert transition.actor.role == "checks"
    assert "ne montrent plus cet épisode" in transition.reason  # the checks' words, in French
    assert on_record(cut + later) == {}


async def test_a_corrected_week_withdraws_the_finding_it_no_longer_supports(
    settings, monitor, tail
):
    """A centre reports a week, then corrects it (the contracts service publishes the new
    figures with those they replace): the cut the first figures showed is withdrawn."""
    run = uuid.uuid4().hex[:8]
    party = f"op-corrected-{run}"
    c = contract(party, f"ctr-corrected-{run}", {"paris": "FR"})
    findings = await tail(topics.FINDINGS)
    earlier = [week_event(c, "paris", w, STEADY) for w in WEEKS[:4]]
    wrong = week_records(c, "paris", WEEKS[4], CUT)
    first = wrap(
        topics.VOLUMES, volumes_reported(c, wrong), aggregate_id=c.contract_id, producer="t"
    )
    await publish_events(settings.kafka_bootstrap, [signed(c), *earlier, first])
    cut = await findings.collect(lambda r: r.key == party.encode(), 1, timeout=60, settle=0)
    [raised] = [decode(r.value)[1].finding for r in cut]
    assert raised.rule == "unannounced_change" and raised.evidence["first_week"] == "2026-W05"

    right = week_records(c, "paris", WEEKS[4], STEADY)
    correction = volumes_reported(c, right, replaced=wrong)
    await publish_events(
        settings.kafka_bootstrap,
        [wrap(topics.VOLUMES, correction, aggregate_id=c.contract_id, producer="t")],
    )
    later = await findings.collect(lambda r: r.key == party.encode(), 1, timeout=60, settle=3)
    [change] = [decode(r.value)[1] for r in later]
    assert change.transition.finding_id == raised.finding_id
    assert change.transition.to_state == fpb.FINDING_STATE_WITHDRAWN
    assert on_record(cut + later) == {}
