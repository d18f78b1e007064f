"""What the notices service learns from other services' events: contracts (parties, notice
schedule, baseline volume, amendments, termination) from the contracts topic, and label
changes, which become alerts for the centre concerned."""

from __future__ import annotations

import asyncpg
from google.protobuf.message import Message
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2 as label_events
from vigie.labels.v1 import labels_pb2
from vigie.notices.v1 import notices_pb2 as pb

from services.common import topics
from services.common.consumer import EventConsumer
from services.common.uow import UnitOfWork
from services.notices import store
from services.notices.usecases import raise_alert

GROUP = "notices.projections"
CONTRACT_CHANGES = (
    contract_events.ContractSigned,
    contract_events.ContractAmended,
    contract_events.ContractTerminated,
)
LABEL_CHANGES = {
    label_events.LabelGranted: labels_pb2.LABEL_STATUS_GRANTED,
    label_events.LabelSuspended: labels_pb2.LABEL_STATUS_SUSPENDED,
    label_events.LabelReinstated: labels_pb2.LABEL_STATUS_GRANTED,
    label_events.LabelWithdrawn: labels_pb2.LABEL_STATUS_WITHDRAWN,
    label_events.LabelExpired: labels_pb2.LABEL_STATUS_EXPIRED,
}


async def apply(uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
    if isinstance(payload, CONTRACT_CHANGES):
        await store.upsert_contract(uow.conn, payload.contract)
    elif type(payload) in LABEL_CHANGES:
        await raise_alert(uow, _label_alert(envelope, payload))
    # Other events on these topics (tenders, registrations, audits) concern no centre's alerts.


def _label_alert(envelope: Envelope, payload: Message) -> pb.Alert:
    status = LABEL_CHANGES[type(payload)]
    change = pb.LabelStatusChange(status=status, reason=getattr(payload, "reason", ""))
    for field in ("valid_until", "remedy_deadline"):
        if field in payload.DESCRIPTOR.fields_by_name and payload.HasField(field):
            getattr(change, field).CopyFrom(getattr(payload, field))
    name = labels_pb2.LabelStatus.Name(status).removeprefix("LABEL_STATUS_").lower()
    summary = f"Your label is now {name}" + (f": {change.reason}" if change.reason else "")
    return pb.Alert(
        centre_id=payload.centre_id,
        kind=pb.ALERT_KIND_LABEL_STATUS,
        created_at=envelope.occurred_at,
        summary=summary,
        label=change,
    )


def projections_consumer(pool: asyncpg.Pool, bootstrap: str) -> EventConsumer:
    return EventConsumer(
        group=GROUP,
        topic_names=[topics.CONTRACT_EVENTS, topics.LABEL_EVENTS],
        handler=apply,
        pool=pool,
        schema="notices",
        bootstrap=bootstrap,
    )
