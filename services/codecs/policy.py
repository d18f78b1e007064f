"""The committee's policy as the policy service publishes it (vigie.policy.v1), read into the
rules' terms and back. Percentages, ratios and money travel as whole numbers of their unit
(percent, cents), so a parameter is never changed by rounding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from vigie.policy.v1 import policy_pb2 as pb

from services.codecs.schedules import proto_schedule, rule_schedule
from services.common.errors import InvalidArgument
from services.common.protos import from_date, to_date
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


# -- the versions kept -------------------------------------------------------------------------


def defaults() -> pb.PublishedPolicy:
    """Version 0: the built-in defaults, published by no one."""
    return pb.PublishedPolicy(policy=to_proto(DEFAULT_POLICY))


def with_defaults(stored: Iterable[pb.PublishedPolicy]) -> list[pb.PublishedPolicy]:
    """Every version, version 0 first."""
    return [defaults(), *stored]


def book(stored: Iterable[pb.PublishedPolicy]) -> PolicyBook:
    """The versions published, in the rules' terms."""
    return PolicyBook.of(_policy(v.policy, "policy.") for v in stored)
