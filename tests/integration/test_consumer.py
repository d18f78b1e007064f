"""The consumer helper on the real broker and database: idempotent by event id, dead letters
for what cannot be decoded, and the partition keeps flowing past them."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from vigie.labels.v1 import events_pb2

from services.common import db, topics
from services.common.consumer import EventConsumer, RejectedEvent, end_offsets, start_group_at
from services.common.envelope import Event, kafka_headers, wrap
from tests.integration.conftest import publish_events

pytestmark = pytest.mark.integration


def withdrawal(centre: str, reason: str) -> Event:
    return wrap(
        topics.LABEL_EVENTS,
        events_pb2.LabelWithdrawn(centre_id=centre, reason=reason),
        aggregate_id=centre,
        producer="test",
    )


async def test_undecodable_and_rejected_records_go_to_dead_letters_and_duplicates_are_skipped(
    settings, tail
):
    key = f"ctr-{uuid.uuid4().hex[:8]}"
    applied: list[str] = []

    async def handler(uow, envelope, payload):
        if envelope.aggregate_id != key:  # a new group reads the topic's earlier events too
            return
        if payload.reason == "poison":
            raise RejectedEvent("withdrawal reason 'poison' can never be applied")
        applied.append(payload.reason)

    first, second, poison = (withdrawal(key, r) for r in ("first", "second", "poison"))
    dead_letters = await tail(topics.DEAD_LETTER)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    pool = await db.connect(settings.database_url, "labels")
    consumer = EventConsumer(
        group=f"test-{key}",
        topic_names=[topics.LABEL_EVENTS],
        handler=handler,
        pool=pool,
        schema="labels",
        bootstrap=settings.kafka_bootstrap,
    )
    task = asyncio.create_task(consumer.run())
    try:
        # All on one key, so one partition: the good events after the bad must still flow.
        for value, event_id in [
            (first.value, first.event_id),
            (b"\x08\x96\x01 definitely not an envelope", None),
            (poison.value, poison.event_id),
            (first.value, first.event_id),  # redelivered: must change nothing
            (second.value, second.event_id),
        ]:
            headers = kafka_headers(event_id, "x") if event_id else []
            await producer.send_and_wait(
                topics.LABEL_EVENTS, value, key=key.encode(), headers=headers
            )

        for _ in range(200):
            if len(applied) >= 2:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # long enough for a duplicate to show
        assert applied == ["first", "second"]

        # Other services' consumers of this topic dead-letter the same records: ours only.
        letters = await dead_letters.collect(
            lambda r: (
                r.key == key.encode()
                and dict(r.headers).get("dead-letter-consumer") == consumer.group.encode()
            ),
            2,
        )
        reasons = [dict(r.headers)["dead-letter-reason"].decode() for r in letters]
        assert reasons[0].startswith("not an envelope")
        assert reasons[1] == "rejected: withdrawal reason 'poison' can never be applied"
        assert {dict(r.headers)["dead-letter-topic"] for r in letters} == {
            topics.LABEL_EVENTS.encode()
        }
        assert letters[0].value == b"\x08\x96\x01 definitely not an envelope"
        processed = await pool.fetchval(
            "SELECT count(*) FROM processed_events"
            " WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
            consumer.group,
            [first.event_id, second.event_id, poison.event_id],
        )
        assert processed == 2
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()
        await pool.close()


async def test_a_rebalance_while_a_fetch_is_applied_stops_no_consumer_and_repeats_nothing(
    settings,
):
    run = uuid.uuid4().hex[:8]
    group = f"test-rebalance-{run}"
    applied: list[str] = []  # the event ids applied, by either consumer
    holding = asyncio.Event()

    async def handler(uow, envelope, payload):
        if not payload.reason.startswith(run):
            return
        if not holding.is_set():
            holding.set()
            await asyncio.sleep(4)  # a long fetch: the second consumer joins meanwhile
        applied.append(envelope.event_id)

    pool = await db.connect(settings.database_url, "labels")
    async with pool.acquire() as conn:  # both start at the end of the topic, not its history
        await start_group_at(
            conn, group, await end_offsets(settings.kafka_bootstrap, [topics.LABEL_EVENTS])
        )

    def consumer() -> EventConsumer:
        return EventConsumer(
            group=group,
            topic_names=[topics.LABEL_EVENTS],
            handler=handler,
            pool=pool,
            schema="labels",
            bootstrap=settings.kafka_bootstrap,
        )

    sent: list[str] = []

    async def send(count: int) -> None:
        # Eight keys: every partition has some.
        events = [withdrawal(f"ctr-{run}-{i % 8}", f"{run}-{len(sent) + i}") for i in range(count)]
        await publish_events(settings.kafka_bootstrap, events)
        sent.extend(e.event_id for e in events)

    tasks = [asyncio.create_task(consumer().run())]
    try:
        await send(40)
        await asyncio.wait_for(holding.wait(), 30)
        tasks.append(asyncio.create_task(consumer().run()))  # a rebalance, mid-fetch
        await asyncio.sleep(1.0)
        await send(40)
        for _ in range(600):
            if len(applied) >= len(sent) or any(t.done() for t in tasks):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # long enough for a repeat to show
        assert [t for t in tasks if t.done()] == [], "a consumer stopped in the rebalance"
        assert sorted(applied) == sorted(sent)  # each once, whichever consumer had it
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close()
