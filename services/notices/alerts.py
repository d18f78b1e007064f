"""The centres' alerts: raising one (numbered in the centre's sequence, stored and published
in the caller's unit of work), the alerts a notice raises for its centre, and a centre
acknowledging what it has read. The streams that deliver them are `streams.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigie.notices.v1 import events_pb2 as events
from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import notices as codec
from services.common import topics, wording
from services.common.clock import Clock, utc_now
from services.common.identity import Caller
from services.common.protos import timestamp, to_date
from services.notices.unit_of_work import NoticesUnitOfWork, UnitsOfWork
from services.rules import lead_time
from services.rules.wording import text


@dataclass
class Alerts:
    uows: UnitsOfWork
    now: Clock = utc_now

    async def acknowledge(self, caller: Caller, up_to: int) -> int:
        """The centre's cursor after acknowledging its alerts up to `up_to`."""
        async with self.uows() as uow:
            return await uow.alerts.acknowledge(caller.organisation_id, up_to)


async def raise_alert(uow: NoticesUnitOfWork, alert: pb.Alert) -> pb.Alert:
    """Number and store an alert for its centre, and publish it, in the caller's unit of work."""
    alert = await uow.alerts.add(alert)
    uow.emit(topics.ALERTS, alert.centre_id, events.AlertRaised(alert=alert))
    return alert


def notice_alerts(notice: pb.Notice, now: datetime) -> list[pb.Alert]:
    """What the centre is told of a notice: that it came, and that it breaches the lead time
    when it does."""
    kinds = [pb.ALERT_KIND_NOTICE_RECEIVED]
    if not notice.verdict.complies:
        kinds.append(pb.ALERT_KIND_NOTICE_BREACH)
    return [notice_alert(notice, kind, now) for kind in kinds]


def notice_alert(notice: pb.Notice, kind: int, now: datetime) -> pb.Alert:
    change = lead_time.change_text(codec.notice_change(notice))
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
