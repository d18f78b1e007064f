"""The unit of work: one PostgreSQL transaction that owns both the state change and the
events it raises. Events go to the outbox inside the transaction, so they are published if
and only if the change committed.

A service's use cases see it through `Repositories` (its repositories on the transaction's
connection, and `emit`) made by a `PostgresUnits` factory: a command's unit in a
transaction, a query's on a connection with no event to raise."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import asyncpg
from google.protobuf.message import Message

from services.common.db import outbox_channel
from services.common.envelope import Event, wrap

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


@dataclass
class Repositories:
    """A service's repositories on one connection (its subclass adds them in
    `__post_init__`), and the unit of work whose events they raise: None for a query."""

    conn: asyncpg.Connection
    work: UnitOfWork | None
    # The service whose events these are (the envelope's producer).
    producer: ClassVar[str]

    @classmethod
    def within(cls, work: UnitOfWork) -> Self:
        """The repositories on a unit of work begun elsewhere (the shared consumer's)."""
        return cls(work.conn, work)

    def emit(self, topic: str, key: str, payload: Message) -> Event:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        if self.work is None:
            raise RuntimeError("a query raises no event")
        event = wrap(topic, payload, aggregate_id=key, producer=self.producer)
        self.work.emit(event)
        return event


R = TypeVar("R", bound=Repositories)
W = TypeVar("W", covariant=True)


class Units(Protocol[W]):
    """What a service's use cases receive (`Units[ItsUnitOfWork]`): PostgreSQL's in the
    service, an in-memory one in the unit tests."""

    def __call__(self) -> AbstractAsyncContextManager[W]:
        """A command's unit of work: one transaction, with its events."""
        ...

    def reading(self) -> AbstractAsyncContextManager[W]:
        """A query's: the same repositories, no transaction, and no event to raise."""
        ...


class PostgresUnits(Generic[R]):
    """The factory of units of work a service's use cases receive: `unit_of_work` in the
    service's schema with its repositories on the connection."""

    schema: ClassVar[str]
    repositories: ClassVar[type[Repositories]]

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[R]:
        async with unit_of_work(self.pool, self.schema) as work:
            yield self.repositories.within(work)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[R]:
        async with self.pool.acquire() as conn:
            yield self.repositories(conn, None)


def _encoded(headers: list[tuple[str, bytes]]) -> list[list[str]]:
    return [[name, base64.b64encode(value).decode()] for name, value in headers]
