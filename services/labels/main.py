"""The labels service: settings → database pool → outbox relay → gRPC server, plus the
sweep that expires labels at the end of their validity."""

from __future__ import annotations

import asyncio
import logging

from services.common import db, runtime
from services.common.grpc_server import start_server, stop_server
from services.common.relay import OutboxRelay, producer_factory
from services.common.settings import Settings
from services.labels import api
from services.labels.usecases import SCHEMA, LabelRegistry

log = logging.getLogger("vigie.labels")


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    registry = LabelRegistry(pool)
    relay = OutboxRelay(
        pool,
        SCHEMA,
        producer_factory(
            settings.kafka_bootstrap, "vigie-labels", settings.kafka_request_timeout_ms
        ),
        poll_interval=settings.outbox_poll_interval,
    )
    server, health, port = await start_server(
        settings.grpc_host,
        settings.grpc_port,
        settings.token_key,
        lambda s: [api.register(s, registry)],
    )
    tasks = [
        asyncio.create_task(relay.run(), name="outbox-relay"),
        asyncio.create_task(
            runtime.every(settings.expiry_interval, registry.expire_due, "label expiry"),
            name="label-expiry",
        ),
    ]
    log.info("labels serving on %s:%d", settings.grpc_host, port)
    try:
        await runtime.until_stopped()
    finally:
        log.info("labels stopping: draining calls, then the outbox")
        await stop_server(server, health)
        await runtime.cancel(tasks)
        await relay.drain(timeout=5.0)
        await pool.close()


def main() -> None:
    runtime.run("labels", serve)
