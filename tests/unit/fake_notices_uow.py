"""An in-memory unit of work for the notices service's use cases: dictionaries for the
repositories, the events each unit raised, and whether it committed or rolled back. A unit
that raises leaves the data as it found it and emits nothing, as the PostgreSQL one does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as pb

from services.rules.policy import PolicyBook
from tests.unit import fake_uow
from tests.unit.fake_uow import copied


@dataclass
class Data:
    contracts: dict[str, cpb.Contract] = field(default_factory=dict)
    # (party, centre) -> (since, declared_at)
    relationships: dict[tuple[str, str], tuple[date, datetime]] = field(default_factory=dict)
    notices: dict[str, pb.Notice] = field(default_factory=dict)
    alerts: list[pb.Alert] = field(default_factory=list)
    # centre -> [last cursor, acknowledged cursor]
    cursors: dict[str, list[int]] = field(default_factory=dict)
    finding_alerts: set[tuple[str, str]] = field(default_factory=set)
    policies: PolicyBook = field(default_factory=PolicyBook)


@dataclass(frozen=True)
class FakeContracts:
    data: Data

    async def upsert(self, contract: cpb.Contract) -> None:
        kept = self.data.contracts.get(contract.contract_id)
        if kept is None or kept.version <= contract.version:
            self.data.contracts[contract.contract_id] = copied(contract)

    async def get(self, contract_id: str) -> cpb.Contract | None:
        found = self.data.contracts.get(contract_id)
        return None if found is None else copied(found)

    async def between(self, ordering_party_id: str, centre_id: str) -> list[cpb.Contract]:
        return [
            copied(c)
            for c in self.data.contracts.values()
            if (c.ordering_party_id, c.centre_id) == (ordering_party_id, centre_id)
        ]


@dataclass(frozen=True)
class FakeRelationships:
    data: Data

    async def declare(self, party: str, centre: str, since: date, declared_at: datetime) -> None:
        kept = self.data.relationships.get((party, centre))
        if kept is None or kept[1] <= declared_at:
            self.data.relationships[party, centre] = (since, declared_at)

    async def declared_since(self, party: str, centre: str) -> date | None:
        kept = self.data.relationships.get((party, centre))
        return None if kept is None else kept[0]


@dataclass(frozen=True)
class FakeNotices:
    data: Data

    async def add(self, notice: pb.Notice) -> None:
        assert notice.notice_id not in self.data.notices
        self.data.notices[notice.notice_id] = copied(notice)

    async def save(self, notice: pb.Notice) -> None:
        assert notice.notice_id in self.data.notices
        self.data.notices[notice.notice_id] = copied(notice)

    async def get(self, notice_id: str, *, lock: bool = False) -> pb.Notice | None:
        found = self.data.notices.get(notice_id)
        return None if found is None else copied(found)

    async def list(
        self,
        *,
        ordering_party_id: str | None,
        centre_id: str | None,
        contract_id: str | None,
        breaches_only: bool,
    ) -> list[pb.Notice]:
        shown = [
            n
            for n in self.data.notices.values()
            if ordering_party_id in (None, n.ordering_party_id)
            and centre_id in (None, n.centre_id)
            and contract_id in (None, n.contract_id)
            and not (breaches_only and n.verdict.complies)
        ]
        shown.sort(key=lambda n: (n.issued_at.ToDatetime(), n.notice_id))
        return [copied(n) for n in shown]


@dataclass(frozen=True)
class FakeAlerts:
    data: Data

    async def add(self, alert: pb.Alert) -> pb.Alert:
        cursors = self.data.cursors.setdefault(alert.centre_id, [0, 0])
        cursors[0] += 1
        alert.cursor = cursors[0]
        self.data.alerts.append(copied(alert))
        return alert

    async def after(self, centre_id: str, cursor: int, limit: int) -> list[pb.Alert]:
        found = [a for a in self.data.alerts if a.centre_id == centre_id and a.cursor > cursor]
        return [copied(a) for a in found[:limit]]

    async def acknowledged_cursor(self, centre_id: str) -> int:
        return self.data.cursors.get(centre_id, [0, 0])[1]

    async def acknowledge(self, centre_id: str, up_to: int) -> int:
        cursors = self.data.cursors.get(centre_id)
        if cursors is None:
            return 0
        cursors[1] = max(cursors[1], min(up_to, cursors[0]))
        return cursors[1]

    async def first_finding_alert(self, finding_id: str, centre_id: str) -> bool:
        if (finding_id, centre_id) in self.data.finding_alerts:
            return False
        self.data.finding_alerts.add((finding_id, centre_id))
        return True


@dataclass(frozen=True)
class FakePolicies:
    data: Data

    async def book(self) -> PolicyBook:
        return self.data.policies


class FakeWork(fake_uow.FakeWork):
    def __init__(self, data: Data, *, reading: bool) -> None:
        super().__init__(reading=reading)
        self.contracts = FakeContracts(data)
        self.relationships = FakeRelationships(data)
        self.notices = FakeNotices(data)
        self.alerts = FakeAlerts(data)
        self.policies = FakePolicies(data)


@dataclass
class FakeUnitsOfWork(fake_uow.FakeUnits):
    data: Data = field(default_factory=Data)

    def work(self, *, reading: bool) -> FakeWork:
        return FakeWork(self.data, reading=reading)
