"""Nothing lost, nothing invented: the outbox across a Kafka outage and a rolled-back
transaction, against the real broker (stopped and started by its own script)."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import timedelta

import grpc
import pytest
from vigie.labels.v1 import events_pb2
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1.labels_pb2_grpc import LabelRegistryStub

from services.common import db, topics
from services.common.clock import french_today
from services.common.envelope import decode, wrap
from services.common.identity import Role
from services.common.uow import unit_of_work
from tests.integration.conftest import ROOT, ServiceProcess
from tests.integration.test_labels_service import (
    audit_request,
    centre_request,
    day,
    grant_request,
    new_centre_id,
    referential_request,
)

pytestmark = pytest.mark.integration
KAFKA = ROOT / "infra" / "kafka" / "kafka.sh"
TODAY = french_today()


def kafka(action: str) -> None:
    subprocess.run([str(KAFKA), action], check=True, timeout=120)


async def test_grants_succeed_while_kafka_is_down_and_arrive_once_in_order_after(
    channel, token, tail, pool
):
    registry = LabelRegistryStub(channel)
    committee = token(Role.COMMITTEE, "committee")
    referential = await registry.PublishReferential(referential_request(), metadata=committee)
    centres = [new_centre_id() for _ in range(4)]
    audits = {}
    for centre_id in centres:
        await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
        audits[centre_id] = await registry.RecordAudit(
            audit_request(centre_id, referential),
            metadata=committee,
        )
    events = await tail(topics.LABEL_EVENTS)
    await events.collect(lambda r: r.key.decode() in centres, 8)  # what came before the outage

    kafka("stop")
    try:
        # With the broker gone, every change still commits: grant, suspend, reinstate.
        for centre_id in centres:
            await registry.GrantLabel(
                grant_request(centre_id, audits[centre_id].audit_id, days=365),
                metadata=committee,
            )
            await registry.SuspendLabel(
                pb.SuspendLabelRequest(
                    centre_id=centre_id,
                    reason="contrôle",
                    remedy_deadline=day(TODAY + timedelta(days=20)),
                ),
                metadata=committee,
            )
            await registry.ReinstateLabel(
                pb.ReinstateLabelRequest(centre_id=centre_id, reason="corrigé"), metadata=committee
            )
        waiting = await pool.fetchval(
            "SELECT count(*) FROM labels.outbox"
            " WHERE published_at IS NULL AND key = ANY($1::text[])",
            centres,
        )
        assert waiting == 2 * 3 * len(centres)  # one event + one status snapshot per change
    finally:
        kafka("start")

    await events.stop()
    events = await tail_from_start(tail, centres)
    records = await events.collect(
        lambda r: r.key.decode() in centres, 5 * len(centres), timeout=60, settle=3
    )
    by_centre: dict[str, list[str]] = {c: [] for c in centres}
    ids = []
    for record in records:
        envelope, _ = decode(record.value)
        ids.append(envelope.event_id)
        by_centre[record.key.decode()].append(envelope.event_type.rsplit(".", 1)[1])
    assert len(ids) == len(set(ids)), "an event arrived twice"
    for centre_id in centres:
        assert by_centre[centre_id] == [
            "CentreRegistered",
            "AuditRecorded",
            "LabelGranted",
            "LabelSuspended",
            "LabelReinstated",
        ]


async def tail_from_start(tail, centres):
    """A tail over the whole topic: the outage test reads every event of its centres."""
    events = await tail(topics.LABEL_EVENTS)
    for tp in events.consumer.assignment():
        events.consumer.seek(tp, 0)
    return events


async def test_a_transaction_that_fails_writes_no_row_and_publishes_no_event(settings, tail):
    pool = await db.connect(settings.database_url, "labels")
    events = await tail(topics.LABEL_EVENTS)
    centre_id = new_centre_id()
    try:
        with pytest.raises(RuntimeError, match="after the write"):
            async with unit_of_work(pool, "labels") as uow:
                await uow.conn.execute(
                    "INSERT INTO centres (centre_id, name, kind, registered_at)"
                    " VALUES ($1, 'x', 2, now())",
                    centre_id,
                )
                uow.emit(
                    wrap(
                        topics.LABEL_EVENTS,
                        events_pb2.LabelWithdrawn(centre_id=centre_id),
                        aggregate_id=centre_id,
                        producer="labels",
                    )
                )
                raise RuntimeError("failure after the write")
        assert (
            await pool.fetchval("SELECT count(*) FROM centres WHERE centre_id = $1", centre_id) == 0
        )
        assert await pool.fetchval("SELECT count(*) FROM outbox WHERE key = $1", centre_id) == 0
        # The running service's relay publishes what is committed; nothing came of this one.
        assert await events.collect(lambda r: r.key == centre_id.encode(), 1, timeout=3) == []
    finally:
        await pool.close()


async def test_a_committed_event_reaches_kafka_exactly_once(settings, tail, labels_service):
    pool = await db.connect(settings.database_url, "labels")
    events = await tail(topics.LABEL_EVENTS)
    key = f"ctr-{uuid.uuid4().hex[:8]}"
    try:
        async with unit_of_work(pool, "labels") as uow:
            uow.emit(
                wrap(
                    topics.LABEL_EVENTS,
                    events_pb2.LabelWithdrawn(centre_id=key, reason="r"),
                    aggregate_id=key,
                    producer="labels",
                )
            )
        records = await events.collect(lambda r: r.key == key.encode(), 1)
        assert len(records) == 1
        assert decode(records[0].value)[1].reason == "r"
        assert await pool.fetchval(
            "SELECT published_at IS NOT NULL FROM outbox WHERE key = $1", key
        )
    finally:
        await pool.close()


async def test_a_service_started_while_kafka_is_down_serves_and_publishes_once_it_returns(
    settings, token, tail, tmp_path
):
    """The relay of a service that starts during an outage keeps retrying; calls succeed."""
    events = await tail(topics.LABEL_EVENTS)
    service = ServiceProcess("services.labels", settings, tmp_path)
    centre_id = new_centre_id()
    kafka("stop")
    try:
        await asyncio.to_thread(service.start)
        async with grpc.aio.insecure_channel(service.address) as channel:
            registry = LabelRegistryStub(channel)
            committee = token(Role.COMMITTEE, "committee")
            await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    finally:
        kafka("start")
    try:
        records = await events.collect(lambda r: r.key == centre_id.encode(), 1, timeout=60)
        # Exactly once, whichever replica's relay published it: the session's labels service
        # shares this outbox, and the advisory lock lets one relay publish at a time.
        assert [decode(r.value)[0].event_type for r in records] == [
            "vigie.labels.v1.CentreRegistered"
        ]
    finally:
        await asyncio.to_thread(service.stop)
