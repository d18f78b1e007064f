"""Consuming Vigie events: idempotent by event id, dead letters for what cannot be applied.

Each record is applied in one PostgreSQL transaction together with the row that marks its
event id as processed and the consumer's next offset in that partition, so a redelivery
(after a crash, a rebalance or a relay republishing a batch) changes nothing, and the
position lives with the state it produced: on assignment the consumer seeks to the offsets
stored in PostgreSQL (from the beginning when there are none, which rebuilds a projection
that was emptied with its offsets). Offsets are committed to Kafka too, for lag tools.

No record can stop a consumer. One that is not an event its topic carries, breaks the
protos' field rules, is rejected by its handler, or fails the same way a few times in a row
(a value the database refuses, say) goes to the dead-letter topic, once, and the consumer
moves on: the dead letter is written to the outbox in the transaction that advances the
offset past the record. Failures of the world rather than the record (database or broker
down, a lost race) are retried with backoff until they pass; meanwhile `stalled_for()` grows
and the process's health check turns NOT_SERVING (services/common/runtime.py), as it does for
a fetch stuck on a lock or a hang."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from itertools import islice

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition
from google.protobuf.message import Message
from opentelemetry import context as otel_context
from opentelemetry import metrics, propagate, trace
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import failures, topics
from services.common.envelope import Event, UndecodableEvent, Views, read, trace_carrier
from services.common.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("vigie.consumer")
_meter = metrics.get_meter("vigie.consumer")
_applied = _meter.create_counter("vigie.consumer.applied", unit="{event}")
_duplicates = _meter.create_counter("vigie.consumer.duplicates", unit="{event}")
_dead = _meter.create_counter("vigie.consumer.dead_letters", unit="{record}")
_lag = _meter.create_gauge("vigie.consumer.lag", unit="{record}")

# Called inside the unit of work that also records the event as processed and the offset:
# what it writes and the events it emits commit with them, or not at all.
Handler = Callable[[UnitOfWork, Envelope, Message], Awaitable[None]]
# Called once before a batch's events are handled, in the same unit of work: a handler may
# fetch in one statement what the batch will read.
Prepare = Callable[[UnitOfWork, list[Message]], Awaitable[None]]
# Called when the consumer has read to the end of its partitions (a fetch brought nothing, or
# left nothing after it), outside any transaction.
Idle = Callable[[], Awaitable[None]]
# Key of uow.state during a batch: the records left after it in the assigned partitions (as
# the fetches' high-water marks tell). A handler may put off work only the final state matters
# for while a backlog is read; absent (records applied one by one), there is none.
BACKLOG = ("consumer", "backlog")
# Records a fetch asks the client for, and at most how many one transaction applies while a
# backlog remains: what the client has fetched meanwhile is read ahead into the same
# transaction, so the statements a transaction costs whatever its size (marking the ids, the
# weekly sums of a week's days added up in memory, what is put off, the offsets) are spent
# once for up to READ_AHEAD records. A live stream, read to its end, is applied fetch by fetch.
FETCH_RECORDS = 500
READ_AHEAD = 5000
# What the client fetches of a partition per request (the client's default is 1 MiB). The
# client asks a broker again only once every partition it fetched from is consumed, so with
# 1 MiB (about 160 day reports) every other transaction waited 200-300 ms for the next fetch
# on this machine; with 4 MiB the next one is there when a transaction ends (measured: the
# volume checks 4,300-4,950 records/s at 2 MiB, 5,200-5,550 at 4 MiB, the worker's resident
# memory at most 260-275 MiB against 180-200).
PARTITION_FETCH_BYTES = 4 * 1024 * 1024
# Links of a transaction's span to its records' producer spans (the SDK's default limit).
LINKS_KEPT = 128


class RejectedEvent(Exception):
    """Raised by a handler for an event that decodes but can never be applied."""


# A dead letter's own id: one per consumer and record, so it is written once however often
# the record is read again.
_DEAD_LETTERS = uuid.UUID("5f0c4b8e-2d1a-4c57-9a43-7de0d1e7a9b1")
# How much of a failure a dead letter's reason keeps.
_REASON_LENGTH = 1000


class EventConsumer:
    def __init__(
        self,
        *,
        group: str,
        topic_names: list[str],
        handler: Handler,
        pool: asyncpg.Pool,
        prepare: Prepare | None = None,
        idle: Idle | None = None,
        views: Views | None = None,
        schema: str,
        bootstrap: str,
        retry_backoff: float = 1.0,
        attempts: int = 3,
    ) -> None:
        self.group = group
        self._topics = topic_names
        self._handler = handler
        self._prepare = prepare
        self._idle = idle
        # The payloads the handler reads through a view (envelope.Views).
        self._views = views
        self._pool = pool
        self._schema = schema
        self._bootstrap = bootstrap
        self._retry_backoff = retry_backoff
        # How often a record that fails for its own sake is tried before it is set aside.
        self._attempts = attempts
        self._consumer: AIOKafkaConsumer | None = None
        self.started = asyncio.Event()
        # Since when the consumer has been applying the current fetch (monotonic), or None
        # between fetches: a fetch that takes long is stuck (retries, a lock, a hang).
        self._busy_since: float | None = None
        # The next offset this consumer applies in each assigned partition: stored in
        # PostgreSQL with the state at assignment, then past each fetch applied.
        self.next_offset: dict[TopicPartition, int] = {}
        # Held while a fetch is applied: a rebalance waits for it (on_partitions_revoked), so
        # a partition changes owner between two transactions, never during one.
        self.applying = asyncio.Lock()

    async def run(self) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_partition_fetch_bytes=PARTITION_FETCH_BYTES,
        )
        await self._consumer.start()
        self._consumer.subscribe(self._topics, listener=_SeekToStoredOffsets(self))
        self.started.set()
        try:
            while True:
                batches = self._not_yet_applied(
                    await self._consumer.getmany(timeout_ms=500, max_records=FETCH_RECORDS)
                )
                if not batches:
                    await self._when_idle()
                    continue
                async with self.applying:
                    self._busy_since = time.monotonic()
                    try:
                        await self._read_ahead_into(batches)
                        await self._apply_fetch(batches)
                    finally:
                        self._busy_since = None
                    self.next_offset |= {tp: r[-1].offset + 1 for tp, r in batches.items()}
                await self._commit_to_kafka()
                self._record_lag(batches)
                if self._backlog(batches) == 0:
                    await self._when_idle()
        finally:
            await self._consumer.stop()

    async def _when_idle(self) -> None:
        if self._idle is None:
            return
        async with self.applying:
            try:
                await self._idle()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # tried again at the next idle fetch: nothing is lost
                log.warning("%s: idle work failed: %r", self.group, exc)

    async def _read_ahead_into(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """While records are left to read, add to the fetch what the client has already
        fetched, up to the read-ahead. Called holding `applying`: a rebalance waits for it
        (on_partitions_revoked), so the assignment cannot change while the records are added."""
        count = sum(map(len, batches.values()))
        while count < READ_AHEAD and self._backlog(batches) > 0:
            more = self._not_yet_applied(
                await self._consumer.getmany(
                    timeout_ms=0, max_records=min(FETCH_RECORDS, READ_AHEAD - count)
                )
            )
            if not more:
                return
            for tp, records in more.items():
                batches.setdefault(tp, []).extend(records)
                count += len(records)

    def _backlog(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> int:
        """Records left after this fetch in every assigned partition."""
        total = 0
        for tp in self._consumer.assignment() if self._consumer else ():
            end = self._consumer.highwater(tp)
            after = batches[tp][-1].offset + 1 if tp in batches else self.next_offset.get(tp)
            if end is not None and after is not None:
                total += max(0, end - after)
        return total

    def _not_yet_applied(
        self, batches: dict[TopicPartition, list[ConsumerRecord]]
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        """Only records at or past the next offset to apply: on a new group's first assignment
        the client may fetch from where its reset policy starts before the seek to the stored
        position takes effect, and then fetch again from there; records before it were applied
        or skipped already (measured: a record set aside twice on a fresh broker)."""
        kept = {
            tp: [r for r in records if r.offset >= self.next_offset.get(tp, 0)]
            for tp, records in batches.items()
        }
        return {tp: records for tp, records in kept.items() if records}

    def stalled_for(self) -> float:
        """Seconds this consumer has spent on the fetch it is applying (0 between fetches):
        retrying a record while the database is down, waiting for a lock, or hung."""
        since = self._busy_since
        return 0.0 if since is None else time.monotonic() - since

    async def _apply_fetch(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        if not await self._apply_batch(batches):
            for record in (r for records in batches.values() for r in records):
                await self._process(record)  # one by one: dead letters, retries

    async def _commit_to_kafka(self) -> None:
        """Offsets for lag tools only: the position lives in PostgreSQL. A rebalance during
        the fetch makes the commit fail; the new owner seeks to the stored offsets anyway."""
        try:
            await self._consumer.commit()
        except KafkaError as exc:
            log.info(
                "%s: offsets not committed to Kafka (%r); PostgreSQL has them", self.group, exc
            )

    def _record_lag(self, batches: dict) -> None:
        """Records between what this consumer has applied and the end of each partition."""
        assigned = self._consumer.assignment()
        for tp, records in batches.items():
            if tp not in assigned:
                continue  # revoked by a rebalance since the fetch
            end = self._consumer.highwater(tp)
            if end is not None:
                lag = max(0, end - records[-1].offset - 1)
                where = {"consumer": self.group, "topic": tp.topic, "partition": tp.partition}
                _lag.set(lag, where)

    async def _process(self, record: ConsumerRecord) -> None:
        parent = propagate.extract(trace_carrier(record.headers))
        with _tracer.start_as_current_span(
            f"{record.topic} process", context=parent, kind=trace.SpanKind.CONSUMER
        ) as span:
            span.set_attribute("messaging.consumer.group.name", self.group)
            try:
                envelope, payload = read(record.topic, record.value, self._views)
            except UndecodableEvent as exc:
                await self._set_aside(record, str(exc))
                return
            span.set_attribute("messaging.message.id", envelope.event_id)
            reason = await self._until_applied(record, envelope, payload)
            if reason is not None:
                await self._set_aside(record, reason)

    async def _until_applied(
        self, record: ConsumerRecord, envelope: Envelope, payload: Message
    ) -> str | None:
        """Apply one record, retrying what may pass later; None once applied, else why it
        never will be."""
        attempt = 0
        while True:
            try:
                await self._apply(record, envelope, payload)
                return None
            except RejectedEvent as exc:
                return f"rejected: {exc}"
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                attempt += 1
                transient = failures.is_transient(exc)
                if not transient and attempt >= self._attempts:
                    log.exception(
                        "%s: %s failed %d times; set aside", self.group, envelope.event_id, attempt
                    )
                    return f"failed {attempt} times: {exc!r}"
                await self._wait_before_retry(attempt, f"applying {envelope.event_id}", exc)

    async def _wait_before_retry(self, attempt: int, what: str, error: Exception) -> None:
        delay = min(self._retry_backoff * 2 ** (attempt - 1), 30.0)
        log.warning(
            "%s: %s failed (%r); retry %d in %.1fs", self.group, what, error, attempt, delay
        )
        await asyncio.sleep(delay)

    async def _apply_batch(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> bool:
        """The fast path: what one fetch brought, every partition's records in order, in one
        transaction (a catching-up projection applies thousands a second instead of one per
        commit, and what a handler batches per transaction covers the whole fetch). False,
        with nothing written, when any record does not decode or fails: the caller then goes
        one by one."""
        records = [r for batch in batches.values() for r in batch]
        try:
            decoded = [read(r.topic, r.value, self._views) for r in records]
        except UndecodableEvent:
            return False
        ids = [uuid.UUID(envelope.event_id) for envelope, _ in decoded]
        applied: Counter[str] = Counter()
        try:
            parents = [propagate.extract(trace_carrier(r.headers)) for r in records]
            with self._batch_span(records, parents):
                async with unit_of_work(self._pool, self._schema) as uow:
                    uow.state[BACKLOG] = self._backlog(batches)
                    first_time = await self._first_seen(uow.conn, ids)
                    if self._prepare is not None:
                        await self._prepare(uow, [p for _, p in decoded])
                    for (envelope, payload), event_id, parent in zip(
                        decoded, ids, parents, strict=True
                    ):
                        if first_time.pop(event_id, False):
                            await self._handle_in_trace(uow, envelope, payload, parent)
                            applied[envelope.event_type] += 1
                    await _store_offsets(uow.conn, self.group, [b[-1] for b in batches.values()])
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("%s: batch of %d applied one by one: %r", self.group, len(records), exc)
            return False
        self._count(applied, duplicates=len(records) - applied.total())
        return True

    def _count(self, applied: Counter[str], duplicates: int) -> None:
        """The metrics of what a transaction committed: once per event type, not per event
        (an instrument's call cost more than a volume report's handler)."""
        for event_type, count in applied.items():
            _applied.add(count, {"consumer": self.group, "type": event_type})
        if duplicates:
            _duplicates.add(duplicates, {"consumer": self.group})

    def _batch_span(self, records: list[ConsumerRecord], parents: list[otel_context.Context]):
        """One process span for a fetch, linked to each record's producer span (the messaging
        conventions' batch processing): a span per record cost more than applying it. The
        first LINKS_KEPT only: the SDK keeps no more than its span limit (128 by default), and
        building thousands of links a transaction it drops cost 2 µs a record."""
        contexts = (trace.get_current_span(p).get_span_context() for p in parents)
        links = [trace.Link(c) for c in islice((c for c in contexts if c.is_valid), LINKS_KEPT)]
        return _tracer.start_as_current_span(
            f"{','.join(sorted({r.topic for r in records}))} process",
            kind=trace.SpanKind.CONSUMER,
            links=links,
            attributes={
                "messaging.consumer.group.name": self.group,
                "messaging.batch.message_count": len(records),
            },
        )

    async def _handle_in_trace(
        self, uow: UnitOfWork, envelope: Envelope, payload: Message, parent: otel_context.Context
    ) -> None:
        """Apply one event of a batch in its producer's trace: the events and findings it
        raises continue that trace, from the gRPC call that caused it."""
        token = otel_context.attach(parent)
        try:
            await self._handler(uow, envelope, payload)
        finally:
            otel_context.detach(token)

    async def _first_seen(
        self, conn: asyncpg.Connection, event_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, bool]:
        """Mark a batch's events as processed in one statement (one round trip instead of
        one per event); the ids it inserted are those applied for the first time. An id twice
        in the batch is inserted once, and popped at its first occurrence."""
        inserted = await conn.fetch(
            "INSERT INTO processed_events (consumer, event_id)"
            " SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
            self.group,
            event_ids,
        )
        return {row["event_id"]: True for row in inserted}

    async def _apply(self, record: ConsumerRecord, envelope: Envelope, payload: Message) -> None:
        """Apply one event in its own transaction with its offset, unless applied before."""
        async with unit_of_work(self._pool, self._schema) as uow:
            await _store_offsets(uow.conn, self.group, [record])
            first_time = await uow.conn.fetchval(
                "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING true",
                self.group,
                envelope.event_id,
            )
            if first_time:
                await self._handler(uow, envelope, payload)
        self._count(Counter({envelope.event_type: 1} if first_time else {}), int(not first_time))

    async def stored_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        stored = await stored_positions(self._pool, self.group)
        return {tp: stored[tp] for tp in partitions if tp in stored}

    async def _set_aside(self, record: ConsumerRecord, reason: str) -> None:
        """The record to the dead letters and the offset past it, in one transaction: it is
        set aside exactly once, and the partition moves on."""
        reason = reason[:_REASON_LENGTH]
        log.warning(
            "%s: dead letter %s[%d]@%d: %s",
            self.group,
            record.topic,
            record.partition,
            record.offset,
            reason,
        )
        attempt = 0
        while True:
            try:
                async with unit_of_work(self._pool, self._schema) as uow:
                    await _store_offsets(uow.conn, self.group, [record])
                    uow.emit(dead_letter(self.group, record, reason))
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: nothing else can fail here
                attempt += 1
                await self._wait_before_retry(attempt, "setting a record aside", exc)
        _dead.add(1, {"consumer": self.group, "topic": record.topic})


def dead_letter(group: str, record: ConsumerRecord, reason: str) -> Event:
    """The record as it came (key, value, headers but the trace context), with why it was
    set aside and where it came from; published in the record's own trace."""
    trace_headers = ("traceparent", "tracestate")
    headers = [(k, v or b"") for k, v in (record.headers or []) if k not in trace_headers]
    headers += [
        ("dead-letter-reason", reason.encode()),
        ("dead-letter-topic", record.topic.encode()),
        ("dead-letter-partition", str(record.partition).encode()),
        ("dead-letter-offset", str(record.offset).encode()),
        ("dead-letter-consumer", group.encode()),
    ]
    where = f"{group}|{record.topic}|{record.partition}|{record.offset}"
    return Event(
        topic=topics.DEAD_LETTER,
        key=(record.key or b"").decode(errors="replace"),
        event_id=str(uuid.uuid5(_DEAD_LETTERS, where)),
        event_type="dead-letter",
        value=record.value or b"",
        headers=trace_carrier(record.headers),
        record_headers=headers,
    )


async def _store_offsets(
    conn: asyncpg.Connection, group: str, last_applied: list[ConsumerRecord]
) -> None:
    """The next offset of each partition, after its last record applied; one statement."""
    await conn.execute(
        "INSERT INTO consumer_offsets (consumer, topic, partition, next_offset)"
        " SELECT $1, s.* FROM unnest($2::text[], $3::int[], $4::bigint[]) AS s"
        " ON CONFLICT (consumer, topic, partition)"
        " DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()",
        group,
        [r.topic for r in last_applied],
        [r.partition for r in last_applied],
        [r.offset + 1 for r in last_applied],
    )


class _SeekToStoredOffsets(ConsumerRebalanceListener):
    """On assignment, start each partition where PostgreSQL says this consumer stands."""

    def __init__(self, owner: EventConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked) -> None:
        async with self._owner.applying:
            return None

    async def on_partitions_assigned(self, assigned) -> None:
        consumer = self._owner._consumer
        stored = await self._owner.stored_offsets(list(assigned))
        for tp in assigned:
            self._owner.next_offset[tp] = stored.get(tp, 0)
            if tp in stored:
                consumer.seek(tp, stored[tp])
            else:
                await consumer.seek_to_beginning(tp)


async def end_offsets(bootstrap: str, topic_names: Sequence[str]) -> dict[TopicPartition, int]:
    """The current end of every partition of the topics."""
    # A producer learns a topic's partitions through the public API; a consumer without
    # subscriptions does not.
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await producer.start()
    await consumer.start()
    try:
        partitions = [
            TopicPartition(name, p)
            for name in topic_names
            for p in sorted(await producer.partitions_for(name))
        ]
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
        await producer.stop()


async def stored_positions(
    db: asyncpg.Pool | asyncpg.Connection, group: str
) -> dict[TopicPartition, int]:
    """The next offset a consumer group applies in each partition it has applied records of
    (its schema's `consumer_offsets`, written with the state they produced)."""
    rows = await db.fetch(
        "SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer = $1", group
    )
    return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def start_group_at(
    conn: asyncpg.Connection, group: str, positions: dict[TopicPartition, int]
) -> None:
    """Store the positions a consumer group that has not run yet starts from (its partitions
    seek there on assignment): at `end_offsets`, it applies only what comes from now on
    instead of every topic from the start. `conn` is in the consumer's schema."""
    await conn.executemany(
        "INSERT INTO consumer_offsets (consumer, topic, partition, next_offset)"
        " VALUES ($1, $2, $3, $4)",
        [(group, tp.topic, tp.partition, offset) for tp, offset in positions.items()],
    )
