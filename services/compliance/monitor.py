"""What the committee watches: findings recorded from the findings topic (each once), read
as a list or followed live with filters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time

import asyncpg
from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import topics
from services.common.clock import PARIS, french_day, utc_now
from services.common.consumer import EventConsumer, RejectedEvent
from services.common.errors import FailedPrecondition, NotFound
from services.common.identity import Caller, Role
from services.common.live import Notifications
from services.common.uow import UnitOfWork
from services.compliance import store
from services.rules.workload import add_weeks, iso_week, week_label, week_start

SCHEMA = "compliance"
GROUP = "compliance.findings"


@dataclass
class Monitor:
    pool: asyncpg.Pool
    now: Callable[[], datetime] = utc_now

    def __post_init__(self) -> None:
        self.notifications = Notifications(self.pool, store.FINDINGS_CHANNEL)

    async def apply(self, uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
        match payload:
            case events.FindingRaised(finding=finding):
                await store.record(uow.conn, finding, self.now())
            case events.ScorecardComputed(scorecard=card):
                year, week = parse_week(card.week)
                await store.save_scorecard(uow.conn, card, year, week)
            case _:
                raise RejectedEvent(f"{envelope.event_type} is not a finding or a scorecard")

    def consumer(self, bootstrap: str) -> EventConsumer:
        return EventConsumer(
            group=GROUP,
            topic_names=[topics.FINDINGS, topics.SCORECARDS],
            handler=self.apply,
            pool=self.pool,
            schema=SCHEMA,
            bootstrap=bootstrap,
        )

    async def list(self, caller: Caller, request: pb.ListFindingsRequest) -> list[pb.Finding]:
        filters = _filters(caller, request.filter)
        async with self.pool.acquire() as conn:
            rows = await store.findings_after(
                conn, 0, request.limit or 1000, filters, request.newest_first
            )
        return [finding for _, finding in rows]

    async def watch(
        self, caller: Caller, request: pb.WatchFindingsRequest
    ) -> AsyncIterator[pb.Finding]:
        filters = _filters(caller, request.filter)

        async def read_after(seq: int, limit: int) -> list[tuple[int, pb.Finding]]:
            async with self.pool.acquire() as conn:
                return await store.findings_after(conn, seq, limit, filters)

        async for _, finding in self.notifications.follow(store.ALL, 0, read_after, lambda r: r[0]):
            yield finding

    async def get(self, caller: Caller, finding_id: str) -> pb.Finding:
        async with self.pool.acquire() as conn:
            found = await store.finding(conn, finding_id)
        if found is None or not _sees(caller, found):
            raise NotFound("finding", finding_id)
        return found

    async def close(self, caller: Caller, request: pb.CloseFindingRequest) -> pb.Finding:
        async with self.pool.acquire() as conn, conn.transaction():
            if await store.finding(conn, request.finding_id) is None:
                raise NotFound("finding", request.finding_id)
            closed = await store.close(conn, request.finding_id, request.reason, self.now())
        if closed is None:
            raise FailedPrecondition(f"finding {request.finding_id}", "already closed", "CLOSED")
        return closed

    async def scorecard(
        self, caller: Caller, request: pb.GetScorecardRequest
    ) -> pb.GetScorecardResponse:
        """The party's scorecards from `weeks` weeks ago to the current week; a week the
        checks computed nothing for has zero figures (and no shares)."""
        party = request.ordering_party_id
        caller.require_organisation(party)
        current = iso_week(french_day(self.now()))
        weeks = [add_weeks(*current, -i) for i in range(request.weeks or 12, -1, -1)]
        ends = [min(_monday_after(week), self.now()) for week in weeks]
        async with self.pool.acquire() as conn:
            cards = await store.scorecards(conn, party, weeks[0], weeks[-1])
            open_at = await store.open_findings(conn, party, ends)
        history = []
        for week, end in zip(weeks, ends, strict=True):
            card = cards.get(week) or pb.Scorecard(ordering_party_id=party)
            card.week = week_label(*week)
            for type_, count in open_at[end]:
                card.open_findings.add(type=type_, count=count)
            history.append(card)
        return pb.GetScorecardResponse(current=history[-1], history=history)


def parse_week(label: str) -> tuple[int, int]:
    """ "2026-W48" -> (2026, 48)."""
    year, week = label.split("-W")
    return int(year), int(week)


def _monday_after(week: tuple[int, int]) -> datetime:
    monday = week_start(*add_weeks(*week, 1))
    return datetime.combine(monday, time(), PARIS).astimezone(UTC)


def _sees(caller: Caller, finding: pb.Finding) -> bool:
    return caller.role is Role.COMMITTEE or finding.ordering_party_id == caller.organisation_id


def _filters(caller: Caller, wanted: pb.FindingFilter) -> dict:
    """The caller's filter; an ordering party only ever sees its own findings."""
    party = wanted.ordering_party_id or None
    if caller.role is Role.ORDERING_PARTY:
        caller.require_organisation(party or caller.organisation_id)
        party = caller.organisation_id
    return {
        "ordering_party_id": party,
        "types": list(wanted.types),
        "min_severity": wanted.min_severity,
        "since": wanted.since.ToDatetime(tzinfo=UTC) if wanted.HasField("since") else None,
    }
