"""What the contracts service learns from other services' events: centres and their labels,
from the compacted label-status topic (never from the labels database)."""

from __future__ import annotations

import asyncpg
from google.protobuf.message import Message
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2 as label_events

from services.common import topics
from services.common.consumer import EventConsumer, RejectedEvent
from services.common.uow import UnitOfWork
from services.contracts import store

GROUP = "contracts.label-status"


async def apply_label_status(uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
    if not isinstance(payload, label_events.CentreLabelStatus):
        raise RejectedEvent(f"{envelope.event_type} does not belong on the label-status topic")
    await store.upsert_centre(uow.conn, payload.centre, envelope.occurred_at.ToDatetime())


def label_status_consumer(pool: asyncpg.Pool, bootstrap: str) -> EventConsumer:
    return EventConsumer(
        group=GROUP,
        topic_names=[topics.LABEL_STATUS],
        handler=apply_label_status,
        pool=pool,
        schema="contracts",
        bootstrap=bootstrap,
    )
