"""The labels service's commands and queries. Each command runs in one unit of work: the
state change and the events it raises commit together or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import asyncpg
import pycountry
from google.protobuf.message import Message
from vigie.labels.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2 as pb

from services.common import topics
from services.common.clock import french_day, utc_now
from services.common.envelope import wrap
from services.common.errors import AlreadyExists, InvalidArgument, NotFound
from services.common.identity import Caller
from services.common.labels import rule_label
from services.common.protos import from_date, timestamp, to_date
from services.common.uow import UnitOfWork, unit_of_work
from services.common.validation import calendar_date
from services.labels import store
from services.rules import Violation
from services.rules import label_audit as audit_rules
from services.rules import label_lifecycle as lifecycle
from services.rules.wording import text

SCHEMA = PRODUCER = "labels"
# Key of the referential's events on the labels topic: they concern no single centre.
REFERENTIAL_KEY = "referential"


@dataclass
class LabelRegistry:
    pool: asyncpg.Pool
    policy: lifecycle.Policy = field(default_factory=lifecycle.Policy)
    now: Callable[[], datetime] = utc_now

    def today(self) -> date:
        return french_day(self.now())

    # -- centres ---------------------------------------------------------------------------

    async def register_centre(self, request: pb.RegisterCentreRequest) -> pb.Centre:
        problems = site_problems(request.sites)
        if problems:
            raise InvalidArgument(problems)
        now = self.now()
        centre = pb.Centre(
            centre_id=request.centre_id,
            name=request.name,
            kind=request.kind,
            owner_ordering_party_id=request.owner_ordering_party_id,
            sites=request.sites,
            label=pb.Label(status=pb.LABEL_STATUS_NONE),
            registered_at=timestamp(now),
        )
        async with unit_of_work(self.pool, SCHEMA) as uow:
            taken = await store.sites_of_other_centres(
                uow.conn, centre.centre_id, [s.site_id for s in centre.sites]
            )
            if taken:
                raise InvalidArgument(taken_site_problems(centre.sites, taken))
            try:
                inserted = await store.insert_centre(uow.conn, centre, now)
            except asyncpg.UniqueViolationError:
                # Another centre took one of the sites since the check: the index decides.
                raise AlreadyExists("site", ", ".join(s.site_id for s in centre.sites)) from None
            if not inserted:
                raise AlreadyExists("centre", request.centre_id)
            _emit(uow, request.centre_id, events.CentreRegistered(centre=centre))
            _emit_status(uow, centre)
        return centre

    async def get_centre(self, centre_id: str) -> pb.Centre:
        async with self.pool.acquire() as conn:
            return await _centre_or_404(conn, centre_id)

    async def list_centres(self, request: pb.ListCentresRequest) -> list[pb.Centre]:
        async with self.pool.acquire() as conn:
            return await store.list_centres(conn, request.label_status, request.country)

    # -- referential -----------------------------------------------------------------------

    async def publish_referential(self, request: pb.PublishReferentialRequest) -> pb.Referential:
        problems = audit_rules.referential_problems(_requirements(request.areas))
        if problems:
            raise InvalidArgument(problems)
        draft = pb.Referential(title=request.title, areas=request.areas)
        draft.published_at.CopyFrom(timestamp(self.now()))
        async with unit_of_work(self.pool, SCHEMA) as uow:
            referential = await store.insert_referential(uow.conn, draft)
            _emit(uow, REFERENTIAL_KEY, events.ReferentialPublished(referential=referential))
        return referential

    async def get_referential(self, version: int) -> pb.Referential:
        async with self.pool.acquire() as conn:
            referential = await store.get_referential(conn, version)
        if referential is None:
            raise NotFound("referential", str(version or "latest"))
        return referential

    # -- audits ----------------------------------------------------------------------------

    async def record_audit(self, request: pb.RecordAuditRequest) -> pb.Audit:
        audited_on = calendar_date(request.audited_on, "audited_on")
        if audited_on > self.today():
            raise InvalidArgument.one(
                "audited_on",
                text("audit-in-the-future", audited_on=audited_on, today=self.today()),
            )
        async with unit_of_work(self.pool, SCHEMA) as uow:
            await _centre_or_404(uow.conn, request.centre_id)
            referential = await store.get_referential(uow.conn, request.referential_version)
            if referential is None or referential.version != request.referential_version:
                raise NotFound("referential", str(request.referential_version))
            requirements = _requirements(referential.areas)
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
                results=[_area_result(r) for r in score.results],
                passed=score.passed,
                recorded_at=timestamp(self.now()),
            )
            await store.insert_audit(uow.conn, audit)
            _emit(uow, audit.centre_id, events.AuditRecorded(audit=audit))
        return audit

    async def get_audit(self, caller: Caller, audit_id: str) -> pb.Audit:
        async with self.pool.acquire() as conn:
            audit = await store.get_audit(conn, audit_id)
        if audit is None:
            raise NotFound("audit", audit_id)
        caller.require_organisation(audit.centre_id)
        return audit

    async def list_audits(self, centre_id: str) -> list[pb.Audit]:
        async with self.pool.acquire() as conn:
            await _centre_or_404(conn, centre_id)
            return await store.list_audits(conn, centre_id)

    # -- the label's life ------------------------------------------------------------------

    async def grant_label(self, request: pb.GrantLabelRequest) -> pb.Centre:
        valid_from = calendar_date(request.valid_from, "valid_from")
        valid_until = calendar_date(request.valid_until, "valid_until")
        problems = lifecycle.grant_problems(valid_from, valid_until, self.today(), self.policy)
        if problems:
            raise InvalidArgument(problems)
        async with unit_of_work(self.pool, SCHEMA) as uow:
            centre = await _centre_or_404(uow.conn, request.centre_id, lock=True)
            audit = await store.get_audit(uow.conn, request.audit_id)
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
            await self._change_label(uow, centre, label, event)
        return centre

    async def suspend_label(self, request: pb.SuspendLabelRequest) -> pb.Centre:
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

    async def reinstate_label(self, request: pb.ReinstateLabelRequest) -> pb.Centre:
        event = events.LabelReinstated(centre_id=request.centre_id, reason=request.reason)
        return await self._transition(
            request.centre_id,
            lambda label: lifecycle.reinstate(label, request.reason, self.today()),
            event,
        )

    async def withdraw_label(self, request: pb.WithdrawLabelRequest) -> pb.Centre:
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
            async with unit_of_work(self.pool, SCHEMA) as uow:
                due = await store.centres_due_for_expiry(uow.conn, self.today(), batch)
                for centre_id in due:
                    centre = await store.get_centre(uow.conn, centre_id)
                    label = lifecycle.expire(rule_label(centre.label), self.today())
                    if label is not None:
                        event = events.LabelExpired(
                            centre_id=centre_id, valid_until=centre.label.valid_until
                        )
                        await self._change_label(uow, centre, label, event)
            expired += len(due)
            if len(due) < batch:
                return expired

    async def _transition(
        self,
        centre_id: str,
        change: Callable[[lifecycle.Label], lifecycle.Label],
        event: Message,
    ) -> pb.Centre:
        async with unit_of_work(self.pool, SCHEMA) as uow:
            centre = await _centre_or_404(uow.conn, centre_id, lock=True)
            label = change(rule_label(centre.label))
            await self._change_label(uow, centre, label, event)
        return centre

    async def _change_label(
        self, uow: UnitOfWork, centre: pb.Centre, label: lifecycle.Label, event: Message
    ) -> None:
        now = self.now()
        centre.label.CopyFrom(_proto_label(label, now))
        await store.update_label(uow.conn, centre.centre_id, centre.label, now)
        _emit(uow, centre.centre_id, event)
        _emit_status(uow, centre)


def site_problems(sites: list[pb.Site]) -> list[Violation]:
    problems = []
    seen: set[str] = set()
    for i, site in enumerate(sites):
        if pycountry.countries.get(alpha_2=site.country) is None:
            problems.append(
                Violation(f"sites[{i}].country", text("error-country-code", country=site.country))
            )
        if site.site_id in seen:
            problems.append(
                Violation(f"sites[{i}].site_id", text("label-site-twice", site=site.site_id))
            )
        seen.add(site.site_id)
    return problems


def taken_site_problems(sites: list[pb.Site], taken: set[str]) -> list[Violation]:
    """Each site whose id another centre already registered."""
    return [
        Violation(f"sites[{i}].site_id", text("label-site-taken", site=site.site_id))
        for i, site in enumerate(sites)
        if site.site_id in taken
    ]


def _emit(uow: UnitOfWork, key: str, payload: Message) -> None:
    uow.emit(wrap(topics.LABEL_EVENTS, payload, aggregate_id=key, producer=PRODUCER))


def _emit_status(uow: UnitOfWork, centre: pb.Centre) -> None:
    snapshot = events.CentreLabelStatus(centre=centre)
    uow.emit(wrap(topics.LABEL_STATUS, snapshot, aggregate_id=centre.centre_id, producer=PRODUCER))


async def _centre_or_404(
    conn: asyncpg.Connection, centre_id: str, *, lock: bool = False
) -> pb.Centre:
    centre = await store.get_centre(conn, centre_id, lock=lock)
    if centre is None:
        raise NotFound("centre", centre_id)
    return centre


def _requirements(areas) -> list[audit_rules.AreaRequirement]:
    return [
        audit_rules.AreaRequirement(
            audit_rules.Area(a.area),
            tuple(audit_rules.Criterion(c.code, c.max_score) for c in a.criteria),
            a.pass_threshold_percent,
        )
        for a in areas
    ]


def _area_result(result: audit_rules.AreaResult) -> pb.AreaResult:
    return pb.AreaResult(
        area=int(result.area),
        score=result.score,
        max_score=result.max_score,
        pass_threshold_percent=result.pass_threshold_percent,
        passed=result.passed,
    )


def _proto_label(label: lifecycle.Label, changed_at: datetime) -> pb.Label:
    return pb.Label(
        status=int(label.status),
        valid_from=from_date(label.valid_from),
        valid_until=from_date(label.valid_until),
        audit_id=label.audit_id,
        reason=label.reason,
        remedy_deadline=from_date(label.remedy_deadline),
        changed_at=timestamp(changed_at),
    )
