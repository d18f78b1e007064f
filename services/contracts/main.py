"""The contracts service: settings → database pool → outbox relay → gRPC server, plus the
projections of centres and labels from the label-status topic and of the committee's policy
(read to its end before serving)."""

from __future__ import annotations

import logging

from services.codecs import policy as policy_codec
from services.common import db, runtime
from services.common.policy import catch_up, policy_consumer
from services.common.settings import Settings
from services.contracts import api
from services.contracts.bootstrap import bootstrap
from services.contracts.projections import label_status_consumer
from services.contracts.unit_of_work import SCHEMA, PostgresUnitsOfWork

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    log.info(
        "policy: %d versions read",
        await catch_up(pool, settings.kafka_bootstrap, policy_codec.from_proto),
    )
    use_cases = bootstrap(PostgresUnitsOfWork(pool))
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, use_cases),
        {
            "label-status": label_status_consumer(pool, settings.kafka_bootstrap),
            "policy": policy_consumer(
                pool, settings.kafka_bootstrap, SCHEMA, policy_codec.from_proto
            ),
        },
    )


def main() -> None:
    runtime.run("contracts", serve)
