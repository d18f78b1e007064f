"""What the notices service learns from the other services' events, on the in-memory unit of
work: the contracts it keeps (the latest version only), the declared starts of
relationships, and the alerts raised for centres from label changes and offshoring findings
(each finding once per centre)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import events_pb2 as finding_events
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2 as label_events
from vigie.notices.v1 import events_pb2 as events
from vigie.notices.v1 import notices_pb2 as pb

from services.common import topics
from services.common.protos import from_date, timestamp
from services.notices import projections
from tests.unit.fake_notices_uow import FakeUnitsOfWork

NOW = datetime(2027, 4, 16, 9, 30, tzinfo=UTC)
ENVELOPE = Envelope(event_id="e-1", occurred_at=timestamp(NOW))


async def applied(uows: FakeUnitsOfWork, payload) -> None:
    async with uows() as uow:
        await projections.project(uow, ENVELOPE, payload)


def contract(version: int, contacts: int) -> cpb.Contract:
    found = cpb.Contract(
        contract_id="c-1", ordering_party_id="op-1", centre_id="ctr-1", version=version
    )
    found.terms.forecast.contacts_per_month = contacts
    return found


async def test_the_latest_version_of_a_contract_is_kept_whatever_the_order():
    uows = FakeUnitsOfWork()
    await applied(uows, contract_events.ContractSigned(contract=contract(1, 1000)))
    await applied(uows, contract_events.ContractAmended(contract=contract(2, 1500)))
    await applied(uows, contract_events.ContractSigned(contract=contract(1, 1000)))  # replayed
    kept = uows.data.contracts["c-1"]
    assert (kept.version, kept.terms.forecast.contacts_per_month) == (2, 1500)
    assert uows.emitted == []


async def test_the_latest_declaration_of_a_relationship_is_kept():
    uows = FakeUnitsOfWork()

    def declared(since: date, at: datetime) -> contract_events.RelationshipDeclared:
        return contract_events.RelationshipDeclared(
            ordering_party_id="op-1",
            centre_id="ctr-1",
            since=from_date(since),
            declared_at=timestamp(at),
        )

    await applied(uows, declared(date(2020, 1, 6), NOW))
    await applied(uows, declared(date(2024, 1, 1), NOW - timedelta(days=1)))  # an older one
    async with uows.reading() as uow:
        assert await uow.relationships.declared_since("op-1", "ctr-1") == date(2020, 1, 6)


async def test_a_label_change_alerts_its_centre():
    uows = FakeUnitsOfWork()
    suspended = label_events.LabelSuspended(
        centre_id="ctr-1",
        reason="Audit de suivi non conforme",
        remedy_deadline=from_date(date(2027, 6, 30)),
    )
    await applied(uows, suspended)
    (alert,) = uows.data.alerts
    assert (alert.centre_id, alert.kind, alert.cursor) == ("ctr-1", pb.ALERT_KIND_LABEL_STATUS, 1)
    assert alert.label.remedy_deadline == from_date(date(2027, 6, 30))
    assert alert.summary == "Votre label est désormais suspendu : Audit de suivi non conforme"
    (raised,) = uows.emitted
    assert (raised.topic, raised.key, raised.payload) == (
        topics.ALERTS,
        "ctr-1",
        events.AlertRaised(alert=alert),
    )


async def test_an_offshoring_finding_alerts_each_onshore_centre_once():
    uows = FakeUnitsOfWork()
    finding = fpb.Finding(finding_id="f-1", ordering_party_id="op-1", rule="offshoring_shift")
    finding.evidence.update({"onshore_centres": "ctr-1,ctr-2", "onshore_before": 900})
    raised = finding_events.FindingRaised(finding=finding)
    await applied(uows, raised)
    await applied(uows, raised)  # the same finding again: no second alert
    assert [(a.centre_id, a.kind) for a in uows.data.alerts] == [
        ("ctr-1", pb.ALERT_KIND_OFFSHORING),
        ("ctr-2", pb.ALERT_KIND_OFFSHORING),
    ]
    assert uows.data.alerts[0].offshoring.onshore_before == 900
    other = fpb.Finding(finding_id="f-2", rule="notice_breach")
    other.evidence.update({"onshore_centres": "ctr-1"})
    await applied(uows, finding_events.FindingRaised(finding=other))
    assert len(uows.data.alerts) == len(uows.emitted) == 2
