"""What the notices service learns from other services' events: contracts (parties, notice
schedule, baseline volume, amendments, termination) and the declared starts of relationships
from the contracts topic; label changes,
which become alerts for the centre concerned; and offshoring findings of the compliance
checks, which become alerts for each onshore centre whose volume is leaving."""

from __future__ import annotations

from datetime import UTC

import asyncpg
from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import events_pb2 as finding_events
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2 as label_events
from vigie.labels.v1 import labels_pb2
from vigie.notices.v1 import notices_pb2 as pb

from services.common import topics, wording
from services.common.consumer import EventConsumer
from services.common.protos import to_date
from services.common.uow import UnitOfWork
from services.notices.alerts import raise_alert
from services.notices.unit_of_work import SCHEMA, NoticesUnitOfWork, PostgresWork
from services.rules.wording import text

GROUP = "notices.projections"
CONTRACT_CHANGES = (
    contract_events.ContractSigned,
    contract_events.ContractAmended,
    contract_events.ContractTerminated,
)
# The offshoring findings that concern onshore centres: a shift, or a slow drift.
MOVEMENTS = ("offshoring_shift", "offshoring_drift")
LABEL_CHANGES = {
    label_events.LabelGranted: labels_pb2.LABEL_STATUS_GRANTED,
    label_events.LabelSuspended: labels_pb2.LABEL_STATUS_SUSPENDED,
    label_events.LabelReinstated: labels_pb2.LABEL_STATUS_GRANTED,
    label_events.LabelWithdrawn: labels_pb2.LABEL_STATUS_WITHDRAWN,
    label_events.LabelExpired: labels_pb2.LABEL_STATUS_EXPIRED,
}


async def apply(consumed: UnitOfWork, envelope: Envelope, payload: Message) -> None:
    # The consumer's unit of work (with its offsets), seen through the service's repositories.
    await project(PostgresWork.within(consumed), envelope, payload)


async def project(uow: NoticesUnitOfWork, envelope: Envelope, payload: Message) -> None:
    """What one event changes here, in the unit of work it is applied in."""
    if isinstance(payload, CONTRACT_CHANGES):
        await uow.contracts.upsert(payload.contract)
    elif isinstance(payload, contract_events.RelationshipDeclared):
        await uow.relationships.declare(
            payload.ordering_party_id,
            payload.centre_id,
            to_date(payload.since),
            payload.declared_at.ToDatetime(tzinfo=UTC),
        )
    elif type(payload) in LABEL_CHANGES:
        await raise_alert(uow, _label_alert(envelope, payload))
    elif isinstance(payload, finding_events.FindingRaised) and payload.finding.rule in MOVEMENTS:
        for centre_id in _onshore_centres(payload.finding):
            if await uow.alerts.first_finding_alert(payload.finding.finding_id, centre_id):
                await raise_alert(uow, _offshoring_alert(envelope, payload.finding, centre_id))
    # Other events on these topics (tenders, registrations, audits) concern no centre's alerts.


def _label_alert(envelope: Envelope, payload: Message) -> pb.Alert:
    status = LABEL_CHANGES[type(payload)]
    change = pb.LabelStatusChange(status=status, reason=getattr(payload, "reason", ""))
    for field in ("valid_until", "remedy_deadline"):
        if field in payload.DESCRIPTOR.fields_by_name and payload.HasField(field):
            getattr(change, field).CopyFrom(getattr(payload, field))
    # The catalogue selects the status's words on its name ("granted", "suspended", ...).
    name = labels_pb2.LabelStatus.Name(status).removeprefix("LABEL_STATUS_").lower()
    summary = text("alert-label-status", status=name)
    if change.reason:
        summary = text("alert-label-status-reason", label=summary, reason=change.reason)
    alert = pb.Alert(
        centre_id=payload.centre_id,
        kind=pb.ALERT_KIND_LABEL_STATUS,
        created_at=envelope.occurred_at,
        label=change,
    )
    wording.fill(alert, "summary", summary)
    return alert


def _onshore_centres(finding: fpb.Finding) -> list[str]:
    listed = finding.evidence.fields.get("onshore_centres")
    return [c for c in (listed.string_value.split(",") if listed else []) if c]


def _offshoring_alert(envelope: Envelope, finding: fpb.Finding, centre_id: str) -> pb.Alert:
    evidence = finding.evidence

    def figure(name: str) -> int:
        return int(evidence[name]) if name in evidence else 0

    warning = pb.OffshoringWarning(
        finding_id=finding.finding_id,
        ordering_party_id=finding.ordering_party_id,
        key=str(evidence["key"]) if "key" in evidence else "",
        window_before=str(evidence["window_before"]) if "window_before" in evidence else "",
        window_after=str(evidence["window_after"]) if "window_after" in evidence else "",
        onshore_before=figure("onshore_before"),
        onshore_after=figure("onshore_after"),
        offshore_before=figure("offshore_before"),
        offshore_after=figure("offshore_after"),
    )
    wording.fill(warning, "explanation", wording.text_of(finding, "explanation"))
    alert = pb.Alert(
        centre_id=centre_id,
        kind=pb.ALERT_KIND_OFFSHORING,
        created_at=envelope.occurred_at,
        offshoring=warning,
    )
    summary = text("offshoring-alert-summary", finding=wording.text_of(finding, "summary"))
    wording.fill(alert, "summary", summary)
    return alert


def projections_consumer(pool: asyncpg.Pool, bootstrap: str) -> EventConsumer:
    return EventConsumer(
        group=GROUP,
        topic_names=[topics.CONTRACT_EVENTS, topics.LABEL_EVENTS, topics.FINDINGS],
        handler=apply,
        pool=pool,
        schema=SCHEMA,
        bootstrap=bootstrap,
    )
