"""`python -m services.compliance.checks`: one worker process of the compliance checks. Start
as many as the input topics have partitions to share; they form one consumer group
(VIGIE_CHECKS_GROUP). Each serves the gRPC health service only (port: VIGIE_GRPC_PORT, else
50055), for container health checks."""

from __future__ import annotations

import logging
from functools import partial

import asyncpg

from services.codecs import policy as policy_codec
from services.common import db, runtime
from services.common.policy import catch_up
from services.common.settings import Settings
from services.common.uow import unit_of_work
from services.compliance import SCHEMA
from services.compliance.checks.handler import Checks

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    pool = await db.connect(settings.database_url, SCHEMA)
    # The committee's policy, kept in the schema the monitor shares (it writes each version it
    # publishes there and follows the topic): read whole first, for a rebuilt database.
    log.info(
        "policy: %d versions read",
        await catch_up(pool, settings.kafka_bootstrap, policy_codec.from_proto),
    )
    checks = Checks(settings.checks_group)
    sweep = partial(judge_closed_weeks, checks, pool)
    await runtime.serve_grpc(
        settings,
        pool,
        SCHEMA,
        lambda server: [],
        {
            "checks": checks.consumer(pool, settings.kafka_bootstrap),
            "sweep": partial(runtime.every, settings.checks_sweep_seconds, sweep, "sweep"),
        },
        process="compliance-worker",
    )


async def judge_closed_weeks(checks: Checks, pool: asyncpg.Pool) -> None:
    """The weeks the clock closed since the last sweep, judged though no event came (any
    worker of the group may do it; one at a time)."""
    async with unit_of_work(pool, SCHEMA) as uow:
        count = await checks.volumes.judge_closed_weeks(uow)
    await checks.catch_up(pool)  # in case no idle fetch came since a backlog was read
    if count:
        log.info(
            "%s: %d contracts judged for the weeks closed since the last sweep", checks.group, count
        )


def main() -> None:
    runtime.run("compliance-worker", serve)


if __name__ == "__main__":
    main()
