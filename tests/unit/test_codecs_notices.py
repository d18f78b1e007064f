"""Workload-change notices from the protos into the lead-time rule's terms, and its answers
back: the codec the notices service's use cases speak through."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import notices as codec
from services.common import wording
from services.common.errors import FailedPrecondition
from services.common.protos import from_date, to_date
from services.rules import lead_time
from services.rules.wording import text

MONTHS = lead_time.LeadTimeUnit.CALENDAR_MONTHS
DAYS = lead_time.LeadTimeUnit.CALENDAR_DAYS


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (pb.WorkloadChange(termination=True), lead_time.WorkloadChange(Decimal(-100), True)),
        (pb.WorkloadChange(change_percent=-12), lead_time.WorkloadChange(Decimal(-12))),
        # A new level, against the baseline of 800 contacts a month.
        (pb.WorkloadChange(new_contacts_per_month=1000), lead_time.WorkloadChange(Decimal(25))),
    ],
)
def test_the_change_asked_in_the_rule_s_terms(change, expected):
    assert codec.rule_change(change, 800) == expected


def test_a_new_level_without_a_baseline_cannot_be_measured():
    with pytest.raises(FailedPrecondition) as refused:
        codec.rule_change(pb.WorkloadChange(new_contacts_per_month=1000), 0)
    assert (refused.value.subject, refused.value.reason) == (
        "contract_id",
        text("contract-no-baseline"),
    )
    # A percentage needs no baseline.
    assert codec.rule_change(pb.WorkloadChange(change_percent=5), 0).change_percent == 5


def test_a_notice_s_change_reads_back_as_recorded():
    notice = pb.Notice(change=pb.WorkloadChange(termination=True), change_percent=-100)
    assert codec.notice_change(notice) == lead_time.WorkloadChange(Decimal(-100), True)
    # The double's noise stays out: 2 decimals at most.
    level = pb.WorkloadChange(new_contacts_per_month=2000)
    cut = pb.Notice(change=level, change_percent=-1 / 3)
    assert codec.notice_change(cut) == lead_time.WorkloadChange(Decimal("-0.33"))


def test_a_band_keeps_its_bound_only_when_it_has_one():
    bounded = codec.band(lead_time.NoticeBand(Decimal(30), 1, MONTHS))
    assert (bounded.up_to_percent, bounded.lead_time, bounded.unit) == (
        30,
        1,
        cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS,
    )
    assert not codec.band(lead_time.NoticeBand(None, 3, MONTHS)).HasField("up_to_percent")


def test_a_verdict_names_its_policy_version_band_and_words():
    schedule = [lead_time.NoticeBand(None, 90, DAYS)]
    change = lead_time.WorkloadChange(Decimal(-60))
    found = lead_time.assess(schedule, change, date(2027, 4, 16), date(2027, 4, 26))
    proto = codec.verdict(found, True, 7)
    assert proto.policy_version == 7 and proto.below_agent_schedule_floor
    assert (proto.required, proto.actual, proto.shortfall_days, proto.complies) == (
        90,
        9,
        81,
        False,
    )
    assert (proto.unit, proto.counting) == (
        cpb.LEAD_TIME_UNIT_CALENDAR_DAYS,
        pb.LEAD_TIME_COUNTING_LEGAL,
    )
    assert to_date(proto.deadline) == found.deadline
    assert proto.band == cpb.NoticeBand(lead_time=90, unit=cpb.LEAD_TIME_UNIT_CALENDAR_DAYS)
    assert wording.text_of(proto, "explanation") == found.explanation
    assert wording.text_of(proto, "reference") == lead_time.REFERENCE
    assert proto.explanation.startswith("Notifiée le 16 avril 2027 pour prendre effet le 26 avril")


def test_a_verdict_without_a_band_has_none():
    found = lead_time.assess([], lead_time.WorkloadChange(Decimal(0)), date(2027, 4, 16), None)
    proto = codec.verdict(found, False, 0)
    assert not proto.HasField("band") and proto.complies


def test_a_preview_carries_its_desired_verdict_under_the_same_version():
    schedule = [lead_time.NoticeBand(Decimal(10), 15, lead_time.LeadTimeUnit.BUSINESS_DAYS)]
    change = lead_time.WorkloadChange(Decimal(-8))
    seen = lead_time.preview(schedule, change, date(2027, 4, 26), date(2027, 5, 18))
    response = codec.preview("c-1", change, seen, 2)
    assert (response.contract_id, response.change_percent) == ("c-1", -8)
    assert response.policy_version == response.desired_verdict.policy_version == 2
    assert response.notified_on == from_date(date(2027, 4, 26))
    assert response.desired_effective_date == from_date(date(2027, 5, 18))
    assert response.band.up_to_percent == 10
    assert [h.name for h in response.public_holidays] == ["Ascension", "Lundi de Pentecôte"]
    assert wording.text_of(response, "reference") == seen.reference
