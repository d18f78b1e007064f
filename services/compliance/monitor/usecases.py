"""What the committee watches: findings recorded from the findings topic (each once), read
as a list or followed live with filters, and their lifecycle: contested by the ordering party
or a centre concerned, ruled on, closed and reopened by the committee, withdrawn and raised
again by the checks. Every change is a row of the finding's history and, when people make
it here, a FindingStateChanged on the findings topic."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import topics, wording
from services.common.clock import PARIS, french_day, utc_now
from services.common.consumer import RejectedEvent
from services.common.errors import InvalidArgument, NotFound
from services.common.identity import Caller, Role
from services.common.live import Notifications
from services.compliance.monitor import lifecycle, store
from services.compliance.monitor.lifecycle import Move
from services.compliance.monitor.repositories import FindingRepository
from services.compliance.monitor.unit_of_work import MonitorUnitOfWork, UnitsOfWork
from services.rules.calendar import add_weeks, iso_week, week_label, week_start
from services.rules.wording import Text, text

GROUP = "compliance.findings"
# Grounds shorter than this (spaces aside) say nothing a committee could weigh.
MIN_GROUNDS = 20
# Rows the start-up fill-in reads at a time.
FILL_IN_BATCH = 500
log = logging.getLogger(__name__)


@dataclass
class Monitor:
    uows: UnitsOfWork
    # Wakes the watchers when a finding changes (PostgreSQL's LISTEN on store.FINDINGS_CHANNEL).
    notifications: Notifications
    now: Callable[[], datetime] = utc_now

    # -- the findings topic ----------------------------------------------------------------

    async def apply(self, work: MonitorUnitOfWork, envelope: Envelope, payload: Message) -> None:
        """One record of the findings or scorecards topic, in the consumer's unit of work."""
        findings = work.findings
        match payload:
            case events.FindingRaised(finding=finding):
                await self._raised(findings, envelope, finding)
            case events.FindingRevised(finding=finding):
                await self._revised(findings, envelope, finding)
            case events.FindingStateChanged(transition=transition):
                await self._state_changed(findings, envelope, transition)
            case events.ScorecardComputed(scorecard=card):
                await work.scorecards.save(card, parse_week(card.week))
            case _:
                raise RejectedEvent(f"{envelope.event_type} is not a finding or a scorecard")

    async def _raised(
        self, findings: FindingRepository, envelope: Envelope, finding: pb.Finding
    ) -> None:
        """A new finding is OPEN; a withdrawn one the data supports again is OPEN again, with
        the figures of this raise; any other is kept as it is (a replay raises it again)."""
        seq = await findings.next_seq()
        held = await findings.held(finding.finding_id)
        if held is None:
            await self._record(findings, envelope, finding, seq, text("finding-raised"))
        elif held.state == lifecycle.WITHDRAWN:
            document = _revised_document(held.finding, finding)
            transition = _by_the_checks(envelope, document, held.state, lifecycle.OPEN)
            wording.fill(transition, "reason", text("finding-raised-again"))
            document.revision = held.revision + 1
            await self._transit(
                findings, document, transition, envelope.event_id, seq, finding.revision
            )

    async def _revised(
        self, findings: FindingRepository, envelope: Envelope, finding: pb.Finding
    ) -> None:
        """A newer revision of an episode's finding replaces its figures and keeps its state;
        an older or repeated one changes nothing."""
        seq = await findings.next_seq()
        held = await findings.held(finding.finding_id)
        if held is None:
            # Its raise was set aside (dead letters): the latest figures are the finding.
            await self._record(findings, envelope, finding, seq, text("finding-raised-revised"))
            return
        if finding.revision <= held.checks_revision:
            return
        document = _revised_document(held.finding, finding)
        document.revision = held.revision + 1
        transition = _by_the_checks(envelope, document, held.state, held.state)
        wording.fill(transition, "reason", text("finding-revised"))
        await self._transit(
            findings, document, transition, envelope.event_id, seq, finding.revision
        )

    async def _state_changed(
        self, findings: FindingRepository, envelope: Envelope, transition: pb.FindingTransition
    ) -> None:
        """The checks' withdrawals, from any state but WITHDRAWN; a person's change another
        monitor made (a restored database) when it follows from the current state. A change
        this monitor made is in the history under its event id already."""
        if await findings.transition_applied(envelope.event_id):
            return
        seq = await findings.next_seq()
        held = await findings.held(transition.finding_id)
        if held is None or held.finding.ordering_party_id != transition.ordering_party_id:
            raise RejectedEvent(f"no finding {transition.finding_id} of that ordering party")
        if not _applies(transition, held.state):
            return
        applied = pb.FindingTransition()
        applied.CopyFrom(transition)
        applied.from_state = held.state
        await self._transit(
            findings, held.finding, applied, envelope.event_id, seq, held.checks_revision
        )

    async def _record(
        self,
        findings: FindingRepository,
        envelope: Envelope,
        finding: pb.Finding,
        seq: int,
        why: Text,
    ) -> None:
        now = self.now()
        concerned = centres_concerned(finding)
        if await findings.insert(finding, seq, now, concerned, concerns_from(finding, now)):
            transition = _by_the_checks(envelope, finding, 0, lifecycle.OPEN)
            wording.fill(transition, "reason", why)
            await findings.add_transition(transition, 1, now, envelope.event_id)

    async def _transit(
        self,
        findings: FindingRepository,
        document: pb.Finding,
        transition: pb.FindingTransition,
        event_id: str,
        seq: int,
        checks_revision: int,
    ) -> pb.Finding:
        """Move a held finding: its new state (closed_at and closing_reason follow it), a row
        of history, and a new position for watchers."""
        document.state = transition.to_state
        if lifecycle.closed(transition.to_state):
            document.closed_at.CopyFrom(transition.at)
            document.closing_reason = transition.reason
            document.closing_reason_wording.CopyFrom(transition.reason_wording)
            if not transition.HasField("reason_wording"):
                document.ClearField("closing_reason_wording")
        else:
            document.ClearField("closed_at")
            document.ClearField("closing_reason")
            document.ClearField("closing_reason_wording")
        await findings.update(document, seq, centres_concerned(document), checks_revision)
        await findings.add_transition(transition, document.revision, self.now(), event_id)
        return document

    # -- people's commands -----------------------------------------------------------------

    async def contest(self, caller: Caller, request: pb.ContestFindingRequest) -> pb.Finding:
        if len(request.grounds.strip()) < MIN_GROUNDS:
            raise InvalidArgument.one(
                "grounds", text("finding-contest-grounds-too-short", min_chars=MIN_GROUNDS)
            )
        return await self._change(
            caller, request.finding_id, lifecycle.CONTEST, request.grounds, request.attachments
        )

    async def rule(self, caller: Caller, request: pb.RuleOnFindingRequest) -> pb.Finding:
        move = lifecycle.RULINGS[request.decision]
        return await self._change(caller, request.finding_id, move, request.reasons)

    async def close(self, caller: Caller, request: pb.CloseFindingRequest) -> pb.Finding:
        return await self._change(caller, request.finding_id, lifecycle.CLOSE, request.reason)

    async def reopen(self, caller: Caller, request: pb.ReopenFindingRequest) -> pb.Finding:
        return await self._change(caller, request.finding_id, lifecycle.REOPEN, request.reason)

    async def _change(
        self,
        caller: Caller,
        finding_id: str,
        move: Move,
        reason: str,
        attachments: Sequence[str] = (),
    ) -> pb.Finding:
        """One unit of work: the finding moved, its history row, and the FindingStateChanged
        that tells the other services, through the outbox."""
        async with self.uows() as work:
            seq = await work.findings.next_seq()
            held = await work.findings.held(finding_id)
            if held is None or not sees(caller, held.finding):
                raise NotFound("finding", finding_id)
            move.check(finding_id, held.state)
            transition = pb.FindingTransition(
                finding_id=finding_id,
                ordering_party_id=held.finding.ordering_party_id,
                from_state=held.state,
                to_state=move.target,
                actor=pb.Actor(
                    role=caller.role.value,
                    organisation_id=caller.organisation_id,
                    subject=caller.subject,
                ),
                reason=reason,
                attachments=attachments,
            )
            transition.at.FromDatetime(self.now())
            event = work.emit(
                topics.FINDINGS,
                # An outsourcer's finding has no ordering party: keyed by the outsourcer.
                transition.ordering_party_id or held.finding.centre_id,
                events.FindingStateChanged(transition=transition),
            )
            # Its history row carries the event's id: the topic brings it back as applied.
            return await self._transit(
                work.findings, held.finding, transition, event.event_id, seq, held.checks_revision
            )

    # -- reads -----------------------------------------------------------------------------

    async def list(self, caller: Caller, request: pb.ListFindingsRequest) -> list[pb.Finding]:
        filters = _filters(caller, request.filter)
        async with self.uows.reading() as work:
            rows = await work.findings.after(
                0, request.limit or 1000, filters, request.newest_first
            )
        return [finding for _, finding in rows]

    async def watch(
        self, caller: Caller, request: pb.WatchFindingsRequest
    ) -> AsyncIterator[pb.Finding]:
        """Each finding at its latest state, then again at each change: a change draws a new
        position in the findings' sequence, after every watcher's."""
        filters = _filters(caller, request.filter)

        async def read_after(seq: int, limit: int) -> list[tuple[int, pb.Finding]]:
            async with self.uows.reading() as work:
                return await work.findings.after(seq, limit, filters, by_change=True)

        async for _, finding in self.notifications.follow(store.ALL, 0, read_after, lambda r: r[0]):
            yield finding

    async def get(self, caller: Caller, finding_id: str) -> pb.Finding:
        async with self.uows.reading() as work:
            found = await work.findings.get(finding_id)
        if found is None or not sees(caller, found):
            raise NotFound("finding", finding_id)
        return found

    async def history(self, caller: Caller, finding_id: str) -> list[pb.FindingTransition]:
        async with self.uows.reading() as work:
            found = await work.findings.get(finding_id)
            if found is None or not sees(caller, found):
                raise NotFound("finding", finding_id)
            return await work.findings.history(found)

    async def fill_in(self) -> int:
        """Once, at start-up: the centres concerned by the findings recorded before the
        lifecycle (and their closing reasons into their history)."""
        filled = 0
        while True:
            async with self.uows() as work:
                batch = await work.findings.without_centres(FILL_IN_BATCH)
                for finding in batch:
                    await work.findings.fill_in(finding, centres_concerned(finding))
            filled += len(batch)
            if len(batch) < FILL_IN_BATCH:
                return filled

    async def scorecard(
        self, caller: Caller, request: pb.GetScorecardRequest
    ) -> pb.GetScorecardResponse:
        """The party's scorecards from `weeks` weeks ago to the current week; a week the
        checks computed nothing for has zero figures (and no shares)."""
        party = request.ordering_party_id
        caller.require_organisation(party)
        current = iso_week(french_day(self.now()))
        weeks = [add_weeks(*current, -i) for i in range(request.weeks or 12, -1, -1)]
        ends = [min(_monday_after(week), self.now()) for week in weeks]
        async with self.uows.reading() as work:
            cards = await work.scorecards.between(party, weeks[0], weeks[-1])
            open_at = await work.findings.open_at(party, ends)
        history = []
        for week, end in zip(weeks, ends, strict=True):
            card = cards.get(week) or pb.Scorecard(ordering_party_id=party)
            card.week = week_label(*week)
            for type_, count in open_at[end]:
                card.open_findings.add(type=type_, count=count)
            history.append(card)
        return pb.GetScorecardResponse(current=history[-1], history=history)


def concerns_from(finding: pb.Finding, recorded_at: datetime) -> datetime:
    """From when a finding counts against its party's scorecards: an episode from the Monday
    of its first week in France, another finding from the event that revealed it."""
    if "first_week" in finding.evidence:
        monday = week_start(*parse_week(str(finding.evidence["first_week"])))
        return datetime.combine(monday, time(), PARIS).astimezone(UTC)
    if finding.HasField("occurred_at"):
        return finding.occurred_at.ToDatetime(tzinfo=UTC)
    return recorded_at


def parse_week(label: str) -> tuple[int, int]:
    """ "2026-W48" -> (2026, 48)."""
    year, week = label.split("-W")
    return int(year), int(week)


def _monday_after(week: tuple[int, int]) -> datetime:
    monday = week_start(*add_weeks(*week, 1))
    return datetime.combine(monday, time(), PARIS).astimezone(UTC)


def centres_concerned(finding: pb.Finding) -> list[str]:
    """The centres a finding is about: the contract's centre, and for an offshoring shift the
    onshore centres whose jobs are at stake (the checks list them in the evidence)."""
    centres = {finding.centre_id} if finding.centre_id else set()
    if finding.type == pb.FINDING_TYPE_OFFSHORING:
        listed = finding.evidence.fields.get("onshore_centres")
        centres.update(c for c in (listed.string_value.split(",") if listed else []) if c)
    return sorted(centres)


def sees(caller: Caller, finding: pb.Finding) -> bool:
    """The committee sees every finding; an ordering party its own; a centre those about it."""
    match caller.role:
        case Role.COMMITTEE:
            return True
        case Role.ORDERING_PARTY:
            return finding.ordering_party_id == caller.organisation_id
        case Role.CENTRE:
            return caller.organisation_id in centres_concerned(finding)
    return False


def _filters(caller: Caller, wanted: pb.FindingFilter) -> dict:
    """The caller's filter; an ordering party only ever sees its own findings, a centre only
    those about it."""
    party = wanted.ordering_party_id or None
    if caller.role is Role.ORDERING_PARTY:
        caller.require_organisation(party or caller.organisation_id)
        party = caller.organisation_id
    return {
        "ordering_party_id": party,
        "types": list(wanted.types),
        "min_severity": wanted.min_severity,
        "since": wanted.since.ToDatetime(tzinfo=UTC) if wanted.HasField("since") else None,
        "states": list(wanted.states),
        "centre_id": caller.organisation_id if caller.role is Role.CENTRE else None,
    }


def _by_the_checks(
    envelope: Envelope, finding: pb.Finding, from_state: int, to_state: int
) -> pb.FindingTransition:
    """A change the checks' event makes: the group that raised it is the subject."""
    transition = pb.FindingTransition(
        finding_id=finding.finding_id,
        ordering_party_id=finding.ordering_party_id,
        from_state=from_state,
        to_state=to_state,
        actor=pb.Actor(role=lifecycle.CHECKS, subject=envelope.producer),
    )
    # When the checks made the change (the history's order is the order applied).
    transition.at.CopyFrom(envelope.occurred_at)
    return transition


def _revised_document(held: pb.Finding, newer: pb.Finding) -> pb.Finding:
    """The held finding with the figures of a newer document; what the monitor set (when
    recorded, state, closing) stays."""
    document = pb.Finding()
    document.CopyFrom(held)
    document.summary, document.explanation = newer.summary, newer.explanation
    document.reference = newer.reference
    for field in ("summary_wording", "explanation_wording", "reference_wording"):
        document.ClearField(field)
        if newer.HasField(field):
            getattr(document, field).CopyFrom(getattr(newer, field))
    document.severity = newer.severity
    document.evidence.Clear()
    document.evidence.MergeFrom(newer.evidence)
    return document


def _applies(transition: pb.FindingTransition, state: int) -> bool:
    """Whether a transition from the topic that this monitor did not make moves the finding:
    a withdrawal by the checks unless withdrawn already (another group's replay); a person's
    change that the lifecycle allows from where the finding stands. Anything else can never
    apply (a dead letter)."""
    role, target = transition.actor.role, transition.to_state
    if role == lifecycle.CHECKS and target == lifecycle.WITHDRAWN:
        return state != lifecycle.WITHDRAWN
    if transition.from_state == state and lifecycle.peoples_move(state, target, role):
        return True
    raise RejectedEvent(
        f"{role} cannot move finding {transition.finding_id} from"
        f" {lifecycle.state_name(transition.from_state)} to {lifecycle.state_name(target)}"
        f" (it is {lifecycle.state_name(state)})"
    )
