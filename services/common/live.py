"""Live reads from PostgreSQL: a stream that replays what follows a cursor, then waits for a
NOTIFY (sent at commit) to read again. One listening connection per process serves every
subscription; a periodic look-again covers a lost notification, so latency may suffer but
nothing is ever skipped (cursors must commit in order: callers number rows under a lock)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import asyncpg

Row = TypeVar("Row")
# Rows read per query while catching up.
PAGE = 500
# Look again this often even without a notification.
POLL_SECONDS = 5.0


class Notifications:
    """Wakes the subscriptions waiting on a key when `channel` is notified with that key."""

    def __init__(self, pool: asyncpg.Pool, channel: str) -> None:
        self._pool = pool
        self._channel = channel
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    async def run(self) -> None:
        """Listen until cancelled (a service's background job)."""
        listener = await self._pool.acquire()
        try:
            await listener.add_listener(self._channel, self._on_notify)
            await asyncio.Event().wait()
        finally:
            with contextlib.suppress(Exception):
                await listener.remove_listener(self._channel, self._on_notify)
            await self._pool.release(listener)

    def _on_notify(self, _conn, _pid, _channel, key: str) -> None:
        for event in self._waiters.get(key, ()):
            event.set()

    async def follow(
        self,
        key: str,
        cursor: int,
        read_after: Callable[[int, int], Awaitable[list[Row]]],
        cursor_of: Callable[[Row], int],
    ) -> AsyncIterator[Row]:
        """Every row after `cursor` (read_after(cursor, limit) in cursor order), then each new
        one as it commits, until the caller stops iterating."""
        wake = asyncio.Event()
        self._waiters[key].add(wake)
        try:
            while True:
                wake.clear()  # before reading: a commit meanwhile wakes the next round
                page = await read_after(cursor, PAGE)
                for row in page:
                    yield row
                    cursor = cursor_of(row)
                if len(page) < PAGE:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), POLL_SECONDS)
        finally:
            self._waiters[key].discard(wake)
            if not self._waiters[key]:
                del self._waiters[key]
