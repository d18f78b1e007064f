"""The labels service's unit of work: the repositories of one command, bound to one
transaction, and the events that command raises. It commits on a clean exit and rolls back
state and events together when the command raises.

Use cases receive a `UnitsOfWork` factory (`bootstrap.py` wires the PostgreSQL one); the
unit tests give them an in-memory one, so no use case needs a database to be tested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from google.protobuf.message import Message

from services.common import uow as common_uow
from services.common.envelope import Event
from services.labels.repositories import (
    AuditRepository,
    CentreRepository,
    PostgresAudits,
    PostgresCentres,
    PostgresReferentials,
    ReferentialRepository,
)

SCHEMA = PRODUCER = "labels"


class LabelsUnitOfWork(Protocol):
    centres: CentreRepository
    referentials: ReferentialRepository
    audits: AuditRepository

    def emit(self, topic: str, key: str, payload: Message) -> Event:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        ...


UnitsOfWork = common_uow.Units[LabelsUnitOfWork]


@dataclass
class PostgresWork(common_uow.Repositories):
    producer = PRODUCER

    def __post_init__(self) -> None:
        self.centres = PostgresCentres(self.conn)
        self.referentials = PostgresReferentials(self.conn)
        self.audits = PostgresAudits(self.conn)


class PostgresUnitsOfWork(common_uow.PostgresUnits[PostgresWork]):
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the labels service's repositories on its connection."""

    schema = SCHEMA
    repositories = PostgresWork
