"""What the labels service's use cases keep and find, by aggregate: centres (with their
sites and label), versions of the referential, and audits. Each repository works on the unit
of work's connection, so all it writes commits or rolls back with the events of the same
command. The protocols are what a use case may ask; the PostgreSQL classes answer with
`store.py`'s SQL, and the unit tests with dictionaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import asyncpg
from vigie.labels.v1 import labels_pb2 as pb

from services.labels import store


class SiteTaken(Exception):
    """A site id of the centre was registered by another centre meanwhile (the database's
    unique index decides between two registrations at once)."""


class CentreRepository(Protocol):
    async def add(self, centre: pb.Centre, registered_at: datetime) -> bool:
        """False when a centre with this id exists already; SiteTaken when another centre
        holds one of its sites."""
        ...

    async def sites_of_others(self, centre_id: str, site_ids: Sequence[str]) -> set[str]:
        """Which of these site ids another centre already registered."""
        ...

    async def get(self, centre_id: str, *, lock: bool = False) -> pb.Centre | None: ...
    async def list(self, label_status: int, country: str) -> list[pb.Centre]: ...
    async def update_label(self, centre_id: str, label: pb.Label, changed_at: datetime) -> None: ...
    async def due_for_expiry(self, today: date, limit: int) -> list[str]:
        """Granted or suspended labels past their validity, held for this unit of work (a
        replica sweeping at the same time skips them)."""
        ...


class ReferentialRepository(Protocol):
    async def add(self, draft: pb.Referential) -> pb.Referential:
        """The draft published under the next version number."""
        ...

    async def get(self, version: int) -> pb.Referential | None:
        """Version 0 is the latest."""
        ...


class AuditRepository(Protocol):
    async def add(self, audit: pb.Audit) -> None: ...
    async def get(self, audit_id: str) -> pb.Audit | None: ...
    async def list(self, centre_id: str) -> list[pb.Audit]:
        """The centre's audits, in the order audited."""
        ...


@dataclass(frozen=True)
class PostgresCentres:
    conn: asyncpg.Connection

    async def add(self, centre: pb.Centre, registered_at: datetime) -> bool:
        try:
            return await store.insert_centre(self.conn, centre, registered_at)
        except asyncpg.UniqueViolationError:
            raise SiteTaken from None

    async def sites_of_others(self, centre_id: str, site_ids: Sequence[str]) -> set[str]:
        return await store.sites_of_other_centres(self.conn, centre_id, list(site_ids))

    async def get(self, centre_id: str, *, lock: bool = False) -> pb.Centre | None:
        return await store.get_centre(self.conn, centre_id, lock=lock)

    async def list(self, label_status: int, country: str) -> list[pb.Centre]:
        return await store.list_centres(self.conn, label_status, country)

    async def update_label(self, centre_id: str, label: pb.Label, changed_at: datetime) -> None:
        await store.update_label(self.conn, centre_id, label, changed_at)

    async def due_for_expiry(self, today: date, limit: int) -> list[str]:
        return await store.centres_due_for_expiry(self.conn, today, limit)


@dataclass(frozen=True)
class PostgresReferentials:
    conn: asyncpg.Connection

    async def add(self, draft: pb.Referential) -> pb.Referential:
        return await store.insert_referential(self.conn, draft)

    async def get(self, version: int) -> pb.Referential | None:
        return await store.get_referential(self.conn, version)


@dataclass(frozen=True)
class PostgresAudits:
    conn: asyncpg.Connection

    async def add(self, audit: pb.Audit) -> None:
        await store.insert_audit(self.conn, audit)

    async def get(self, audit_id: str) -> pb.Audit | None:
        return await store.get_audit(self.conn, audit_id)

    async def list(self, centre_id: str) -> list[pb.Audit]:
        return await store.list_audits(self.conn, centre_id)
