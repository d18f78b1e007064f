"""The notices service: settings → database pool → outbox relay → gRPC server, plus the
projection of contracts and label changes, and the hub that feeds the alert streams."""

from __future__ import annotations

from services.common import db, runtime
from services.common.settings import Settings
from services.notices import api
from services.notices.alerts import AlertHub
from services.notices.projections import projections_consumer
from services.notices.usecases import SCHEMA, Notices


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    notices, hub = Notices(pool), AlertHub(pool)
    consumer = projections_consumer(pool, settings.kafka_bootstrap)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, notices, hub),
        {"alert-hub": hub.run, "projections": consumer},
    )


def main() -> None:
    runtime.run("notices", serve)
