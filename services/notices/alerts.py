"""The centres' alert streams. Alerts live in PostgreSQL, numbered per centre; a
subscription replays what follows its cursor, then waits for PostgreSQL to say (NOTIFY at
commit) that its centre has new ones. Any replica serves any subscription, and each alert
reaches each subscription once, whichever replica raised it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

import asyncpg
from vigie.notices.v1 import notices_pb2 as pb

from services.notices import store

log = logging.getLogger(__name__)
# Alerts read per query while catching up.
PAGE = 500
# A subscription looks again this often even without a notification (a lost listener
# connection costs at most this much latency, never an alert).
POLL_SECONDS = 5.0


class AlertHub:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    async def run(self) -> None:
        """Listen for new alerts until cancelled, on one connection for all subscriptions."""
        listener = await self._pool.acquire()
        try:
            await listener.add_listener(store.ALERTS_CHANNEL, self._on_notify)
            await asyncio.Event().wait()
        finally:
            with contextlib.suppress(Exception):
                await listener.remove_listener(store.ALERTS_CHANNEL, self._on_notify)
            await self._pool.release(listener)

    def _on_notify(self, _conn, _pid, _channel, centre_id: str) -> None:
        for event in self._waiters.get(centre_id, ()):
            event.set()

    async def subscribe(self, centre_id: str, after: int | None) -> AsyncIterator[pb.Alert]:
        """Every alert of the centre after `after` (its acknowledged cursor when None), in
        order, then each new one as it commits."""
        wake = asyncio.Event()
        self._waiters[centre_id].add(wake)
        try:
            cursor = after
            if cursor is None:
                async with self._pool.acquire() as conn:
                    cursor = await store.acknowledged_cursor(conn, centre_id)
            while True:
                wake.clear()  # before reading: a commit meanwhile wakes the next round
                async with self._pool.acquire() as conn:
                    page = await store.alerts_after(conn, centre_id, cursor, PAGE)
                for alert in page:
                    yield alert
                    cursor = alert.cursor
                if len(page) < PAGE:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), POLL_SECONDS)
        finally:
            self._waiters[centre_id].discard(wake)
            if not self._waiters[centre_id]:
                del self._waiters[centre_id]
