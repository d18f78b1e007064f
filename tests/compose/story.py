"""The demo story, walked from the host with the CLI (`python -m services.cli demo`) against the
stack's published ports, and what it must leave behind: the bank's four findings, each
recorded once, and the two centres' alerts."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import grpc
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1 import notices_pb2_grpc

from services.common import identity
from tests.compose import findings

# The findings the story raises about the bank, one each (the same as against `make infra-up`).
STORY_RULES = Counter(
    {"payment_terms": 1, "reverse_auction_perennial": 1, "label_preference": 1, "notice_breach": 1}
)
# The labelled centre: its label granted, suspended, reinstated. The centre that won the
# tender: the notice it received and that notice's breach.
LABELLED_ALERTS = Counter({"ALERT_KIND_LABEL_STATUS": 3})
WINNER_ALERTS = Counter({"ALERT_KIND_NOTICE_RECEIVED": 1, "ALERT_KIND_NOTICE_BREACH": 1})


@dataclass(frozen=True)
class Cast:
    """Who the story was about: its ids carry the second it started."""

    bank: str
    labelled: str
    winner: str


def walk(env: dict[str, str], timeout: float = 240.0) -> tuple[Cast, str]:
    """Run the CLI's demo; its output is echoed and returned."""
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "demo"],
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    print(result.stdout, end="", flush=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise AssertionError(f"the demo failed ({result.returncode})")
    if "expected 27" not in result.stdout or "(expected 4)" not in result.stdout:
        raise AssertionError("the demo's output does not report its events and findings")

    def first(pattern: str) -> str:
        match = re.search(pattern, result.stdout)
        if match is None:
            raise AssertionError(f"no {pattern} in the demo's output")
        return match.group(0)

    cast = Cast(
        bank=first(r"banque-exemple-\d{14}"),
        labelled=first(r"ctr-hauts-de-france-\d{14}"),
        winner=first(r"ctr-atlantique-\d{14}"),
    )
    return cast, result.stdout


async def check_findings(address: str, key: str, cast: Cast) -> list[str]:
    """Problems with the bank's findings, if any: each rule once, no id twice."""
    found = await findings.recorded(address, key, cast.bank)
    problems = []
    rules = Counter(f.rule for f in found.findings)
    if rules != STORY_RULES:
        problems.append(f"{cast.bank}: findings {dict(rules)}, expected {dict(STORY_RULES)}")
    if found.duplicates:
        problems.append(f"{cast.bank}: findings recorded twice: {found.duplicates}")
    return problems


async def alerts(address: str, key: str, centre: str, expected: int) -> Counter[str]:
    """The centre's alert stream replayed from its start, read until `expected` alerts came
    (or 10 s passed), counted by kind."""
    token = identity.mint(key, identity.Role.CENTRE, centre)
    kinds: Counter[str] = Counter()
    async with grpc.aio.insecure_channel(address) as channel:
        stream = notices_pb2_grpc.NoticeServiceStub(channel).SubscribeAlerts(
            npb.SubscribeAlertsRequest(after_cursor=0),
            metadata=[("authorization", f"Bearer {token}")],
        )

        async def read() -> None:
            async for alert in stream:
                kinds[npb.AlertKind.Name(alert.kind)] += 1

        reader = asyncio.create_task(read())
        for _ in range(100):
            if sum(kinds.values()) >= expected:
                break
            await asyncio.sleep(0.1)
        # Read a moment longer: an alert delivered twice would show up now.
        await asyncio.sleep(1.0)
        stream.cancel()
        await asyncio.gather(reader, return_exceptions=True)
    return kinds


async def check_alerts(address: str, key: str, cast: Cast) -> list[str]:
    problems = []
    for centre, expected in ((cast.labelled, LABELLED_ALERTS), (cast.winner, WINNER_ALERTS)):
        kinds = await alerts(address, key, centre, sum(expected.values()))
        if kinds != expected:
            problems.append(f"{centre}: alerts {dict(kinds)}, expected {dict(expected)}")
    return problems
