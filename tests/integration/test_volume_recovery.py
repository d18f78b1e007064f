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
from services.common.consumer import end_offsets, start_group_at, stored_positions
from services.common.envelope import decode
from services.compliance.checks import state
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


async def applied(conn: asyncpg.Connection, group: str, ends: dict) -> bool:
    """Whether the group has read every record up to `ends`, judged what it put off, and
    published every change: what is on the topic then is what those records show."""
    read = await stored_positions(conn, group)
    if any(read.get(tp, 0) < end for tp, end in ends.items()):
        return False
    unpublished = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)"
    )
    return not unpublished and await state.put_off_count(conn, group) == 0


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
    # Three instalments, each applied in full before the next, so that every kind of change
    # happens whatever a worker reads at once: the steady week 4 looks cut on its Monday
    # (raised), then is complete (withdrawn) while week 5 looks cut on its Monday (raised);
    # the rest, during which a worker is killed, completes that cut (revised).
    per_week = 5 * CONTRACTS
    first, second = 3 * per_week + CONTRACTS, 4 * per_week + CONTRACTS
    findings = await tail(topics.FINDINGS)
    owners = {party.encode()} | {c.centre_id.encode() for c in contracts}
    records = []
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": "compliance"}
    )

    async def publish(events, then=None) -> list[str]:
        """Publish, run `then`, wait until all is applied; the unannounced cuts on record."""
        await publish_events(settings.kafka_bootstrap, events)
        ends = await end_offsets(settings.kafka_bootstrap, CHECKED_TOPICS)
        if then is not None:
            await then()
        for _ in range(90):  # the survivor takes a killed worker's partitions after its session
            if await applied(conn, group, ends):
                break
            await asyncio.sleep(2)
        records.extend(
            await findings.collect(
                lambda r: r.key in owners and decode(r.value)[0].producer == group,
                10**9,
                timeout=3,
                settle=0,
            )
        )
        held = on_record(records).values()
        return sorted(f.finding_id for f in held if f.rule == "unannounced_change")

    async def kill() -> None:
        await asyncio.sleep(0.5)
        workers[0].kill()  # SIGKILL while the last instalment is applied
        await asyncio.to_thread(workers[0].wait, 10)

    workers = []
    try:
        await start_group_at(
            conn, group, await end_offsets(settings.kafka_bootstrap, CHECKED_TOPICS)
        )
        workers += [start_worker(settings, tmp_path / f"w{i}", group) for i in range(2)]
        await publish([signed(c) for c in contracts])
        await asyncio.sleep(6)  # both in the group
        monday_4 = await publish(days[:first])
        assert len(monday_4) == CONTRACTS
        monday_5 = await publish(days[first:second])
        assert len(monday_5) == CONTRACTS and not set(monday_4) & set(monday_5)
        await publish(days[second:], then=kill)
        assert sorted(on_record(records)) == sorted(expected_findings(story))
        assert consistent(records) == []
        kinds = {decode(r.value)[0].event_type.rsplit(".", 1)[-1] for r in records}
        assert {"FindingRaised", "FindingRevised", "FindingStateChanged"} <= kinds
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                await asyncio.to_thread(worker.wait, 30)
        await conn.close()
