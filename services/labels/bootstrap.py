"""The one place the labels service's use cases meet their adapters: given a factory of
units of work (PostgreSQL in `main.py`, in-memory in the unit tests), the use cases the gRPC
layer and the expiry sweep call."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock, utc_now
from services.labels.audits import Audits
from services.labels.centres import Centres
from services.labels.labels import Labels
from services.labels.unit_of_work import UnitsOfWork
from services.rules import label_lifecycle as lifecycle


@dataclass(frozen=True)
class UseCases:
    centres: Centres
    audits: Audits
    labels: Labels


def bootstrap(
    uows: UnitsOfWork,
    *,
    policy: lifecycle.Policy | None = None,
    now: Clock = utc_now,
) -> UseCases:
    return UseCases(
        centres=Centres(uows, now),
        audits=Audits(uows, now),
        labels=Labels(uows, policy or lifecycle.Policy(), now),
    )
