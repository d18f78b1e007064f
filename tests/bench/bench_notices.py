"""Benchmark: from a workload-change notice issued over gRPC to its alert on the centre's
stream. Prints, asserts nothing.

In one run, against running labels, contracts and notices services: it sets up a contract
(centre, tender, bid, award), subscribes to the centre's alert stream, then issues notices
one after another and times, for each, the call itself (the baseline: token, rules, one
transaction) and the moment its alert arrives on the stream (the same plus the commit
notification and the stream push).

    PYTHONPATH=.:gen .venv/bin/python -m tests.bench.bench_notices --count 200
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

import grpc
from google.protobuf import json_format
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import contracts_pb2_grpc
from vigie.labels.v1 import labels_pb2 as lpb
from vigie.labels.v1 import labels_pb2_grpc
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1 import notices_pb2_grpc

from services.cli.demo import SAMPLE_TENDER
from services.cli.parsing import parse_date
from services.common import identity
from services.common.settings import load
from tests.bench.bench_tenders import Figures, table


def meta(key: str, role: identity.Role, org: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {identity.mint(key, role, org)}")]


async def retry(call, *, until: grpc.StatusCode, attempts: int = 200):
    """Call until the service has learnt what it needs from Kafka (it answers `until` before)."""
    for _ in range(attempts):
        try:
            return await call()
        except grpc.aio.AioRpcError as error:
            if error.code() != until:
                raise
            await asyncio.sleep(0.05)
    raise RuntimeError("the services never caught up with each other")


async def contract(args, key: str, stamp: str) -> cpb.Contract:
    centre_id, bank = f"ctr-bench-{stamp}", f"bench-bank-{stamp}"
    site_id = f"lille-{stamp}"  # site ids are unique across centres
    async with (
        grpc.aio.insecure_channel(args.labels) as labels,
        grpc.aio.insecure_channel(args.contracts) as contracts,
    ):
        registry = labels_pb2_grpc.LabelRegistryStub(labels)
        tenders = contracts_pb2_grpc.TenderServiceStub(contracts)
        await registry.RegisterCentre(
            lpb.RegisterCentreRequest(
                centre_id=centre_id,
                name="Centre de mesure",
                kind=lpb.CENTRE_KIND_OUTSOURCED,
                sites=[lpb.Site(site_id=site_id, name="Lille", country="FR", city="Lille")],
            ),
            metadata=meta(key, identity.Role.CENTRE, centre_id),
        )
        terms = json_format.Parse(SAMPLE_TENDER.read_text(), cpb.TenderTerms())
        start = datetime.now(UTC).date() + timedelta(days=30)
        terms.start_date.CopyFrom(parse_date(str(start)))
        terms.end_date.CopyFrom(parse_date(str(start + timedelta(days=1000))))
        owner = meta(key, identity.Role.ORDERING_PARTY, bank)
        tender = (
            await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=owner)
        ).tender
        bid_request = cpb.SubmitBidRequest(
            tender_id=tender.tender_id, price_cents=2_500, sites=[cpb.ProposedSite(site_id=site_id)]
        )
        bid = await retry(
            lambda: tenders.SubmitBid(
                bid_request, metadata=meta(key, identity.Role.CENTRE, centre_id)
            ),
            until=grpc.StatusCode.FAILED_PRECONDITION,
        )
        award = cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=bid.bid_id)
        return (await tenders.AwardTender(award, metadata=owner)).contract


async def run(args) -> None:
    key = load().token_key
    stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
    signed = await contract(args, key, stamp)
    bank = meta(key, identity.Role.ORDERING_PARTY, signed.ordering_party_id)
    centre = meta(key, identity.Role.CENTRE, signed.centre_id)
    effective = parse_date(str(datetime.now(UTC).date() + timedelta(days=10)))
    arrivals: dict[str, float] = {}
    async with grpc.aio.insecure_channel(args.notices) as channel:
        notices = notices_pb2_grpc.NoticeServiceStub(channel)
        stream = notices.SubscribeAlerts(npb.SubscribeAlertsRequest(), metadata=centre)

        async def read() -> None:
            async for alert in stream:
                if alert.kind == npb.ALERT_KIND_NOTICE_RECEIVED:
                    arrivals[alert.notice.notice_id] = time.perf_counter()

        reader = asyncio.create_task(read())

        def request(i: int) -> npb.IssueWorkloadChangeRequest:
            return npb.IssueWorkloadChangeRequest(
                contract_id=signed.contract_id,
                change=npb.WorkloadChange(change_percent=-(5 + i % 30)),
                effective_date=effective,
                reason=f"mesure {i}",
            )

        # The notices service learns the contract from Kafka first.
        await retry(
            lambda: notices.IssueWorkloadChange(request(-1), metadata=bank),
            until=grpc.StatusCode.NOT_FOUND,
        )
        calls, ends = [], []
        began = time.perf_counter()
        for i in range(args.count):
            started = time.perf_counter()
            notice = await notices.IssueWorkloadChange(request(i), metadata=bank)
            answered = time.perf_counter()
            while notice.notice_id not in arrivals:
                await asyncio.sleep(0.0005)
            calls.append(answered - started)
            ends.append(arrivals[notice.notice_id] - started)
        seconds = time.perf_counter() - began
        stream.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    print(f"notices service {args.notices}: {args.count} notices, one at a time\n")
    print(
        table(
            [
                Figures("IssueWorkloadChange answered", args.count, seconds, calls),
                Figures("... alert on the centre's stream", args.count, seconds, ends),
            ]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", default="127.0.0.1:50051")
    parser.add_argument("--contracts", default="127.0.0.1:50052")
    parser.add_argument("--notices", default="127.0.0.1:50053")
    parser.add_argument("--count", type=int, default=200, help="notices to issue")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
