"""The committee's policy: versions published by the committee, each written once with the
event that carries it to every checker (the compacted vigie.policy topic), and read back by
number, by day or all together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from vigie.policy.v1 import events_pb2 as events
from vigie.policy.v1 import policy_pb2 as pb

from services.codecs import policy as codec
from services.common import policy, topics
from services.common.clock import french_day, utc_now
from services.common.envelope import wrap
from services.common.errors import InvalidArgument, NotFound
from services.common.identity import Caller
from services.common.protos import timestamp
from services.common.uow import unit_of_work
from services.common.validation import calendar_date
from services.compliance import SCHEMA

PRODUCER = SCHEMA


@dataclass
class Policies:
    pool: asyncpg.Pool
    now: Callable[[], datetime] = utc_now

    async def publish(self, caller: Caller, request: pb.PublishPolicyRequest) -> pb.PublishedPolicy:
        new = codec.from_proto(request.policy)
        now = self.now()
        async with unit_of_work(self.pool, SCHEMA) as uow:
            # One publisher at a time: the next version number is read and taken in one go.
            await uow.conn.execute("LOCK TABLE committee_policies IN SHARE ROW EXCLUSIVE MODE")
            book = codec.book(await policy.stored_versions(uow.conn))
            problems = book.admission_problems(new, french_day(now))
            if problems:
                raise InvalidArgument(problems)
            published = pb.PublishedPolicy(
                policy=codec.to_proto(new),
                published_by=caller.subject,
                published_at=timestamp(now),
                rationale=request.rationale,
            )
            await policy.record(uow.conn, published)
            uow.emit(
                wrap(
                    topics.POLICY,
                    events.PolicyPublished(published=published),
                    aggregate_id=policy.event_key(new.version),
                    producer=PRODUCER,
                )
            )
        return published

    async def get(self, caller: Caller, request: pb.GetPolicyRequest) -> pb.PublishedPolicy:
        async with self.pool.acquire() as conn:
            versions = codec.with_defaults(await policy.stored_versions(conn))
        which = request.WhichOneof("which")
        if which == "version":
            found = [v for v in versions if v.policy.version == request.version]
            if not found:
                raise NotFound("policy", str(request.version))
            return found[0]
        if which == "in_force_on":
            day = calendar_date(request.in_force_on, "in_force_on")
            version = codec.book(versions[1:]).in_force_on(day).version
            return next(v for v in versions if v.policy.version == version)
        return versions[-1]

    async def list(self, caller: Caller) -> list[pb.PublishedPolicy]:
        async with self.pool.acquire() as conn:
            return codec.with_defaults(await policy.stored_versions(conn))
