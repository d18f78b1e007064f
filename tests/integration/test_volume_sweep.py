"""A week is judged once it is over in France, plus the grace for late reports, and never
before: the checks on the real database, with the clock moved by the test. Figures of a week
still running raise nothing, however they look; the sweep judges the week once the clock has
closed it, though no event came."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from vigie.compliance.v1 import events_pb2 as finding_events

from services.common import db
from services.common.envelope import decode
from services.common.uow import unit_of_work
from services.compliance import SCHEMA
from services.compliance.checks.handler import Checks
from tests.integration.test_volume_checks import contract, signed
from tests.integration.test_volume_order import CUT, STEADY, week_event

pytestmark = pytest.mark.integration
PARIS = ZoneInfo("Europe/Paris")
W9, W10 = (2026, 9), (2026, 10)  # W10: Monday 2 to Sunday 8 March 2026


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def apply(pool, checks: Checks, events) -> list:
    """Apply events as the worker does (one unit of work); the findings events it emitted."""
    async with unit_of_work(pool, SCHEMA) as uow:
        for event in events:
            envelope, payload = decode(event.value)
            await checks.apply(uow, envelope, payload)
        emitted = list(uow.events)
    return [decode(e.value)[1] for e in emitted if e.event_type.startswith("vigie.compliance")]


def raised(payloads) -> list:
    return [p.finding for p in payloads if isinstance(p, finding_events.FindingRaised)]


async def test_a_running_week_is_judged_only_once_over_with_its_grace_and_the_sweep_judges_it(
    settings,
):
    clock = Clock(datetime(2026, 3, 6, 18, 0, tzinfo=PARIS))  # Friday of W10
    checks = Checks(f"checks-sweep-{uuid.uuid4().hex[:8]}", now=clock)
    c = contract(f"op-sweep-{uuid.uuid4().hex[:8]}", "ctr-sweep", {"paris": "FR"})
    pool = await db.connect(settings.database_url, SCHEMA)
    try:
        steady = [week_event(c, "paris", (2026, w), STEADY) for w in range(5, 10)]
        assert raised(await apply(pool, checks, [signed(c), *steady])) == []
        # Monday to Friday of W10 at less than half the plan: a cut, but the week runs.
        this_week = week_event(c, "paris", W10, CUT)
        assert raised(await apply(pool, checks, [this_week])) == []
        async with unit_of_work(pool, SCHEMA) as uow:
            # A group's first sweep looks one week back (W9): nothing there to raise.
            assert await checks.volumes.judge_closed_weeks(uow) == 1
            assert uow.events == []

        clock.now = datetime(2026, 3, 10, 23, 59, tzinfo=PARIS)  # Tuesday: still in grace
        async with unit_of_work(pool, SCHEMA) as uow:
            assert await checks.volumes.judge_closed_weeks(uow) == 0
            assert uow.events == []

        clock.now = datetime(2026, 3, 11, 0, 1, tzinfo=PARIS)  # Wednesday: W10 is judged
        async with unit_of_work(pool, SCHEMA) as uow:
            assert await checks.volumes.judge_closed_weeks(uow) == 1
            emitted = [decode(e.value)[1] for e in uow.events]
        [finding] = raised(emitted)
        assert finding.rule == "unannounced_change"
        assert finding.evidence["first_week"] == "2026-W10"
        async with unit_of_work(pool, SCHEMA) as uow:
            assert await checks.volumes.judge_closed_weeks(uow) == 0  # judged once
    finally:
        await pool.close()
