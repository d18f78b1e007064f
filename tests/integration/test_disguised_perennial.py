"""Disguised perennial activity end to end: contract events keyed by contract id, checked
against every campaign of the ordering party by a worker of the compliance checks running as
its own process; one finding on the findings topic, and the same events delivered again raise
nothing more."""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events

from services.cli.samples import responsible_tender
from services.common import topics
from services.common.envelope import Event, decode, wrap
from services.compliance.checks.findings import finding_id
from tests.integration.conftest import publish_events
from tests.integration.test_labels_service import day

pytestmark = pytest.mark.integration


def terms(activity: int, scope: str, start: date, end: date) -> cpb.TenderTerms:
    """Whole terms, as a signed contract carries them (the checks' consumer validates each
    event with the protos' field rules)."""
    whole = responsible_tender(start)
    whole.activity_type = activity
    whole.scope = scope
    whole.end_date.CopyFrom(day(end))
    return whole


def contract(party: str, activity: int, start: date, end: date, scope: str) -> cpb.Contract:
    return cpb.Contract(
        contract_id=str(uuid.uuid4()),
        tender_id=str(uuid.uuid4()),
        ordering_party_id=party,
        centre_id=f"ctr-{uuid.uuid4().hex[:8]}",
        status=cpb.CONTRACT_STATUS_ACTIVE,
        terms=terms(activity, scope, start, end),
        version=1,
        version_effective_from=day(start),
    )


def signed(signed_contract: cpb.Contract) -> Event:
    return wrap(
        topics.CONTRACT_EVENTS,
        contract_events.ContractSigned(contract=signed_contract),
        aggregate_id=signed_contract.contract_id,
        producer="test",
    )


def disguised_perennial(party: str):
    def matches(record) -> bool:
        if record.key != party.encode():
            return False
        return decode(record.value)[1].finding.type == fpb.FINDING_TYPE_DISGUISED_PERENNIAL

    return matches


async def test_campaigns_chained_over_a_year_are_one_finding_whose_id_survives_a_replay(
    settings, compliance_worker, tail
):
    party = f"op-perennial-{uuid.uuid4().hex[:8]}"
    campaign = cpb.ACTIVITY_TYPE_CAMPAIGN
    # Gaps of 19 and 24 days; 1 January 2025 to 28 February 2026: 14 months, longer than 12.
    chained = [
        contract(party, campaign, date(2025, 1, 1), date(2025, 4, 30), "Seasonal retail support"),
        contract(party, campaign, date(2025, 5, 20), date(2025, 9, 30), "seasonal  RETAIL support"),
        contract(party, campaign, date(2025, 10, 25), date(2026, 2, 28), "Seasonal retail support"),
    ]
    # Same scope, starting first and covering every gap: it would change the chain's subject
    # (its first contract) and its evidence if perennial work counted.
    perennial = contract(
        party,
        cpb.ACTIVITY_TYPE_PERENNIAL,
        date(2024, 12, 1),
        date(2027, 12, 31),
        "Seasonal retail support",
    )
    events = [signed(c) for c in [*chained, perennial]]
    expected = finding_id(
        "disguised_perennial", f"{party}|seasonal retail support|{chained[0].contract_id}"
    )
    findings = await tail(topics.FINDINGS)

    began = time.monotonic()
    await publish_events(settings.kafka_bootstrap, events)
    # The worker may still be starting (joining the group).
    records = await findings.collect(disguised_perennial(party), 1, timeout=120, settle=3)
    print(f"first finding after {time.monotonic() - began:.1f} s")
    raised = [decode(r.value)[1].finding for r in records]
    assert compliance_worker.poll() is None, "the compliance worker exited (see its worker.log)"
    assert raised, "no disguised-perennial finding"
    assert [f.finding_id for f in raised] == [expected]  # one finding, once
    finding = raised[-1]
    assert finding.rule == "disguised_perennial"
    assert (finding.severity, finding.ordering_party_id) == (fpb.SEVERITY_SERIOUS, party)
    # Reported on the chain's last contract, evidence naming the chain and nothing else.
    assert (finding.contract_id, finding.centre_id) == (
        chained[-1].contract_id,
        chained[-1].centre_id,
    )
    assert finding.evidence["contracts"] == ",".join(c.contract_id for c in chained)
    assert perennial.contract_id not in finding.evidence["contracts"]
    assert finding.evidence["first_start"] == "2025-01-01"
    assert finding.evidence["last_end"] == "2026-02-28"
    assert finding.evidence["gaps"] == "19,24"
    assert finding.source_event_id in {e.event_id for e in events}

    # The same events delivered again (a relay republishing after a crash): nothing twice.
    await publish_events(settings.kafka_bootstrap, events)
    again = await findings.collect(disguised_perennial(party), 1, timeout=10)
    assert again == [], "the same events raised the finding a second time"
