"""Episodes survive a kill: two workers apply a story reported day by day (each week looks cut
until its days are in: raised, revised, withdrawn as they come) and one is killed with SIGKILL
mid-stream. What is on record at the end is what the complete figures show, and no change was
published twice: per finding, revisions only rise and a withdrawal only follows an open state
(the relay may publish a record again under the same event id, which consumers skip)."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from services.common import topics
from services.common.consumer import end_offsets, start_group_at
from services.common.envelope import decode
from services.compliance.checks.handler import CHECKED_TOPICS
from tests.integration.conftest import publish_events, start_worker
from tests.integration.test_volume_checks import (
    WEEKS,
    contract,
    expected_findings,
    on_record,
    signed,
)
from tests.integration.test_volume_order import CUT, STEADY, week_event

pytestmark = pytest.mark.integration
CONTRACTS = 40


def consistent(records) -> list[str]:
    """What breaks exactly-once in a party's findings records, in topic order."""
    problems, seen_events = [], set()
    revision: dict[str, int] = {}
    open_: dict[str, bool] = {}
    for record in records:
        envelope, payload = decode(record.value)
        if envelope.event_id in seen_events:
            continue  # the relay published it again: consumers skip it by event id
        seen_events.add(envelope.event_id)
        kind = envelope.event_type.rsplit(".", 1)[-1]
        if kind == "FindingStateChanged":
            fid = payload.transition.finding_id
            if not open_.get(fid):
                problems.append(f"{fid} withdrawn while not open")
            open_[fid] = False
            continue
        fid, rev = payload.finding.finding_id, payload.finding.revision
        if rev <= revision.get(fid, 0):
            problems.append(f"{fid} {kind} revision {rev} after {revision[fid]}")
        if kind == "FindingRaised" and open_.get(fid):
            problems.append(f"{fid} raised while open")
        if kind == "FindingRevised" and not open_.get(fid):
            problems.append(f"{fid} revised while not open")
        revision[fid], open_[fid] = rev, True
    return problems


async def test_a_worker_killed_mid_stream_leaves_the_episodes_exact_and_each_change_once(
    settings, tail, tmp_path
):
    run = uuid.uuid4().hex[:8]
    party, group = f"op-vkill-{run}", f"compliance.checks.vkill-{run}"
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": "compliance"}
    )
    try:
        await start_group_at(
            conn, group, await end_offsets(settings.kafka_bootstrap, CHECKED_TOPICS)
        )
    finally:
        await conn.close()
    contracts = [
        contract(party, f"ctr-vkill-{run}-{i % 4}", {"paris": "FR"}) for i in range(CONTRACTS)
    ]
    figures = [STEADY] * 4 + [CUT] * 5
    story = [(c, {"paris": figures}, []) for c in contracts]
    days = [
        week_event(c, "paris", at, f, days=[day])
        for at, f in zip(WEEKS, figures, strict=True)
        for day in range(5)
        for c in contracts
    ]
    expected = expected_findings(story)
    findings = await tail(topics.FINDINGS)
    workers = [start_worker(settings, tmp_path / f"w{i}", group) for i in range(2)]
    try:
        await publish_events(settings.kafka_bootstrap, [signed(c) for c in contracts])
        await asyncio.sleep(6)  # both in the group
        half = len(days) // 2
        await publish_events(settings.kafka_bootstrap, days[:half])
        await asyncio.sleep(0.5)
        workers[0].kill()  # SIGKILL while the first half is applied and the rest to come
        await asyncio.to_thread(workers[0].wait, 10)
        await publish_events(settings.kafka_bootstrap, days[half:])
        owners = {party.encode()} | {c.centre_id.encode() for c in contracts}

        def ours(r) -> bool:
            return r.key in owners and decode(r.value)[0].producer == group

        # Until the survivor has taken the killed worker's partitions (its session timeout)
        # and applied every report: then what is on record must be the complete figures'.
        records = []
        for _ in range(40):
            records += await findings.collect(ours, 10**9, timeout=5, settle=0)
            if sorted(on_record(records)) == sorted(expected):
                break
        records += await findings.collect(ours, 10**9, timeout=3, settle=0)  # nothing after
        assert sorted(on_record(records)) == sorted(expected)
        assert consistent(records) == []
        kinds = {decode(r.value)[0].event_type.rsplit(".", 1)[-1] for r in records}
        assert {"FindingRaised", "FindingRevised", "FindingStateChanged"} <= kinds
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                await asyncio.to_thread(worker.wait, 30)
