"""The streaming checks lose nothing and invent nothing: a replay of the input topics from
the start gives the same findings, none twice; a worker killed with SIGKILL mid-stream (two
workers in the group) leaves every expected finding present exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import events_pb2 as notice_events
from vigie.notices.v1 import notices_pb2 as npb

from services.common import topics
from services.common.clock import french_today
from services.common.envelope import decode, kafka_headers, wrap
from services.common.identity import Role
from services.compliance.checks.findings import finding_id
from tests.integration.conftest import start_worker
from tests.integration.test_labels_service import day

pytestmark = pytest.mark.integration


def breach(party: str, i: int) -> tuple[str, bytes, list]:
    """A NoticeIssued event with a breach, on its own contract (so keys spread)."""
    contract_id = str(uuid.uuid4())
    notice = npb.Notice(
        notice_id=str(uuid.uuid4()),
        contract_id=contract_id,
        ordering_party_id=party,
        centre_id="ctr-recovery",
        change=npb.WorkloadChange(change_percent=-40),
        change_percent=-40,
        effective_date=day(french_today() + timedelta(days=10)),
        reason=f"mesure {i}",
        verdict=npb.LeadTimeVerdict(
            required=3,
            unit=cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS,
            actual=0,
            complies=False,
            shortfall=3,
            shortfall_days=81,
            explanation="short",
            reference="label",
        ),
    )
    event = wrap(
        topics.NOTICE_EVENTS,
        notice_events.NoticeIssued(notice=notice),
        aggregate_id=contract_id,
        producer="test",
    )
    return notice.notice_id, event, kafka_headers(event.event_id, event.event_type)


async def publish(bootstrap: str, party: str, count: int) -> set[str]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    expected = set()
    try:
        for i in range(count):
            notice_id, event, headers = breach(party, i)
            await producer.send(event.topic, event.value, key=event.key.encode(), headers=headers)
            expected.add(finding_id("notice_breach", notice_id))
        await producer.flush()
    finally:
        await producer.stop()
    return expected


async def recorded(monitor, token, party: str, want: int, timeout: float = 120) -> list:
    """The monitor's findings for a party, once `want` are there (or the timeout)."""
    request = fpb.ListFindingsRequest(
        filter=fpb.FindingFilter(ordering_party_id=party), limit=max(want, 1)
    )
    committee = token(Role.COMMITTEE, "committee")
    for _ in range(int(timeout / 0.25)):
        found = (await monitor.ListFindings(request, metadata=committee)).findings
        if len(found) >= want:
            break
        await asyncio.sleep(0.25)
    return list(found)


def raised_by(records, app_id: str) -> set[str]:
    """The finding ids one group of workers published."""
    ids = set()
    for record in records:
        envelope, payload = decode(record.value)
        if envelope.producer == app_id:
            ids.add(payload.finding.finding_id)
    return ids


async def test_a_replay_from_the_start_gives_the_same_findings_none_twice(
    settings, monitor, token, tail, tmp_path
):
    party = f"op-replay-{uuid.uuid4().hex[:8]}"
    findings = await tail(topics.FINDINGS)
    expected = await publish(settings.kafka_bootstrap, party, 30)
    first = await recorded(monitor, token, party, 30)
    assert {f.finding_id for f in first} == expected

    app_id = f"compliance.checks.replay-{uuid.uuid4().hex[:6]}"
    replay = start_worker(settings, tmp_path / "replay", app_id)
    try:
        records = await findings.collect(lambda r: r.key == party.encode(), 60, timeout=180)
        assert raised_by(records, app_id) == expected  # the replay raised every one again
        await asyncio.sleep(1.0)
        again = await recorded(monitor, token, party, 30)
        assert sorted(f.finding_id for f in again) == sorted(expected)  # none twice
    finally:
        replay.terminate()
        await asyncio.to_thread(replay.wait, 30)


async def test_a_worker_killed_mid_stream_loses_no_finding(
    settings, monitor, token, tail, tmp_path
):
    party = f"op-kill-{uuid.uuid4().hex[:8]}"
    app_id = f"compliance.checks.kill-{uuid.uuid4().hex[:6]}"
    count = 2000
    findings = await tail(topics.FINDINGS)
    workers = [start_worker(settings, tmp_path / f"w{i}", app_id) for i in range(2)]
    try:
        await asyncio.sleep(8)  # both in the group, the history checked
        sending = asyncio.create_task(publish(settings.kafka_bootstrap, party, count))
        await asyncio.sleep(0.3)
        workers[0].kill()  # SIGKILL while the events are still arriving
        await asyncio.to_thread(workers[0].wait, 10)
        expected = await sending
        records = await findings.collect(
            lambda r: r.key == party.encode() and decode(r.value)[0].producer == app_id,
            count,
            timeout=180,
            settle=2,
            distinct=lambda r: decode(r.value)[1].finding.finding_id,
        )
        assert raised_by(records, app_id) == expected, "the group lost findings in the kill"
        listed = await recorded(monitor, token, party, count)
        assert sorted(f.finding_id for f in listed) == sorted(expected)  # exactly once
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                await asyncio.to_thread(worker.wait, 30)
