"""Workload-change notices (vigie.notices.v1) in the lead-time rule's terms, and its answers
back as protos: the change a notice asks, its verdict, the band of the schedule that applied,
and the preview of a change not yet notified."""

from __future__ import annotations

from decimal import Decimal

from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as pb

from services.common import wording
from services.common.errors import FailedPrecondition
from services.common.protos import from_date
from services.rules import lead_time
from services.rules.wording import text


def rule_change(change: pb.WorkloadChange, baseline: int) -> lead_time.WorkloadChange:
    """The change asked, as a percentage of the contract's baseline; FailedPrecondition when
    a new level is asked of a contract without a baseline to measure it against."""
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


def notice_change(notice: pb.Notice) -> lead_time.WorkloadChange:
    """The change a notice recorded, back in the rule's terms."""
    return lead_time.WorkloadChange(
        # The proto's double holds a percentage of 2 decimals at most.
        Decimal(str(round(notice.change_percent, 2))),
        termination=notice.change.WhichOneof("change") == "termination",
    )


def band(found: lead_time.NoticeBand) -> cpb.NoticeBand:
    proto = cpb.NoticeBand(lead_time=found.lead_time, unit=int(found.unit))
    if found.up_to_percent is not None:
        proto.up_to_percent = int(found.up_to_percent)
    return proto


def verdict(
    found: lead_time.LeadTimeVerdict, below_floor: bool, policy_version: int
) -> pb.LeadTimeVerdict:
    """The verdict as the notice carries it, naming the committee's policy version applied."""
    proto = pb.LeadTimeVerdict(
        policy_version=policy_version,
        required=found.required,
        unit=int(found.unit) if found.unit is not None else 0,
        actual=found.actual,
        complies=found.complies,
        shortfall=found.shortfall,
        shortfall_days=found.shortfall_days,
        deadline=from_date(found.deadline),
        below_agent_schedule_floor=below_floor,
        counting=int(found.counting),
        default_schedule=found.default_schedule,
    )
    wording.fill(proto, "reference", found.reference)
    wording.fill(proto, "explanation", found.explanation)
    if found.band is not None:
        proto.band.CopyFrom(band(found.band))
    return proto


def preview(
    contract_id: str, change: lead_time.WorkloadChange, seen: lead_time.Preview, version: int
) -> pb.PreviewWorkloadChangeResponse:
    """The preview as `PreviewWorkloadChange` answers it, naming the policy version applied."""
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
        response.band.CopyFrom(band(seen.band))
    for found in seen.public_holidays:
        holiday = response.public_holidays.add(date=from_date(found.day))
        wording.fill(holiday, "name", found.name)
    if seen.desired is not None and seen.desired_effective_date is not None:
        desired = seen.desired_effective_date
        response.desired_effective_date.CopyFrom(from_date(desired))
        response.desired_date_complies = seen.desired.complies
        below = lead_time.below_agent_floor(seen.notified_on, desired, counting=seen.counting)
        response.desired_verdict.CopyFrom(verdict(seen.desired, below, version))
    wording.fill(response, "reference", seen.reference)
    wording.fill(response, "explanation", seen.explanation)
    return response
