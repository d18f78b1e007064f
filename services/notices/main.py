"""The notices service: settings → database pool → outbox relay → gRPC server, plus the
projections of contracts, label changes and the committee's policy, and the hub that feeds
the alert streams."""

from __future__ import annotations

import logging

from services.codecs import policy as policy_codec
from services.common import db, runtime
from services.common.policy import catch_up, policy_consumer
from services.common.settings import Settings
from services.notices import api
from services.notices.bootstrap import bootstrap
from services.notices.projections import projections_consumer
from services.notices.streams import AlertHub
from services.notices.unit_of_work import SCHEMA, PostgresUnitsOfWork

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    log.info(
        "policy: %d versions read",
        await catch_up(pool, settings.kafka_bootstrap, policy_codec.from_proto),
    )
    uows = PostgresUnitsOfWork(pool)
    use_cases, hub = bootstrap(uows), AlertHub(pool, uows)
    consumer = projections_consumer(pool, settings.kafka_bootstrap)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, use_cases, hub),
        {
            "alert-hub": hub.run,
            "projections": consumer,
            "policy": policy_consumer(
                pool, settings.kafka_bootstrap, SCHEMA, policy_codec.from_proto
            ),
        },
    )


def main() -> None:
    runtime.run("notices", serve)
