"""The one place the notices service's use cases meet their adapters: given a factory of
units of work (PostgreSQL in `main.py`, in-memory in the unit tests), the use cases the gRPC
layer calls."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock, utc_now
from services.notices.alerts import Alerts
from services.notices.notices import Notices
from services.notices.preview import Previews
from services.notices.unit_of_work import UnitsOfWork


@dataclass(frozen=True)
class UseCases:
    notices: Notices
    previews: Previews
    alerts: Alerts


def bootstrap(uows: UnitsOfWork, *, now: Clock = utc_now) -> UseCases:
    return UseCases(
        notices=Notices(uows, now),
        previews=Previews(uows, now),
        alerts=Alerts(uows, now),
    )
