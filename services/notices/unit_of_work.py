"""The notices service's unit of work: the repositories of one command, bound to one
transaction, and the events that command raises. It commits on a clean exit and rolls back
state and events together when the command raises.

Use cases receive a `UnitsOfWork` factory (`bootstrap.py` wires the PostgreSQL one); the
unit tests give them an in-memory one, so no use case needs a database to be tested. The
projections run in the shared consumer's unit of work (`services/common/uow.py`, with the
consumer's offsets): `PostgresWork.within` gives them the same repositories on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import asyncpg
from google.protobuf.message import Message

from services.common import uow as common_uow
from services.common.envelope import wrap
from services.notices.repositories import (
    AlertRepository,
    ContractRepository,
    NoticeRepository,
    PolicyRepository,
    PostgresAlerts,
    PostgresContracts,
    PostgresNotices,
    PostgresPolicies,
    PostgresRelationships,
    RelationshipRepository,
)

SCHEMA = PRODUCER = "notices"


class NoticesUnitOfWork(Protocol):
    contracts: ContractRepository
    relationships: RelationshipRepository
    notices: NoticeRepository
    alerts: AlertRepository
    policies: PolicyRepository

    def emit(self, topic: str, key: str, payload: Message) -> None:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        ...


class UnitsOfWork(Protocol):
    def __call__(self) -> AbstractAsyncContextManager[NoticesUnitOfWork]:
        """A command's unit of work: one transaction, with its events."""
        ...

    def reading(self) -> AbstractAsyncContextManager[NoticesUnitOfWork]:
        """A query's: the same repositories, no transaction, and no event to raise."""
        ...


@dataclass
class PostgresWork:
    conn: asyncpg.Connection
    work: common_uow.UnitOfWork | None

    def __post_init__(self) -> None:
        self.contracts = PostgresContracts(self.conn)
        self.relationships = PostgresRelationships(self.conn)
        self.notices = PostgresNotices(self.conn)
        self.alerts = PostgresAlerts(self.conn)
        self.policies = PostgresPolicies(self.conn)

    @classmethod
    def within(cls, work: common_uow.UnitOfWork) -> PostgresWork:
        """The repositories on a unit of work begun elsewhere (the shared consumer's)."""
        return cls(work.conn, work)

    def emit(self, topic: str, key: str, payload: Message) -> None:
        if self.work is None:
            raise RuntimeError("a query raises no event")
        self.work.emit(wrap(topic, payload, aggregate_id=key, producer=PRODUCER))


@dataclass(frozen=True)
class PostgresUnitsOfWork:
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the notices service's repositories on its connection."""

    pool: asyncpg.Pool

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[NoticesUnitOfWork]:
        async with common_uow.unit_of_work(self.pool, SCHEMA) as work:
            yield PostgresWork.within(work)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[NoticesUnitOfWork]:
        async with self.pool.acquire() as conn:
            yield PostgresWork(conn, None)
