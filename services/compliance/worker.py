"""`python -m services.compliance.worker`: one worker process of the compliance checks. Start
as many as the input topics have partitions to share; they form one consumer group
(VIGIE_CHECKS_GROUP). Each serves the gRPC health service only (port: VIGIE_GRPC_PORT, else
50055), for container health checks."""

from __future__ import annotations

from services.common import db, runtime
from services.common.settings import Settings
from services.compliance.checks import Checks
from services.compliance.monitor import SCHEMA


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    checks = Checks(settings.checks_group)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: [],
        {"checks": checks.consumer(pool, settings.kafka_bootstrap)},
        process="compliance-worker",
    )


def main() -> None:
    runtime.run("compliance-worker", serve)


if __name__ == "__main__":
    main()
