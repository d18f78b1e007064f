"""The streaming checks: from the events of tenders, contracts, notices and volumes to findings
and scorecards.

A consumer group of worker processes (services/compliance/checks/main.py) shares the partitions of
the input topics; each record is applied with the shared consumer (common/consumer.py): its
state change, the findings and scorecards it raises (outbox) and the consumer's offsets commit
in one PostgreSQL transaction. So a worker killed at any point loses nothing and repeats
nothing: its partitions resume, on whichever worker, from the offsets stored with the state.

The checks that need one event only are in findings.py; those that need state across events
are here (disguised perennial activity, offshore amendments) and in weekly.py (volumes, whose
findings are episodes evaluated again whenever the figures or the plan change)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from functools import partial

from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.notices.v1 import events_pb2 as notice_events

from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.consumer import EventConsumer
from services.common.envelope import wrap
from services.common.protos import to_date
from services.common.uow import UnitOfWork, unit_of_work
from services.compliance import SCHEMA
from services.compliance.checks import scorecards, state
from services.compliance.checks.findings import contract_finding, findings_for
from services.compliance.checks.state import ContractState, Week
from services.compliance.checks.volume_checks import (
    TAKEN_AT_ONCE,
    VolumeChecks,
    reading_backlog,
)
from services.rules import offshoring, perennial
from services.rules.calendar import iso_week
from services.rules.perennial import CHAINED_TYPES, ContractSpan
from services.rules.policy import CommitteePolicy
from services.rules.purchasing import ActivityType

log = logging.getLogger(__name__)

CHECKED_TOPICS = [
    topics.TENDER_EVENTS,
    topics.CONTRACT_EVENTS,
    topics.NOTICE_EVENTS,
    topics.VOLUMES,
]
# The volumes are read for their weekly sums: their intervals are not parsed.
VIEWS = {
    contract_events.VolumesReported.DESCRIPTOR.full_name: contract_events.VolumesReportedWeekly
}
VOLUME_REPORTS = (contract_events.VolumesReported, contract_events.VolumesReportedWeekly)
CONTRACT_CHANGES = (
    contract_events.ContractSigned,
    contract_events.ContractAmended,
    contract_events.ContractTerminated,
)


@dataclass
class Checks:
    group: str
    now: Clock = utc_now

    def __post_init__(self) -> None:
        self.volumes = VolumeChecks(self.group, self.now)

    async def apply(self, uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
        if isinstance(payload, VOLUME_REPORTS):
            # Most of the records, and no finding of their own: their weeks are judged at
            # the end of the transaction (or once a backlog is read), with their scorecards.
            weeks = await self.volumes.on_volumes(uow, envelope, payload)
            self._touch_scorecards(uow, {(payload.ordering_party_id, w) for w in weeks})
            return
        found = findings_for(envelope, payload)
        match payload:
            case _ if isinstance(payload, CONTRACT_CHANGES):
                found += await self._on_contract(uow, envelope, payload)
            case notice_events.NoticeIssued(notice=notice):
                await self._on_notice(uow, notice)
                self.volumes.changed(uow, envelope, notice.contract_id)  # its plan moved
                week = iso_week(french_day(notice.issued_at.ToDatetime(tzinfo=UTC)))
                self._touch_scorecards(uow, {(notice.ordering_party_id, week)})
        await self._raise(uow, envelope, found)

    def _touch_scorecards(self, uow: UnitOfWork, weeks: set[tuple[str, Week]]) -> None:
        """A scorecard is a projection of the transaction's final state: a batch of events
        computes those it touched at the end, together, each once."""
        if not weeks:
            return
        key = ("scorecards", self.group)
        touched = uow.state.get(key)
        if touched is None:
            touched = uow.state[key] = set()
            uow.defer(key, partial(self._scorecards, uow))
        touched |= weeks

    async def _scorecards(self, uow: UnitOfWork) -> None:
        await self.volumes.settle(uow)  # the scorecards read the volumes
        keys = uow.state.pop(("scorecards", self.group))
        if reading_backlog(uow):  # computed once the backlog is read, on its final figures
            await state.put_off_scorecards(uow.conn, self.group, keys)
            self.volumes.put_off = True
            return
        keys |= await state.take_put_off_scorecards(uow.conn, self.group, TAKEN_AT_ONCE)
        await self._emit_scorecards(uow, keys)

    async def catch_up(self, pool) -> None:
        """What was put off while a backlog was read, once it is read (the consumer has read to
        the end, or the sweep runs): bounded batches, one transaction each, until none is
        left. Skipped while this process has put nothing off since (another worker's leftovers
        wait for the sweep, or for this one's first catch-up)."""
        if not self.volumes.put_off:
            return
        while True:
            async with unit_of_work(pool, SCHEMA) as uow:
                count = await self.volumes.catch_up(uow)
                keys = await state.take_put_off_scorecards(uow.conn, self.group, TAKEN_AT_ONCE)
                await self._emit_scorecards(uow, keys)
            if not count and not keys:
                self.volumes.put_off = False
                return

    async def _emit_scorecards(self, uow: UnitOfWork, keys: set[tuple[str, Week]]) -> None:
        if not keys:
            return
        for card in await scorecards.compute_many(uow.conn, self.group, sorted(keys)):
            uow.emit(
                wrap(
                    topics.SCORECARDS,
                    events.ScorecardComputed(scorecard=card),
                    aggregate_id=f"{card.ordering_party_id}|{card.week}",
                    producer=self.group,
                )
            )

    async def _raise(self, uow: UnitOfWork, source: Envelope, found: list[pb.Finding]) -> None:
        """Publish each finding the first time this group finds it, in the trace of the event
        that caused it (the current one). The envelope gets an id of its own; consumers keep
        each finding id once."""
        if not found:
            return
        first = await state.mark_raised(uow.conn, self.group, [f.finding_id for f in found])
        for finding in found:
            if finding.finding_id not in first:
                continue
            first.discard(finding.finding_id)
            finding.state, finding.revision = pb.FINDING_STATE_OPEN, 1
            uow.emit(
                wrap(
                    topics.FINDINGS,
                    events.FindingRaised(finding=finding),
                    aggregate_id=finding.ordering_party_id,
                    producer=self.group,  # which group of workers raised it
                    occurred_at=source.occurred_at.ToDatetime(),
                )
            )

    async def _on_contract(
        self, uow: UnitOfWork, envelope: Envelope, payload: Message
    ) -> list[pb.Finding]:
        contract = payload.contract
        try:
            now = state.state_of(contract)
        except ValueError:
            log.warning("contract %s: impossible date, not checked", contract.contract_id)
            return []
        before = await state.contract(uow.conn, self.group, contract.contract_id)
        if not await state.save_contract(uow.conn, self.group, now):
            return []  # an older version seen again
        found = []
        # Judged by the committee's policy in force on the day of the change.
        day = french_day(envelope.occurred_at.ToDatetime(tzinfo=UTC))
        in_force = (await state.policy_book(uow)).in_force_on(day)
        if before is not None and isinstance(payload, contract_events.ContractAmended):
            found += self._offshore_amendment(envelope, before, now, in_force)
        if ActivityType(now.activity_type) in CHAINED_TYPES:
            found += await self._disguised_perennial(uow, envelope, now.ordering_party_id, in_force)
        self.volumes.changed(uow, envelope, now.contract_id)  # its plan, sites or dates
        return found

    def _offshore_amendment(
        self,
        envelope: Envelope,
        before: ContractState,
        now: ContractState,
        in_force: CommitteePolicy,
    ) -> list[pb.Finding]:
        breach = offshoring.offshore_amendment(
            now.contract_id,
            before.sites.values(),
            now.sites.values(),
            in_force.offshoring,
        )
        if breach is None:
            return []
        kind = pb.FINDING_TYPE_OFFSHORING
        return [contract_finding(breach, kind, now, envelope, in_force.version)]

    async def _disguised_perennial(
        self, uow: UnitOfWork, envelope: Envelope, party: str, in_force: CommitteePolicy
    ) -> list[pb.Finding]:
        """The party's campaign and punctual contracts, under a lock per party: two workers
        applying two contracts of one party at once would each miss the other's."""
        await state.lock(uow.conn, f"perennial|{party}")
        held = await state.contracts_of_party(
            uow.conn, self.group, party, [int(t) for t in CHAINED_TYPES]
        )
        spans = {c.contract_id: c for c in held if c.last_day >= c.start_date}
        found = []
        for breach in perennial.disguised_perennial(
            [_span(c) for c in spans.values()], in_force.perennial
        ):
            last = spans[str(breach.evidence["contracts"]).split(",")[-1]]
            kind = pb.FINDING_TYPE_DISGUISED_PERENNIAL
            found.append(contract_finding(breach, kind, last, envelope, in_force.version))
        return found

    async def _on_notice(self, uow: UnitOfWork, notice) -> None:
        await state.save_notice(
            uow.conn,
            self.group,
            notice.notice_id,
            notice.contract_id,
            notice.ordering_party_id,
            to_date(notice.effective_date),
            Decimal(str(notice.change_percent)),
            notice.issued_at.ToDatetime(tzinfo=UTC),
            notice.verdict.complies,
        )

    def consumer(self, pool, bootstrap: str) -> EventConsumer:
        return EventConsumer(
            group=self.group,
            topic_names=CHECKED_TOPICS,
            handler=self.apply,
            idle=partial(self.catch_up, pool),
            views=VIEWS,
            pool=pool,
            schema=SCHEMA,
            bootstrap=bootstrap,
        )


def _span(contract: ContractState) -> ContractSpan:
    return ContractSpan(
        contract_id=contract.contract_id,
        ordering_party_id=contract.ordering_party_id,
        scope=contract.scope,
        activity_type=ActivityType(contract.activity_type),
        start=contract.start_date,
        end=contract.last_day,
        centre_id=contract.centre_id,
    )
