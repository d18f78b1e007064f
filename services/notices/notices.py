"""Workload-change notices: an ordering party issuing one on a contract, the centre
acknowledging it, and reading them. A notice is judged against the contract's notice
schedule under the committee's policy in force on the notification day, and a large cut in
an established relationship is reviewed as a partial termination (Code de commerce L442-1 II).
A breach is recorded and shown, never refused: the notice, its alerts and its events commit
together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import events_pb2 as events
from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import contracts as contract_codec
from services.codecs import notices as codec
from services.codecs.schedules import rule_schedule
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.identity import Caller, Role
from services.common.protos import from_date, timestamp, to_date
from services.common.validation import calendar_date
from services.notices.alerts import notice_alerts, raise_alert
from services.notices.unit_of_work import NoticesUnitOfWork, UnitsOfWork
from services.rules import lead_time, termination
from services.rules.policy import CommitteePolicy
from services.rules.relationship import established_since
from services.rules.wording import Text, text

# How far ahead a notice may take effect: notice schedules ask three years at most, so five
# years covers any notice given early, and keeps the lead-time counting (business days,
# holidays year by year) a bounded piece of work.
MAX_NOTICE_AHEAD = timedelta(days=5 * 365)


@dataclass
class Notices:
    uows: UnitsOfWork
    now: Clock = utc_now

    def today(self) -> date:
        return french_day(self.now())

    async def issue(self, caller: Caller, request: pb.IssueWorkloadChangeRequest) -> pb.Notice:
        effective = calendar_date(request.effective_date, "effective_date")
        today = self.today()
        within_notice_window(
            "effective_date",
            effective,
            today,
            text("error-notice-effective-past", effective=effective, today=today),
            text("error-notice-too-far-ahead", effective=effective, days=MAX_NOTICE_AHEAD.days),
        )
        async with self.uows() as uow:
            contract = await active_contract(uow, caller, request.contract_id)
            last_day = to_date(contract.terms.end_date)
            if effective > last_day:
                raise InvalidArgument.one(
                    "effective_date",
                    text("error-notice-after-contract", effective=effective, last_day=last_day),
                )
            # Notified today: judged by the policy in force today.
            in_force = (await uow.policies.book()).in_force_on(today)
            since = await relationship_since(uow, contract, today, in_force)
            notice = written_notice(contract, request, today, in_force, since, self.now())
            await uow.notices.add(notice)
            uow.emit(topics.NOTICE_EVENTS, notice.contract_id, events.NoticeIssued(notice=notice))
            for alert in notice_alerts(notice, self.now()):
                await raise_alert(uow, alert)
        return notice

    async def acknowledge(self, caller: Caller, notice_id: str) -> pb.Notice:
        """The centre has read the notice: recorded once, the first time."""
        async with self.uows() as uow:
            notice = await uow.notices.get(notice_id, lock=True)
            if notice is None or notice.centre_id != caller.organisation_id:
                raise NotFound("notice", notice_id)
            if not notice.HasField("acknowledged_at"):
                notice.acknowledged_at.CopyFrom(timestamp(self.now()))
                await uow.notices.save(notice)
                acknowledged = events.NoticeAcknowledged(
                    notice_id=notice.notice_id,
                    contract_id=notice.contract_id,
                    centre_id=notice.centre_id,
                    acknowledged_at=notice.acknowledged_at,
                )
                uow.emit(topics.NOTICE_EVENTS, notice.contract_id, acknowledged)
        return notice

    async def get(self, caller: Caller, notice_id: str) -> pb.Notice:
        async with self.uows.reading() as uow:
            notice = await uow.notices.get(notice_id)
        if notice is None or not caller.sees(notice):
            raise NotFound("notice", notice_id)
        return notice

    async def list(self, caller: Caller, request: pb.ListNoticesRequest) -> list[pb.Notice]:
        """The caller's own: an ordering party's, a centre's; the committee's, all."""
        async with self.uows.reading() as uow:
            return await uow.notices.list(
                ordering_party_id=_own(caller, Role.ORDERING_PARTY),
                centre_id=_own(caller, Role.CENTRE),
                contract_id=request.contract_id or None,
                breaches_only=request.breaches_only,
            )


def written_notice(
    contract: cpb.Contract,
    request: pb.IssueWorkloadChangeRequest,
    today: date,
    in_force: CommitteePolicy,
    relationship_since: date | None,
    now: datetime,
) -> pb.Notice:
    """The notice as issued today: its verdict under the contract's schedule (or the policy's
    default one) and, for a large cut, the review of the relationship's partial termination."""
    effective = to_date(request.effective_date)
    baseline = contract.terms.forecast.contacts_per_month
    change = codec.rule_change(request.change, baseline)
    schedule = rule_schedule(contract.terms.notice_schedule)
    counting = in_force.lead_time.counting
    verdict = lead_time.assess(
        schedule,
        change,
        today,
        effective,
        counting=counting,
        default_schedule=in_force.lead_time.default_schedule,
    )
    below = lead_time.below_agent_floor(today, effective, counting=counting)
    advisories = []
    if relationship_since is not None and not change.termination:
        # A termination is reviewed when the contract is terminated (contracts service).
        advisories = termination.review_partial_termination(
            relationship_since, today, effective, change.change_percent, in_force.termination
        )
    return pb.Notice(
        notice_id=str(uuid.uuid4()),
        contract_id=contract.contract_id,
        ordering_party_id=contract.ordering_party_id,
        centre_id=contract.centre_id,
        change=request.change,
        change_percent=float(change.change_percent),
        baseline_contacts_per_month=baseline,
        notified_on=from_date(today),
        effective_date=request.effective_date,
        reason=request.reason,
        verdict=codec.verdict(verdict, below, in_force.version),
        issued_at=timestamp(now),
        relationship_advisories=[contract_codec.advisory(a, in_force.version) for a in advisories],
        relationship_since=from_date(relationship_since),
    )


async def active_contract(uow: NoticesUnitOfWork, caller: Caller, contract_id: str) -> cpb.Contract:
    """The contract a notice is about: NOT_FOUND when unknown or another party's (as if it did
    not exist), FAILED_PRECONDITION when it has ended."""
    contract = await uow.contracts.get(contract_id)
    if contract is None or not caller.sees(contract):
        raise NotFound("contract", contract_id)
    if contract.status != cpb.CONTRACT_STATUS_ACTIVE:
        raise FailedPrecondition("contract_id", text("contract-terminated"))
    return contract


async def relationship_since(
    uow: NoticesUnitOfWork, contract: cpb.Contract, day: date, in_force: CommitteePolicy
) -> date | None:
    """Since when the party's relationship with the centre runs on `day`: its contracts here
    and a declared older start (Code de commerce L442-1 II, `relationship.py`)."""
    party, centre = contract.ordering_party_id, contract.centre_id
    periods = [
        contract_codec.contract_period(c) for c in await uow.contracts.between(party, centre)
    ]
    declared = await uow.relationships.declared_since(party, centre)
    found = established_since(periods, day, declared, in_force.relationship)
    return found.since if found else None


def within_notice_window(field: str, day: date, today: date, past: Text, too_far: Text) -> None:
    """A notice's date must fall from today to MAX_NOTICE_AHEAD ahead (issued or previewed)."""
    if day < today:
        raise InvalidArgument.one(field, past)
    if day > today + MAX_NOTICE_AHEAD:
        raise InvalidArgument.one(field, too_far)


def _own(caller: Caller, role: Role) -> str | None:
    return caller.organisation_id if caller.role is role else None
