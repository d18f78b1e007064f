"""The one place the contracts service's use cases meet their adapters: given a factory of
units of work (PostgreSQL in `main.py`, in-memory in the unit tests), the use cases the gRPC
layer calls."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock, utc_now
from services.contracts.contracts import Contracts
from services.contracts.relationships import Relationships
from services.contracts.tenders import Tenders
from services.contracts.unit_of_work import UnitsOfWork
from services.contracts.volumes import VolumeReports


@dataclass(frozen=True)
class UseCases:
    tenders: Tenders
    contracts: Contracts
    volumes: VolumeReports
    relationships: Relationships


def bootstrap(
    uows: UnitsOfWork,
    *,
    now: Clock = utc_now,
) -> UseCases:
    return UseCases(
        tenders=Tenders(uows, now),
        contracts=Contracts(uows, now),
        volumes=VolumeReports(uows, now),
        relationships=Relationships(uows, now),
    )
