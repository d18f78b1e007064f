"""The label referential and the audits scored against it: the committee publishing a new
version of the referential, recording an audit of a centre (scored per area by
`rules/label_audit.py`), and reading them. Each command and its events commit together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from vigie.labels.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2 as pb

from services.codecs import labels as codec
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import InvalidArgument, NotFound
from services.common.identity import Caller
from services.common.protos import timestamp
from services.common.validation import calendar_date
from services.labels.centres import centre_or_404
from services.labels.unit_of_work import UnitsOfWork
from services.rules import label_audit as audit_rules
from services.rules.wording import text

# Key of the referential's events on the labels topic: they concern no single centre.
REFERENTIAL_KEY = "referential"


@dataclass
class Audits:
    uows: UnitsOfWork
    now: Clock = utc_now

    def today(self) -> date:
        return french_day(self.now())

    async def publish_referential(self, request: pb.PublishReferentialRequest) -> pb.Referential:
        problems = audit_rules.referential_problems(codec.requirements(request.areas))
        if problems:
            raise InvalidArgument(problems)
        draft = pb.Referential(title=request.title, areas=request.areas)
        draft.published_at.CopyFrom(timestamp(self.now()))
        async with self.uows() as uow:
            referential = await uow.referentials.add(draft)
            published = events.ReferentialPublished(referential=referential)
            uow.emit(topics.LABEL_EVENTS, REFERENTIAL_KEY, published)
        return referential

    async def referential(self, version: int) -> pb.Referential:
        """A version of the referential; the latest for 0."""
        async with self.uows.reading() as uow:
            referential = await uow.referentials.get(version)
        if referential is None:
            raise NotFound("referential", str(version or "latest"))
        return referential

    async def record(self, request: pb.RecordAuditRequest) -> pb.Audit:
        audited_on = calendar_date(request.audited_on, "audited_on")
        if audited_on > self.today():
            raise InvalidArgument.one(
                "audited_on",
                text("audit-in-the-future", audited_on=audited_on, today=self.today()),
            )
        async with self.uows() as uow:
            await centre_or_404(uow, request.centre_id)
            referential = await uow.referentials.get(request.referential_version)
            if referential is None or referential.version != request.referential_version:
                raise NotFound("referential", str(request.referential_version))
            requirements = codec.requirements(referential.areas)
            scores = [(s.code, s.score) for s in request.scores]
            problems = audit_rules.score_problems(requirements, scores)
            if problems:
                raise InvalidArgument(problems)
            score = audit_rules.score_audit(requirements, dict(scores))
            audit = pb.Audit(
                audit_id=str(uuid.uuid4()),
                centre_id=request.centre_id,
                referential_version=referential.version,
                audited_on=request.audited_on,
                auditor=request.auditor,
                scores=request.scores,
                results=[codec.area_result(r) for r in score.results],
                passed=score.passed,
                recorded_at=timestamp(self.now()),
            )
            await uow.audits.add(audit)
            uow.emit(topics.LABEL_EVENTS, audit.centre_id, events.AuditRecorded(audit=audit))
        return audit

    async def get(self, caller: Caller, audit_id: str) -> pb.Audit:
        """For the committee and the audited centre only."""
        async with self.uows.reading() as uow:
            audit = await uow.audits.get(audit_id)
        if audit is None:
            raise NotFound("audit", audit_id)
        caller.require_organisation(audit.centre_id)
        return audit

    async def list(self, centre_id: str) -> list[pb.Audit]:
        async with self.uows.reading() as uow:
            await centre_or_404(uow, centre_id)
            return await uow.audits.list(centre_id)
