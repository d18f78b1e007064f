"""The unit of work: one PostgreSQL transaction that owns both the state change and the
events it raises. Events go to the outbox inside the transaction, so they are published if
and only if the change committed."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from services.common.db import outbox_channel
from services.common.envelope import Event

Job = Callable[[], Awaitable[None]]


@dataclass
class UnitOfWork:
    conn: asyncpg.Connection
    events: list[Event] = field(default_factory=list)
    # Work that only the transaction's final state matters for (a projection of it), run
    # once per key just before the commit, in the order first deferred.
    deferred: dict[Hashable, Job] = field(default_factory=dict)
    # What handlers keep for the length of the transaction (writes they batch, say).
    state: dict[Hashable, Any] = field(default_factory=dict)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def defer(self, key: Hashable, job: Job) -> None:
        """Run `job` before the commit; a job deferred again under the same key runs once."""
        self.deferred.setdefault(key, job)


@asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool, schema: str) -> AsyncIterator[UnitOfWork]:
    """`async with unit_of_work(pool, schema) as uow:` — commits on a clean exit, rolls back
    (state and events together) when the block raises."""
    async with pool.acquire() as conn, conn.transaction():
        uow = UnitOfWork(conn)
        yield uow
        for job in uow.deferred.values():
            await job()
        if uow.events:
            # An event id already in the outbox is the same event: written once.
            await conn.executemany(
                "INSERT INTO outbox"
                " (event_id, event_type, topic, key, value, headers, record_headers)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING",
                [
                    (
                        e.event_id,
                        e.event_type,
                        e.topic,
                        e.key,
                        e.value,
                        json.dumps(e.headers),
                        json.dumps(_encoded(e.record_headers)),
                    )
                    for e in uow.events
                ],
            )
            # Delivered at commit only; wakes the relay without waiting for its next poll.
            await conn.execute("SELECT pg_notify($1, '')", outbox_channel(schema))


def _encoded(headers: list[tuple[str, bytes]]) -> list[list[str]]:
    return [[name, base64.b64encode(value).decode()] for name, value in headers]
