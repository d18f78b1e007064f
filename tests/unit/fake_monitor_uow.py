"""An in-memory unit of work for the compliance monitor's use cases (on tests/unit/fake_uow.py):
dictionaries for the findings, their history and the scorecards. The queries answer as
`store.py`'s SQL does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from vigie.compliance.v1 import compliance_pb2 as pb

from services.compliance.monitor import lifecycle
from services.compliance.monitor.store import Held
from tests.unit import fake_uow
from tests.unit.fake_uow import copied

Week = tuple[int, int]


@dataclass
class Row:
    """A row of `findings`: the document and the columns kept beside it."""

    document: pb.Finding
    seq: int
    changed_seq: int | None
    recorded_at: datetime
    checks_revision: int
    centre_ids: list[str] | None
    concerns_from: datetime

    def finding(self) -> pb.Finding:
        return copied(self.document)


@dataclass
class Step:
    """A row of `finding_transitions`."""

    transition: pb.FindingTransition
    revision: int
    recorded_at: datetime
    event_id: str


@dataclass
class Data:
    last_seq: int = 0
    findings: dict[str, Row] = field(default_factory=dict)
    history: list[Step] = field(default_factory=list)
    scorecards: dict[tuple[str, Week], pb.Scorecard] = field(default_factory=dict)


@dataclass(frozen=True)
class FakeFindings:
    data: Data

    async def next_seq(self) -> int:
        self.data.last_seq += 1
        return self.data.last_seq

    async def held(self, finding_id: str) -> Held | None:
        row = self.data.findings.get(finding_id)
        if row is None:
            return None
        found = row.finding()
        return Held(found, found.state, found.revision, row.checks_revision)

    async def insert(
        self,
        finding: pb.Finding,
        seq: int,
        recorded_at: datetime,
        centre_ids: list[str],
        concerns_from: datetime,
    ) -> bool:
        finding.recorded_at.FromDatetime(recorded_at)
        finding.state, finding.revision = lifecycle.OPEN, 1
        if finding.finding_id in self.data.findings:
            return False
        self.data.findings[finding.finding_id] = Row(
            copied(finding), seq, None, recorded_at, 1, list(centre_ids), concerns_from
        )
        return True

    async def update(
        self, finding: pb.Finding, seq: int, centre_ids: list[str], checks_revision: int
    ) -> None:
        row = self.data.findings[finding.finding_id]
        row.document, row.changed_seq = copied(finding), seq
        row.centre_ids, row.checks_revision = list(centre_ids), checks_revision

    async def add_transition(
        self, transition: pb.FindingTransition, revision: int, recorded_at: datetime, event_id: str
    ) -> bool:
        if await self.transition_applied(event_id):
            return False
        self.data.history.append(Step(copied(transition), revision, recorded_at, event_id))
        return True

    async def transition_applied(self, event_id: str) -> bool:
        return any(step.event_id == event_id for step in self.data.history)

    async def get(self, finding_id: str) -> pb.Finding | None:
        row = self.data.findings.get(finding_id)
        return None if row is None else row.finding()

    async def history(self, finding: pb.Finding) -> list[pb.FindingTransition]:
        return [
            copied(s.transition)
            for s in self.data.history
            if s.transition.finding_id == finding.finding_id
        ]

    async def after(
        self,
        seq: int,
        limit: int,
        filters: dict,
        newest_first: bool = False,
        by_change: bool = False,
    ) -> list[tuple[int, pb.Finding]]:
        found = []
        for row in self.data.findings.values():
            position = (row.changed_seq or row.seq) if by_change else row.seq
            if position > seq and _matches(row, filters):
                found.append((position, row.finding()))
        found.sort(key=lambda pair: pair[0], reverse=newest_first)
        return found[:limit]

    async def without_centres(self, limit: int) -> list[pb.Finding]:
        rows = [r for r in self.data.findings.values() if r.centre_ids is None]
        return [r.finding() for r in rows[:limit]]

    async def fill_in(self, finding: pb.Finding, centre_ids: list[str]) -> None:
        self.data.findings[finding.finding_id].centre_ids = list(centre_ids)

    async def open_at(
        self, party: str, instants: list[datetime]
    ) -> dict[datetime, list[tuple[int, int]]]:
        found: dict[datetime, list[tuple[int, int]]] = {}
        for at in instants:
            counts: dict[int, int] = {}
            for row in self.data.findings.values():
                if self._stands(row, party, at):
                    counts[row.document.type] = counts.get(row.document.type, 0) + 1
            found[at] = sorted(counts.items())
        return found

    def _stands(self, row: Row, party: str, at: datetime) -> bool:
        """As the SQL: the party's, concerning a time before `at`, not void now, and
        standing by its last change recorded before `at`."""
        document = row.document
        if document.ordering_party_id != party or row.concerns_from >= at:
            return False
        if document.state in lifecycle.VOID:
            return False
        steps = [
            s
            for s in self.data.history
            if s.transition.finding_id == document.finding_id and s.recorded_at < at
        ]
        if steps:
            return steps[-1].transition.to_state in lifecycle.STANDING
        closed = document.HasField("closed_at") and document.closed_at.ToDatetime() < at
        return not closed


def _matches(row: Row, filters: dict) -> bool:
    document = row.document
    party, centre = filters["ordering_party_id"], filters["centre_id"]
    return (
        (party is None or document.ordering_party_id == party)
        and (not filters["types"] or document.type in filters["types"])
        and document.severity >= filters["min_severity"]
        and (filters["since"] is None or row.recorded_at >= filters["since"])
        and (not filters["states"] or document.state in filters["states"])
        and (centre is None or centre in (row.centre_ids or []))
    )


@dataclass(frozen=True)
class FakeScorecards:
    data: Data

    async def save(self, card: pb.Scorecard, week: Week) -> None:
        self.data.scorecards[card.ordering_party_id, week] = copied(card)

    async def between(self, party: str, first: Week, last: Week) -> dict[Week, pb.Scorecard]:
        return {
            week: copied(card)
            for (owner, week), card in self.data.scorecards.items()
            if owner == party and first <= week <= last
        }


class FakeWork(fake_uow.FakeWork):
    def __init__(self, data: Data, *, reading: bool) -> None:
        super().__init__(reading=reading)
        self.findings = FakeFindings(data)
        self.scorecards = FakeScorecards(data)


@dataclass
class FakeUnitsOfWork(fake_uow.FakeUnits):
    data: Data = field(default_factory=Data)

    def work(self, *, reading: bool) -> FakeWork:
        return FakeWork(self.data, reading=reading)
