"""The consumer helper on the real broker and database: idempotent by event id, dead letters
(once each) for what cannot be decoded or applied, the partition flowing past them, and
retries for what may pass later."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from vigie.labels.v1 import events_pb2

from services.cli import deadletters
from services.common import db, topics
from services.common.consumer import (
    FETCH_RECORDS,
    READ_AHEAD,
    EventConsumer,
    RejectedEvent,
    end_offsets,
    start_group_at,
)
from services.common.envelope import Event, kafka_headers, wrap
from services.common.relay import OutboxRelay, producer_factory
from tests.integration.conftest import publish_events

pytestmark = pytest.mark.integration


async def start_at_the_end(settings, pool: asyncpg.Pool, group: str) -> None:
    """The group starts at the labels topic's end: what the test publishes, not what earlier
    runs left."""
    async with pool.acquire() as conn:
        await start_group_at(
            conn, group, await end_offsets(settings.kafka_bootstrap, [topics.LABEL_EVENTS])
        )


def labels_consumer(settings, pool: asyncpg.Pool, group: str, handler, **options) -> EventConsumer:
    return EventConsumer(
        group=group,
        topic_names=[topics.LABEL_EVENTS],
        handler=handler,
        pool=pool,
        schema="labels",
        bootstrap=settings.kafka_bootstrap,
        **options,
    )


async def stop(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.asynccontextmanager
async def consuming(
    settings, key: str, handler, **options
) -> AsyncIterator[tuple[EventConsumer, asyncpg.Pool]]:
    """A consumer of the labels topic in a group of its own, from the topic's end (what the
    test publishes, not what earlier runs left), with the outbox relay of its schema running
    beside it, as in a service (dead letters leave through the outbox)."""
    pool = await db.connect(settings.database_url, "labels")
    await start_at_the_end(settings, pool, f"test-{key}")
    consumer = labels_consumer(settings, pool, f"test-{key}", handler, **options)
    relay = OutboxRelay(
        pool, "labels", producer_factory(settings.kafka_bootstrap, "test"), poll_interval=0.2
    )
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(relay.run())]
    try:
        yield consumer, pool
    finally:
        await stop(tasks)
        await pool.close()


def letters_of(consumer: EventConsumer, key: str):
    """Dead letters this consumer wrote for records of `key` (other services' consumers of
    the topic set the same records aside, under their own group)."""
    return lambda r: (
        r.key == key.encode()
        and dict(r.headers).get("dead-letter-consumer") == consumer.group.encode()
    )


async def until(condition, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)


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
        if envelope.aggregate_id != key:  # other tests' events, published meanwhile
            return
        if payload.reason == "poison":
            raise RejectedEvent("withdrawal reason 'poison' can never be applied")
        applied.append(payload.reason)

    first, second, poison = (withdrawal(key, r) for r in ("first", "second", "poison"))
    dead_letters = await tail(topics.DEAD_LETTER)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    async with consuming(settings, key, handler) as (consumer, pool):
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
            await until(lambda: len(applied) >= 2)
            await asyncio.sleep(1.0)  # long enough for a duplicate to show
            assert applied == ["first", "second"]

            letters = await dead_letters.collect(letters_of(consumer, key), 2)
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
            await producer.stop()


async def test_a_record_the_database_refuses_is_set_aside_once_after_a_few_attempts(settings, tail):
    """A value out of an int32 column's range fails the same way every time: after three
    attempts of its own the record goes to the dead letters, once, with where it came from,
    and the events after it are applied."""
    key = f"ctr-{uuid.uuid4().hex[:8]}"
    applied: list[str] = []
    attempts: list[str] = []

    async def handler(uow, envelope, payload):
        if envelope.aggregate_id != key:
            return
        if payload.reason == "overflow":
            attempts.append(envelope.event_id)
            await uow.conn.execute("SELECT $1::bigint::int", 2_147_483_648)
        applied.append(payload.reason)

    overflow, after = withdrawal(key, "overflow"), withdrawal(key, "after")
    dead_letters = await tail(topics.DEAD_LETTER)
    async with consuming(settings, key, handler, retry_backoff=0.05) as (consumer, pool):
        await publish_events(settings.kafka_bootstrap, [overflow, after])
        await until(lambda: "after" in applied)
        letters = await dead_letters.collect(letters_of(consumer, key), 1, settle=2.0)
        offsets = await pool.fetchval(
            "SELECT count(*) FROM consumer_offsets WHERE consumer = $1", consumer.group
        )
    assert applied == ["after"]
    # Three times alone, after once with the rest of its fetch when it came with others.
    assert set(attempts) == {overflow.event_id} and len(attempts) in (3, 4)
    assert len(letters) == 1, "set aside exactly once"
    headers = dict(letters[0].headers)
    assert headers["dead-letter-reason"].decode().startswith("failed 3 times: ")
    assert "out of range" in headers["dead-letter-reason"].decode()
    assert headers["dead-letter-topic"] == topics.LABEL_EVENTS.encode()
    assert int(headers["dead-letter-offset"]) >= 0 and int(headers["dead-letter-partition"]) >= 0
    assert headers["event-id"] == overflow.event_id.encode()  # the original headers kept
    assert letters[0].value == overflow.value
    assert offsets >= 1


async def test_a_failure_of_the_world_is_retried_until_it_passes_and_nothing_is_set_aside(
    settings, tail
):
    """A dependency down is not the record's fault: retried (here five times, more than the
    attempts a bad record gets), then applied; the consumer reports itself stalled while it
    retries and not once it moved on."""
    key = f"ctr-{uuid.uuid4().hex[:8]}"
    applied: list[str] = []
    failures_left = [5]
    stalled: list[float] = []

    async def handler(uow, envelope, payload):
        if envelope.aggregate_id != key:
            return
        if failures_left[0]:
            failures_left[0] -= 1
            raise ConnectionRefusedError("the database went away")
        applied.append(payload.reason)

    event = withdrawal(key, "eventually")
    dead_letters = await tail(topics.DEAD_LETTER)
    async with consuming(settings, key, handler, retry_backoff=0.1) as (consumer, _):
        await publish_events(settings.kafka_bootstrap, [event])
        await until(lambda: failures_left[0] < 3)
        stalled.append(consumer.stalled_for())
        await until(lambda: applied)
        letters = await dead_letters.collect(letters_of(consumer, key), 1, timeout=2.0)
        stalled.append(consumer.stalled_for())
    assert applied == ["eventually"]
    assert letters == []
    assert stalled[0] > 0 and stalled[1] == 0


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
    await start_at_the_end(settings, pool, group)  # both consumers

    def consumer() -> EventConsumer:
        return labels_consumer(settings, pool, group, handler)

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
        await stop(tasks)
        await pool.close()


async def test_a_backlog_is_applied_in_transactions_larger_than_a_fetch_each_event_once(
    settings,
):
    """What the client fetched meanwhile is read ahead into the transaction while a backlog
    remains; a second consumer joining in the middle of it (a rebalance) repeats nothing."""
    run = uuid.uuid4().hex[:8]
    group = f"test-read-ahead-{run}"
    applied: list[str] = []
    transactions: dict[uuid.UUID, int] = {}  # records applied per transaction

    async def handler(uow, envelope, payload):
        if not payload.reason.startswith(run):
            return
        if ("test", "transaction") not in uow.state:
            uow.state["test", "transaction"] = uuid.uuid4()
            await asyncio.sleep(0.3)  # a transaction long enough for the rebalance to hit one
        transaction = uow.state["test", "transaction"]
        transactions[transaction] = transactions.get(transaction, 0) + 1
        applied.append(envelope.event_id)

    pool = await db.connect(settings.database_url, "labels")
    await start_at_the_end(settings, pool, group)
    events = [withdrawal(f"ctr-{run}-{i % 8}", f"{run}-{i}") for i in range(3000)]
    await publish_events(settings.kafka_bootstrap, events)  # a backlog before anyone reads

    def consumer() -> EventConsumer:
        return labels_consumer(settings, pool, group, handler)

    tasks = [asyncio.create_task(consumer().run())]
    try:
        await until(lambda: len(applied) > 0, timeout=30)
        tasks.append(asyncio.create_task(consumer().run()))  # a rebalance, mid-backlog
        await until(lambda: len(applied) >= len(events), timeout=120)
        await asyncio.sleep(1.0)  # long enough for a repeat to show
        assert [t for t in tasks if t.done()] == [], "a consumer stopped in the rebalance"
        assert sorted(applied) == sorted(e.event_id for e in events)
        assert max(transactions.values()) > FETCH_RECORDS
        assert max(transactions.values()) <= READ_AHEAD
    finally:
        await stop(tasks)
        await pool.close()


async def test_a_dead_letter_replayed_once_its_cause_is_fixed_is_applied(settings, tail):
    """`vigie deadletters list` shows what a consumer set aside; `replay` puts it back on its
    topic, and the consumer, fixed meanwhile, applies it (once: others skip its event id)."""
    key = f"ctr-{uuid.uuid4().hex[:8]}"
    applied: list[str] = []
    fixed = asyncio.Event()

    async def handler(uow, envelope, payload):
        if envelope.aggregate_id != key:
            return
        if not fixed.is_set():
            raise RejectedEvent("not yet understood")
        applied.append(payload.reason)

    event = withdrawal(key, "understood later")
    dead_letters = await tail(topics.DEAD_LETTER)
    async with consuming(settings, key, handler) as (consumer, _):
        await publish_events(settings.kafka_bootstrap, [event])
        [letter] = await dead_letters.collect(letters_of(consumer, key), 1)

        listed = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "services.cli",
                "deadletters",
                "list",
                "--consumer",
                consumer.group,
            ],
            capture_output=True,
            text=True,
            env=os.environ | {"VIGIE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap},
            check=True,
        )
        assert f"{letter.offset}" in listed.stdout
        assert "rejected: not yet understood" in listed.stdout
        assert "1 dead letter(s)" in listed.stdout

        fixed.set()
        chosen = deadletters.chosen(
            await deadletters.read_all(settings.kafka_bootstrap), consumer.group, None
        )
        assert [d.offset for d in chosen] == [letter.offset]
        await deadletters.replay(settings.kafka_bootstrap, chosen)
        await until(lambda: applied)
        await asyncio.sleep(1.0)  # long enough for a repeat to show
    assert applied == ["understood later"]
