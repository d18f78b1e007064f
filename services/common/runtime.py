"""Running a service process: logs and telemetry set up once, a clean stop on SIGTERM or
SIGINT, and background loops that log and carry on rather than die."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from services.common import logs, telemetry
from services.common.settings import Settings, load

log = logging.getLogger(__name__)


def run(service: str, main: Callable[[Settings], Awaitable[None]]) -> None:
    settings = load()
    logs.setup(settings.log_format, settings.log_level)
    telemetry.setup(service, settings)
    try:
        asyncio.run(main(settings))
    finally:
        telemetry.shutdown()


async def until_stopped() -> None:
    """Wait for SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def every(seconds: float, job: Callable[[], Awaitable[object]], name: str) -> None:
    """Run a job periodically until cancelled; a failure is logged and retried next time."""
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; retrying in %.0fs", name, seconds)
        await asyncio.sleep(seconds)


async def cancel(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
