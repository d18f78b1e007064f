"""What the compliance monitor keeps and finds: the findings with their history, and the
ordering parties' weekly scorecards. Each repository works on the unit of work's connection,
so all it writes commits or rolls back with the events of the same command (or with the
consumer's offsets, when the findings topic is applied). The protocols are what a use case may
ask; the PostgreSQL classes answer with `store.py`'s SQL, and the unit tests with
dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb

from services.compliance.monitor import store
from services.compliance.monitor.store import Held

Week = tuple[int, int]


class FindingRepository(Protocol):
    async def next_seq(self) -> int:
        """The next position in the findings' one sequence: drawn first by every change."""
        ...

    async def held(self, finding_id: str) -> Held | None:
        """The finding, locked until the unit of work ends."""
        ...

    async def insert(
        self,
        finding: pb.Finding,
        seq: int,
        recorded_at: datetime,
        centre_ids: list[str],
        concerns_from: datetime,
    ) -> bool:
        """Keep a finding the first time its id is seen (OPEN, revision 1); False for a
        repeat."""
        ...

    async def update(
        self, finding: pb.Finding, seq: int, centre_ids: list[str], checks_revision: int
    ) -> None: ...
    async def add_transition(
        self, transition: pb.FindingTransition, revision: int, recorded_at: datetime, event_id: str
    ) -> bool:
        """One row of history; False when the event that carries it was applied."""
        ...

    async def transition_applied(self, event_id: str) -> bool: ...
    async def get(self, finding_id: str) -> pb.Finding | None: ...
    async def history(self, finding: pb.Finding) -> list[pb.FindingTransition]: ...
    async def after(
        self,
        seq: int,
        limit: int,
        filters: dict,
        newest_first: bool = False,
        by_change: bool = False,
    ) -> list[tuple[int, pb.Finding]]:
        """Past `seq` in the order first recorded, or (`by_change`) of the latest change."""
        ...

    async def without_centres(self, limit: int) -> list[pb.Finding]: ...
    async def fill_in(self, finding: pb.Finding, centre_ids: list[str]) -> None: ...
    async def open_at(
        self, party: str, instants: list[datetime]
    ) -> dict[datetime, list[tuple[int, int]]]:
        """For each instant, (type, count) of the party's findings standing then."""
        ...


class ScorecardRepository(Protocol):
    async def save(self, card: pb.Scorecard, week: Week) -> None: ...
    async def between(self, party: str, first: Week, last: Week) -> dict[Week, pb.Scorecard]: ...


@dataclass(frozen=True)
class PostgresFindings:
    conn: asyncpg.Connection

    async def next_seq(self) -> int:
        return await store.next_seq(self.conn)

    async def held(self, finding_id: str) -> Held | None:
        return await store.held(self.conn, finding_id)

    async def insert(
        self,
        finding: pb.Finding,
        seq: int,
        recorded_at: datetime,
        centre_ids: list[str],
        concerns_from: datetime,
    ) -> bool:
        return await store.insert(self.conn, finding, seq, recorded_at, centre_ids, concerns_from)

    async def update(
        self, finding: pb.Finding, seq: int, centre_ids: list[str], checks_revision: int
    ) -> None:
        await store.update(self.conn, finding, seq, centre_ids, checks_revision)

    async def add_transition(
        self, transition: pb.FindingTransition, revision: int, recorded_at: datetime, event_id: str
    ) -> bool:
        return await store.add_transition(self.conn, transition, revision, recorded_at, event_id)

    async def transition_applied(self, event_id: str) -> bool:
        return await store.transition_applied(self.conn, event_id)

    async def get(self, finding_id: str) -> pb.Finding | None:
        return await store.finding(self.conn, finding_id)

    async def history(self, finding: pb.Finding) -> list[pb.FindingTransition]:
        return await store.history(self.conn, finding)

    async def after(
        self,
        seq: int,
        limit: int,
        filters: dict,
        newest_first: bool = False,
        by_change: bool = False,
    ) -> list[tuple[int, pb.Finding]]:
        return await store.findings_after(self.conn, seq, limit, filters, newest_first, by_change)

    async def without_centres(self, limit: int) -> list[pb.Finding]:
        return await store.without_centres(self.conn, limit)

    async def fill_in(self, finding: pb.Finding, centre_ids: list[str]) -> None:
        await store.fill_in(self.conn, finding, centre_ids)

    async def open_at(
        self, party: str, instants: list[datetime]
    ) -> dict[datetime, list[tuple[int, int]]]:
        return await store.open_findings(self.conn, party, instants)


@dataclass(frozen=True)
class PostgresScorecards:
    conn: asyncpg.Connection

    async def save(self, card: pb.Scorecard, week: Week) -> None:
        await store.save_scorecard(self.conn, card, *week)

    async def between(self, party: str, first: Week, last: Week) -> dict[Week, pb.Scorecard]:
        return await store.scorecards(self.conn, party, first, last)
