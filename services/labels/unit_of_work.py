"""The labels service's unit of work: the repositories of one command, bound to one
transaction, and the events that command raises. It commits on a clean exit and rolls back
state and events together when the command raises.

Use cases receive a `UnitsOfWork` factory (`bootstrap.py` wires the PostgreSQL one); the
unit tests give them an in-memory one, so no use case needs a database to be tested."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import asyncpg
from google.protobuf.message import Message

from services.common import uow as common_uow
from services.common.envelope import wrap
from services.labels.repositories import (
    AuditRepository,
    CentreRepository,
    PostgresAudits,
    PostgresCentres,
    PostgresReferentials,
    ReferentialRepository,
)

SCHEMA = PRODUCER = "labels"


class LabelsUnitOfWork(Protocol):
    centres: CentreRepository
    referentials: ReferentialRepository
    audits: AuditRepository

    def emit(self, topic: str, key: str, payload: Message) -> None:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        ...


class UnitsOfWork(Protocol):
    def __call__(self) -> AbstractAsyncContextManager[LabelsUnitOfWork]:
        """A command's unit of work: one transaction, with its events."""
        ...

    def reading(self) -> AbstractAsyncContextManager[LabelsUnitOfWork]:
        """A query's: the same repositories, no transaction, and no event to raise."""
        ...


@dataclass
class PostgresWork:
    conn: asyncpg.Connection
    work: common_uow.UnitOfWork | None

    def __post_init__(self) -> None:
        self.centres = PostgresCentres(self.conn)
        self.referentials = PostgresReferentials(self.conn)
        self.audits = PostgresAudits(self.conn)

    def emit(self, topic: str, key: str, payload: Message) -> None:
        if self.work is None:
            raise RuntimeError("a query raises no event")
        self.work.emit(wrap(topic, payload, aggregate_id=key, producer=PRODUCER))


@dataclass(frozen=True)
class PostgresUnitsOfWork:
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the labels service's repositories on its connection."""

    pool: asyncpg.Pool

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[LabelsUnitOfWork]:
        async with common_uow.unit_of_work(self.pool, SCHEMA) as work:
            yield PostgresWork(work.conn, work)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[LabelsUnitOfWork]:
        async with self.pool.acquire() as conn:
            yield PostgresWork(conn, None)
