"""The compliance monitor's unit of work: the repositories of one command, bound to one
transaction, and the events that command raises. It commits on a clean exit and rolls back
state and events together when the command raises.

The use cases receive a `UnitsOfWork` factory (`main.py` wires the PostgreSQL one); the unit
tests give them an in-memory one, so no use case needs a database to be tested. The findings
topic is applied in the shared consumer's unit of work (`services/common/uow.py`, with the
consumer's offsets): `PostgresWork.within` gives it the same repositories on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from services.common import uow as common_uow
from services.common.envelope import Event
from services.compliance import SCHEMA
from services.compliance.monitor.repositories import (
    FindingRepository,
    PostgresFindings,
    PostgresScorecards,
    ScorecardRepository,
)


class MonitorUnitOfWork(Protocol):
    findings: FindingRepository
    scorecards: ScorecardRepository

    def emit(self, event: Event) -> None:
        """Raise an event: published if and only if the work commits."""
        ...


class UnitsOfWork(Protocol):
    def __call__(self) -> AbstractAsyncContextManager[MonitorUnitOfWork]:
        """A command's unit of work: one transaction, with its events."""
        ...

    def reading(self) -> AbstractAsyncContextManager[MonitorUnitOfWork]:
        """A query's: the same repositories, no transaction, and no event to raise."""
        ...


@dataclass
class PostgresWork:
    conn: asyncpg.Connection
    work: common_uow.UnitOfWork | None

    def __post_init__(self) -> None:
        self.findings = PostgresFindings(self.conn)
        self.scorecards = PostgresScorecards(self.conn)

    @classmethod
    def within(cls, work: common_uow.UnitOfWork) -> PostgresWork:
        """The repositories on a unit of work begun elsewhere (the shared consumer's)."""
        return cls(work.conn, work)

    def emit(self, event: Event) -> None:
        if self.work is None:
            raise RuntimeError("a query raises no event")
        self.work.emit(event)


@dataclass(frozen=True)
class PostgresUnitsOfWork:
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the monitor's repositories on its connection."""

    pool: asyncpg.Pool

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[MonitorUnitOfWork]:
        async with common_uow.unit_of_work(self.pool, SCHEMA) as work:
            yield PostgresWork.within(work)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[MonitorUnitOfWork]:
        async with self.pool.acquire() as conn:
            yield PostgresWork(conn, None)
