"""The committee's policy as the policy service publishes it (vigie.policy.v1), read into the
rules' terms and back, and kept by every service that applies it: each projects the
compacted vigie.policy topic into its own `committee_policies` table (a common migration),
and reads the version in force on a day from there."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from decimal import Decimal

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
from services.common.protos import from_date, to_date
from services.common.schedules import proto_schedule, rule_schedule
from services.common.uow import UnitOfWork
from services.common.validation import calendar_date
from services.rules import (
    Violation,
    offshoring,
    perennial,
    purchasing,
    relationship,
    termination,
    workload,
)
from services.rules import lead_time as lt
from services.rules.policy import DEFAULT_POLICY, CommitteePolicy, LeadTimePolicy, PolicyBook
from services.rules.wording import Text, text

HUNDRED = Decimal(100)
# How long a service waits at start-up for the policy topic before it goes on with what it
# has (its consumer then keeps reading).
CATCH_UP_SECONDS = 60
log = logging.getLogger(__name__)


# -- rules -> proto ----------------------------------------------------------------------------


def to_proto(policy: CommitteePolicy) -> pb.CommitteePolicy:
    """The policy as published; ValueError for a figure the proto's units cannot hold exactly
    (a percent with decimals, a wage with fractions of a cent)."""
    message = pb.CommitteePolicy(
        version=policy.version,
        perennial=pb.PerennialParameters(
            max_span_months=policy.perennial.max_span_months,
            max_gap_days=policy.perennial.max_gap_days,
        ),
        purchasing=_purchasing(policy.purchasing),
        relationship=pb.RelationshipParameters(max_gap_days=policy.relationship.max_gap_days),
        termination=pb.TerminationParameters(
            notice_month_percent_per_year=_whole(policy.termination.notice_months_per_year * 100),
            max_notice_months=policy.termination.max_notice_months,
            partial_cut_percent=_whole(policy.termination.partial_cut_percent),
        ),
        workload=pb.WorkloadParameters(
            tolerance_percent=_whole(policy.workload.tolerance_percent),
            forecast_band_percent=_whole(policy.workload.forecast_band_percent),
            forecast_weeks_in_a_row=policy.workload.forecast_weeks_in_a_row,
        ),
        offshoring=pb.OffshoringParameters(
            onshore_countries=sorted(policy.offshoring.onshore),
            window_weeks=policy.offshoring.window_weeks,
            min_shift_percent=_whole(policy.offshoring.min_shift_percent),
            comparable_percent=_whole(policy.offshoring.comparable_ratio * 100),
            drift_windows=policy.offshoring.drift_windows,
        ),
        lead_time=pb.LeadTimeParameters(
            counting=int(policy.lead_time.counting),
            default_schedule=proto_schedule(policy.lead_time.default_schedule),
        ),
    )
    if policy.effective_from != date.min:
        message.effective_from.CopyFrom(from_date(policy.effective_from))
    return message


def _purchasing(policy: purchasing.PurchasingPolicy) -> pb.PurchasingParameters:
    return pb.PurchasingParameters(
        minimum_wages=[_wage(w) for w in policy.minimum_wages],
        employer_cost_percent=_whole(policy.employer_cost_coefficient * 100),
        productive_percent=_whole(policy.productive_share * 100),
        max_penalty_cap_percent=_whole(policy.max_penalty_cap_percent),
        min_perennial_months=policy.min_perennial_months,
    )


def _wage(wage: purchasing.MinimumWage) -> pb.MinimumWage:
    act = wage.act.values
    decree = wage.act.message == purchasing.decree("0", date.min).message
    return pb.MinimumWage(
        effective_from=from_date(wage.effective_from),
        hourly_cents=_whole(wage.hourly * 100),
        act=pb.MINIMUM_WAGE_ACT_DECREE if decree else pb.MINIMUM_WAGE_ACT_ORDER,
        act_number=str(act.get("number", "")),
        act_signed=from_date(act["signed"]),
    )


def _whole(value: Decimal) -> int:
    if value != value.to_integral_value():
        raise ValueError(f"{value} is not a whole number of the proto's unit")
    return int(value)


# -- proto -> rules ----------------------------------------------------------------------------


def from_proto(message: pb.CommitteePolicy, prefix: str = "policy.") -> CommitteePolicy:
    """The rules' policy; InvalidArgument naming each field the rules refuse (the proto's own
    field rules are checked before, by protovalidate)."""
    problems = _problems(message, prefix)
    if problems:
        raise InvalidArgument(problems)
    return _policy(message, prefix)


def _problems(message: pb.CommitteePolicy, prefix: str) -> list[Violation]:
    problems = []
    if message.HasField("effective_from"):
        try:
            calendar_date(message.effective_from, f"{prefix}effective_from")
        except InvalidArgument as exc:
            problems += exc.violations
    elif message.version != 0:
        problems.append(Violation(f"{prefix}effective_from", text("validation-required")))
    wages = message.purchasing.minimum_wages
    days = [(w.effective_from.year, w.effective_from.month, w.effective_from.day) for w in wages]
    if len(set(days)) != len(days):
        field = f"{prefix}purchasing.minimum_wages"
        problems.append(Violation(field, text("policy-minimum-wages-same-day")))
    for i, wage in enumerate(wages):
        for name in ("effective_from", "act_signed"):
            try:
                calendar_date(getattr(wage, name), f"{prefix}purchasing.minimum_wages[{i}].{name}")
            except InvalidArgument as exc:
                problems += exc.violations
        if wage.act == pb.MINIMUM_WAGE_ACT_DECREE and not wage.act_number:
            field = f"{prefix}purchasing.minimum_wages[{i}].act_number"
            problems.append(Violation(field, text("policy-decree-number")))
    schedule = rule_schedule(message.lead_time.default_schedule)
    field = f"{prefix}lead_time.default_schedule.bands"
    problems += lt.schedule_problems(schedule, field)
    if not schedule:
        problems.append(Violation(field, text("policy-default-schedule-empty")))
    return problems


def _policy(message: pb.CommitteePolicy, prefix: str) -> CommitteePolicy:
    p = message
    return CommitteePolicy(
        version=p.version,
        effective_from=to_date(p.effective_from) if p.HasField("effective_from") else date.min,
        perennial=perennial.PerennialPolicy(p.perennial.max_span_months, p.perennial.max_gap_days),
        purchasing=purchasing.PurchasingPolicy(
            minimum_wages=tuple(_rule_wage(w) for w in p.purchasing.minimum_wages),
            employer_cost_coefficient=Decimal(p.purchasing.employer_cost_percent) / HUNDRED,
            productive_share=Decimal(p.purchasing.productive_percent) / HUNDRED,
            max_penalty_cap_percent=Decimal(p.purchasing.max_penalty_cap_percent),
            min_perennial_months=p.purchasing.min_perennial_months,
        ),
        relationship=relationship.RelationshipPolicy(p.relationship.max_gap_days),
        termination=termination.TerminationPolicy(
            Decimal(p.termination.notice_month_percent_per_year) / HUNDRED,
            p.termination.max_notice_months,
            Decimal(p.termination.partial_cut_percent),
        ),
        workload=workload.WorkloadPolicy(
            Decimal(p.workload.tolerance_percent),
            Decimal(p.workload.forecast_band_percent),
            p.workload.forecast_weeks_in_a_row,
        ),
        offshoring=offshoring.OffshoringPolicy(
            frozenset(p.offshoring.onshore_countries),
            p.offshoring.window_weeks,
            Decimal(p.offshoring.min_shift_percent),
            Decimal(p.offshoring.comparable_percent) / HUNDRED,
            p.offshoring.drift_windows,
        ),
        lead_time=LeadTimePolicy(
            lt.Counting(p.lead_time.counting),
            tuple(rule_schedule(p.lead_time.default_schedule)),
        ),
    )


def _rule_wage(wage: pb.MinimumWage) -> purchasing.MinimumWage:
    signed = to_date(wage.act_signed)
    act: Text = (
        purchasing.decree(wage.act_number, signed)
        if wage.act == pb.MINIMUM_WAGE_ACT_DECREE
        else purchasing.order(signed)
    )
    return purchasing.MinimumWage(
        to_date(wage.effective_from), Decimal(wage.hourly_cents) / 100, act
    )


# -- what each service keeps --------------------------------------------------------------------


def defaults() -> pb.PublishedPolicy:
    """Version 0: the built-in defaults, published by no one."""
    return pb.PublishedPolicy(policy=to_proto(DEFAULT_POLICY))


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


async def published_versions(conn: asyncpg.Connection) -> list[pb.PublishedPolicy]:
    """Every version kept, version 0 first."""
    rows = await conn.fetch("SELECT published FROM committee_policies ORDER BY version")
    return [defaults()] + [pb.PublishedPolicy.FromString(r["published"]) for r in rows]


async def book(conn: asyncpg.Connection) -> PolicyBook:
    """The versions kept, in the rules' terms."""
    versions = await published_versions(conn)
    return PolicyBook.of(_policy(v.policy, "policy.") for v in versions[1:])


async def apply_policy_published(uow: UnitOfWork, envelope: Envelope, payload: Message) -> None:
    if not isinstance(payload, events.PolicyPublished):
        raise RejectedEvent(f"{envelope.event_type} does not belong on the policy topic")
    try:
        from_proto(payload.published.policy)
    except InvalidArgument as exc:
        raise RejectedEvent(f"policy version refused: {exc}") from exc
    await record(uow.conn, payload.published)


def policy_consumer(pool: asyncpg.Pool, bootstrap: str, schema: str) -> EventConsumer:
    """Projects every version into the service's own table, once each."""
    return EventConsumer(
        group=f"{schema}.policy",
        topic_names=[topics.POLICY],
        handler=apply_policy_published,
        pool=pool,
        schema=schema,
        bootstrap=bootstrap,
    )


BOOK = "committee-policy-book"


async def book_of(uow: UnitOfWork) -> PolicyBook:
    """The versions kept, read once per unit of work (a fetch of the checks, a command)."""
    found = uow.state.get(BOOK)
    if found is None:
        found = uow.state[BOOK] = await book(uow.conn)
    return found


def event_key(version: int) -> str:
    """The record key: compaction keeps one record per key, so every version stays."""
    return f"{version:06d}"


async def catch_up(pool: asyncpg.Pool, bootstrap: str) -> int:
    """Read the policy topic from its start to its current end into the service's table,
    before the service serves or checks anything: a service whose database was rebuilt knows
    every version again before it applies one, and the policy service numbers the next
    version after every version ever published. Returns the versions read."""
    ends = {tp: end for tp, end in (await end_offsets(bootstrap, [topics.POLICY])).items()}
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
                    read_count += await _keep(pool, found.value)
    finally:
        await consumer.stop()
    return read_count


async def _behind(consumer: AIOKafkaConsumer, ends: dict) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


async def _keep(pool: asyncpg.Pool, value: bytes | None) -> int:
    """Keep one record's version; 0 for what the running consumer will set aside."""
    try:
        _, payload = read(topics.POLICY, value)
        from_proto(payload.published.policy)
    except (UndecodableEvent, InvalidArgument):
        return 0
    async with pool.acquire() as conn:
        await record(conn, payload.published)
    return 1
