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


class AlertHub:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._notifications = Notifications(pool, store.ALERTS_CHANNEL)

    async def run(self) -> None:
        await self._notifications.run()

    async def subscribe(self, centre_id: str, after: int | None) -> AsyncIterator[pb.Alert]:
        """Every alert of the centre after `after` (its acknowledged cursor when None), in
        order, then each new one as it commits."""
        if after is None:
            async with self._pool.acquire() as conn:
                after = await store.acknowledged_cursor(conn, centre_id)

        async def read_after(cursor: int, limit: int) -> list[pb.Alert]:
            async with self._pool.acquire() as conn:
                return await store.alerts_after(conn, centre_id, cursor, limit)

        async for alert in self._notifications.follow(
            centre_id, after, read_after, lambda a: a.cursor
        ):
            yield alert
