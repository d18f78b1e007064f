"""An in-memory unit of work for the contracts service's use cases: dictionaries for the
repositories, the events each unit raised, and whether it committed or rolled back. A unit
that raises leaves the data as it found it and emits nothing, as the PostgreSQL one does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.rules.policy import PolicyBook
from tests.unit import fake_uow
from tests.unit.fake_uow import copied

FIGURES = ("interval_minutes", "offered", "handled", "forecast", "handled_seconds")


@dataclass
class Data:
    tenders: dict[str, pb.Tender] = field(default_factory=dict)
    bids: list[pb.Bid] = field(default_factory=list)
    contracts: dict[str, pb.Contract] = field(default_factory=dict)
    versions: list[pb.Contract] = field(default_factory=list)
    centres: dict[str, labels_pb2.Centre] = field(default_factory=dict)
    relationships: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    volumes: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    policies: PolicyBook = field(default_factory=PolicyBook)


@dataclass(frozen=True)
class FakeTenders:
    data: Data

    async def add(self, tender: pb.Tender) -> None:
        assert tender.tender_id not in self.data.tenders
        self.data.tenders[tender.tender_id] = copied(tender)

    async def save(self, tender: pb.Tender) -> None:
        assert tender.tender_id in self.data.tenders
        self.data.tenders[tender.tender_id] = copied(tender)

    async def get(self, tender_id: str, *, lock: bool = False) -> pb.Tender | None:
        found = self.data.tenders.get(tender_id)
        return None if found is None else copied(found)

    async def list(
        self,
        *,
        ordering_party_id: str | None,
        open_or_bid_by: str | None,
        status: int,
        activity_type: int,
    ) -> list[pb.Tender]:
        def shown(t: pb.Tender) -> bool:
            return (
                (ordering_party_id is None or t.ordering_party_id == ordering_party_id)
                and (
                    open_or_bid_by is None
                    or t.status == pb.TENDER_STATUS_OPEN
                    or any(
                        b.tender_id == t.tender_id and b.centre_id == open_or_bid_by
                        for b in self.data.bids
                    )
                )
                and status in (0, t.status)
                and activity_type in (0, t.terms.activity_type)
            )

        return [copied(t) for t in self.data.tenders.values() if shown(t)]

    async def add_bid(self, bid: pb.Bid) -> bool:
        if await self.has_bid(bid.tender_id, bid.centre_id):
            return False
        self.data.bids.append(copied(bid))
        return True

    async def bids(self, tender_id: str, centre_id: str | None = None) -> list[pb.Bid]:
        return [
            copied(b)
            for b in self.data.bids
            if b.tender_id == tender_id and centre_id in (None, b.centre_id)
        ]

    async def has_bid(self, tender_id: str, centre_id: str) -> bool:
        return any(b.tender_id == tender_id and b.centre_id == centre_id for b in self.data.bids)


@dataclass(frozen=True)
class FakeContracts:
    data: Data

    async def add(self, contract: pb.Contract) -> None:
        assert contract.contract_id not in self.data.contracts
        self.data.contracts[contract.contract_id] = copied(contract)

    async def save(self, contract: pb.Contract) -> None:
        assert contract.contract_id in self.data.contracts
        self.data.contracts[contract.contract_id] = copied(contract)

    async def add_version(self, contract: pb.Contract) -> None:
        self.data.versions.append(copied(contract))

    async def get(
        self, contract_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, pb.Contract]:
        return {c: copied(self.data.contracts[c]) for c in contract_ids if c in self.data.contracts}

    async def list(
        self, *, ordering_party_id: str | None, centre_id: str | None, status: int
    ) -> list[pb.Contract]:
        return [
            copied(c)
            for c in self.data.contracts.values()
            if ordering_party_id in (None, c.ordering_party_id)
            and centre_id in (None, c.centre_id)
            and status in (0, c.status)
        ]


@dataclass(frozen=True)
class FakeCentres:
    data: Data

    async def get(self, centre_ids: Sequence[str]) -> dict[str, labels_pb2.Centre]:
        return {c: copied(self.data.centres[c]) for c in centre_ids if c in self.data.centres}


@dataclass(frozen=True)
class FakeRelationships:
    data: Data

    async def declare(
        self, party: str, centre: str, since: date, evidence: str, declared_by: str, at: datetime
    ) -> None:
        self.data.relationships[party, centre] = {
            "since": since,
            "evidence": evidence,
            "declared_by": declared_by,
        }

    async def declared(self, party: str, centre: str) -> Mapping[str, Any] | None:
        return self.data.relationships.get((party, centre))


@dataclass(frozen=True)
class FakeVolumes:
    data: Data

    async def upsert(self, rows: list[tuple]) -> tuple[list[Mapping], dict[tuple, Mapping]]:
        changed, previous = [], {}
        for contract_id, site_id, start, *figures in rows:
            key = (contract_id, site_id, start)
            row = dict(contract_id=contract_id, site_id=site_id, interval_start=start)
            row.update(zip(FIGURES, figures, strict=True))
            before = self.data.volumes.get(key)
            if before is not None and all(before[f] == row[f] for f in FIGURES):
                continue
            if before is not None:
                previous[key] = dict(before)
            self.data.volumes[key] = row
            changed.append({"inserted": before is None, **row})
        return changed, previous


@dataclass(frozen=True)
class FakePolicies:
    data: Data

    async def book(self) -> PolicyBook:
        return self.data.policies


class FakeWork(fake_uow.FakeWork):
    def __init__(self, data: Data, *, reading: bool) -> None:
        super().__init__(reading=reading)
        self.tenders = FakeTenders(data)
        self.contracts = FakeContracts(data)
        self.centres = FakeCentres(data)
        self.relationships = FakeRelationships(data)
        self.volumes = FakeVolumes(data)
        self.policies = FakePolicies(data)


@dataclass
class FakeUnitsOfWork(fake_uow.FakeUnits):
    data: Data = field(default_factory=Data)

    def work(self, *, reading: bool) -> FakeWork:
        return FakeWork(self.data, reading=reading)
