"""While a worker reads a backlog (a replay, a catch-up), the checks put off evaluating the
contracts and computing the scorecards, and do it once the backlog is read, on the final
figures: the same findings as judged one by one, none raised and withdrawn on the way, and a
finding the final figures no longer support withdrawn. What is put off is written in the
transaction of the records, so nothing is lost if the worker stops before catching up."""

from __future__ import annotations

import uuid

import pytest
from vigie.compliance.v1 import events_pb2 as finding_events

from services.common import db
from services.common.consumer import BACKLOG
from services.common.envelope import decode
from services.common.uow import unit_of_work
from services.compliance import SCHEMA
from services.compliance.checks.handler import Checks
from services.compliance.checks.volume_checks import PUT_OFF_FROM
from tests.integration.test_volume_checks import contract, signed
from tests.integration.test_volume_order import CUT, STEADY, week_event

pytestmark = pytest.mark.integration
WEEKS = [(2026, w) for w in range(5, 11)]


async def apply(pool, checks: Checks, events, backlog: int = 0) -> list:
    """Apply events in one unit of work, as a fetch with `backlog` records left after it;
    the payloads of the events it emitted."""
    async with unit_of_work(pool, SCHEMA) as uow:
        uow.state[BACKLOG] = backlog
        for event in events:
            envelope, payload = decode(event.value)
            await checks.apply(uow, envelope, payload)
    # Read after the commit: the evaluations and scorecards run just before it.
    return [decode(e.value)[1] for e in uow.events]


async def caught_up(pool, checks: Checks, party: str) -> list:
    """Run what was put off; the payloads it wrote to the outbox for `party` (findings keyed
    by the party, scorecards by party and week)."""
    before = await pool.fetchval(f"SELECT coalesce(max(id), 0) FROM {SCHEMA}.outbox")
    await checks.catch_up(pool)
    rows = await pool.fetch(
        f"SELECT value FROM {SCHEMA}.outbox WHERE id > $1 AND split_part(key, '|', 1) = $2"
        " ORDER BY id",
        before,
        party,
    )
    return [decode(r["value"])[1] for r in rows]


def kinds(payloads) -> list[str]:
    return sorted(type(p).__name__ for p in payloads)


def findings(payloads) -> list[tuple[str, str]]:
    return sorted(
        (p.finding.rule, p.finding.evidence["first_week"])
        for p in payloads
        if isinstance(p, finding_events.FindingRaised)
    )


def standing(payloads) -> list[tuple[str, str, str]]:
    """The findings open after these events, in order: rule, first and last week."""
    open_ = {}
    for p in payloads:
        if isinstance(p, finding_events.FindingRaised | finding_events.FindingRevised):
            open_[p.finding.finding_id] = p.finding
        elif isinstance(p, finding_events.FindingStateChanged):
            open_.pop(p.transition.finding_id)
    return sorted(
        (f.rule, f.evidence["first_week"], f.evidence["last_week"]) for f in open_.values()
    )


async def put_off(pool, group: str) -> int:
    return await pool.fetchval(
        f"SELECT count(*) FROM {SCHEMA}.check_put_off_contracts WHERE check_group = $1", group
    )


async def test_a_backlog_is_judged_once_read_as_the_same_records_judged_one_by_one(settings):
    run = uuid.uuid4().hex[:8]
    pool = await db.connect(settings.database_url, SCHEMA)
    try:
        results = {}
        for mode in ("live", "backlog"):
            checks = Checks(f"checks-backlog-{mode}-{run}")
            c = contract(f"op-backlog-{mode}-{run}", f"ctr-backlog-{mode}-{run}", {"paris": "FR"})
            figures = [STEADY] * 4 + [CUT] * 2
            # Each week day by day, as centres report: a steady week looks cut on its first day.
            events = [signed(c)] + [
                week_event(c, "paris", at, f, days=[d])
                for at, f in zip(WEEKS, figures, strict=True)
                for d in range(5)
            ]
            if mode == "live":
                emitted = [p for e in events for p in await apply(pool, checks, [e])]
            else:
                emitted = await apply(pool, checks, events, backlog=PUT_OFF_FROM)
                assert emitted == []  # nothing judged on the partial figures
                assert await put_off(pool, checks.group) == 1
                emitted = await caught_up(pool, checks, c.ordering_party_id)
                assert await put_off(pool, checks.group) == 0
            results[mode] = emitted
        live, backlog = results["live"], results["backlog"]
        # One by one, the steady weeks' first days raised cuts, withdrawn as the days came.
        assert "FindingStateChanged" in kinds(live)
        # Read as a backlog: only what the final figures show, each once, and the scorecards.
        assert findings(backlog) == [("unannounced_change", "2026-W09")]
        assert standing(backlog) == standing(live)
        assert "FindingStateChanged" not in kinds(backlog)
        assert kinds(backlog).count("ScorecardComputed") == len(WEEKS)
    finally:
        await pool.close()


async def test_a_finding_the_backlog_no_longer_supports_is_withdrawn_once_it_is_read(settings):
    run = uuid.uuid4().hex[:8]
    pool = await db.connect(settings.database_url, SCHEMA)
    try:
        checks = Checks(f"checks-backlog-withdraw-{run}")
        c = contract(f"op-backlog-w-{run}", f"ctr-backlog-w-{run}", {"paris": "FR"})
        steady = [week_event(c, "paris", at, STEADY) for at in WEEKS[:-1]]
        first_day = week_event(c, "paris", WEEKS[-1], STEADY, days=[0])
        raised = await apply(pool, checks, [signed(c), *steady, first_day])
        assert findings(raised) == [("unannounced_change", "2026-W10")]  # one day of five
        rest = week_event(c, "paris", WEEKS[-1], STEADY, days=range(1, 5))
        assert await apply(pool, checks, [rest], backlog=10 * PUT_OFF_FROM) == []
        withdrawn = await caught_up(pool, checks, c.ordering_party_id)
        assert kinds(withdrawn) == ["FindingStateChanged", "ScorecardComputed"]
    finally:
        await pool.close()
