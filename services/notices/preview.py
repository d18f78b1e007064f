"""Previewing a workload change before it is notified: what the contract's schedule (or the
committee's default one) would ask if it were notified on a day, the earliest date it could
take effect, and whether a desired date would do. It reads the contract and the policy in
force on that day, and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vigie.notices.v1 import notices_pb2 as pb

from services.codecs import notices as codec
from services.codecs.schedules import rule_schedule
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import InvalidArgument
from services.common.identity import Caller
from services.common.protos import to_date
from services.common.validation import calendar_date
from services.notices.notices import MAX_NOTICE_AHEAD, active_contract, within_notice_window
from services.notices.unit_of_work import UnitsOfWork
from services.rules import lead_time
from services.rules.wording import text


@dataclass
class Previews:
    uows: UnitsOfWork
    now: Clock = utc_now

    def today(self) -> date:
        return french_day(self.now())

    async def preview(
        self, caller: Caller, request: pb.PreviewWorkloadChangeRequest
    ) -> pb.PreviewWorkloadChangeResponse:
        """What the change would need if notified on a day (today by default)."""
        today = self.today()
        notified_on = today
        if request.HasField("notified_on"):
            notified_on = calendar_date(request.notified_on, "notified_on")
        within_notice_window(
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
        desired = _desired(request, today, notified_on)
        async with self.uows.reading() as uow:
            contract = await active_contract(uow, caller, request.contract_id)
            # Judged as if notified that day: by the policy in force then.
            in_force = (await uow.policies.book()).in_force_on(notified_on)
        last_day = to_date(contract.terms.end_date)
        if desired is not None and desired > last_day:
            raise InvalidArgument.one(
                "desired_effective_date",
                text("error-notice-after-contract", effective=desired, last_day=last_day),
            )
        change = codec.rule_change(request.change, contract.terms.forecast.contacts_per_month)
        seen = lead_time.preview(
            rule_schedule(contract.terms.notice_schedule),
            change,
            notified_on,
            desired,
            counting=in_force.lead_time.counting,
            default_schedule=in_force.lead_time.default_schedule,
        )
        return codec.preview(contract.contract_id, change, seen, in_force.version)


def _desired(
    request: pb.PreviewWorkloadChangeRequest, today: date, notified_on: date
) -> date | None:
    """The date the party would like the change to take effect, if it names one: on or after
    the notice, and within the window."""
    if not request.HasField("desired_effective_date"):
        return None
    desired = calendar_date(request.desired_effective_date, "desired_effective_date")
    if desired < notified_on:
        raise InvalidArgument.one(
            "desired_effective_date",
            text("error-preview-desired-before-notice", desired=desired, notified_on=notified_on),
        )
    if desired > today + MAX_NOTICE_AHEAD:
        raise InvalidArgument.one(
            "desired_effective_date",
            text("error-notice-too-far-ahead", effective=desired, days=MAX_NOTICE_AHEAD.days),
        )
    return desired
