"""The contracts service's unit of work: the repositories of one command, bound to one
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
from services.contracts.repositories import (
    CentreRepository,
    ContractRepository,
    PolicyRepository,
    PostgresCentres,
    PostgresContracts,
    PostgresPolicies,
    PostgresRelationships,
    PostgresTenders,
    PostgresVolumes,
    RelationshipRepository,
    TenderRepository,
    VolumeRepository,
)

SCHEMA = PRODUCER = "contracts"


class ContractsUnitOfWork(Protocol):
    tenders: TenderRepository
    contracts: ContractRepository
    centres: CentreRepository
    relationships: RelationshipRepository
    volumes: VolumeRepository
    policies: PolicyRepository

    def emit(self, topic: str, key: str, payload: Message) -> Event:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        ...


UnitsOfWork = common_uow.Units[ContractsUnitOfWork]


@dataclass
class PostgresWork(common_uow.Repositories):
    producer = PRODUCER

    def __post_init__(self) -> None:
        self.tenders = PostgresTenders(self.conn)
        self.contracts = PostgresContracts(self.conn)
        self.centres = PostgresCentres(self.conn)
        self.relationships = PostgresRelationships(self.conn)
        self.volumes = PostgresVolumes(self.conn)
        self.policies = PostgresPolicies(self.conn)


class PostgresUnitsOfWork(common_uow.PostgresUnits[PostgresWork]):
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the contracts service's repositories on its connection."""

    schema = SCHEMA
    repositories = PostgresWork
