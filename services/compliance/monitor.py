"""What the committee watches: findings recorded from the findings topic (each once), read
as a list or followed live with filters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import topics
from services.common.clock import utc_now
from services.common.consumer import EventConsumer, RejectedEvent
from services.common.identity import Caller, Role
from services.common.live import Notifications
from services.common.uow import UnitOfWork
from services.compliance import store

SCHEMA = "compliance"
GROUP = "compliance.findings"


@dataclass
class Monitor:
    pool: asyncpg.Pool
    now: Callable[[], datetime] = utc_now

    def __post_init__(self) -> None:
        self.notifications = Notifications(self.pool, store.FINDINGS_CHANNEL)

    async def apply(self, uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
        if not isinstance(payload, events.FindingRaised):
            raise RejectedEvent(f"{envelope.event_type} does not belong on the findings topic")
        await store.record(uow.conn, payload.finding, self.now())

    def consumer(self, bootstrap: str) -> EventConsumer:
        return EventConsumer(
            group=GROUP,
            topic_names=[topics.FINDINGS],
            handler=self.apply,
            pool=self.pool,
            schema=SCHEMA,
            bootstrap=bootstrap,
        )

    async def list(self, caller: Caller, request: pb.ListFindingsRequest) -> list[pb.Finding]:
        filters = _filters(caller, request.filter)
        async with self.pool.acquire() as conn:
            rows = await store.findings_after(conn, 0, request.limit or 1000, filters)
        return [finding for _, finding in rows]

    async def watch(
        self, caller: Caller, request: pb.WatchFindingsRequest
    ) -> AsyncIterator[pb.Finding]:
        filters = _filters(caller, request.filter)

        async def read_after(seq: int, limit: int) -> list[tuple[int, pb.Finding]]:
            async with self.pool.acquire() as conn:
                return await store.findings_after(conn, seq, limit, filters)

        async for _, finding in self.notifications.follow(store.ALL, 0, read_after, lambda r: r[0]):
            yield finding


def _filters(caller: Caller, wanted: pb.FindingFilter) -> dict:
    """The caller's filter; an ordering party only ever sees its own findings."""
    party = wanted.ordering_party_id or None
    if caller.role is Role.ORDERING_PARTY:
        caller.require_organisation(party or caller.organisation_id)
        party = caller.organisation_id
    return {
        "ordering_party_id": party,
        "types": list(wanted.types),
        "min_severity": wanted.min_severity,
        "since": wanted.since.ToDatetime(tzinfo=UTC) if wanted.HasField("since") else None,
    }
