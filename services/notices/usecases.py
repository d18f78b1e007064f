"""The notices service's commands and queries. A notice, its alerts and its events commit
together; a breach is recorded and shown, never refused."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import asyncpg
from google.protobuf.message import Message
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import events_pb2 as events
from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import contracts as codec
from services.common import policy, topics, wording
from services.common.clock import french_day, utc_now
from services.common.envelope import wrap
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.identity import Caller, Role
from services.common.protos import from_date, timestamp, to_date
from services.common.schedules import rule_schedule
from services.common.uow import UnitOfWork, unit_of_work
from services.common.validation import calendar_date
from services.notices import store
from services.rules import lead_time, termination
from services.rules.policy import CommitteePolicy
from services.rules.relationship import established_since
from services.rules.wording import Text, text

SCHEMA = PRODUCER = "notices"
# How far ahead a notice may take effect: notice schedules ask three years at most, so five
# years covers any notice given early, and keeps the lead-time counting (business days,
# holidays year by year) a bounded piece of work.
MAX_NOTICE_AHEAD = timedelta(days=5 * 365)


@dataclass
class Notices:
    pool: asyncpg.Pool
    now: Callable[[], datetime] = utc_now

    def today(self) -> date:
        return french_day(self.now())

    async def issue(self, caller: Caller, request: pb.IssueWorkloadChangeRequest) -> pb.Notice:
        effective = calendar_date(request.effective_date, "effective_date")
        today = self.today()
        _within_notice_window(
            "effective_date",
            effective,
            today,
            text("error-notice-effective-past", effective=effective, today=today),
            text("error-notice-too-far-ahead", effective=effective, days=MAX_NOTICE_AHEAD.days),
        )
        async with unit_of_work(self.pool, SCHEMA) as uow:
            contract = await store.get_contract(uow.conn, request.contract_id)
            if contract is None or not caller.sees(contract):
                raise NotFound("contract", request.contract_id)
            if contract.status != cpb.CONTRACT_STATUS_ACTIVE:
                raise FailedPrecondition("contract_id", text("contract-terminated"))
            last_day = to_date(contract.terms.end_date)
            if effective > last_day:
                raise InvalidArgument.one(
                    "effective_date",
                    text("error-notice-after-contract", effective=effective, last_day=last_day),
                )
            in_force = (await policy.book(uow.conn)).in_force_on(today)
            since = await relationship_since(uow.conn, contract, today, in_force)
            notice = self._notice(contract, request, today, effective, in_force, since)
            await store.insert_notice(uow.conn, notice)
            _emit(uow, topics.NOTICE_EVENTS, notice.contract_id, events.NoticeIssued(notice=notice))
            for kind in _alert_kinds(notice):
                await raise_alert(uow, _notice_alert(notice, kind, self.now()))
        return notice

    async def preview(
        self, caller: Caller, request: pb.PreviewWorkloadChangeRequest
    ) -> pb.PreviewWorkloadChangeResponse:
        """What the change would need if notified on a day (today by default); reads the
        contract, writes nothing."""
        today = self.today()
        notified_on = today
        if request.HasField("notified_on"):
            notified_on = calendar_date(request.notified_on, "notified_on")
        _within_notice_window(
            "notified_on",
            notified_on,
            today,
            text("error-preview-notified-past", notified_on=notified_on, today=today),
            text(
                "error-preview-notified-too-far-ahead",
                notified_on=notified_on,
                days=MAX_NOTICE_AHEAD.days,
            ),
        )
        desired = None
        if request.HasField("desired_effective_date"):
            desired = calendar_date(request.desired_effective_date, "desired_effective_date")
            if desired < notified_on:
                raise InvalidArgument.one(
                    "desired_effective_date",
                    text(
                        "error-preview-desired-before-notice",
                        desired=desired,
                        notified_on=notified_on,
                    ),
                )
            if desired > today + MAX_NOTICE_AHEAD:
                raise InvalidArgument.one(
                    "desired_effective_date",
                    text(
                        "error-notice-too-far-ahead", effective=desired, days=MAX_NOTICE_AHEAD.days
                    ),
                )
        async with self.pool.acquire() as conn:
            contract = await store.get_contract(conn, request.contract_id)
            in_force = (await policy.book(conn)).in_force_on(notified_on)
        if contract is None or not caller.sees(contract):
            raise NotFound("contract", request.contract_id)
        if contract.status != cpb.CONTRACT_STATUS_ACTIVE:
            raise FailedPrecondition("contract_id", text("contract-terminated"))
        last_day = to_date(contract.terms.end_date)
        if desired is not None and desired > last_day:
            raise InvalidArgument.one(
                "desired_effective_date",
                text("error-notice-after-contract", effective=desired, last_day=last_day),
            )
        change = _rule_change(request.change, contract.terms.forecast.contacts_per_month)
        schedule = rule_schedule(contract.terms.notice_schedule)
        seen = lead_time.preview(
            schedule,
            change,
            notified_on,
            desired,
            counting=in_force.lead_time.counting,
            default_schedule=in_force.lead_time.default_schedule,
        )
        return _proto_preview(contract.contract_id, change, seen, in_force.version)

    async def acknowledge(self, caller: Caller, notice_id: str) -> pb.Notice:
        async with unit_of_work(self.pool, SCHEMA) as uow:
            notice = await store.get_notice(uow.conn, notice_id, lock=True)
            if notice is None or notice.centre_id != caller.organisation_id:
                raise NotFound("notice", notice_id)
            if not notice.HasField("acknowledged_at"):
                notice.acknowledged_at.CopyFrom(timestamp(self.now()))
                await store.update_notice(uow.conn, notice)
                acknowledged = events.NoticeAcknowledged(
                    notice_id=notice.notice_id,
                    contract_id=notice.contract_id,
                    centre_id=notice.centre_id,
                    acknowledged_at=notice.acknowledged_at,
                )
                _emit(uow, topics.NOTICE_EVENTS, notice.contract_id, acknowledged)
        return notice

    async def get(self, caller: Caller, notice_id: str) -> pb.Notice:
        async with self.pool.acquire() as conn:
            notice = await store.get_notice(conn, notice_id)
        if notice is None or not caller.sees(notice):
            raise NotFound("notice", notice_id)
        return notice

    async def list(self, caller: Caller, request: pb.ListNoticesRequest) -> list[pb.Notice]:
        contract_id = request.contract_id or None
        async with self.pool.acquire() as conn:
            return await store.list_notices(
                conn,
                ordering_party_id=_own(caller, Role.ORDERING_PARTY),
                centre_id=_own(caller, Role.CENTRE),
                contract_id=contract_id,
                breaches_only=request.breaches_only,
            )

    async def acknowledge_alerts(self, caller: Caller, up_to: int) -> int:
        async with self.pool.acquire() as conn:
            return await store.acknowledge_alerts(conn, caller.organisation_id, up_to)

    def _notice(
        self,
        contract: cpb.Contract,
        request: pb.IssueWorkloadChangeRequest,
        today: date,
        effective: date,
        in_force: CommitteePolicy,
        relationship_since: date | None = None,
    ) -> pb.Notice:
        baseline = contract.terms.forecast.contacts_per_month
        change = _rule_change(request.change, baseline)
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
            verdict=_proto_verdict(verdict, below, in_force.version),
            issued_at=timestamp(self.now()),
            relationship_advisories=[codec.advisory(a, in_force.version) for a in advisories],
            relationship_since=from_date(relationship_since),
        )


async def relationship_since(
    conn: asyncpg.Connection, contract: cpb.Contract, day: date, in_force: CommitteePolicy
) -> date | None:
    """Since when the party's relationship with the centre runs on `day`: its contracts here
    and a declared older start (Code de commerce L442-1 II, `relationship.py`)."""
    party, centre = contract.ordering_party_id, contract.centre_id
    periods = [codec.contract_period(c) for c in await store.contracts_between(conn, party, centre)]
    declared = await store.declared_since(conn, party, centre)
    found = established_since(periods, day, declared, in_force.relationship)
    return found.since if found else None


async def raise_alert(uow: UnitOfWork, alert: pb.Alert) -> pb.Alert:
    """Number and store an alert for its centre, and publish it, in the caller's unit of work."""
    alert = await store.insert_alert(uow.conn, alert)
    _emit(uow, topics.ALERTS, alert.centre_id, events.AlertRaised(alert=alert))
    return alert


def _alert_kinds(notice: pb.Notice) -> list[int]:
    kinds = [pb.ALERT_KIND_NOTICE_RECEIVED]
    if not notice.verdict.complies:
        kinds.append(pb.ALERT_KIND_NOTICE_BREACH)
    return kinds


def _notice_alert(notice: pb.Notice, kind: int, now: datetime) -> pb.Alert:
    change = lead_time.change_text(
        lead_time.WorkloadChange(
            # The proto's double holds a percentage of 2 decimals at most.
            Decimal(str(round(notice.change_percent, 2))),
            termination=notice.change.WhichOneof("change") == "termination",
        )
    )
    effective = to_date(notice.effective_date)
    verdict = notice.verdict
    if kind == pb.ALERT_KIND_NOTICE_BREACH:
        summary = text(
            "alert-notice-breach",
            change=change,
            effective_date=effective,
            given=lead_time.amount_text(verdict.actual, lead_time.LeadTimeUnit(verdict.unit)),
            required=verdict.required,
            late_days=verdict.shortfall_days,
        )
    else:
        summary = text(
            "alert-notice-received", change=change, effective_date=effective, reason=notice.reason
        )
    alert = pb.Alert(
        centre_id=notice.centre_id, kind=kind, created_at=timestamp(now), notice=notice
    )
    wording.fill(alert, "summary", summary)
    return alert


def _rule_change(change: pb.WorkloadChange, baseline: int) -> lead_time.WorkloadChange:
    match change.WhichOneof("change"):
        case "termination":
            return lead_time.WorkloadChange(Decimal(-100), termination=True)
        case "change_percent":
            return lead_time.WorkloadChange(Decimal(change.change_percent))
    if baseline <= 0:
        raise FailedPrecondition("contract_id", text("contract-no-baseline"))
    return lead_time.WorkloadChange(
        lead_time.change_percent(baseline, change.new_contacts_per_month)
    )


def _proto_preview(
    contract_id: str, change: lead_time.WorkloadChange, seen: lead_time.Preview, version: int
) -> pb.PreviewWorkloadChangeResponse:
    response = pb.PreviewWorkloadChangeResponse(
        contract_id=contract_id,
        policy_version=version,
        change_percent=float(change.change_percent),
        default_schedule=seen.default_schedule,
        counting=int(seen.counting),
        notified_on=from_date(seen.notified_on),
        required=seen.required,
        unit=int(seen.unit) if seen.unit is not None else 0,
        earliest_effective_date=from_date(seen.earliest_effective_date),
        business_days=seen.business_days,
        agent_floor_date=from_date(seen.agent_floor_date),
        agent_floor_binds=seen.agent_floor_binds,
    )
    if seen.band is not None:
        response.band.CopyFrom(_proto_band(seen.band))
    for found in seen.public_holidays:
        holiday = response.public_holidays.add(date=from_date(found.day))
        wording.fill(holiday, "name", found.name)
    if seen.desired is not None and seen.desired_effective_date is not None:
        desired = seen.desired_effective_date
        response.desired_effective_date.CopyFrom(from_date(desired))
        response.desired_date_complies = seen.desired.complies
        below = lead_time.below_agent_floor(seen.notified_on, desired, counting=seen.counting)
        response.desired_verdict.CopyFrom(_proto_verdict(seen.desired, below, version))
    wording.fill(response, "reference", seen.reference)
    wording.fill(response, "explanation", seen.explanation)
    return response


def _proto_band(band: lead_time.NoticeBand) -> cpb.NoticeBand:
    proto = cpb.NoticeBand(lead_time=band.lead_time, unit=int(band.unit))
    if band.up_to_percent is not None:
        proto.up_to_percent = int(band.up_to_percent)
    return proto


def _proto_verdict(
    verdict: lead_time.LeadTimeVerdict, below_floor: bool, policy_version: int
) -> pb.LeadTimeVerdict:
    proto = pb.LeadTimeVerdict(
        policy_version=policy_version,
        required=verdict.required,
        unit=int(verdict.unit) if verdict.unit is not None else 0,
        actual=verdict.actual,
        complies=verdict.complies,
        shortfall=verdict.shortfall,
        shortfall_days=verdict.shortfall_days,
        deadline=from_date(verdict.deadline),
        below_agent_schedule_floor=below_floor,
        counting=int(verdict.counting),
        default_schedule=verdict.default_schedule,
    )
    wording.fill(proto, "reference", verdict.reference)
    wording.fill(proto, "explanation", verdict.explanation)
    if verdict.band is not None:
        proto.band.CopyFrom(_proto_band(verdict.band))
    return proto


def _own(caller: Caller, role: Role) -> str | None:
    return caller.organisation_id if caller.role is role else None


def _emit(uow: UnitOfWork, topic: str, key: str, payload: Message) -> None:
    uow.emit(wrap(topic, payload, aggregate_id=key, producer=PRODUCER))


def _within_notice_window(field: str, day: date, today: date, past: Text, too_far: Text) -> None:
    """A notice's date must fall from today to MAX_NOTICE_AHEAD ahead (issued or previewed)."""
    if day < today:
        raise InvalidArgument.one(field, past)
    if day > today + MAX_NOTICE_AHEAD:
        raise InvalidArgument.one(field, too_far)
