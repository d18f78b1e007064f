"""The compliance monitor's use cases on an in-memory unit of work: findings recorded from the
findings topic (each once, revised, withdrawn and raised again by the checks), a finding's
lifecycle in people's hands (contest, ruling, closing, reopening) with its history and the
event that tells the other services, who sees what, what is refused and why (nothing written,
nothing emitted), and the scorecard's open findings week by week. No PostgreSQL, no Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events

from services.common import topics
from services.common.consumer import RejectedEvent
from services.common.envelope import decode, wrap
from services.common.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.common.identity import Caller, Role
from services.compliance.monitor import lifecycle
from services.compliance.monitor.usecases import MIN_GROUNDS, Monitor
from tests.unit.fake_monitor_uow import FakeUnitsOfWork

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # a Wednesday of 2027-W10
BANK = Caller(Role.ORDERING_PARTY, "op-1", "alice")
OTHER_BANK = Caller(Role.ORDERING_PARTY, "op-2", "bob")
CENTRE = Caller(Role.CENTRE, "ctr-1", "carol")
OTHER_CENTRE = Caller(Role.CENTRE, "ctr-2", "dan")
COMMITTEE = Caller(Role.COMMITTEE, "committee", "erin")
GROUNDS = "Le préavis a été donné par courrier recommandé le 3 février."


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def uows() -> FakeUnitsOfWork:
    return FakeUnitsOfWork()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def monitor(uows: FakeUnitsOfWork, clock: Clock) -> Monitor:
    return Monitor(uows, notifications=None, now=clock)  # type: ignore[arg-type]


def finding(
    finding_id: str = "00000000-0000-4000-8000-000000000001", revision: int = 1, gap: int = 40
) -> pb.Finding:
    found = pb.Finding(
        finding_id=finding_id,
        rule="unannounced_change",
        type=pb.FINDING_TYPE_UNANNOUNCED_CHANGE,
        severity=pb.SEVERITY_SERIOUS,
        ordering_party_id=BANK.organisation_id,
        centre_id=CENTRE.organisation_id,
        contract_id="c-1",
        summary=f"Baisse de {gap} % sans préavis",
        revision=revision,
    )
    found.evidence.update({"first_week": "2027-W08", "gap_percent": gap})
    found.occurred_at.FromDatetime(NOW - timedelta(days=1))
    return found


async def from_topic(monitor: Monitor, uows: FakeUnitsOfWork, payload, producer: str) -> None:
    """Apply one record of the findings topic, as the consumer does in its unit of work."""
    event = wrap(topics.FINDINGS, payload, aggregate_id="op-1", producer=producer)
    envelope, decoded = decode(event.value)
    async with uows() as work:
        await monitor.apply(work, envelope, decoded)


async def raised(monitor: Monitor, uows: FakeUnitsOfWork, found: pb.Finding | None = None):
    found = found or finding()
    await from_topic(monitor, uows, events.FindingRaised(finding=found), "compliance.checks")
    return found.finding_id


def withdrawal(finding_id: str) -> events.FindingStateChanged:
    transition = pb.FindingTransition(
        finding_id=finding_id,
        ordering_party_id=BANK.organisation_id,
        from_state=lifecycle.OPEN,
        to_state=lifecycle.WITHDRAWN,
        actor=pb.Actor(role=lifecycle.CHECKS, subject="compliance.checks"),
    )
    return events.FindingStateChanged(transition=transition)


async def states(monitor: Monitor, finding_id: str) -> list[tuple[int, int]]:
    return [(t.from_state, t.to_state) for t in await monitor.history(COMMITTEE, finding_id)]


# -- the findings topic ------------------------------------------------------------------------


async def test_a_raised_finding_is_recorded_open_once(monitor, uows):
    fid = await raised(monitor, uows)
    await raised(monitor, uows)  # a replay
    found = await monitor.get(COMMITTEE, fid)
    assert (found.state, found.revision) == (lifecycle.OPEN, 1)
    assert found.recorded_at.ToDatetime(tzinfo=UTC) == NOW
    assert await states(monitor, fid) == [(0, lifecycle.OPEN)]
    assert uows.emitted == []  # what the checks raised is on the topic already


async def test_a_revision_replaces_the_figures_and_an_older_one_changes_nothing(monitor, uows):
    fid = await raised(monitor, uows)
    newer = events.FindingRevised(finding=finding(revision=2, gap=55))
    await from_topic(monitor, uows, newer, "compliance.checks")
    await from_topic(monitor, uows, events.FindingRevised(finding=finding(revision=2, gap=99)), "x")
    found = await monitor.get(COMMITTEE, fid)
    assert (found.state, found.revision) == (lifecycle.OPEN, 2)
    assert found.evidence["gap_percent"] == 55 and found.summary == "Baisse de 55 % sans préavis"
    assert len(await states(monitor, fid)) == 2


async def test_the_checks_withdraw_a_finding_and_raise_it_again(monitor, uows):
    fid = await raised(monitor, uows)
    await from_topic(monitor, uows, withdrawal(fid), "compliance.checks")
    assert (await monitor.get(COMMITTEE, fid)).state == lifecycle.WITHDRAWN
    await raised(monitor, uows, finding(gap=60))
    found = await monitor.get(COMMITTEE, fid)
    # A withdrawal moves the state; raised again, the figures of the raise are a new revision.
    assert (found.state, found.revision, found.evidence["gap_percent"]) == (lifecycle.OPEN, 2, 60)
    assert await states(monitor, fid) == [
        (0, lifecycle.OPEN),
        (lifecycle.OPEN, lifecycle.WITHDRAWN),
        (lifecycle.WITHDRAWN, lifecycle.OPEN),
    ]


async def test_a_change_no_lifecycle_allows_is_rejected_and_leaves_nothing(monitor, uows):
    fid = await raised(monitor, uows)
    closing = pb.FindingTransition(
        finding_id=fid,
        ordering_party_id=BANK.organisation_id,
        from_state=lifecycle.OPEN,
        to_state=lifecycle.REMEDIED,
        actor=pb.Actor(role="ordering_party", organisation_id="op-1"),
    )
    with pytest.raises(RejectedEvent, match="cannot move"):
        await from_topic(monitor, uows, events.FindingStateChanged(transition=closing), "x")
    unknown = withdrawal("00000000-0000-4000-8000-00000000dead")
    with pytest.raises(RejectedEvent, match="no finding"):
        await from_topic(monitor, uows, unknown, "compliance.checks")
    assert uows.rollbacks == 2 and await states(monitor, fid) == [(0, lifecycle.OPEN)]


async def test_a_scorecard_from_the_topic_is_kept_by_party_and_week(monitor, uows):
    card = pb.Scorecard(ordering_party_id=BANK.organisation_id, week="2027-W09")
    await from_topic(monitor, uows, events.ScorecardComputed(scorecard=card), "compliance.checks")
    assert uows.data.scorecards[BANK.organisation_id, (2027, 9)].week == "2027-W09"


# -- people's commands -------------------------------------------------------------------------


async def test_the_party_contests_and_the_committee_rules_closes_and_reopens(monitor, uows, clock):
    fid = await raised(monitor, uows)
    contested = await monitor.contest(
        BANK, pb.ContestFindingRequest(finding_id=fid, grounds=GROUNDS, attachments=["lettre"])
    )
    assert contested.state == lifecycle.CONTESTED
    clock.at += timedelta(days=1)
    dismiss = pb.RuleOnFindingRequest(
        finding_id=fid, decision=pb.CONTEST_DECISION_DISMISS, reasons="Le contrat exige 3 mois."
    )
    assert (await monitor.rule(COMMITTEE, dismiss)).state == lifecycle.CONTEST_DISMISSED
    closed = await monitor.close(
        COMMITTEE, pb.CloseFindingRequest(finding_id=fid, reason="Remédié par avenant.")
    )
    assert closed.state == lifecycle.REMEDIED and closed.closing_reason == "Remédié par avenant."
    assert closed.closed_at.ToDatetime(tzinfo=UTC) == clock.at
    reopened = await monitor.reopen(
        COMMITTEE, pb.ReopenFindingRequest(finding_id=fid, reason="Avenant jamais signé.")
    )
    assert reopened.state == lifecycle.OPEN and not reopened.HasField("closed_at")
    assert reopened.closing_reason == ""
    history = await monitor.history(CENTRE, fid)
    assert [t.to_state for t in history] == [
        lifecycle.OPEN,
        lifecycle.CONTESTED,
        lifecycle.CONTEST_DISMISSED,
        lifecycle.REMEDIED,
        lifecycle.OPEN,
    ]
    assert history[1].actor.organisation_id == "op-1" and list(history[1].attachments) == ["lettre"]
    told = uows.payloads(events.FindingStateChanged)
    assert [p.transition.to_state for p in told] == [t.to_state for t in history[1:]]
    assert {e.key for e in uows.emitted} == {"op-1"}
    # Each change is in the history under the id of the event that told the others.
    assert [e.event_id for e in uows.emitted] == [s.event_id for s in uows.data.history[1:]]


async def test_grounds_too_short_are_refused_with_nothing_written(monitor, uows):
    fid = await raised(monitor, uows)
    short = "x" * (MIN_GROUNDS - 1)
    with pytest.raises(InvalidArgument) as refused:
        await monitor.contest(BANK, pb.ContestFindingRequest(finding_id=fid, grounds=short))
    assert refused.value.violations[0].field == "grounds"
    assert (await monitor.get(BANK, fid)).state == lifecycle.OPEN
    assert uows.emitted == []


async def test_a_move_the_state_does_not_allow_is_refused_and_rolled_back(monitor, uows):
    fid = await raised(monitor, uows)
    ruling = pb.RuleOnFindingRequest(finding_id=fid, decision=pb.CONTEST_DECISION_UPHOLD)
    with pytest.raises(FailedPrecondition):
        await monitor.rule(COMMITTEE, ruling)
    await monitor.contest(CENTRE, pb.ContestFindingRequest(finding_id=fid, grounds=GROUNDS))
    with pytest.raises(FailedPrecondition):  # contested once
        await monitor.contest(BANK, pb.ContestFindingRequest(finding_id=fid, grounds=GROUNDS))
    assert uows.rollbacks == 2 and len(uows.emitted) == 1
    assert await states(monitor, fid) == [
        (0, lifecycle.OPEN),
        (lifecycle.OPEN, lifecycle.CONTESTED),
    ]


@pytest.mark.parametrize("stranger", [OTHER_BANK, OTHER_CENTRE])
async def test_who_is_not_concerned_cannot_see_or_move_a_finding(monitor, uows, stranger):
    fid = await raised(monitor, uows)
    with pytest.raises(NotFound):
        await monitor.get(stranger, fid)
    with pytest.raises(NotFound):
        await monitor.history(stranger, fid)
    with pytest.raises(NotFound):
        await monitor.contest(stranger, pb.ContestFindingRequest(finding_id=fid, grounds=GROUNDS))
    assert (await monitor.get(CENTRE, fid)).finding_id == fid
    assert uows.emitted == []


async def test_each_sees_in_the_list_only_what_concerns_it(monitor, uows):
    ours = await raised(monitor, uows)
    theirs = finding("00000000-0000-4000-8000-000000000002")
    theirs.ordering_party_id, theirs.centre_id = "op-2", "ctr-2"
    await raised(monitor, uows, theirs)

    async def listed(caller: Caller, **wanted) -> list[str]:
        request = pb.ListFindingsRequest(filter=pb.FindingFilter(**wanted))
        return [f.finding_id for f in await monitor.list(caller, request)]

    assert await listed(COMMITTEE) == [ours, theirs.finding_id]
    assert await listed(BANK) == [ours]
    assert await listed(CENTRE) == [ours]
    assert await listed(OTHER_CENTRE) == [theirs.finding_id]
    assert await listed(COMMITTEE, ordering_party_id="op-2") == [theirs.finding_id]
    assert await listed(COMMITTEE, states=[lifecycle.CONTESTED]) == []


# -- scorecards --------------------------------------------------------------------------------


async def test_a_finding_counts_on_the_scorecard_from_its_first_week_while_it_stands(
    monitor, uows, clock
):
    fid = await raised(monitor, uows)  # an episode from 2027-W08
    request = pb.GetScorecardRequest(ordering_party_id="op-1", weeks=3)
    history = (await monitor.scorecard(BANK, request)).history
    assert [c.week for c in history] == ["2027-W07", "2027-W08", "2027-W09", "2027-W10"]
    counted = [sum(o.count for o in c.open_findings) for c in history]
    assert counted == [0, 1, 1, 1]
    clock.at += timedelta(days=1)
    await from_topic(monitor, uows, withdrawal(fid), "compliance.checks")
    history = (await monitor.scorecard(BANK, request)).history
    assert [sum(o.count for o in c.open_findings) for c in history] == [0, 0, 0, 0]  # void
    with pytest.raises(PermissionDenied):
        await monitor.scorecard(OTHER_BANK, request)
