"""The labels service: settings → database pool → outbox relay → gRPC server, plus the
sweep that expires labels at the end of their validity."""

from __future__ import annotations

from services.common import db, runtime
from services.common.settings import Settings
from services.labels import api
from services.labels.bootstrap import bootstrap
from services.labels.unit_of_work import SCHEMA, PostgresUnitsOfWork


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    use_cases = bootstrap(PostgresUnitsOfWork(pool))

    async def expiry() -> None:
        await runtime.every(settings.expiry_interval, use_cases.labels.expire_due, "label expiry")

    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, use_cases),
        {"label-expiry": expiry},
    )


def main() -> None:
    runtime.run("labels", serve)
