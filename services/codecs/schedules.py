"""A contract's notice schedule as the contracts service publishes it
(vigie.contracts.v1.NoticeSchedule), read into the lead-time rule's terms: shared by the
contracts service (checking a schedule) and the notices service (applying it)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from vigie.contracts.v1 import contracts_pb2 as cpb

from services.rules import lead_time


def rule_schedule(schedule: cpb.NoticeSchedule) -> list[lead_time.NoticeBand]:
    return [
        lead_time.NoticeBand(
            Decimal(band.up_to_percent) if band.HasField("up_to_percent") else None,
            band.lead_time,
            lead_time.LeadTimeUnit(band.unit),
        )
        for band in schedule.bands
    ]


def proto_schedule(bands: Sequence[lead_time.NoticeBand]) -> cpb.NoticeSchedule:
    return cpb.NoticeSchedule(
        bands=[
            cpb.NoticeBand(
                up_to_percent=None if band.up_to_percent is None else int(band.up_to_percent),
                lead_time=band.lead_time,
                unit=int(band.unit),
            )
            for band in bands
        ]
    )
