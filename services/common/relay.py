"""The outbox relay: publishes committed events from a service's outbox to Kafka, in outbox
order, with an idempotent producer; marks them published only once Kafka acknowledged them.

- Survives a Kafka outage: a failed batch rolls back and is retried with backoff; events
  wait in PostgreSQL meanwhile, and the services keep accepting writes.
- Several replicas may run: a transaction-scoped advisory lock lets one relay per schema
  publish at a time, which keeps the order per key.
- Delivery is at least once (a crash between Kafka's ack and the commit republishes a
  batch); consumers deduplicate on the event id."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import zlib
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import context, metrics, propagate

from services.common.db import outbox_channel
from services.common.envelope import kafka_headers

log = logging.getLogger(__name__)
_meter = metrics.get_meter("vigie.outbox")
_published = _meter.create_counter("vigie.outbox.published", unit="{event}")
_failures = _meter.create_counter("vigie.outbox.publish_failures", unit="{batch}")

ProducerFactory = Callable[[], Awaitable[AIOKafkaProducer]]


def producer_factory(
    bootstrap: str, client_id: str, request_timeout_ms: int = 10_000
) -> ProducerFactory:
    async def start() -> AIOKafkaProducer:
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            enable_idempotence=True,  # acks=all, no duplicates from the producer's own retries
            linger_ms=5,
            request_timeout_ms=request_timeout_ms,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()  # a producer that could not start still holds a client
            raise
        return producer

    return start


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        schema: str,
        new_producer: ProducerFactory,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        max_backoff: float = 10.0,
    ) -> None:
        self._pool = pool
        self._schema = schema
        self._new_producer = new_producer
        self._producer: AIOKafkaProducer | None = None
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._wake = asyncio.Event()
        # One lock id per schema: relays of different services never wait for each other.
        self._lock_id = zlib.crc32(f"vigie-outbox-{schema}".encode())
        _meter.create_observable_gauge(
            "vigie.outbox.backlog", callbacks=[self._observe_backlog], unit="{event}"
        )
        self._backlog = 0

    async def run(self) -> None:
        """Publish until cancelled; never raises for a Kafka or database outage."""
        listener = await self._listen()
        backoff = 0.5
        try:
            while True:
                # Cleared before publishing: a commit notified meanwhile starts the next
                # round at once instead of waiting for the poll.
                self._wake.clear()
                try:
                    published = await self.publish_once()
                    backoff = 0.5
                except (asyncio.CancelledError, KeyboardInterrupt):
                    raise
                except Exception as exc:  # any outage: retry the same events later
                    _failures.add(1)
                    log.warning("outbox relay: publish failed, retrying in %.1fs: %r", backoff, exc)
                    await self._drop_producer()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                if published < self._batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._poll_interval)
        finally:
            if listener is not None:
                await listener.remove_listener(outbox_channel(self._schema), self._on_notify)
                await self._pool.release(listener)
            await self._drop_producer()

    async def publish_once(self) -> int:
        """Publish one batch; return how many events it held (0 if another relay has the lock)."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", self._lock_id):
                return 0
            rows = await conn.fetch(
                "SELECT id, event_id, event_type, topic, key, value, headers, record_headers"
                " FROM outbox"
                " WHERE published_at IS NULL ORDER BY id LIMIT $1",
                self._batch_size,
            )
            self._backlog = len(rows)
            if not rows:
                return 0
            producer = await self._ensure_producer()
            deliveries = [await self._send(producer, row) for row in rows]
            await asyncio.gather(*deliveries)
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                [row["id"] for row in rows],
            )
        _published.add(len(rows), {"schema": self._schema})
        return len(rows)

    async def drain(self, timeout: float) -> None:
        """On shutdown: publish what is left, for at most `timeout` seconds; what remains
        is published by the next relay to start."""
        try:
            async with asyncio.timeout(timeout):
                while await self.publish_once() == self._batch_size:
                    pass
        except Exception as exc:
            log.warning("outbox relay: events left for the next start: %r", exc)
        finally:
            await self._drop_producer()

    async def _send(self, producer: AIOKafkaProducer, row: asyncpg.Record) -> asyncio.Future:
        trace_headers = json.loads(row["headers"])
        # Publish inside the trace of the call that raised the event.
        token = context.attach(propagate.extract(trace_headers))
        try:
            return await producer.send(
                row["topic"],
                value=bytes(row["value"]),
                key=row["key"].encode(),
                headers=_record_headers(row),
            )
        finally:
            context.detach(token)

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            self._producer = await self._new_producer()
        return self._producer

    async def _drop_producer(self) -> None:
        # A producer that failed mid-outage is replaced, not reused.
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await asyncio.wait_for(producer.stop(), 5)
            except Exception as exc:
                log.debug("outbox relay: producer stop: %r", exc)

    async def _listen(self) -> asyncpg.Connection | None:
        try:
            conn = await self._pool.acquire()
            await conn.add_listener(outbox_channel(self._schema), self._on_notify)
            return conn
        except Exception as exc:  # polling still works without notifications
            log.warning("outbox relay: LISTEN failed, polling only: %r", exc)
            return None

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()

    def _observe_backlog(self, _options: metrics.CallbackOptions):
        yield metrics.Observation(self._backlog, {"schema": self._schema})


def _record_headers(row: asyncpg.Record) -> list[tuple[str, bytes]]:
    own = json.loads(row["record_headers"])
    if own:
        return [(name, base64.b64decode(value)) for name, value in own]
    return kafka_headers(str(row["event_id"]), row["event_type"])
