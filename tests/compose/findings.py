"""The findings about one ordering party, from both places they live: the compliance monitor
(ListFindings, each finding recorded once) and the findings topic (published at least once
by the workers' outbox relay: a relay killed between publishing and marking a row published
publishes it again; every consumer keeps each finding id once)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

import grpc
from aiokafka import AIOKafkaConsumer, TopicPartition
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.common import identity, topics
from services.common.envelope import decode

LIST_LIMIT = 10_000


@dataclass(frozen=True)
class Recorded:
    """What the monitor holds about a party."""

    findings: list[fpb.Finding]

    @property
    def ids(self) -> Counter[str]:
        return Counter(f.finding_id for f in self.findings)

    @property
    def duplicates(self) -> list[str]:
        return [i for i, n in self.ids.items() if n > 1]

    def rules_by_tender(self) -> dict[str, Counter[str]]:
        rules: dict[str, Counter[str]] = {}
        for finding in self.findings:
            rules.setdefault(finding.tender_id, Counter())[finding.rule] += 1
        return rules


async def recorded(address: str, key: str, party: str) -> Recorded:
    committee = identity.mint(key, identity.Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(address) as channel:
        response = await compliance_pb2_grpc.ComplianceMonitorStub(channel).ListFindings(
            fpb.ListFindingsRequest(
                filter=fpb.FindingFilter(ordering_party_id=party), limit=LIST_LIMIT
            ),
            metadata=[("authorization", f"Bearer {committee}")],
            timeout=30,
        )
    return Recorded(list(response.findings))


async def settled(
    address: str, key: str, party: str, expected: int, timeout: float
) -> tuple[Recorded, float]:
    """The party's findings once at least `expected` are recorded and no more arrive for a
    few seconds (a late duplicate would show then); and how long it took."""
    start = time.monotonic()
    last, stable_since = -1, start
    while True:
        found = await recorded(address, key, party)
        now = time.monotonic()
        if len(found.findings) != last:
            last, stable_since = len(found.findings), now
        if last >= expected and now - stable_since >= 3.0:
            return found, now - start
        if now - start > timeout:
            return found, now - start
        await asyncio.sleep(0.5)


async def on_topic(bootstrap: str, party: str) -> Counter[str]:
    """Records on the findings topic about the party, counted per finding id."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    counts: Counter[str] = Counter()
    try:
        count = next(t.partitions for t in topics.declared() if t.name == topics.FINDINGS)
        partitions = [TopicPartition(topics.FINDINGS, p) for p in range(count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        wanted = party.encode()
        while [p for p in partitions if await consumer.position(p) < end[p]]:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batches.values():
                for record in records:
                    if record.key == wanted:
                        _, raised = decode(record.value)
                        counts[raised.finding.finding_id] += 1
    finally:
        await consumer.stop()
    return counts
