"""The streaming checks on the volume path, against a bare aiokafka consumer of the same
records in the same run. Prints, asserts nothing.

    PYTHONPATH=.:gen .venv/bin/python -m tests.bench.bench_checks \\
        [--contracts 1000] [--chunk day|week] [--drop 0.1] [--workers 1] [--pace 20]

One run, against the Kafka broker and the database of the settings (VIGIE_ variables):
1. The end offsets of the checks' input topics and of vigie.findings are noted: this run's
   records start there. A new consumer group (compliance.bench-<time>) gets those offsets as
   its stored positions in compliance.consumer_offsets, where the workers seek on assignment:
   they read this run's records and nothing older (a new group would otherwise read every
   topic from the start).
2. ContractSigned for --contracts perennial contracts (ten per ordering party); the bench's
   own worker processes (services.compliance.checks, the new group) apply them, then stop.
3. The volumes of ISO week 2026-W10 (long over: judged as soon as its figures come), 96
   fifteen-minute intervals a day for 7 days per contract, as VolumesReported events of one
   day (or one week) of one contract. A --drop share of the contracts handle half their
   baseline that week (no notice): one unannounced-change finding each; their week is held
   back for step 6, as one event each. Reported day by day, a steady contract's week shows a
   cut until most of its days are in: raised, then withdrawn (the churn is counted).
4. Bare consumer: reads those volume records from the noted offsets to the end, decoding
   nothing, then again decoding each envelope and payload (services.common.envelope.decode).
5. The checks: the workers again, from the stored offsets. Their rate is read from
   compliance.consumer_offsets, polled every 50 ms: intervals applied after the first poll
   that saw progress, over the time from that poll to the one that saw the end applied and
   nothing the workers put off while reading the backlog left to judge. Printed with the
   ratio to both bare consumers, the workers' resident memory, and a year of France replayed
   at that rate (and projected for more workers on more cores).
6. Latency: the workers caught up, the held-back weeks are published at --pace per second;
   each one's latency runs from just before its send to the arrival of its finding on
   vigie.findings (a consumer tailing the topic in this process, one clock).

The contracts, volumes, findings and scorecards stay on the topics and in the database under
the run's ordering parties (bench-checks-<time>-<n>) and group."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import subprocess
import sys
import time
import uuid
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from google.protobuf.timestamp_pb2 import Timestamp
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events

from services.cli.samples import perennial_terms
from services.common import topics
from services.common.clock import PARIS
from services.common.consumer import (
    FETCH_RECORDS,
    PARTITION_FETCH_BYTES,
    end_offsets,
    start_group_at,
    stored_positions,
)
from services.common.envelope import Event, decode, kafka_headers, wrap
from services.common.settings import Settings, load
from services.compliance.checks.handler import CHECKED_TOPICS
from services.compliance.checks.state import put_off_count
from services.contracts.volumes import volumes_reported
from services.rules.calendar import week_start

ROOT = Path(__file__).resolve().parents[2]
WEEK = (2026, 10)  # 2 to 8 March 2026: one UTC offset in France all week
INTERVALS_A_DAY = 96  # fifteen minutes each
PER_INTERVAL = 10  # contacts handled, forecast and offered in an interval of a steady contract
# Per month, so that the weekly plan (× 12 ÷ 52) is exactly what a steady contract handles.
BASELINE = PER_INTERVAL * INTERVALS_A_DAY * 7 * 52 // 12
CONTRACTS_PER_PARTY = 10
POLL = 0.05  # seconds between two reads of the workers' offsets
PRODUCER = "bench-checks"
WORKER = "services.compliance.checks"


@dataclass(frozen=True)
class Published:
    """Where a record this run published landed."""

    partition: int
    offset: int


@dataclass
class Volumes:
    """The run's volume events: the backlog (the steady contracts' days) and the held-back
    weeks of the contracts whose volume drops."""

    backlog: list[Event] = field(default_factory=list)
    intervals: dict[str, int] = field(default_factory=dict)  # event id -> intervals
    held_back: dict[str, Event] = field(default_factory=dict)  # dropping contract -> its week


# -- the run's events --------------------------------------------------------------------


def contract(i: int, stamp: str) -> cpb.Contract:
    party = f"bench-checks-{stamp}-{i // CONTRACTS_PER_PARTY}"
    monday = week_start(*WEEK)
    return cpb.Contract(
        contract_id=str(uuid.uuid4()),
        tender_id=str(uuid.uuid4()),
        ordering_party_id=party,
        centre_id=f"ctr-{party}",
        status=cpb.CONTRACT_STATUS_ACTIVE,
        terms=perennial_terms(monday - timedelta(days=90), BASELINE),
        sites=[cpb.ProposedSite(site_id="lille", country="FR")],
        version=1,
        centre_labelled=True,
    )


def _day(value: date) -> Date:
    return Date(year=value.year, month=value.month, day=value.day)


def signed(c: cpb.Contract) -> Event:
    payload = contract_events.ContractSigned(contract=c)
    return wrap(topics.CONTRACT_EVENTS, payload, aggregate_id=c.contract_id, producer=PRODUCER)


def intervals(c: cpb.Contract, day: date, count: int, handled: int) -> list[cpb.VolumeRecord]:
    """`count` fifteen-minute intervals from midnight in France on `day`."""
    midnight = datetime.combine(day, datetime.min.time(), PARIS)
    records = []
    for i in range(count):
        stamp = Timestamp()
        stamp.FromDatetime(midnight + timedelta(minutes=15 * i))
        records.append(
            cpb.VolumeRecord(
                contract_id=c.contract_id,
                site_id="lille",
                interval_start=stamp,
                interval_minutes=15,
                offered_contacts=handled,
                handled_contacts=handled,
                forecast_contacts=PER_INTERVAL,
            )
        )
    return records


def reported(c: cpb.Contract, records: list[cpb.VolumeRecord]) -> Event:
    payload = volumes_reported(c, records)
    return wrap(topics.VOLUMES, payload, aggregate_id=c.contract_id, producer=PRODUCER)


def volumes(contracts: Sequence[cpb.Contract], dropping: set[str], chunk: str) -> Volumes:
    """Each steady contract's week in chunks of a day (96 intervals) or of the week (672),
    day by day across contracts, as centres report; each dropping contract's week held back
    as one event."""
    monday = week_start(*WEEK)
    week = [monday + timedelta(days=d) for d in range(7)]
    chunks = [[d] for d in week] if chunk == "day" else [week]
    out = Volumes()
    for days in chunks:
        for c in contracts:
            if c.contract_id not in dropping:
                records = [r for d in days for r in intervals(c, d, INTERVALS_A_DAY, PER_INTERVAL)]
                _add(out, reported(c, records), len(records))
    for c in contracts:
        if c.contract_id in dropping:
            records = [r for d in week for r in intervals(c, d, INTERVALS_A_DAY, PER_INTERVAL // 2)]
            out.held_back[c.contract_id] = reported(c, records)
    return out


def _add(volumes: Volumes, event: Event, count: int) -> None:
    volumes.backlog.append(event)
    volumes.intervals[event.event_id] = count


# -- Kafka -------------------------------------------------------------------------------


async def publish(bootstrap: str, events: Sequence[Event]) -> dict[str, Published]:
    """Every event, then their positions (event id -> where it landed)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=8_000_000)
    await producer.start()
    try:
        futures = [await _send(producer, e) for e in events]
        landed = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return {
        e.event_id: Published(m.partition, m.offset) for e, m in zip(events, landed, strict=True)
    }


async def _send(producer: AIOKafkaProducer, event: Event) -> asyncio.Future:
    # A trace context of its own, as the relay's producer span gives every record it publishes:
    # the checks read it, link it and keep it with what they put off.
    traceparent = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
    headers = [
        *kafka_headers(event.event_id, event.event_type),
        ("traceparent", traceparent.encode()),
    ]
    return await producer.send(event.topic, event.value, key=event.key.encode(), headers=headers)


@dataclass(frozen=True)
class Rate:
    label: str
    records: int
    intervals: int
    seconds: float
    started: float = 0.0  # perf_counter() at the start of the timed span

    def per_second(self, count: int) -> float:
        return count / self.seconds if self.seconds > 0 else math.nan


async def bare_consumer(
    bootstrap: str,
    start: dict[TopicPartition, int],
    end: dict[TopicPartition, int],
    weights: dict[TopicPartition, dict[int, int]],
    decoding: bool,
) -> Rate:
    """Read the volume records from `start` to `end` with the consumer settings of the
    checks' EventConsumer, without a group (every partition assigned, then sought). Timed
    like the checks: what came after the first batch, from its arrival to the last one's."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        max_partition_fetch_bytes=PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)
        records = intervals_read = 0
        first: float | None = None
        last = time.perf_counter()
        remaining = {tp for tp in start if start[tp] < end[tp]}
        while remaining:
            batches = await consumer.getmany(timeout_ms=500, max_records=FETCH_RECORDS)
            for tp, batch in batches.items():
                for record in batch:
                    if decoding:
                        decode(record.value)
                if first is None:
                    continue
                records += len(batch)
                intervals_read += sum(weights[tp].get(r.offset, 0) for r in batch)
            if batches:
                last = time.perf_counter()
                first = first or last
            remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    finally:
        await consumer.stop()
    label = "bare consumer, decoding the envelope" if decoding else "bare consumer, no decoding"
    return Rate(label, records, intervals_read, last - (first or last))


class FindingsTail:
    """vigie.findings from the offsets noted at the start: the arrival time of each finding
    this run's group raises, and how many times each finding id came."""

    def __init__(self, bootstrap: str, start: dict[TopicPartition, int], group: str) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
        )
        self._start, self._group = start, group
        self.arrivals: dict[str, float] = {}  # contract id -> first finding's arrival
        self.ids: dict[str, int] = {}  # finding id -> times raised
        self.kinds: dict[str, int] = {}  # event type -> records (raised, revised, withdrawn)
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._consumer.assign(list(self._start))
        for tp, offset in self._start.items():
            self._consumer.seek(tp, offset)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for record in (r for batch in batches.values() for r in batch):
                envelope, payload = decode(record.value)
                if envelope.producer != self._group:
                    continue
                kind = envelope.event_type.rsplit(".", 1)[-1]
                self.kinds[kind] = self.kinds.get(kind, 0) + 1
                if kind == "FindingRaised":
                    finding = payload.finding
                    self.ids[finding.finding_id] = self.ids.get(finding.finding_id, 0) + 1
                    self.arrivals.setdefault(finding.contract_id, now)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()


# -- the workers -------------------------------------------------------------------------


def start_workers(
    settings: Settings, group: str, count: int, logs: Path, profile: bool = False
) -> list:
    """Worker processes of the checks in `group`, as `python -m services.compliance.checks`
    runs in production; their gRPC port (health only) is left to the system. With `profile`,
    each runs under cProfile and writes its statistics next to its log when stopped."""
    env = os.environ | {
        "VIGIE_CHECKS_GROUP": group,
        "VIGIE_DATABASE_URL": settings.database_url,
        "VIGIE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "VIGIE_GRPC_PORT": "0",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}",
    }
    logs.mkdir(parents=True, exist_ok=True)
    workers = []
    for i in range(count):
        profiler = ["-m", "cProfile", "-o", str(logs / f"bench-checks-worker-{i}.prof")]
        with open(logs / f"bench-checks-worker-{i}.log", "ab") as log:
            workers.append(
                subprocess.Popen(
                    [sys.executable, *(profiler if profile else []), "-m", WORKER],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            )
    return workers


def rss_kib(workers: list) -> int:
    """Resident memory of the worker processes now, in KiB (Linux)."""
    total = 0
    for worker in workers:
        for line in Path(f"/proc/{worker.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def sample_rss(workers: list, samples: list[tuple[float, int]]) -> None:
    """The workers' resident memory every 0.1 s, with its time, until cancelled."""
    while True:
        samples.append((time.perf_counter(), rss_kib(workers)))
        await asyncio.sleep(0.1)


def stop_workers(workers: list) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(60)


async def seed_offsets(pool: asyncpg.Pool, group: str, start: dict[TopicPartition, int]) -> None:
    """The new group's positions: where this run's records begin (see the module docstring)."""
    async with pool.acquire() as conn:  # the pool's search path is the checks' schema
        await start_group_at(conn, group, start)


async def stored_offsets(pool: asyncpg.Pool, group: str, topic: str) -> dict[TopicPartition, int]:
    stored = await stored_positions(pool, group)
    return {tp: offset for tp, offset in stored.items() if tp.topic == topic}


async def wait_applied(
    pool: asyncpg.Pool, group: str, end: dict[TopicPartition, int], workers: list, timeout: float
) -> list[tuple[float, dict[TopicPartition, int]]]:
    """Poll the group's stored offsets until they reach `end` (one topic) and nothing put off
    is left to evaluate; returns each poll at which they had moved since the previous one,
    with its time, and the poll that saw the end last."""
    topic = next(iter(end)).topic
    seen: list[tuple[float, dict[TopicPartition, int]]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        offsets = await stored_offsets(pool, group, topic)
        now = time.perf_counter()
        if not seen or offsets != seen[-1][1]:
            seen.append((now, offsets))
        read = all(offsets.get(tp, 0) >= end[tp] for tp in end)
        if read and not await put_off_count(pool, group):
            if seen[-1][0] != now:
                seen.append((now, offsets))
            return seen
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("a worker of the checks exited; see its log")
        await asyncio.sleep(POLL)
    raise TimeoutError(f"the checks did not reach the end of {topic} in {timeout:.0f}s")


def checks_rate(
    polls: list[tuple[float, dict[TopicPartition, int]]],
    start: dict[TopicPartition, int],
    prefix: dict[TopicPartition, list[tuple[int, int]]],
) -> Rate:
    """Records and intervals applied after the first poll that saw progress, over the time
    from it to the last poll (the end read and what was put off evaluated)."""
    moved = [(t, o) for t, o in polls if any(o.get(tp, s) > s for tp, s in start.items())]
    (t0, first), (t1, last) = moved[0], moved[-1]

    def done(offsets: dict[TopicPartition, int]) -> tuple[int, int]:
        counts = [_applied(prefix[tp], offsets.get(tp, s)) for tp, s in start.items()]
        return sum(r for r, _ in counts), sum(i for _, i in counts)

    (r0, i0), (r1, i1) = done(first), done(last)
    return Rate("compliance checks (worker processes)", r1 - r0, i1 - i0, t1 - t0, t0)


def _applied(records: list[tuple[int, int]], next_offset: int) -> tuple[int, int]:
    """(records, intervals) of this run's records below `next_offset`; `records` holds
    (offset, intervals so far) in offset order."""
    n = bisect_left(records, (next_offset, -1))
    return n, records[n - 1][1] if n else 0


# -- the run -----------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> None:
    settings = load()
    bootstrap = settings.kafka_bootstrap
    stamp = f"{datetime.now():%Y%m%d%H%M%S}"
    group = f"compliance.bench-{stamp}"
    logs = Path(os.environ.get("VIGIE_STATE_DIR", ROOT / ".infra")) / "logs"
    contracts = [contract(i, stamp) for i in range(args.contracts)]
    every = round(1 / args.drop) if args.drop > 0 else 0
    dropping = {c.contract_id for i, c in enumerate(contracts) if every and i % every == 0}
    print(f"building the events of {len(contracts)} contracts ({len(dropping)} dropping)...")
    load_ = volumes(contracts, dropping, args.chunk)

    start = await end_offsets(bootstrap, [*CHECKED_TOPICS, topics.FINDINGS])
    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=1,
        max_size=2,
        server_settings={"search_path": "compliance"},
    )
    try:
        inputs = {tp: o for tp, o in start.items() if tp.topic != topics.FINDINGS}
        await seed_offsets(pool, group, inputs)
        await publish(bootstrap, [signed(c) for c in contracts])
        contracts_end = await end_offsets(bootstrap, [topics.CONTRACT_EVENTS])
        workers = start_workers(settings, group, args.workers, logs)
        try:
            await wait_applied(pool, group, contracts_end, workers, timeout=300)
        finally:
            stop_workers(workers)
        print(f"contracts applied by group {group}; publishing the volumes...")

        landed = await publish(bootstrap, load_.backlog)
        volumes_start = {tp: o for tp, o in start.items() if tp.topic == topics.VOLUMES}
        volumes_end = await end_offsets(bootstrap, [topics.VOLUMES])
        weights = _weights(load_, landed)
        prefix = _prefix(weights, volumes_start)
        total_intervals = sum(load_.intervals.values())
        print(
            f"{len(load_.backlog)} VolumesReported of {args.chunk} chunks"
            f" ({INTERVALS_A_DAY if args.chunk == 'day' else 7 * INTERVALS_A_DAY} intervals),"
            f" {total_intervals} intervals; {len(load_.held_back)} weeks of the dropping"
            " contracts held back for the latency\n"
        )

        rates = [
            await bare_consumer(bootstrap, volumes_start, volumes_end, weights, decoding)
            for decoding in (False, True)
        ]
        workers = start_workers(settings, group, args.workers, logs, args.profile)
        rss: list[tuple[float, int]] = []
        try:
            sampler = asyncio.create_task(sample_rss(workers, rss))
            polls = await wait_applied(pool, group, volumes_end, workers, timeout=1800)
            sampler.cancel()
            rates.append(checks_rate(polls, volumes_start, prefix))
            # From the first poll that saw the volumes applied: the worker is up and reading.
            rss = [kib for t, kib in rss if t >= rates[-1].started] + [rss_kib(workers)]
            findings_start = {tp: o for tp, o in start.items() if tp.topic == topics.FINDINGS}
            latencies, tail = await latency(bootstrap, findings_start, group, load_, args.pace)
        finally:
            stop_workers(workers)
    finally:
        await pool.close()
    report(rates, latencies, tail, len(dropping), args.workers)
    report_memory(rss)
    report_projection(rates[-1], args.workers)


def _weights(load_: Volumes, landed: dict[str, Published]) -> dict[TopicPartition, dict[int, int]]:
    weights: dict[TopicPartition, dict[int, int]] = {}
    for event_id, where in landed.items():
        tp = TopicPartition(topics.VOLUMES, where.partition)
        weights.setdefault(tp, {})[where.offset] = load_.intervals[event_id]
    return weights


def _prefix(
    weights: dict[TopicPartition, dict[int, int]], start: dict[TopicPartition, int]
) -> dict[TopicPartition, list[tuple[int, int]]]:
    """Per partition, (offset, intervals up to and including it) in offset order."""
    prefix = {}
    for tp in start:
        running, rows = 0, []
        for offset in sorted(weights.get(tp, {})):
            running += weights[tp][offset]
            rows.append((offset, running))
        prefix[tp] = rows
    return prefix


async def latency(
    bootstrap: str,
    findings_start: dict[TopicPartition, int],
    group: str,
    load_: Volumes,
    pace: float,
) -> tuple[list[float], FindingsTail]:
    """Publish the held-back weeks at `pace` a second; seconds from each send to its
    contract's finding."""
    tail = FindingsTail(bootstrap, findings_start, group)
    await tail.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    sent: dict[str, float] = {}
    try:
        for contract_id, event in load_.held_back.items():
            sent[contract_id] = time.perf_counter()
            await (await _send(producer, event))
            await asyncio.sleep(max(0.0, sent[contract_id] + 1 / pace - time.perf_counter()))
        deadline = time.monotonic() + 120
        while set(sent) - set(tail.arrivals) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(2)  # time for a duplicate to show
    finally:
        await producer.stop()
        await tail.stop()
    return [tail.arrivals[c] - t for c, t in sent.items() if c in tail.arrivals], tail


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def report(
    rates: list[Rate], latencies: list[float], tail: FindingsTail, expected: int, workers: int
) -> None:
    widths = (38, 7, 9, 7, 9, 11, 5)
    names = ("", "records", "intervals", "seconds", "records/s", "intervals/s", "ratio")
    print("  ".join(f"{n:>{w}}" if n else " " * w for n, w in zip(names, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    bare = rates[0].per_second(rates[0].intervals)
    for r in rates:
        print(
            f"{r.label:38}  {r.records:7}  {r.intervals:9}  {r.seconds:7.2f}"
            f"  {r.per_second(r.records):9.0f}  {r.per_second(r.intervals):11.0f}"
            f"  {r.per_second(r.intervals) / bare:5.0%}"
        )
    checks = rates[-1].per_second(rates[-1].records)
    plain, decoding = (r.per_second(r.records) for r in rates[:2])
    print(
        f"\nratio: the checks ({workers} worker process{'es' if workers > 1 else ''}) against"
        f" the bare consumer without decoding {checks / plain:.0%}, against the decoding one"
        f" {checks / decoding:.0%}"
        " (records/s; the ratio column is in intervals/s against the first line)"
    )
    print(
        f"latency, a week's volume event to its finding on {topics.FINDINGS}:"
        f" {len(latencies)} events,"
        f" p50 {percentile(latencies, 50) * 1000:.0f} ms,"
        f" p99 {percentile(latencies, 99) * 1000:.0f} ms,"
        f" max {max(latencies, default=math.nan) * 1000:.0f} ms"
    )
    twice = sum(1 for n in tail.ids.values() if n > 1)
    withdrawn = tail.kinds.get("FindingStateChanged", 0)
    print(
        f"findings of the run: raised for {len(tail.arrivals)} contracts, {withdrawn} withdrawn"
        " (a steady week read from its first days, before the rest came, looks cut: raised,"
        f" then withdrawn), standing {len(tail.arrivals) - withdrawn} (expected {expected}, one"
        f" unannounced change per dropping contract); {twice} raised more than once;"
        f" events on the topic: {tail.kinds}"
    )


def report_memory(rss: list[int]) -> None:
    if rss:
        print(
            f"memory: the workers' resident set {rss[0] / 1024:.0f} MiB once reading the"
            f" volumes, {rss[-1] / 1024:.0f} MiB at the end, at most {max(rss) / 1024:.0f} MiB"
            f" ({len(rss)} samples, every 0.1 s)"
        )


# A year of France-wide interval volumes: about 10,000 queues (contracts) reporting 96
# fifteen-minute intervals a day, as one record a day each.
YEAR_RECORDS = 10_000 * 365
YEAR_INTERVALS = YEAR_RECORDS * INTERVALS_A_DAY
PARTITIONS = 8  # of the volumes topic: at most that many workers share a replay


def report_projection(checks: Rate, workers: int) -> None:
    """The measured rate applied to a year of France; with more workers, projected."""
    rate = checks.per_second(checks.records)
    hours = YEAR_RECORDS / rate / 3600
    print(
        f"replay of a year of France ({YEAR_RECORDS:,} day records, {YEAR_INTERVALS:,}"
        f" intervals) at the measured {rate:,.0f} records/s ({workers} worker"
        f"{'s' if workers > 1 else ''} on this machine): {hours:.2f} h"
    )
    per_worker = rate / workers
    for n in (2, 4, PARTITIONS):
        print(
            f"  projected, {n} workers on {n} cores ({PARTITIONS} partitions, PostgreSQL and the"
            f" broker elsewhere, each worker at the measured {per_worker:,.0f} records/s):"
            f" {YEAR_RECORDS / (per_worker * n) / 60:.0f} min"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=3000)
    parser.add_argument("--chunk", choices=["day", "week"], default="day")
    parser.add_argument("--drop", type=float, default=0.1, help="share of dropping contracts")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the checks")
    parser.add_argument("--pace", type=float, default=20, help="held-back weeks a second")
    parser.add_argument(
        "--profile", action="store_true", help="measured workers under cProfile (slower)"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
