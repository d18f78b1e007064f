"""A stream of tenders for a container to die in the middle of: one ordering party registers
perennial tenders at a steady pace, each with 75-day payment terms by reverse auction, so each
must give exactly two findings (payment terms, reverse auction).

A call that fails is retried as a new registration; when it failed after reaching the
service (the service died mid-call), its tender may still have been recorded: those
registrations of unknown outcome are counted, and only they may add findings beyond the
acknowledged tenders'."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.protobuf import json_format
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import contracts_pb2_grpc

from services.common import identity

SAMPLE_TENDER = Path(__file__).resolve().parents[2] / "services/cli/samples/tender-perennial.json"
# What each of these tenders must raise, once.
RULES_PER_TENDER = ("payment_terms", "reverse_auction_perennial")
CALL_TIMEOUT = 60.0  # long enough to ride out a service restart (wait_for_ready)


@dataclass
class Registered:
    party: str
    tenders: list[str] = field(default_factory=list)
    # Failed calls: each may or may not have been recorded by the service.
    unknown_outcome: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


async def register_tenders(
    address: str,
    key: str,
    party: str,
    count: int,
    per_second: float,
    at: dict[int, Callable[[], Awaitable[None]]] | None = None,
) -> Registered:
    """Register `count` tenders at `per_second`; run `at[n]` (in the background) once n
    tenders are acknowledged: that is where the test kills a container."""
    terms = json_format.Parse(SAMPLE_TENDER.read_text(), cpb.TenderTerms())
    request = cpb.RegisterTenderRequest(terms=terms)
    metadata = [
        ("authorization", f"Bearer {identity.mint(key, identity.Role.ORDERING_PARTY, party)}")
    ]
    result = Registered(party)
    hooks = dict(at or {})
    background: list[asyncio.Task] = []
    start = time.monotonic()
    async with grpc.aio.insecure_channel(address) as channel:
        stub = contracts_pb2_grpc.TenderServiceStub(channel)

        async def one(n: int) -> None:
            await asyncio.sleep(max(0.0, start + n / per_second - time.monotonic()))
            for _ in range(20):
                try:
                    response = await stub.RegisterTender(
                        request, metadata=metadata, timeout=CALL_TIMEOUT, wait_for_ready=True
                    )
                except grpc.aio.AioRpcError as error:
                    name = error.code().name
                    result.errors[name] = result.errors.get(name, 0) + 1
                    # The client cannot tell whether the service recorded it before dying.
                    result.unknown_outcome += 1
                    await asyncio.sleep(0.5)
                    continue
                result.tenders.append(response.tender.tender_id)
                hook = hooks.pop(len(result.tenders), None)
                if hook is not None:
                    background.append(asyncio.create_task(hook()))
                return
            raise RuntimeError(f"tender {n} of {party} was never registered: {result.errors}")

        await asyncio.gather(*(one(n) for n in range(count)))
        await asyncio.gather(*background)
    result.seconds = time.monotonic() - start
    return result
