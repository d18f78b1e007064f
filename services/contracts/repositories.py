"""What the use cases keep and find, by aggregate: tenders (with their bids), contracts
(with their versions), the centres projection, declared relationships and volumes. Each
repository works on the unit of work's connection, so all it writes commits or rolls back
with the events of the same command. The protocols are what a use case may ask; the
PostgreSQL classes answer with `store.py`'s SQL, and the unit tests with dictionaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import asyncpg
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.codecs import policy as policy_codec
from services.common import policy
from services.contracts import store
from services.rules.policy import PolicyBook


class TenderRepository(Protocol):
    async def add(self, tender: pb.Tender) -> None: ...
    async def save(self, tender: pb.Tender) -> None: ...
    async def get(self, tender_id: str, *, lock: bool = False) -> pb.Tender | None: ...
    async def list(
        self,
        *,
        ordering_party_id: str | None,
        open_or_bid_by: str | None,
        status: int,
        activity_type: int,
    ) -> list[pb.Tender]: ...
    async def add_bid(self, bid: pb.Bid) -> bool:
        """False when this centre already bid on this tender."""
        ...

    async def bids(self, tender_id: str, centre_id: str | None = None) -> list[pb.Bid]: ...
    async def has_bid(self, tender_id: str, centre_id: str) -> bool: ...


class ContractRepository(Protocol):
    async def add(self, contract: pb.Contract) -> None: ...
    async def save(self, contract: pb.Contract) -> None: ...
    async def add_version(self, contract: pb.Contract) -> None: ...
    async def get(
        self, contract_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, pb.Contract]: ...
    async def list(
        self, *, ordering_party_id: str | None, centre_id: str | None, status: int
    ) -> list[pb.Contract]: ...


class CentreRepository(Protocol):
    async def get(self, centre_ids: Sequence[str]) -> dict[str, labels_pb2.Centre]: ...


class RelationshipRepository(Protocol):
    async def declare(
        self, party: str, centre: str, since: date, evidence: str, declared_by: str, at: datetime
    ) -> None: ...
    async def declared(self, party: str, centre: str) -> Mapping[str, Any] | None:
        """The declared start: `since`, `evidence` and `declared_by`; None when none is."""
        ...


class PolicyRepository(Protocol):
    async def book(self) -> PolicyBook:
        """Every version of the committee's policy this service has read."""
        ...


class VolumeRepository(Protocol):
    async def upsert(self, rows: list[tuple]) -> tuple[list[Mapping], dict[tuple, Mapping]]:
        """As `store.upsert_volumes`: the rows that changed anything, and those replaced."""
        ...


@dataclass(frozen=True)
class PostgresPolicies:
    conn: asyncpg.Connection

    async def book(self) -> PolicyBook:
        return policy_codec.book(await policy.stored_versions(self.conn))


@dataclass(frozen=True)
class PostgresTenders:
    conn: asyncpg.Connection

    async def add(self, tender: pb.Tender) -> None:
        await store.insert_tender(self.conn, tender)

    async def save(self, tender: pb.Tender) -> None:
        await store.update_tender(self.conn, tender)

    async def get(self, tender_id: str, *, lock: bool = False) -> pb.Tender | None:
        return await store.get_tender(self.conn, tender_id, lock=lock)

    async def list(
        self,
        *,
        ordering_party_id: str | None,
        open_or_bid_by: str | None,
        status: int,
        activity_type: int,
    ) -> list[pb.Tender]:
        return await store.list_tenders(
            self.conn,
            ordering_party_id=ordering_party_id,
            open_or_bid_by=open_or_bid_by,
            status=status,
            activity_type=activity_type,
        )

    async def add_bid(self, bid: pb.Bid) -> bool:
        return await store.insert_bid(self.conn, bid)

    async def bids(self, tender_id: str, centre_id: str | None = None) -> list[pb.Bid]:
        return await store.list_bids(self.conn, tender_id, centre_id)

    async def has_bid(self, tender_id: str, centre_id: str) -> bool:
        return await store.has_bid(self.conn, tender_id, centre_id)


@dataclass(frozen=True)
class PostgresContracts:
    conn: asyncpg.Connection

    async def add(self, contract: pb.Contract) -> None:
        await store.insert_contract(self.conn, contract)

    async def save(self, contract: pb.Contract) -> None:
        await store.update_contract(self.conn, contract)

    async def add_version(self, contract: pb.Contract) -> None:
        await store.insert_contract_version(self.conn, contract)

    async def get(
        self, contract_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, pb.Contract]:
        return await store.get_contracts(self.conn, list(contract_ids), lock=lock)

    async def list(
        self, *, ordering_party_id: str | None, centre_id: str | None, status: int
    ) -> list[pb.Contract]:
        return await store.list_contracts(
            self.conn, ordering_party_id=ordering_party_id, centre_id=centre_id, status=status
        )


@dataclass(frozen=True)
class PostgresCentres:
    conn: asyncpg.Connection

    async def get(self, centre_ids: Sequence[str]) -> dict[str, labels_pb2.Centre]:
        return await store.get_centres(self.conn, list(centre_ids))


@dataclass(frozen=True)
class PostgresRelationships:
    conn: asyncpg.Connection

    async def declare(
        self, party: str, centre: str, since: date, evidence: str, declared_by: str, at: datetime
    ) -> None:
        await store.declare_relationship(self.conn, party, centre, since, evidence, declared_by, at)

    async def declared(self, party: str, centre: str) -> Mapping[str, Any] | None:
        return await store.declared_relationship(self.conn, party, centre)


@dataclass(frozen=True)
class PostgresVolumes:
    conn: asyncpg.Connection

    async def upsert(self, rows: list[tuple]) -> tuple[list[Mapping], dict[tuple, Mapping]]:
        return await store.upsert_volumes(self.conn, rows)
