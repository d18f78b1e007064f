"""From a streaming rule's Breach to the Finding the compliance workers publish: the id
derives from (rule, subject) only, the evidence becomes a Struct, severities map one to one."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from google.protobuf import json_format
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import events_pb2 as contract_events

from services.common import topics, wording
from services.common.envelope import decode, wrap
from services.compliance.checks.findings import finding_from_breach, finding_id
from services.rules.findings import Breach, Severity
from services.rules.perennial import ContractSpan, disguised_perennial
from services.rules.purchasing import ActivityType

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CAMPAIGN, PUNCTUAL = ActivityType.CAMPAIGN, ActivityType.PUNCTUAL


def envelope(occurred_at: datetime = WHEN):
    event = wrap(
        topics.CONTRACT_EVENTS,
        contract_events.ContractSigned(),
        aggregate_id="c-3",
        producer="test",
        occurred_at=occurred_at,
    )
    return decode(event.value)[0]


def perennial_breach() -> Breach:
    """Three contracts of op-1 chained with gaps of 19 and 24 days over 13 months and more."""
    spans = [
        ContractSpan(cid, "op-1", scope, activity, start, end, centre)
        for cid, scope, activity, start, end, centre in [
            ("c-1", "Retail  Banking", CAMPAIGN, date(2025, 1, 1), date(2025, 4, 30), "ctr-1"),
            ("c-2", "retail banking", PUNCTUAL, date(2025, 5, 20), date(2025, 9, 30), "ctr-2"),
            ("c-3", "retail banking", CAMPAIGN, date(2025, 10, 25), date(2026, 2, 28), "ctr-1"),
        ]
    ]
    (breach,) = disguised_perennial(spans)
    return breach


def build(breach: Breach, source=None) -> pb.Finding:
    return finding_from_breach(
        breach,
        type=pb.FINDING_TYPE_DISGUISED_PERENNIAL,
        ordering_party_id="op-1",
        contract_id="c-3",
        centre_id="ctr-1",
        source_envelope=source or envelope(),
    )


def test_the_finding_carries_the_breach_and_its_source_event():
    breach, source = perennial_breach(), envelope()
    finding = build(breach, source)
    assert finding.finding_id == finding_id("disguised_perennial", "op-1|retail banking|c-1")
    assert (finding.type, finding.rule, finding.severity) == (
        pb.FINDING_TYPE_DISGUISED_PERENNIAL,
        "disguised_perennial",
        pb.SEVERITY_SERIOUS,
    )
    assert (finding.ordering_party_id, finding.contract_id, finding.centre_id) == (
        "op-1",
        "c-3",
        "ctr-1",
    )
    assert finding.tender_id == ""
    for name in ("summary", "explanation", "reference"):
        assert wording.text_of(finding, name) == getattr(breach, name)
        assert getattr(finding, name) == wording.render(getattr(breach, name), "fr")
    assert finding.source_event_id == source.event_id
    assert finding.occurred_at.ToDatetime(tzinfo=UTC) == WHEN
    assert not finding.HasField("recorded_at")


def test_the_id_depends_on_rule_and_subject_only():
    breach = perennial_breach()
    first = build(breach)
    # Another event revealing it (a replay: new event id, another time), the chain grown.
    again = build(
        replace(breach, summary="longer", evidence={**breach.evidence, "days": 500}),
        envelope(datetime(2026, 6, 1, tzinfo=UTC)),
    )
    assert again.finding_id == first.finding_id
    assert again.source_event_id != first.source_event_id
    assert build(replace(breach, subject="op-1|retail banking|c-2")).finding_id != (
        first.finding_id
    )
    assert build(replace(breach, rule="unannounced_change")).finding_id != first.finding_id


def test_the_evidence_is_a_struct_of_the_breach_figures():
    breach = perennial_breach()
    evidence = json_format.MessageToDict(build(breach).evidence)
    assert evidence.keys() == breach.evidence.keys()
    assert evidence["contracts"] == "c-1,c-2,c-3"
    assert evidence["centres"] == "ctr-1,ctr-2"
    assert evidence["gaps"] == "19,24"
    assert evidence["first_start"] == "2025-01-01" and evidence["last_end"] == "2026-02-28"
    # Struct numbers are doubles: the counts come back equal, as floats.
    assert evidence == breach.evidence
    assert evidence["months"] == 14 and isinstance(evidence["months"], float)


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.INFO, pb.SEVERITY_INFO),
        (Severity.WARNING, pb.SEVERITY_WARNING),
        (Severity.SERIOUS, pb.SEVERITY_SERIOUS),
    ],
)
def test_severities_map_one_to_one(severity, expected):
    breach = replace(perennial_breach(), severity=severity)
    assert build(breach).severity == expected


def test_every_rule_severity_has_a_finding_severity():
    assert {build(replace(perennial_breach(), severity=s)).severity for s in Severity} == {
        pb.SEVERITY_INFO,
        pb.SEVERITY_WARNING,
        pb.SEVERITY_SERIOUS,
    }
