"""The compliance service's gRPC side: ComplianceMonitor, and the findings recorded from the
findings and scorecards topics. The checks themselves run in the workers
(`services.compliance.checks`)."""

from __future__ import annotations

import logging

from services.codecs import policy as policy_codec
from services.common import db, runtime
from services.common.policy import catch_up, policy_consumer
from services.common.settings import Settings
from services.compliance import SCHEMA
from services.compliance.monitor import api
from services.compliance.monitor.policies import Policies
from services.compliance.monitor.usecases import Monitor

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    log.info(
        "policy: %d versions read",
        await catch_up(pool, settings.kafka_bootstrap, policy_codec.from_proto),
    )
    monitor = Monitor(pool)
    filled = await monitor.fill_in()
    if filled:
        log.info("centres concerned filled in for %d findings recorded before 0004", filled)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, monitor, Policies(pool)),
        {
            "findings": monitor.consumer(settings.kafka_bootstrap),
            "live": monitor.notifications.run,
            "policy": policy_consumer(
                pool, settings.kafka_bootstrap, SCHEMA, policy_codec.from_proto
            ),
        },
    )


def main() -> None:
    runtime.run("compliance", serve)
