"""The centres' alert streams. Alerts live in PostgreSQL, numbered per centre; a
subscription replays what follows its cursor, then follows new ones as they commit. Any
replica serves any subscription, and each alert reaches each subscription once, whichever
replica raised it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
from vigie.notices.v1 import notices_pb2 as pb

from services.common.live import Notifications
from services.notices import store
from services.notices.unit_of_work import UnitsOfWork


class AlertHub:
    def __init__(self, pool: asyncpg.Pool, uows: UnitsOfWork) -> None:
        # The pool listens for the commits' notifications; the units of work read the alerts.
        self._uows = uows
        self._notifications = Notifications(pool, store.ALERTS_CHANNEL)

    async def run(self) -> None:
        await self._notifications.run()

    async def subscribe(self, centre_id: str, after: int | None) -> AsyncIterator[pb.Alert]:
        """Every alert of the centre after `after` (its acknowledged cursor when None), in
        order, then each new one as it commits."""
        if after is None:
            async with self._uows.reading() as uow:
                after = await uow.alerts.acknowledged_cursor(centre_id)

        async def read_after(cursor: int, limit: int) -> list[pb.Alert]:
            async with self._uows.reading() as uow:
                return await uow.alerts.after(centre_id, cursor, limit)

        async for alert in self._notifications.follow(
            centre_id, after, read_after, lambda a: a.cursor
        ):
            yield alert
