"""The compliance monitor's unit of work: the repositories of one command, bound to one
transaction, and the events that command raises. It commits on a clean exit and rolls back
state and events together when the command raises.

The use cases receive a `UnitsOfWork` factory (`main.py` wires the PostgreSQL one); the unit
tests give them an in-memory one, so no use case needs a database to be tested. The findings
topic is applied in the shared consumer's unit of work (`services/common/uow.py`, with the
consumer's offsets): `PostgresWork.within` gives it the same repositories on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from google.protobuf.message import Message

from services.common import uow as common_uow
from services.common.envelope import Event
from services.compliance import SCHEMA
from services.compliance.monitor.repositories import (
    FindingRepository,
    PostgresFindings,
    PostgresScorecards,
    ScorecardRepository,
)

# The findings people move here are the monitor's events: the compliance schema's producer.
PRODUCER = SCHEMA


class MonitorUnitOfWork(Protocol):
    findings: FindingRepository
    scorecards: ScorecardRepository

    def emit(self, topic: str, key: str, payload: Message) -> Event:
        """Raise an event keyed by its aggregate: published if and only if the work commits."""
        ...


UnitsOfWork = common_uow.Units[MonitorUnitOfWork]


@dataclass
class PostgresWork(common_uow.Repositories):
    producer = PRODUCER

    def __post_init__(self) -> None:
        self.findings = PostgresFindings(self.conn)
        self.scorecards = PostgresScorecards(self.conn)


class PostgresUnitsOfWork(common_uow.PostgresUnits[PostgresWork]):
    """`services/common/uow.py`'s transaction (state, outbox events and their notification
    together), with the monitor's repositories on its connection."""

    schema = SCHEMA
    repositories = PostgresWork
