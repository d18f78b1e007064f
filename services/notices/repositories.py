"""What the notices service keeps and finds, by aggregate: its projection of the contracts,
the declared starts of relationships, the notices, each centre's alerts, and the committee's
policy book. Each repository works on the unit of work's connection, so all it writes commits
or rolls back with the events of the same command (or with the consumer's offsets, in a
projection). The protocols are what a use case may ask; the PostgreSQL classes answer with
`store.py`'s SQL, and the unit tests with dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import policy as policy_codec
from services.common import policy
from services.notices import store
from services.rules.policy import PolicyBook


class ContractRepository(Protocol):
    async def upsert(self, contract: cpb.Contract) -> None:
        """Keep the latest version; an older one changes nothing."""
        ...

    async def get(self, contract_id: str) -> cpb.Contract | None: ...
    async def between(self, ordering_party_id: str, centre_id: str) -> list[cpb.Contract]:
        """Every contract of the party with the centre, whatever its status."""
        ...


class RelationshipRepository(Protocol):
    async def declare(self, party: str, centre: str, since: date, declared_at: datetime) -> None:
        """Keep the latest declaration; an older one changes nothing."""
        ...

    async def declared_since(self, party: str, centre: str) -> date | None: ...


class NoticeRepository(Protocol):
    async def add(self, notice: pb.Notice) -> None: ...
    async def save(self, notice: pb.Notice) -> None: ...
    async def get(self, notice_id: str, *, lock: bool = False) -> pb.Notice | None: ...
    async def list(
        self,
        *,
        ordering_party_id: str | None,
        centre_id: str | None,
        contract_id: str | None,
        breaches_only: bool,
    ) -> list[pb.Notice]:
        """In the order issued."""
        ...


class AlertRepository(Protocol):
    async def add(self, alert: pb.Alert) -> pb.Alert:
        """The alert numbered in its centre's sequence (its cursor), stored."""
        ...

    async def after(self, centre_id: str, cursor: int, limit: int) -> list[pb.Alert]: ...
    async def acknowledged_cursor(self, centre_id: str) -> int: ...
    async def acknowledge(self, centre_id: str, up_to: int) -> int:
        """The centre's acknowledged cursor: never moves backwards, nor past its last alert."""
        ...

    async def first_finding_alert(self, finding_id: str, centre_id: str) -> bool:
        """True the first time a finding alerts this centre."""
        ...


class PolicyRepository(Protocol):
    async def book(self) -> PolicyBook:
        """Every version of the committee's policy this service has read."""
        ...


@dataclass(frozen=True)
class PostgresContracts:
    conn: asyncpg.Connection

    async def upsert(self, contract: cpb.Contract) -> None:
        await store.upsert_contract(self.conn, contract)

    async def get(self, contract_id: str) -> cpb.Contract | None:
        return await store.get_contract(self.conn, contract_id)

    async def between(self, ordering_party_id: str, centre_id: str) -> list[cpb.Contract]:
        return await store.contracts_between(self.conn, ordering_party_id, centre_id)


@dataclass(frozen=True)
class PostgresRelationships:
    conn: asyncpg.Connection

    async def declare(self, party: str, centre: str, since: date, declared_at: datetime) -> None:
        await store.declare_relationship(self.conn, party, centre, since, declared_at)

    async def declared_since(self, party: str, centre: str) -> date | None:
        return await store.declared_since(self.conn, party, centre)


@dataclass(frozen=True)
class PostgresNotices:
    conn: asyncpg.Connection

    async def add(self, notice: pb.Notice) -> None:
        await store.insert_notice(self.conn, notice)

    async def save(self, notice: pb.Notice) -> None:
        await store.update_notice(self.conn, notice)

    async def get(self, notice_id: str, *, lock: bool = False) -> pb.Notice | None:
        return await store.get_notice(self.conn, notice_id, lock=lock)

    async def list(
        self,
        *,
        ordering_party_id: str | None,
        centre_id: str | None,
        contract_id: str | None,
        breaches_only: bool,
    ) -> list[pb.Notice]:
        return await store.list_notices(
            self.conn,
            ordering_party_id=ordering_party_id,
            centre_id=centre_id,
            contract_id=contract_id,
            breaches_only=breaches_only,
        )


@dataclass(frozen=True)
class PostgresAlerts:
    conn: asyncpg.Connection

    async def add(self, alert: pb.Alert) -> pb.Alert:
        return await store.insert_alert(self.conn, alert)

    async def after(self, centre_id: str, cursor: int, limit: int) -> list[pb.Alert]:
        return await store.alerts_after(self.conn, centre_id, cursor, limit)

    async def acknowledged_cursor(self, centre_id: str) -> int:
        return await store.acknowledged_cursor(self.conn, centre_id)

    async def acknowledge(self, centre_id: str, up_to: int) -> int:
        return await store.acknowledge_alerts(self.conn, centre_id, up_to)

    async def first_finding_alert(self, finding_id: str, centre_id: str) -> bool:
        return await store.first_finding_alert(self.conn, finding_id, centre_id)


@dataclass(frozen=True)
class PostgresPolicies:
    conn: asyncpg.Connection

    async def book(self) -> PolicyBook:
        return policy_codec.book(await policy.stored_versions(self.conn))
