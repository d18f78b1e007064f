"""The contracts service: settings → database pool → outbox relay → gRPC server, plus the
projection of centres and labels from the label-status topic."""

from __future__ import annotations

from services.common import db, runtime
from services.common.settings import Settings
from services.contracts import api
from services.contracts.bootstrap import bootstrap
from services.contracts.projections import label_status_consumer
from services.contracts.unit_of_work import SCHEMA, PostgresUnitsOfWork


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    use_cases = bootstrap(PostgresUnitsOfWork(pool))
    labels = label_status_consumer(pool, settings.kafka_bootstrap)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, use_cases),
        {"label-status": labels},
    )


def main() -> None:
    runtime.run("contracts", serve)
