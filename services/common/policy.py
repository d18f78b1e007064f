"""The committee's policy versions as every service that applies them keeps them: each
projects the compacted vigie.policy topic into its own `committee_policies` table (a common
migration), and reads them from there. Protos only: `services/codecs/policy.py` reads them
into the rules' terms, and each service passes its check of a version (`admit`) so that a
version the rules refuse is set aside as a dead letter, never kept."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer
from google.protobuf.message import Message
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.policy.v1 import events_pb2 as events
from vigie.policy.v1 import policy_pb2 as pb

from services.common import topics
from services.common.consumer import EventConsumer, RejectedEvent, end_offsets
from services.common.envelope import UndecodableEvent, read
from services.common.errors import InvalidArgument
from services.common.protos import to_date
from services.common.uow import UnitOfWork

# Raises InvalidArgument for a version the rules refuse (codecs.policy.from_proto).
Admit = Callable[[pb.CommitteePolicy], object]
# How long a service waits at start-up for the policy topic before it goes on with what it
# has (its consumer then keeps reading).
CATCH_UP_SECONDS = 60
log = logging.getLogger(__name__)


async def record(conn: asyncpg.Connection, published: pb.PublishedPolicy) -> None:
    """Keep a version (once: a version number is never published twice)."""
    policy = published.policy
    await conn.execute(
        "INSERT INTO committee_policies (version, effective_from, published)"
        " VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING",
        policy.version,
        to_date(policy.effective_from),
        published.SerializeToString(),
    )


async def stored_versions(conn: asyncpg.Connection) -> list[pb.PublishedPolicy]:
    """Every version kept, oldest first (version 0, the defaults, is never stored)."""
    rows = await conn.fetch("SELECT published FROM committee_policies ORDER BY version")
    return [pb.PublishedPolicy.FromString(r["published"]) for r in rows]


def policy_consumer(pool: asyncpg.Pool, bootstrap: str, schema: str, admit: Admit) -> EventConsumer:
    """Projects every version into the service's own table, once each."""

    async def apply(uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
        if not isinstance(payload, events.PolicyPublished):
            raise RejectedEvent(f"{envelope.event_type} does not belong on the policy topic")
        try:
            admit(payload.published.policy)
        except InvalidArgument as exc:
            raise RejectedEvent(f"policy version refused: {exc}") from exc
        await record(uow.conn, payload.published)

    return EventConsumer(
        group=f"{schema}.policy",
        topic_names=[topics.POLICY],
        handler=apply,
        pool=pool,
        schema=schema,
        bootstrap=bootstrap,
    )


async def catch_up(pool: asyncpg.Pool, bootstrap: str, admit: Admit) -> int:
    """Read the policy topic from its start to its current end into the service's table,
    before the service serves or checks anything: a service whose database was rebuilt knows
    every version again before it applies one, and the policy service numbers the next
    version after every version ever published. Returns the versions read."""
    ends = dict(await end_offsets(bootstrap, [topics.POLICY]))
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    read_count = 0
    try:
        consumer.assign(list(ends))
        await consumer.seek_to_beginning(*ends)
        deadline = asyncio.get_running_loop().time() + CATCH_UP_SECONDS
        while await _behind(consumer, ends):
            if asyncio.get_running_loop().time() > deadline:
                log.warning("policy topic not read to its end in %ss: going on", CATCH_UP_SECONDS)
                break
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for found in records:
                    read_count += await _keep(pool, found.value, admit)
    finally:
        await consumer.stop()
    return read_count


async def _behind(consumer: AIOKafkaConsumer, ends: dict) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


async def _keep(pool: asyncpg.Pool, value: bytes | None, admit: Admit) -> int:
    """Keep one record's version; 0 for what the running consumer will set aside."""
    try:
        _, payload = read(topics.POLICY, value)
        admit(payload.published.policy)
    except (UndecodableEvent, InvalidArgument):
        return 0
    async with pool.acquire() as conn:
        await record(conn, payload.published)
    return 1


def event_key(version: int) -> str:
    """The record key: compaction keeps one record per key, so every version stays."""
    return f"{version:06d}"
