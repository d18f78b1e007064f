"""A finding's lifecycle end to end: a notice breach found by a worker of the checks,
contested by the ordering party and ruled on by the committee over gRPC, closed and reopened;
the checks' revisions, withdrawals and raising again published on the findings topic as the
workers publish them; each change once in the finding's history and on the topic; and the
same commands from the CLI, as a separate process."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import events_pb2 as fevents
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import topics
from services.common.clock import french_today
from services.common.envelope import Event, decode, wrap
from services.common.identity import Role
from services.compliance.checks.findings import finding_id
from tests.integration.conftest import (
    StreamReader,
    known_to_notices,
    publish_events,
    vigie_cli,
)
from tests.integration.test_contracts_service import bid, new_centre, ordering_party, tender_terms
from tests.integration.test_labels_service import day, details

pytestmark = pytest.mark.integration
TODAY = french_today()
CHECKS_GROUP = "compliance.checks"
GROUNDS = "The notice was given by letter on the first of the month, see the attachment."


async def notice_breach(
    registry, tenders, referential, token, notices_channel, pool
) -> tuple[str, str, str]:
    """(party, centre, finding id): a perennial contract cut by 40 % with 10 days' notice
    where its schedule asks 3 months, found by the session's worker of the checks."""
    party = ordering_party()
    bank = token(Role.ORDERING_PARTY, party)
    centre = await new_centre(registry, token, referential, labelled=False)
    tender = (
        await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=tender_terms()), metadata=bank)
    ).tender
    chosen = await bid(tenders, token, tender.tender_id, centre, 2_500)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id), metadata=bank
    )
    contract_id = awarded.contract.contract_id
    await known_to_notices(pool, contract_id)
    notice = await NoticeServiceStub(notices_channel).IssueWorkloadChange(
        npb.IssueWorkloadChangeRequest(
            contract_id=contract_id,
            change=npb.WorkloadChange(change_percent=-40),
            effective_date=day(TODAY + timedelta(days=10)),
            reason="internalisation",
        ),
        metadata=bank,
    )
    return party, centre, finding_id("notice_breach", notice.notice_id)


async def finding_when(
    monitor, metadata, wanted: str, ready: Callable[[fpb.Finding], bool], timeout: float = 60
) -> fpb.Finding:
    """The finding once `ready` holds for it (the monitor records from the topic)."""
    found = None
    for _ in range(int(timeout / 0.1)):
        try:
            found = await monitor.GetFinding(
                fpb.GetFindingRequest(finding_id=wanted), metadata=metadata
            )
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
        if found is not None and ready(found):
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"finding {wanted} never got there: {found}")


async def history(monitor, metadata, wanted: str) -> list[fpb.FindingTransition]:
    response = await monitor.GetFindingHistory(
        fpb.GetFindingHistoryRequest(finding_id=wanted), metadata=metadata
    )
    return list(response.transitions)


async def refused(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    return error.value


def in_state(state: int) -> Callable[[fpb.Finding], bool]:
    return lambda f: f.state == state


async def test_a_contest_is_ruled_on_once_and_every_change_is_kept(
    registry, tenders, referential, token, notices_channel, pool, monitor, tail
):
    party, centre, breach_id = await notice_breach(
        registry, tenders, referential, token, notices_channel, pool
    )
    bank, committee = token(Role.ORDERING_PARTY, party), token(Role.COMMITTEE, "committee")
    the_centre = token(Role.CENTRE, centre)
    found = await finding_when(monitor, committee, breach_id, in_state(fpb.FINDING_STATE_OPEN))
    assert (found.rule, found.revision, found.centre_id) == ("notice_breach", 1, centre)
    findings_topic = await tail(topics.FINDINGS)
    watch = StreamReader(
        monitor.WatchFindings(
            fpb.WatchFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=party)),
            metadata=committee,
        )
    )
    contest = fpb.ContestFindingRequest(
        finding_id=breach_id, grounds=GROUNDS, attachments=["Letter of 1 December: ..."]
    )
    try:
        await watch.wait_for(1)

        # Wrong role, another party, a centre not concerned, grounds that say nothing: refused,
        # and nothing written.
        for metadata, code in (
            (committee, grpc.StatusCode.PERMISSION_DENIED),
            (token(Role.OPS, "ops"), grpc.StatusCode.PERMISSION_DENIED),
            (token(Role.ORDERING_PARTY, ordering_party()), grpc.StatusCode.NOT_FOUND),
            (token(Role.CENTRE, f"ctr-{uuid.uuid4().hex[:8]}"), grpc.StatusCode.NOT_FOUND),
        ):
            assert (
                await refused(monitor.ContestFinding(contest, metadata=metadata))
            ).code() == code
        for grounds in ("", "too short", " " * 30 + "short"):
            bad = fpb.ContestFindingRequest(finding_id=breach_id, grounds=grounds)
            error = await refused(monitor.ContestFinding(bad, metadata=bank))
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert [v.field for v in details(error)[0].field_violations] == ["grounds"]
        unknown = fpb.ContestFindingRequest(finding_id=str(uuid.uuid4()), grounds=GROUNDS)
        error = await refused(monitor.ContestFinding(unknown, metadata=bank))
        assert error.code() == grpc.StatusCode.NOT_FOUND
        ruling = fpb.RuleOnFindingRequest(
            finding_id=breach_id, decision=fpb.CONTEST_DECISION_DISMISS, reasons="notice too short"
        )
        error = await refused(monitor.RuleOnFinding(ruling, metadata=the_centre))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
        error = await refused(monitor.RuleOnFinding(ruling, metadata=committee))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION  # nothing contested yet
        assert len(await history(monitor, committee, breach_id)) == 1

        # The ordering party contests; the watchers see the finding again, contested.
        contested = await monitor.ContestFinding(contest, metadata=bank)
        assert contested.state == fpb.FINDING_STATE_CONTESTED
        await until(lambda: any(f.state == fpb.FINDING_STATE_CONTESTED for f in watch.messages))
        error = await refused(monitor.ContestFinding(contest, metadata=the_centre))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert details(error)[0].violations[0].type == "CONTESTED"
        assert details(error)[0].violations[0].description == (
            "Le constat est à l'état « contesté » ; la contestation n'est possible qu'à l'état"
            " « ouvert »."
        )
        listed = await monitor.ListFindings(
            fpb.ListFindingsRequest(
                filter=fpb.FindingFilter(
                    ordering_party_id=party, states=[fpb.FINDING_STATE_CONTESTED]
                )
            ),
            metadata=committee,
        )
        assert [f.finding_id for f in listed.findings] == [breach_id]
        close = fpb.CloseFindingRequest(finding_id=breach_id, reason="remedied")
        error = await refused(monitor.CloseFinding(close, metadata=committee))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION  # rule on the contest first

        # The committee dismisses the contest, once.
        dismissed = await monitor.RuleOnFinding(ruling, metadata=committee)
        assert dismissed.state == fpb.FINDING_STATE_CONTEST_DISMISSED
        assert not dismissed.HasField("closed_at")  # the finding stands
        for decision in (fpb.CONTEST_DECISION_DISMISS, fpb.CONTEST_DECISION_UPHOLD):
            again = fpb.RuleOnFindingRequest(
                finding_id=breach_id, decision=decision, reasons="second thoughts"
            )
            error = await refused(monitor.RuleOnFinding(again, metadata=committee))
            assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
            assert details(error)[0].violations[0].type == "CONTEST_DISMISSED"

        # The centre concerned sees the finding and its history; nobody else does.
        seen = await monitor.GetFinding(
            fpb.GetFindingRequest(finding_id=breach_id), metadata=the_centre
        )
        assert seen.state == fpb.FINDING_STATE_CONTEST_DISMISSED
        changes = await history(monitor, the_centre, breach_id)
        assert [(t.from_state, t.to_state) for t in changes] == [
            (fpb.FINDING_STATE_UNSPECIFIED, fpb.FINDING_STATE_OPEN),
            (fpb.FINDING_STATE_OPEN, fpb.FINDING_STATE_CONTESTED),
            (fpb.FINDING_STATE_CONTESTED, fpb.FINDING_STATE_CONTEST_DISMISSED),
        ]
        raised, contest_row, ruling_row = changes
        assert (raised.actor.role, raised.actor.subject) == ("checks", CHECKS_GROUP)
        # What the checks wrote is in the reader's language; a person's words stay theirs.
        assert raised.reason == "Constat relevé par les contrôles automatiques."
        in_english = await history(monitor, [*the_centre, ("accept-language", "en")], breach_id)
        assert in_english[0].reason == "Raised by the checks."
        assert in_english[1].reason == GROUNDS
        assert (contest_row.actor.role, contest_row.actor.organisation_id) == (
            "ordering_party",
            party,
        )
        assert (contest_row.reason, list(contest_row.attachments)) == (
            GROUNDS,
            ["Letter of 1 December: ..."],
        )
        assert (ruling_row.actor.role, ruling_row.reason) == ("committee", "notice too short")
        assert ruling_row.actor.subject == "committee:committee"
        assert all(t.at.ToDatetime() <= datetime.now() for t in changes)
        mine = await monitor.ListFindings(fpb.ListFindingsRequest(), metadata=the_centre)
        assert breach_id in {f.finding_id for f in mine.findings}
        for stranger in (
            token(Role.ORDERING_PARTY, ordering_party()),
            token(Role.CENTRE, f"ctr-{uuid.uuid4().hex[:8]}"),
        ):
            get = monitor.GetFinding(fpb.GetFindingRequest(finding_id=breach_id), metadata=stranger)
            assert (await refused(get)).code() == grpc.StatusCode.NOT_FOUND
            read = monitor.GetFindingHistory(
                fpb.GetFindingHistoryRequest(finding_id=breach_id), metadata=stranger
            )
            assert (await refused(read)).code() == grpc.StatusCode.NOT_FOUND

        # Closed once remedied, closed twice refused, reopened.
        closed = await monitor.CloseFinding(close, metadata=committee)
        assert closed.state == fpb.FINDING_STATE_REMEDIED
        assert closed.closing_reason == "remedied" and closed.HasField("closed_at")
        error = await refused(monitor.CloseFinding(close, metadata=committee))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        reopen = fpb.ReopenFindingRequest(finding_id=breach_id, reason="the cut came back")
        reopened = await monitor.ReopenFinding(reopen, metadata=committee)
        assert reopened.state == fpb.FINDING_STATE_OPEN and not reopened.HasField("closed_at")
        assert (await refused(monitor.ReopenFinding(reopen, metadata=committee))).code() == (
            grpc.StatusCode.FAILED_PRECONDITION
        )

        # Each change once on the findings topic, keyed by the party, with its author.
        records = await findings_topic.collect(
            lambda r: r.key == party.encode() and b"FindingStateChanged" in r.value, 4
        )
        published = [decode(r.value)[1].transition for r in records]
        assert [(t.to_state, t.actor.role) for t in published] == [
            (fpb.FINDING_STATE_CONTESTED, "ordering_party"),
            (fpb.FINDING_STATE_CONTEST_DISMISSED, "committee"),
            (fpb.FINDING_STATE_REMEDIED, "committee"),
            (fpb.FINDING_STATE_OPEN, "committee"),
        ]
        assert {t.finding_id for t in published} == {breach_id}
        # The monitor reads its own changes back from the topic: applied once already.
        await asyncio.sleep(1.0)
        assert len(await history(monitor, committee, breach_id)) == 5
        listed = await monitor.ListFindings(
            fpb.ListFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=party)),
            metadata=committee,
        )
        assert [f.finding_id for f in listed.findings].count(breach_id) == 1
    finally:
        await watch.close()


async def until(condition: Callable[[], bool], timeout: float = 20) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never held")


# -- the checks' side, published as the workers publish it -----------------------------------


def checks_finding(party: str, centre: str, handled: int, revision: int) -> fpb.Finding:
    """An unannounced change of an episode, as the volume checks raise it."""
    found = fpb.Finding(
        finding_id=str(uuid.uuid4()),
        type=fpb.FINDING_TYPE_UNANNOUNCED_CHANGE,
        rule="unannounced_change",
        severity=fpb.SEVERITY_WARNING,
        ordering_party_id=party,
        contract_id=str(uuid.uuid4()),
        centre_id=centre,
        summary=f"handled {handled} contacts against 1200 planned",
        reference="Label, 3rd commitment",
        state=fpb.FINDING_STATE_OPEN,
        revision=revision,
    )
    found.evidence.update({"handled": handled, "planned": 1200})
    found.occurred_at.FromDatetime(datetime.now(UTC))
    return found


def on_topic(payload, party: str, event_id: str | None = None) -> Event:
    return wrap(
        topics.FINDINGS, payload, aggregate_id=party, producer=CHECKS_GROUP, event_id=event_id
    )


def revised(found: fpb.Finding, handled: int, revision: int) -> fpb.Finding:
    newer = fpb.Finding()
    newer.CopyFrom(found)
    newer.summary = f"handled {handled} contacts against 1200 planned"
    newer.evidence.update({"handled": handled})
    newer.revision = revision
    return newer


def withdrawal(found: fpb.Finding, reason: str) -> fevents.FindingStateChanged:
    transition = fpb.FindingTransition(
        finding_id=found.finding_id,
        ordering_party_id=found.ordering_party_id,
        from_state=fpb.FINDING_STATE_OPEN,
        to_state=fpb.FINDING_STATE_WITHDRAWN,
        actor=fpb.Actor(role="checks", subject=CHECKS_GROUP),
        reason=reason,
    )
    transition.at.FromDatetime(datetime.now(UTC))
    return fevents.FindingStateChanged(transition=transition)


async def open_count(monitor, committee, party: str) -> int:
    card = await monitor.GetScorecard(
        fpb.GetScorecardRequest(ordering_party_id=party, weeks=1), metadata=committee
    )
    return sum(c.count for c in card.current.open_findings)


async def test_the_checks_revise_withdraw_and_raise_again_a_finding(monitor, settings, token, tail):
    party, centre = ordering_party(), f"ctr-{uuid.uuid4().hex[:8]}"
    committee, bank = token(Role.COMMITTEE, "committee"), token(Role.ORDERING_PARTY, party)
    found = checks_finding(party, centre, 700, revision=1)
    publish = settings.kafka_bootstrap
    await publish_events(publish, [on_topic(fevents.FindingRaised(finding=found), party)])
    await finding_when(monitor, committee, found.finding_id, in_state(fpb.FINDING_STATE_OPEN))
    assert await open_count(monitor, committee, party) == 1

    # A newer revision: new figures, same id, same state; an older one changes nothing.
    await publish_events(
        publish,
        [
            on_topic(fevents.FindingRevised(finding=revised(found, 650, 2)), party),
            on_topic(fevents.FindingRevised(finding=revised(found, 999, 2)), party),
            on_topic(fevents.FindingRevised(finding=revised(found, 999, 1)), party),
        ],
    )
    second = await finding_when(monitor, committee, found.finding_id, lambda f: f.revision == 2)
    assert second.evidence["handled"] == 650 and "650" in second.summary
    assert second.state == fpb.FINDING_STATE_OPEN

    # Contested, then withdrawn by the data: the same withdrawal twice is one change.
    contest = fpb.ContestFindingRequest(finding_id=found.finding_id, grounds=GROUNDS)
    await monitor.ContestFinding(contest, metadata=bank)
    reason = "the corrected report of week 2026-W03 no longer supports it"
    withdrawn = on_topic(withdrawal(found, reason), party)
    await publish_events(publish, [withdrawn, withdrawn])
    gone = await finding_when(
        monitor, committee, found.finding_id, in_state(fpb.FINDING_STATE_WITHDRAWN)
    )
    assert gone.closing_reason == reason and gone.HasField("closed_at")
    assert await open_count(monitor, committee, party) == 0
    # Withdrawn again by another group's replay: nothing; then raised again by the data.
    again = checks_finding(party, centre, 500, revision=1)
    again.finding_id = found.finding_id
    await publish_events(
        publish,
        [
            on_topic(withdrawal(found, "a replay"), party),
            on_topic(fevents.FindingRaised(finding=again), party),
        ],
    )
    back = await finding_when(monitor, committee, found.finding_id, lambda f: f.revision == 3)
    assert back.state == fpb.FINDING_STATE_OPEN and not back.HasField("closed_at")
    assert back.evidence["handled"] == 500
    assert await open_count(monitor, committee, party) == 1

    changes = await history(monitor, bank, found.finding_id)
    assert [(t.from_state, t.to_state, t.actor.role) for t in changes] == [
        (fpb.FINDING_STATE_UNSPECIFIED, fpb.FINDING_STATE_OPEN, "checks"),
        (fpb.FINDING_STATE_OPEN, fpb.FINDING_STATE_OPEN, "checks"),  # revision 2
        (fpb.FINDING_STATE_OPEN, fpb.FINDING_STATE_CONTESTED, "ordering_party"),
        (fpb.FINDING_STATE_CONTESTED, fpb.FINDING_STATE_WITHDRAWN, "checks"),
        (fpb.FINDING_STATE_WITHDRAWN, fpb.FINDING_STATE_OPEN, "checks"),
    ]
    assert changes[3].reason == reason and changes[3].actor.subject == CHECKS_GROUP
    listed = await monitor.ListFindings(
        fpb.ListFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=party)),
        metadata=committee,
    )
    assert [f.finding_id for f in listed.findings] == [found.finding_id]


async def test_a_change_that_can_never_apply_is_set_aside(monitor, settings, token, tail):
    """A withdrawal of a finding never raised, and a ruling on a finding nobody contested,
    go to the dead letters of the monitor's consumer; the finding is untouched."""
    party = ordering_party()
    committee = token(Role.COMMITTEE, "committee")
    found = checks_finding(party, "ctr-x", 700, revision=1)
    await publish_events(
        settings.kafka_bootstrap, [on_topic(fevents.FindingRaised(finding=found), party)]
    )
    await finding_when(monitor, committee, found.finding_id, in_state(fpb.FINDING_STATE_OPEN))
    dead = await tail(topics.DEAD_LETTER)
    ruling = fpb.FindingTransition(
        finding_id=found.finding_id,
        ordering_party_id=party,
        from_state=fpb.FINDING_STATE_OPEN,
        to_state=fpb.FINDING_STATE_CONTEST_UPHELD,
        actor=fpb.Actor(role="committee", organisation_id="committee"),
    )
    ruling.at.FromDatetime(datetime.now(UTC))
    never_raised = checks_finding(party, "ctr-x", 1, revision=1)
    bad = [
        on_topic(fevents.FindingStateChanged(transition=ruling), party),
        on_topic(withdrawal(never_raised, "no such finding"), party),
    ]
    await publish_events(settings.kafka_bootstrap, bad)
    ids = {e.event_id for e in bad}
    records = await dead.collect(
        lambda r: (
            dict(r.headers).get("dead-letter-consumer") == b"compliance.findings"
            and decode(r.value)[0].event_id in ids
        ),
        2,
    )
    assert {decode(r.value)[0].event_id for r in records} == ids
    assert len(records) == 2
    still = await monitor.GetFinding(
        fpb.GetFindingRequest(finding_id=found.finding_id), metadata=committee
    )
    assert still.state == fpb.FINDING_STATE_OPEN
    assert len(await history(monitor, committee, found.finding_id)) == 1


# -- the CLI ----------------------------------------------------------------------------------


async def vigie(settings, compliance_service, who: str, *args: str) -> tuple[int, str, str]:
    return await vigie_cli(
        settings, "--as", who, "--compliance", compliance_service.address, "findings", *args
    )


async def test_the_cli_contests_rules_closes_reopens_and_reads_the_history(
    monitor, compliance_service, settings, token, tmp_path
):
    party, centre = ordering_party(), f"ctr-{uuid.uuid4().hex[:8]}"
    committee = token(Role.COMMITTEE, "committee")
    found = checks_finding(party, centre, 700, revision=1)
    await publish_events(
        settings.kafka_bootstrap, [on_topic(fevents.FindingRaised(finding=found), party)]
    )
    await finding_when(monitor, committee, found.finding_id, in_state(fpb.FINDING_STATE_OPEN))
    letter = tmp_path / "letter.txt"
    letter.write_text("We announced the change on 2 March.\n")
    run = (settings, compliance_service)
    the_id = found.finding_id

    code, out, err = await vigie(*run, f"centre:{centre}", "contest", the_id, "--grounds", "no")
    assert code == 1 and "INVALID_ARGUMENT" in err and "grounds" in err
    code, out, err = await vigie(
        *run, f"centre:{centre}", "contest", the_id, "--grounds", GROUNDS, "--attach", str(letter)
    )
    assert code == 0, err
    assert json.loads(out)["state"] == "FINDING_STATE_CONTESTED"
    code, out, err = await vigie(*run, "committee:committee", "list", "--state", "contested")
    assert code == 0, err
    assert the_id in {f["finding_id"] for f in json.loads(out)["findings"]}
    assert all(f["state"] == "FINDING_STATE_CONTESTED" for f in json.loads(out)["findings"])
    ruling = ("rule", the_id, "--decision", "uphold", "--reasons", "the notice was given")
    code, out, err = await vigie(*run, "committee:committee", *ruling)
    assert code == 0, err
    assert json.loads(out)["state"] == "FINDING_STATE_CONTEST_UPHELD"
    code, out, err = await vigie(*run, "committee:committee", *ruling)
    assert code == 1 and "FAILED_PRECONDITION" in err and "CONTEST_UPHELD" in err
    code, out, err = await vigie(*run, "committee:committee", "close", the_id, "--reason", "done")
    assert code == 1 and "FAILED_PRECONDITION" in err  # fallen on contest: nothing to remedy
    code, out, err = await vigie(
        *run, "committee:committee", "reopen", the_id, "--reason", "new evidence came"
    )
    assert code == 0, err
    code, out, err = await vigie(*run, "committee:committee", "close", the_id, "--reason", "done")
    assert code == 0, err
    assert json.loads(out)["state"] == "FINDING_STATE_REMEDIED"
    code, out, err = await vigie(*run, f"ordering_party:{party}", "history", the_id)
    assert code == 0, err
    changes = json.loads(out)["transitions"]
    assert [
        (c["actor"]["role"], c["to_state"].removeprefix("FINDING_STATE_")) for c in changes
    ] == [
        ("checks", "OPEN"),
        ("centre", "CONTESTED"),
        ("committee", "CONTEST_UPHELD"),
        ("committee", "OPEN"),
        ("committee", "REMEDIED"),
    ]
    assert changes[1]["attachments"] == ["We announced the change on 2 March.\n"]
    code, out, err = await vigie(*run, "ordering_party:someone-else", "history", the_id)
    assert code == 1 and "NOT_FOUND" in err
