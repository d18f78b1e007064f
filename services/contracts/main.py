"""The contracts service: settings → database pool → outbox relay → gRPC server, plus the
projection of centres and labels from the label-status topic."""

from __future__ import annotations

from services.common import db, runtime
from services.common.settings import Settings
from services.contracts import api
from services.contracts.projections import label_status_consumer
from services.contracts.relationships import Relationships
from services.contracts.usecases import SCHEMA, Contracts
from services.contracts.volumes import VolumeReports


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    contracts, volumes, relationships = Contracts(pool), VolumeReports(pool), Relationships(pool)
    labels = label_status_consumer(pool, settings.kafka_bootstrap)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, contracts, volumes, relationships),
        {"label-status": labels},
    )


def main() -> None:
    runtime.run("contracts", serve)
