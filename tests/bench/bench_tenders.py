"""RegisterTender on a running contracts service, against a gRPC baseline in the same run.

    PYTHONPATH=.:gen .venv/bin/python -m tests.bench.bench_tenders \\
        --contracts 127.0.0.1:50052 --calls 3000 --concurrency 16 [--warmup 100]

Two variants, each with `--concurrency` workers, one gRPC channel (its own connection) per
worker, `--warmup` calls first that the figures leave out, then `--calls` calls:
- baseline: grpc.health.v1.Health/Check on the same server: the transport, no database, no
  outbox;
- RegisterTender: a valid perennial tender per call, as ordering party "bench-party": the
  token checked, the request validated, the purchasing rules, the tender and its outbox event
  written in one transaction.
Each call is timed with time.perf_counter(); the table gives calls/s over the measured phase
and the latency percentiles of the calls that succeeded. Then the outbox: its backlog when
the load ended (and its peak, sampled every 0.1 s during the load), and how long after the last
call the relay took to publish everything to Kafka.

The tenders are real rows in the service's database; nothing is deleted afterwards."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import asyncpg
import grpc
from google.type.date_pb2 import Date
from grpc_health.v1 import health_pb2, health_pb2_grpc
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1.contracts_pb2_grpc import TenderServiceStub

from services.cli.samples import responsible_tender
from services.common import identity
from services.common.identity import Role
from services.common.settings import load

ORDERING_PARTY = "bench-party"
CALL_TIMEOUT = 30.0  # seconds; a call slower than that counts as an error
BACKLOG = "SELECT count(*) FROM contracts.outbox WHERE published_at IS NULL"
# Without a local subchannel pool, channels to the same target share one connection.
CHANNEL_OPTIONS = [("grpc.use_local_subchannel_pool", 1)]

Call = Callable[[], Awaitable[object]]
Bind = Callable[[grpc.aio.Channel], Call]  # a channel → one call on it


def day(value: date) -> Date:
    return Date(year=value.year, month=value.month, day=value.day)


def tender_terms(today: date) -> cpb.TenderTerms:
    """Valid perennial terms that raise no purchasing advisory and no finding."""
    return responsible_tender(today + timedelta(days=30))


def health_check(metadata: Sequence[tuple[str, str]]) -> Bind:
    request = health_pb2.HealthCheckRequest()

    def bind(channel: grpc.aio.Channel) -> Call:
        stub = health_pb2_grpc.HealthStub(channel)
        return lambda: stub.Check(request, metadata=metadata, timeout=CALL_TIMEOUT)

    return bind


def register_tender(metadata: Sequence[tuple[str, str]]) -> Bind:
    request = cpb.RegisterTenderRequest(terms=tender_terms(date.today()))

    def bind(channel: grpc.aio.Channel) -> Call:
        stub = TenderServiceStub(channel)
        return lambda: stub.RegisterTender(request, metadata=metadata, timeout=CALL_TIMEOUT)

    return bind


@dataclass
class Figures:
    variant: str
    calls: int
    seconds: float
    latencies: list[float]  # seconds, of the calls that succeeded
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else math.nan

    def percentile_ms(self, p: float) -> float:
        """Nearest rank, in milliseconds; nan when no call succeeded."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(math.ceil(p / 100 * len(ordered)), 1) - 1] * 1000


async def drive(variant: str, calls: Sequence[Call], count: int) -> Figures:
    """`count` calls shared by the workers, one worker per entry of `calls`."""
    tickets = iter(range(count))
    latencies: list[float] = []
    errors: Counter[str] = Counter()

    async def worker(call: Call) -> None:
        for _ in tickets:  # one iterator for all the workers: each call is made once
            started = time.perf_counter()
            try:
                await call()
            except grpc.aio.AioRpcError as error:
                errors[f"{error.code().name}: {error.details()}"] += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(call) for call in calls))
    return Figures(variant, count, time.perf_counter() - started, latencies, errors)


async def run_variant(
    variant: str,
    target: str,
    bind: Bind,
    *,
    calls: int,
    concurrency: int,
    warmup: int,
    before_measuring: Callable[[], Awaitable[None]] | None = None,
    while_measuring: Callable[[], Awaitable[None]] | None = None,
) -> Figures:
    channels = [
        grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS) for _ in range(concurrency)
    ]
    try:
        await asyncio.gather(*(asyncio.wait_for(c.channel_ready(), 10) for c in channels))
        bound = [bind(channel) for channel in channels]
        await drive(variant, bound, warmup)
        if before_measuring is not None:
            await before_measuring()
        background = asyncio.create_task(while_measuring()) if while_measuring else None
        try:
            return await drive(variant, bound, calls)
        finally:
            if background is not None:
                background.cancel()
                await asyncio.gather(background, return_exceptions=True)
    finally:
        await asyncio.gather(*(channel.close() for channel in channels))


class Outbox:
    """The contracts outbox's backlog, read from PostgreSQL."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self.peak = 0

    async def backlog(self) -> int:
        return await self._conn.fetchval(BACKLOG)

    async def sample(self, every: float = 0.1) -> None:
        """Until cancelled: the largest backlog seen."""
        while True:
            self.peak = max(self.peak, await self.backlog())
            await asyncio.sleep(every)

    async def drained(self, timeout: float, every: float = 0.01) -> float | None:
        """Seconds until the backlog is 0, None when it is not within `timeout`."""
        started = time.perf_counter()
        while await self.backlog():
            if time.perf_counter() - started > timeout:
                return None
            await asyncio.sleep(every)
        return time.perf_counter() - started


def table(rows: Sequence[Figures]) -> str:
    header = ("variant", "calls", "errors", "calls/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
    lines = [
        (
            f.variant,
            str(f.calls),
            str(f.errors.total()),
            f"{f.per_second:.0f}",
            *(f"{f.percentile_ms(p):.1f}" for p in (50, 90, 99, 100)),
        )
        for f in rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]

    def render(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    return "\n".join(
        [render(header), "  ".join("-" * w for w in widths), *(render(x) for x in lines)]
    )


async def run(args: argparse.Namespace) -> int:
    settings = load()
    token = identity.mint(settings.token_key, Role.ORDERING_PARTY, ORDERING_PARTY)
    metadata = [("authorization", f"Bearer {token}")]
    common = {"calls": args.calls, "concurrency": args.concurrency, "warmup": args.warmup}
    print(
        f"contracts service {args.contracts}: {args.calls} calls per variant, "
        f"{args.concurrency} workers (one channel each), {args.warmup} warm-up calls; "
        f"{os.cpu_count()} CPUs shared by the client, the service, PostgreSQL and Kafka",
        flush=True,
    )
    conn = await asyncpg.connect(settings.database_url)
    try:
        outbox = Outbox(conn)
        # The relay must be idle before the load: what it publishes is then ours.
        if await outbox.drained(args.drain_timeout) is None:
            print("the outbox never drained before the run: is the relay publishing?")
            return 1
        try:
            baseline = await run_variant(
                "Health/Check (baseline)", args.contracts, health_check(metadata), **common
            )
        except TimeoutError:
            print(f"no gRPC server answers on {args.contracts}")
            return 1

        async def warm_up_drained() -> None:
            await outbox.drained(args.drain_timeout)

        tenders = await run_variant(
            "RegisterTender",
            args.contracts,
            register_tender(metadata),
            before_measuring=warm_up_drained,
            while_measuring=outbox.sample,
            **common,
        )
        load_ended = time.perf_counter()
        at_end = await outbox.backlog()
        drain = await outbox.drained(args.drain_timeout)
        drain_after_last_call = time.perf_counter() - load_ended if drain is not None else None
    finally:
        await conn.close()

    print()
    print(table([baseline, tenders]))
    for figures in (baseline, tenders):
        for message, count in figures.errors.most_common(3):
            print(f"  {figures.variant} errors: {count} × {message}")
    print()
    peak = max(outbox.peak, at_end)
    events = tenders.calls - tenders.errors.total()
    print(
        f"outbox: {events} TenderRegistered events; backlog at the end of the load: {at_end} "
        f"(peak sampled during the load: {peak})"
    )
    if drain_after_last_call is None:
        print(f"outbox: still not drained {args.drain_timeout:.0f} s after the last call")
        return 1
    total = tenders.seconds + drain_after_last_call
    print(
        f"outbox: drained {drain_after_last_call * 1000:.0f} ms after the last call; every "
        f"event on Kafka {total:.2f} s after the first call ({events / total:.0f} events/s "
        "end to end)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_tenders",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--contracts", default="127.0.0.1:50052", help="host:port of the service")
    parser.add_argument("--calls", type=int, default=3000, help="measured calls per variant")
    parser.add_argument("--concurrency", type=int, default=16, help="workers, one channel each")
    parser.add_argument("--warmup", type=int, default=100, help="calls first, left out")
    parser.add_argument(
        "--drain-timeout", type=float, default=120.0, help="seconds to wait for the outbox"
    )
    args = parser.parse_args(argv)
    if min(args.calls, args.concurrency) < 1 or args.warmup < 0:
        parser.error("--calls and --concurrency must be at least 1, --warmup at least 0")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
