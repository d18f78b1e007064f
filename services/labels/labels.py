"""A centre's label through its life (`rules/label_lifecycle.py`): granted on a passing
audit, suspended with a deadline to remedy, reinstated, withdrawn, and expired by the sweep
at the end of its validity. Each change, the centre's new state and its events commit
together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from google.protobuf.message import Message
from vigie.labels.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2 as pb

from services.codecs import labels as codec
from services.codecs.labels import rule_label
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import InvalidArgument, NotFound
from services.common.protos import to_date
from services.common.validation import calendar_date
from services.labels.centres import centre_or_404, emit_status
from services.labels.unit_of_work import LabelsUnitOfWork, UnitsOfWork
from services.rules import label_lifecycle as lifecycle


@dataclass
class Labels:
    uows: UnitsOfWork
    policy: lifecycle.Policy = field(default_factory=lifecycle.Policy)
    now: Clock = utc_now

    def today(self) -> date:
        return french_day(self.now())

    async def grant(self, request: pb.GrantLabelRequest) -> pb.Centre:
        valid_from = calendar_date(request.valid_from, "valid_from")
        valid_until = calendar_date(request.valid_until, "valid_until")
        problems = lifecycle.grant_problems(valid_from, valid_until, self.today(), self.policy)
        if problems:
            raise InvalidArgument(problems)
        async with self.uows() as uow:
            centre = await centre_or_404(uow, request.centre_id, lock=True)
            audit = await uow.audits.get(request.audit_id)
            if audit is None:
                raise NotFound("audit", request.audit_id)
            label = lifecycle.grant(
                rule_label(centre.label),
                centre.centre_id,
                lifecycle.PassingAudit(
                    audit.audit_id, audit.centre_id, to_date(audit.audited_on), audit.passed
                ),
                valid_from,
                valid_until,
                self.today(),
                self.policy,
            )
            event = events.LabelGranted(
                centre_id=centre.centre_id,
                audit_id=audit.audit_id,
                valid_from=request.valid_from,
                valid_until=request.valid_until,
            )
            await self._change(uow, centre, label, event)
        return centre

    async def suspend(self, request: pb.SuspendLabelRequest) -> pb.Centre:
        deadline = calendar_date(request.remedy_deadline, "remedy_deadline")
        event = events.LabelSuspended(
            centre_id=request.centre_id,
            reason=request.reason,
            remedy_deadline=request.remedy_deadline,
        )
        return await self._transition(
            request.centre_id,
            lambda label: lifecycle.suspend(label, request.reason, deadline, self.today()),
            event,
        )

    async def reinstate(self, request: pb.ReinstateLabelRequest) -> pb.Centre:
        event = events.LabelReinstated(centre_id=request.centre_id, reason=request.reason)
        return await self._transition(
            request.centre_id,
            lambda label: lifecycle.reinstate(label, request.reason, self.today()),
            event,
        )

    async def withdraw(self, request: pb.WithdrawLabelRequest) -> pb.Centre:
        event = events.LabelWithdrawn(centre_id=request.centre_id, reason=request.reason)
        return await self._transition(
            request.centre_id,
            lambda label: lifecycle.withdraw(label, request.reason, self.today()),
            event,
        )

    async def expire_due(self, batch: int = 100) -> int:
        """Expire the labels past their validity; safe to run on every replica at once."""
        expired = 0
        while True:
            async with self.uows() as uow:
                due = await uow.centres.due_for_expiry(self.today(), batch)
                for centre_id in due:
                    centre = await centre_or_404(uow, centre_id)
                    label = lifecycle.expire(rule_label(centre.label), self.today())
                    if label is not None:
                        event = events.LabelExpired(
                            centre_id=centre_id, valid_until=centre.label.valid_until
                        )
                        await self._change(uow, centre, label, event)
            expired += len(due)
            if len(due) < batch:
                return expired

    async def _transition(
        self,
        centre_id: str,
        change: Callable[[lifecycle.Label], lifecycle.Label],
        event: Message,
    ) -> pb.Centre:
        async with self.uows() as uow:
            centre = await centre_or_404(uow, centre_id, lock=True)
            label = change(rule_label(centre.label))
            await self._change(uow, centre, label, event)
        return centre

    async def _change(
        self, uow: LabelsUnitOfWork, centre: pb.Centre, label: lifecycle.Label, event: Message
    ) -> None:
        now = self.now()
        centre.label.CopyFrom(codec.label(label, now))
        await uow.centres.update_label(centre.centre_id, centre.label, now)
        uow.emit(topics.LABEL_EVENTS, centre.centre_id, event)
        emit_status(uow, centre)
