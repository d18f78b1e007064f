"""Workload-change notices and the centres' alert streams, end to end: contracts learnt from
Kafka, notices over real gRPC, alerts from PostgreSQL to a live server stream, across
disconnects, a SIGKILL of the service, a Kafka restart and two replicas."""

from __future__ import annotations

import asyncio
import subprocess
import time
from datetime import date, timedelta

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import topics
from services.common.clock import french_today
from services.common.envelope import decode
from services.common.identity import Role
from services.compliance.checks.findings import finding_id
from tests.integration.conftest import ROOT, ServiceProcess, StreamReader, known_to_notices
from tests.integration.test_contracts_service import label, ordering_party, signed_contract
from tests.integration.test_labels_service import day

pytestmark = pytest.mark.integration
TODAY = french_today()


@pytest.fixture
def notices(notices_channel) -> NoticeServiceStub:
    return NoticeServiceStub(notices_channel)


@pytest.fixture
async def contract(registry, tenders, referential, token, pool, notices_service):
    """A signed contract (3-month notice for big changes) the notices service knows."""
    signed, party = await signed_contract(registry, tenders, referential, token)
    await known_to_notices(pool, signed.contract_id)
    return signed, party


def cut(
    contract_id: str, percent: int, days_ahead: int, reason="baisse"
) -> npb.IssueWorkloadChangeRequest:
    return npb.IssueWorkloadChangeRequest(
        contract_id=contract_id,
        change=npb.WorkloadChange(change_percent=-percent),
        effective_date=day(TODAY + timedelta(days=days_ahead)),
        reason=reason,
    )


class Subscription(StreamReader):
    """A centre's alert stream read in the background, as a centre's system would."""

    def __init__(self, stub: NoticeServiceStub, metadata, after: int | None = None) -> None:
        request = npb.SubscribeAlertsRequest()
        if after is not None:
            request.after_cursor = after
        super().__init__(stub.SubscribeAlerts(request, metadata=metadata))

    @property
    def alerts(self) -> list[npb.Alert]:
        return self.messages


async def test_a_short_notice_reaches_the_centre_with_its_breach_at_once(
    notices, contract, token, tail
):
    signed, party = contract
    events = await tail(topics.NOTICE_EVENTS)
    stream = Subscription(notices, token(Role.CENTRE, signed.centre_id))
    try:
        await asyncio.sleep(0.3)  # subscribed before the notice is issued
        started = time.perf_counter()
        notice = await notices.IssueWorkloadChange(
            cut(signed.contract_id, 40, 10, "internalisation partielle"),
            metadata=token(Role.ORDERING_PARTY, party),
        )
        verdict = notice.verdict
        assert not verdict.complies
        assert (verdict.required, verdict.unit) == (3, cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS)
        assert verdict.shortfall_days > 70
        assert notice.change_percent == -40
        assert verdict.explanation_wording.message == "lead-time-explanation"
        assert "une baisse de charge de 40 %" in verdict.explanation
        assert " jours de retard). Le jour de la notification ne compte pas" in (
            verdict.explanation
        )
        assert verdict.counting == npb.LEAD_TIME_COUNTING_LEGAL
        alerts = await stream.wait_for(2)
        assert [a.kind for a in alerts] == [
            npb.ALERT_KIND_NOTICE_RECEIVED,
            npb.ALERT_KIND_NOTICE_BREACH,
        ]
        assert [a.cursor for a in alerts] == [1, 2]
        assert alerts[1].notice.notice_id == notice.notice_id
        assert alerts[1].summary.startswith("Préavis non respecté : une baisse de charge de 40 %")
        assert stream.arrived[1] - started < 5  # seconds; `make bench` measures it properly
    finally:
        await stream.close()
    issued = await events.collect(lambda r: r.key == signed.contract_id.encode(), 1)
    assert decode(issued[0].value)[1].notice == notice


async def test_a_contract_without_a_schedule_is_held_to_the_committee_s_default(
    notices, contracts, contract, token, pool
):
    """The 3rd commitment covers every workload change: with the schedule amended away, a
    60 % cut with a day's notice is a breach under the committee's default schedule."""
    signed, party = contract
    bank = token(Role.ORDERING_PARTY, party)
    start = signed.terms.start_date
    await contracts.AmendContract(
        cpb.AmendContractRequest(
            contract_id=signed.contract_id,
            effective_from=day(date(start.year, start.month, start.day)),
            amendment=cpb.ContractAmendment(notice_schedule=cpb.NoticeSchedule()),
            reason="barème retiré",
        ),
        metadata=bank,
    )
    await known_to_notices(pool, signed.contract_id, 2)
    notice = await notices.IssueWorkloadChange(cut(signed.contract_id, 60, 1), metadata=bank)
    verdict = notice.verdict
    assert verdict.default_schedule and not verdict.complies
    assert (verdict.required, verdict.unit) == (3, cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS)
    assert verdict.explanation.startswith(
        "Le 3e engagement des donneurs d'ordre vaut pour toute évolution de charge : faute de "
        "barème de délais de prévenance au contrat, le barème par défaut du comité du label "
        "s'applique (15 jours calendaires jusqu'à 10 %, 1 mois jusqu'à 30 % et 3 mois au-delà, "
        "résiliation comprise)."
    )
    assert verdict.explanation_wording.message == "lead-time-default-schedule"


async def test_a_centre_resumes_after_its_cursor_across_a_kill_and_a_kafka_restart(
    notices_channel, contract, token, settings, tmp_path
):
    signed, party = contract
    bank, centre = token(Role.ORDERING_PARTY, party), token(Role.CENTRE, signed.centre_id)
    # A replica of our own, so that it can be killed without disturbing the others.
    replica = ServiceProcess("services.notices", settings, tmp_path)
    await asyncio.to_thread(replica.start)
    try:
        async with grpc.aio.insecure_channel(replica.address) as channel:
            stub = NoticeServiceStub(channel)
            first = Subscription(stub, centre)
            await stub.IssueWorkloadChange(cut(signed.contract_id, 5, 30), metadata=bank)
            seen = await first.wait_for(1)
            cursor = seen[-1].cursor
            await first.close()

            # Disconnected: three notices, then back with the cursor.
            issued = [
                await stub.IssueWorkloadChange(cut(signed.contract_id, 5, 30 + i), metadata=bank)
                for i in range(3)
            ]
            assert await resumed(stub, centre, cursor, issued)
            cursor += 3

            # The same after SIGKILL and a restart of the service.
            issued = [
                await stub.IssueWorkloadChange(cut(signed.contract_id, 5, 40 + i), metadata=bank)
                for i in range(3)
            ]
            await asyncio.to_thread(replica.kill)
            await asyncio.to_thread(replica.start)
            assert await resumed(stub, centre, cursor, issued)
            cursor += 3

            # And after Kafka is restarted: alerts never depended on it.
            await asyncio.to_thread(kafka, "stop")
            try:
                issued = [
                    await stub.IssueWorkloadChange(
                        cut(signed.contract_id, 5, 50 + i), metadata=bank
                    )
                    for i in range(3)
                ]
            finally:
                await asyncio.to_thread(kafka, "start")
            assert await resumed(stub, centre, cursor, issued)
    finally:
        await asyncio.to_thread(replica.stop)


def kafka(action: str) -> None:
    subprocess.run([str(ROOT / "infra" / "kafka" / "kafka.sh"), action], check=True, timeout=120)


async def resumed(stub, centre, cursor: int, issued: list[npb.Notice]) -> bool:
    """Reconnect after `cursor`: exactly the alerts of these notices, in order, nothing else."""
    stream = Subscription(stub, centre, after=cursor)
    try:
        alerts = await stream.wait_for(len(issued))
        await asyncio.sleep(0.5)  # a duplicate would show by now
    finally:
        await stream.close()
    assert [a.notice.notice_id for a in stream.alerts] == [n.notice_id for n in issued]
    assert [a.cursor for a in alerts] == list(range(cursor + 1, cursor + 1 + len(issued)))
    return True


async def test_first_connection_gets_the_unacknowledged_and_acknowledged_ones_stay_seen(
    notices, contract, token
):
    signed, party = contract
    bank, centre = token(Role.ORDERING_PARTY, party), token(Role.CENTRE, signed.centre_id)
    for i in range(3):
        await notices.IssueWorkloadChange(cut(signed.contract_id, 5, 30 + i), metadata=bank)
    stream = Subscription(notices, centre)
    assert len(await stream.wait_for(3)) == 3
    await stream.close()
    acknowledged = await notices.AcknowledgeAlerts(
        npb.AcknowledgeAlertsRequest(up_to_cursor=2), metadata=centre
    )
    assert acknowledged.acknowledged_cursor == 2
    stream = Subscription(notices, centre)
    alerts = await stream.wait_for(1)
    await asyncio.sleep(0.3)
    await stream.close()
    assert [a.cursor for a in alerts] == [3]


async def test_two_replicas_deliver_each_alert_once_per_subscription(
    notices, contract, token, settings, tmp_path
):
    signed, party = contract
    replica = ServiceProcess("services.notices", settings, tmp_path)
    await asyncio.to_thread(replica.start)
    try:
        async with grpc.aio.insecure_channel(replica.address) as channel:
            other = NoticeServiceStub(channel)
            centre = token(Role.CENTRE, signed.centre_id)
            on_first, on_second = Subscription(notices, centre), Subscription(other, centre)
            await asyncio.sleep(0.3)
            bank = token(Role.ORDERING_PARTY, party)
            for stub in (notices, other, notices, other):
                await stub.IssueWorkloadChange(cut(signed.contract_id, 5, 30), metadata=bank)
            for stream in (on_first, on_second):
                await stream.wait_for(4)
            await asyncio.sleep(0.5)
            for stream in (on_first, on_second):
                await stream.close()
                assert [a.cursor for a in stream.alerts] == [1, 2, 3, 4]
    finally:
        await asyncio.to_thread(replica.stop)


async def test_label_changes_reach_the_centre_as_alerts(
    notices, registry, referential, token, contract
):
    signed, _ = contract
    stream = Subscription(notices, token(Role.CENTRE, signed.centre_id))
    try:
        await label(registry, token, referential, signed.centre_id)
        alerts = await stream.wait_for(1)
    finally:
        await stream.close()
    assert alerts[0].kind == npb.ALERT_KIND_LABEL_STATUS
    assert alerts[0].summary_wording.message == "alert-label-status"
    assert alerts[0].summary == "Votre label est désormais accordé"


async def test_others_can_neither_subscribe_nor_issue(notices, contract, token):
    signed, _ = contract
    intruder = token(Role.CENTRE, "ctr-someone-else")
    call = notices.SubscribeAlerts(
        npb.SubscribeAlertsRequest(centre_id=signed.centre_id), metadata=intruder
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        async for _ in call:
            pass
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await notices.IssueWorkloadChange(
            cut(signed.contract_id, 10, 30), metadata=token(Role.ORDERING_PARTY, ordering_party())
        )
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await notices.IssueWorkloadChange(
            cut(signed.contract_id, 10, 30), metadata=token(Role.CENTRE, signed.centre_id)
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_notices_are_listed_read_and_acknowledged_by_the_right_parties(
    notices, contract, token, tail
):
    signed, party = contract
    bank, centre = token(Role.ORDERING_PARTY, party), token(Role.CENTRE, signed.centre_id)
    events = await tail(topics.NOTICE_EVENTS)
    short = await notices.IssueWorkloadChange(cut(signed.contract_id, 40, 10), metadata=bank)
    fine = await notices.IssueWorkloadChange(cut(signed.contract_id, 5, 60), metadata=bank)
    assert fine.verdict.complies and not short.verdict.complies

    listed = await notices.ListNotices(
        npb.ListNoticesRequest(contract_id=signed.contract_id), metadata=bank
    )
    assert [n.notice_id for n in listed.notices] == [short.notice_id, fine.notice_id]
    breaches = await notices.ListNotices(
        npb.ListNoticesRequest(contract_id=signed.contract_id, breaches_only=True),
        metadata=token(Role.COMMITTEE, "committee"),
    )
    assert [n.notice_id for n in breaches.notices] == [short.notice_id]
    outsider = token(Role.CENTRE, "ctr-someone-else")
    assert (await notices.ListNotices(npb.ListNoticesRequest(), metadata=outsider)).notices == []
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await notices.GetNotice(npb.GetNoticeRequest(notice_id=short.notice_id), metadata=outsider)
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND

    acknowledged = await notices.AcknowledgeNotice(
        npb.AcknowledgeNoticeRequest(notice_id=short.notice_id), metadata=centre
    )
    assert acknowledged.HasField("acknowledged_at")
    again = await notices.AcknowledgeNotice(
        npb.AcknowledgeNoticeRequest(notice_id=short.notice_id), metadata=centre
    )
    assert again.acknowledged_at == acknowledged.acknowledged_at  # once, whatever the retries
    read = await notices.GetNotice(npb.GetNoticeRequest(notice_id=short.notice_id), metadata=bank)
    assert read.acknowledged_at == acknowledged.acknowledged_at
    records = await events.collect(lambda r: r.key == signed.contract_id.encode(), 3)
    kinds = [decode(r.value)[0].event_type.rsplit(".", 1)[1] for r in records]
    assert kinds == ["NoticeIssued", "NoticeIssued", "NoticeAcknowledged"]


async def test_a_large_cut_in_an_old_relationship_is_found_a_partial_termination(
    registry, tenders, contracts, referential, notices, token, committee, pool, monitor
):
    """The committee declares a relationship six years old; the contracts service publishes
    it, the notices service projects it, and a 60 % cut on 100 days' notice (the schedule's
    3 months are met) is reviewed under Code de commerce L442-1 II: six months were due. The
    checks record the finding from the notice's event."""
    # Six years to the month on the notification day: six months of notice.
    six_years_ago = date(TODAY.year - 6, TODAY.month, min(TODAY.day, 28))
    signed, party = await signed_contract(
        registry, tenders, referential, token, start=TODAY - timedelta(days=30)
    )
    await known_to_notices(pool, signed.contract_id)
    await contracts.DeclareRelationship(
        cpb.DeclareRelationshipRequest(
            ordering_party_id=party,
            centre_id=signed.centre_id,
            since=day(six_years_ago),
            evidence="Premiers bons de commande et factures mensuelles depuis six ans.",
        ),
        metadata=committee,
    )
    for _ in range(200):
        if await pool.fetchval(
            "SELECT true FROM notices.declared_relationships"
            " WHERE ordering_party_id = $1 AND centre_id = $2",
            party,
            signed.centre_id,
        ):
            break
        await asyncio.sleep(0.05)
    notice = await notices.IssueWorkloadChange(
        npb.IssueWorkloadChangeRequest(
            contract_id=signed.contract_id,
            change=npb.WorkloadChange(change_percent=-60),
            effective_date=day(TODAY + timedelta(days=100)),
            reason="internalisation d'une partie du service",
        ),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    assert notice.verdict.complies
    (advisory,) = notice.relationship_advisories
    assert (advisory.rule, advisory.limit) == ("short_partial_termination_notice", "6 months")
    assert "rupture partielle" in advisory.explanation
    assert notice.relationship_since == day(six_years_ago)

    wanted = finding_id("short_partial_termination_notice", notice.notice_id)
    for _ in range(200):
        try:
            found = await monitor.GetFinding(
                fpb.GetFindingRequest(finding_id=wanted), metadata=committee
            )
            break
        except grpc.aio.AioRpcError as missing:
            assert missing.code() == grpc.StatusCode.NOT_FOUND
            await asyncio.sleep(0.1)
    assert (found.contract_id, found.severity) == (signed.contract_id, fpb.SEVERITY_SERIOUS)
    assert "L442-1" in found.reference
