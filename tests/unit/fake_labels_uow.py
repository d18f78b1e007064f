"""An in-memory unit of work for the labels service's use cases: dictionaries for the
repositories, the events each unit raised, and whether it committed or rolled back. A unit
that raises leaves the data as it found it and emits nothing, as the PostgreSQL one does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from vigie.labels.v1 import labels_pb2 as pb

from services.common.protos import optional_date, to_date
from services.labels.repositories import SiteTaken
from tests.unit import fake_uow
from tests.unit.fake_uow import copied

EXPIRING = (pb.LABEL_STATUS_GRANTED, pb.LABEL_STATUS_SUSPENDED)


@dataclass
class Data:
    centres: dict[str, pb.Centre] = field(default_factory=dict)
    referentials: list[pb.Referential] = field(default_factory=list)
    audits: dict[str, pb.Audit] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeCentres:
    data: Data

    async def add(self, centre: pb.Centre, registered_at: datetime) -> bool:
        if centre.centre_id in self.data.centres:
            return False
        # The unique index on site ids, whatever the use case checked before.
        if _taken(self.data, centre.centre_id, [s.site_id for s in centre.sites]):
            raise SiteTaken
        self.data.centres[centre.centre_id] = copied(centre)
        return True

    async def sites_of_others(self, centre_id: str, site_ids: Sequence[str]) -> set[str]:
        return _taken(self.data, centre_id, site_ids)

    async def get(self, centre_id: str, *, lock: bool = False) -> pb.Centre | None:
        found = self.data.centres.get(centre_id)
        return None if found is None else copied(found)

    async def list(self, label_status: int, country: str) -> list[pb.Centre]:
        return [
            copied(c)
            for _, c in sorted(self.data.centres.items())
            if label_status in (0, c.label.status)
            and (not country or any(s.country == country for s in c.sites))
        ]

    async def update_label(self, centre_id: str, label: pb.Label, changed_at: datetime) -> None:
        self.data.centres[centre_id].label.CopyFrom(label)

    async def due_for_expiry(self, today: date, limit: int) -> list[str]:
        due = [
            c
            for c in self.data.centres.values()
            if c.label.status in EXPIRING
            and (optional_date(c.label, "valid_until") or today) < today
        ]
        due.sort(key=lambda c: to_date(c.label.valid_until))
        return [c.centre_id for c in due[:limit]]


def _taken(data: Data, centre_id: str, site_ids: Sequence[str]) -> set[str]:
    return {
        s.site_id
        for c in data.centres.values()
        if c.centre_id != centre_id
        for s in c.sites
        if s.site_id in site_ids
    }


@dataclass(frozen=True)
class FakeReferentials:
    data: Data

    async def add(self, draft: pb.Referential) -> pb.Referential:
        published = copied(draft)
        published.version = len(self.data.referentials) + 1
        self.data.referentials.append(copied(published))
        return published

    async def get(self, version: int) -> pb.Referential | None:
        if not self.data.referentials:
            return None
        if version == 0:
            return copied(self.data.referentials[-1])
        found = [r for r in self.data.referentials if r.version == version]
        return copied(found[0]) if found else None


@dataclass(frozen=True)
class FakeAudits:
    data: Data

    async def add(self, audit: pb.Audit) -> None:
        assert audit.audit_id not in self.data.audits
        self.data.audits[audit.audit_id] = copied(audit)

    async def get(self, audit_id: str) -> pb.Audit | None:
        found = self.data.audits.get(audit_id)
        return None if found is None else copied(found)

    async def list(self, centre_id: str) -> list[pb.Audit]:
        found = [a for a in self.data.audits.values() if a.centre_id == centre_id]
        found.sort(key=lambda a: (to_date(a.audited_on), a.recorded_at.ToDatetime()))
        return [copied(a) for a in found]


class FakeWork(fake_uow.FakeWork):
    def __init__(self, data: Data, *, reading: bool) -> None:
        super().__init__(reading=reading)
        self.centres = FakeCentres(data)
        self.referentials = FakeReferentials(data)
        self.audits = FakeAudits(data)


@dataclass
class FakeUnitsOfWork(fake_uow.FakeUnits):
    data: Data = field(default_factory=Data)

    def work(self, *, reading: bool) -> FakeWork:
        return FakeWork(self.data, reading=reading)
