"""The compliance service's gRPC side: ComplianceMonitor, and the findings recorded from the
findings and scorecards topics. The checks themselves run in the workers
(`services.compliance.checks`)."""

from __future__ import annotations

import logging

import asyncpg

from services.codecs import policy as policy_codec
from services.common import db, runtime, topics
from services.common.consumer import EventConsumer
from services.common.live import Notifications
from services.common.policy import catch_up, policy_consumer
from services.common.settings import Settings
from services.compliance import SCHEMA
from services.compliance.monitor import api, store
from services.compliance.monitor.policies import Policies
from services.compliance.monitor.unit_of_work import PostgresUnitsOfWork, PostgresWork
from services.compliance.monitor.usecases import GROUP, Monitor

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    log.info(
        "policy: %d versions read",
        await catch_up(pool, settings.kafka_bootstrap, policy_codec.from_proto),
    )
    monitor = Monitor(PostgresUnitsOfWork(pool), Notifications(pool, store.FINDINGS_CHANNEL))
    filled = await monitor.fill_in()
    if filled:
        log.info("centres concerned filled in for %d findings recorded before 0004", filled)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: api.register(server, monitor, Policies(pool)),
        {
            "findings": findings_consumer(monitor, pool, settings.kafka_bootstrap),
            "live": monitor.notifications.run,
            "policy": policy_consumer(
                pool, settings.kafka_bootstrap, SCHEMA, policy_codec.from_proto
            ),
        },
    )


def findings_consumer(monitor: Monitor, pool: asyncpg.Pool, bootstrap: str) -> EventConsumer:
    """The findings and scorecards topics, each record applied by the monitor in the
    consumer's unit of work (with its offsets)."""
    return EventConsumer(
        group=GROUP,
        topic_names=[topics.FINDINGS, topics.SCORECARDS],
        handler=lambda uow, envelope, payload: monitor.apply(
            PostgresWork.within(uow), envelope, payload
        ),
        pool=pool,
        schema=SCHEMA,
        bootstrap=bootstrap,
    )


def main() -> None:
    runtime.run("compliance", serve)
