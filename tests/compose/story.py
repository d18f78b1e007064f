"""The demo story, walked from the host with the CLI (`python -m services.cli demo`) against the
stack's published ports, and what it must leave behind: the bank's findings, as many as the
demo expects against `make infra-up`, each recorded once, and the two centres' alerts."""

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

from services.cli import demo, demo_volumes
from services.common import identity
from tests.compose import findings

# The first act's findings about the bank, one each; the volumes act adds its own (the demo
# knows how many: demo.EXPECTED_FINDINGS in all, as against `make infra-up`).
FIRST_ACT_RULES = (
    "payment_terms",
    "reverse_auction_perennial",
    "label_preference",
    "notice_breach",
)
# The labelled centre: its label granted, suspended, reinstated. The outsourcer that won the
# tender: the notice it received, that notice's breach, and the volumes act's offshoring alerts.
LABELLED_ALERTS = Counter({"ALERT_KIND_LABEL_STATUS": 3})
WINNER_ALERTS = Counter(
    {
        "ALERT_KIND_NOTICE_RECEIVED": 1,
        "ALERT_KIND_NOTICE_BREACH": 1,
        "ALERT_KIND_OFFSHORING": demo_volumes.EXPECTED_ALERTS,
    }
)


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
    for expected in (
        demo.words("demo-events-count", count=demo.EXPECTED_EVENTS, expected=demo.EXPECTED_EVENTS),
        demo.words(
            "demo-findings-count", count=demo.EXPECTED_FINDINGS, expected=demo.EXPECTED_FINDINGS
        ),
    ):
        if expected not in result.stdout:
            raise AssertionError(f"the demo's output does not say {expected!r}")

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


async def check_findings(address: str, key: str, cast: Cast) -> tuple[Counter[str], list[str]]:
    """The bank's findings counted by rule, and the problems with them, if any: the number
    the demo expects, the first act's rules once each, no id twice."""
    found = await findings.recorded(address, key, cast.bank)
    rules = Counter(f.rule for f in found.findings)
    problems = []
    if len(found.findings) != demo.EXPECTED_FINDINGS:
        problems.append(
            f"{cast.bank}: {len(found.findings)} findings, expected {demo.EXPECTED_FINDINGS}"
        )
    problems += [
        f"{cast.bank}: {rules[rule]} {rule} findings, expected 1"
        for rule in FIRST_ACT_RULES
        if rules[rule] != 1
    ]
    if found.duplicates:
        problems.append(f"{cast.bank}: findings recorded twice: {found.duplicates}")
    return rules, problems


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
