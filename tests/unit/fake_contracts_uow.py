"""An in-memory unit of work for the contracts service's use cases: dictionaries for the
repositories, the events each unit raised, and whether it committed or rolled back. A unit
that raises leaves the data as it found it and emits nothing, as the PostgreSQL one does."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from google.protobuf.message import Message
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.rules.policy import PolicyBook

FIGURES = ("interval_minutes", "offered", "handled", "forecast", "handled_seconds")


def _copy(message: Any) -> Any:
    """What a round trip through the database gives: a message of its own."""
    return type(message).FromString(message.SerializeToString())


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
class Emitted:
    topic: str
    key: str
    payload: Message


@dataclass(frozen=True)
class FakeTenders:
    data: Data

    async def add(self, tender: pb.Tender) -> None:
        assert tender.tender_id not in self.data.tenders
        self.data.tenders[tender.tender_id] = _copy(tender)

    async def save(self, tender: pb.Tender) -> None:
        assert tender.tender_id in self.data.tenders
        self.data.tenders[tender.tender_id] = _copy(tender)

    async def get(self, tender_id: str, *, lock: bool = False) -> pb.Tender | None:
        found = self.data.tenders.get(tender_id)
        return None if found is None else _copy(found)

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

        return [_copy(t) for t in self.data.tenders.values() if shown(t)]

    async def add_bid(self, bid: pb.Bid) -> bool:
        if await self.has_bid(bid.tender_id, bid.centre_id):
            return False
        self.data.bids.append(_copy(bid))
        return True

    async def bids(self, tender_id: str, centre_id: str | None = None) -> list[pb.Bid]:
        return [
            _copy(b)
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
        self.data.contracts[contract.contract_id] = _copy(contract)

    async def save(self, contract: pb.Contract) -> None:
        assert contract.contract_id in self.data.contracts
        self.data.contracts[contract.contract_id] = _copy(contract)

    async def add_version(self, contract: pb.Contract) -> None:
        self.data.versions.append(_copy(contract))

    async def get(
        self, contract_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, pb.Contract]:
        return {c: _copy(self.data.contracts[c]) for c in contract_ids if c in self.data.contracts}

    async def list(
        self, *, ordering_party_id: str | None, centre_id: str | None, status: int
    ) -> list[pb.Contract]:
        return [
            _copy(c)
            for c in self.data.contracts.values()
            if ordering_party_id in (None, c.ordering_party_id)
            and centre_id in (None, c.centre_id)
            and status in (0, c.status)
        ]


@dataclass(frozen=True)
class FakeCentres:
    data: Data

    async def get(self, centre_ids: Sequence[str]) -> dict[str, labels_pb2.Centre]:
        return {c: _copy(self.data.centres[c]) for c in centre_ids if c in self.data.centres}


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


class FakeWork:
    def __init__(self, data: Data, *, reading: bool) -> None:
        self.tenders = FakeTenders(data)
        self.contracts = FakeContracts(data)
        self.centres = FakeCentres(data)
        self.relationships = FakeRelationships(data)
        self.volumes = FakeVolumes(data)
        self.policies = FakePolicies(data)
        self.reading = reading
        self.events: list[Emitted] = []

    def emit(self, topic: str, key: str, payload: Message) -> None:
        if self.reading:
            raise RuntimeError("a query raises no event")
        self.events.append(Emitted(topic, key, _copy(payload)))


@dataclass
class FakeUnitsOfWork:
    data: Data = field(default_factory=Data)
    emitted: list[Emitted] = field(default_factory=list)
    commits: int = 0
    rollbacks: int = 0
    reads: int = 0

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[FakeWork]:
        before = copy.deepcopy(self.data)
        work = FakeWork(self.data, reading=False)
        try:
            yield work
        except BaseException:
            # State and events go together: as if the transaction had never begun.
            self.data.__dict__.update(before.__dict__)
            self.rollbacks += 1
            raise
        self.emitted.extend(work.events)
        self.commits += 1

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[FakeWork]:
        self.reads += 1
        yield FakeWork(self.data, reading=True)

    def payloads(self, kind: type[Message] | None = None) -> list[Message]:
        return [e.payload for e in self.emitted if kind is None or isinstance(e.payload, kind)]
