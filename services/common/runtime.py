"""Running a service process: logs and telemetry set up once, a clean stop on SIGTERM or
SIGINT, background loops that log and carry on rather than die, and a health check that
turns NOT_SERVING while a consumer is stuck on a record."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial

import asyncpg
import grpc

from services.common import logs, telemetry
from services.common.consumer import EventConsumer
from services.common.grpc_server import Health, ServiceSpec, start_server, stop_server
from services.common.relay import OutboxRelay, producer_factory
from services.common.settings import Settings, load

log = logging.getLogger(__name__)

# A background job: a loop that runs until cancelled, or a consumer (run and watched).
Background = Callable[[], Awaitable[None]] | EventConsumer


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
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


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


async def serve_grpc(
    settings: Settings,
    pool: asyncpg.Pool,
    schema: str,
    register: Callable[[grpc.aio.Server], Iterable[ServiceSpec]],
    background: Mapping[str, Background] | None = None,
    process: str | None = None,
) -> None:
    """Run a gRPC service until SIGTERM: its outbox relay, its server and its background
    loops (consumers, sweeps); then drain calls, stop the loops, flush the outbox. `process`
    names the port setting when a schema has several kinds of process (default: schema).
    The health check says NOT_SERVING while a consumer has been stuck on one fetch for
    longer than `settings.consumer_stall_seconds`."""
    relay = OutboxRelay(
        pool,
        schema,
        producer_factory(
            settings.kafka_bootstrap, f"vigie-{schema}", settings.kafka_request_timeout_ms
        ),
        poll_interval=settings.outbox_poll_interval,
    )
    server, health, port = await start_server(
        settings.grpc_host, settings.port_for(process or schema), settings.token_key, register
    )
    background = dict(background or {})
    consumers = [job for job in background.values() if isinstance(job, EventConsumer)]
    jobs = {
        "outbox-relay": relay.run,
        **{name: _runner(job) for name, job in background.items()},
    }
    if consumers:
        jobs["consumer-watch"] = partial(
            watch_consumers, health, consumers, settings.consumer_stall_seconds
        )
    tasks = [asyncio.create_task(job(), name=name) for name, job in jobs.items()]
    log.info("%s serving on %s:%d", schema, settings.grpc_host, port)
    try:
        failed = await until_stopped_or_failed(tasks)
    finally:
        log.info("%s stopping: draining calls, then the outbox", schema)
        await stop_server(server, health)
        await cancel(tasks)
        await relay.drain(timeout=5.0)
        try:
            await asyncio.wait_for(pool.close(), 10)
        except TimeoutError:
            log.warning("%s: database connections still busy at exit; closing them", schema)
            pool.terminate()
    if failed:
        raise SystemExit(f"{schema}: {', '.join(failed)} stopped")


def _runner(job: Background) -> Callable[[], Awaitable[None]]:
    return job.run if isinstance(job, EventConsumer) else job


async def watch_consumers(
    health: Health, consumers: list[EventConsumer], threshold: float, period: float = 1.0
) -> None:
    """NOT_SERVING while any consumer has been stuck on one fetch for over `threshold` seconds
    (the database down, a lock never released: records that fail for their own sake are set
    aside long before), SERVING again once it moves: the container turns unhealthy, and load
    balancers and ops see it."""
    serving = True
    while True:
        stuck = [c.group for c in consumers if c.stalled_for() > threshold]
        if serving == bool(stuck):
            serving = not stuck
            if stuck:
                log.error("consumers stuck for over %.0fs: %s", threshold, ", ".join(stuck))
            else:
                log.info("consumers moving again")
            await health.set_all(serving)
        await asyncio.sleep(period)


async def until_stopped_or_failed(tasks: list[asyncio.Task]) -> list[str]:
    """Wait for SIGTERM or SIGINT, or for a background loop to end (they run forever: one
    that ends has failed). A process whose consumer died would still answer its health
    checks while consuming nothing, so it stops instead and its supervisor restarts it.
    Returns the names of the loops that ended."""
    stop = asyncio.create_task(until_stopped(), name="signals")
    done, _ = await asyncio.wait([stop, *tasks], return_when=asyncio.FIRST_COMPLETED)
    await cancel([stop])  # its signal handlers removed before the shutdown starts
    ended = [task for task in done if task is not stop]
    for task in ended:
        error = None if task.cancelled() else task.exception()
        log.error("%s ended: %r", task.get_name(), error, exc_info=error)
    return [task.get_name() for task in ended]
