"""The volume checks: interval volumes summed per contract, site and ISO week, and each week
checked once a later week shows up for the contract (its figures are then in), again when
corrected:
- unannounced change (rules/workload.py): the week's handled volume against the plan, the
  baseline moved by the notices in force;
- forecast accuracy (rules/workload.py): the latest weeks' forecasts off the band;
- offshoring (rules/offshoring.py): per ordering party and per outsourcer (the centre), onshore
  volume falling while offshore volume rises over two windows of weeks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common.clock import PARIS
from services.common.uow import UnitOfWork
from services.compliance import check_store as state
from services.compliance.check_store import ContractState, Week
from services.compliance.findings import contract_finding
from services.rules import offshoring, workload
from services.rules.workload import WeekVolume, add_weeks, iso_week, week_label


def weekly_sums(records: Iterable, sign: int = 1) -> dict[tuple, list[int]]:
    """(site, ISO year, ISO week) -> [handled, forecast, offered] of interval records. The
    week is that of the interval's day in France; it is computed once per UTC hour (the
    French offset only changes on the hour), which keeps a million intervals fast."""
    weeks: dict[int, Week] = {}
    sums: dict[tuple, list[int]] = {}
    for r in records:
        hour = r.interval_start.seconds // 3600
        week = weeks.get(hour)
        if week is None:
            instant = datetime.fromtimestamp(hour * 3600, PARIS)
            week = weeks[hour] = iso_week(instant.date())
        key = (r.site_id, *week)
        figures = sums.get(key)
        if figures is None:
            sums[key] = [
                sign * r.handled_contacts,
                sign * r.forecast_contacts,
                sign * r.offered_contacts,
            ]
        else:
            figures[0] += sign * r.handled_contacts
            figures[1] += sign * r.forecast_contacts
            figures[2] += sign * r.offered_contacts
    return sums


def add_sums(into: dict[tuple, list[int]], more: dict[tuple, list[int]]) -> None:
    for key, figures in more.items():
        held = into.setdefault(key, [0, 0, 0])
        for i, value in enumerate(figures):
            held[i] += value


@dataclass(frozen=True)
class Policies:
    workload: workload.WorkloadPolicy = workload.DEFAULT_POLICY
    offshoring: offshoring.OffshoringPolicy = offshoring.DEFAULT_POLICY


@dataclass
class _Pending:
    """A transaction's volume writes not yet sent to PostgreSQL: the checks apply a batch of
    events in one transaction, and one statement for the batch's sums costs what one per
    event would. Written before anything reads the volumes (a check, a scorecard) and
    before the commit, so every read sees exactly the events applied before it."""

    latest: dict[str, Week | None] = field(default_factory=dict)  # as of the events so far
    advanced: dict[str, Week] = field(default_factory=dict)  # latest weeks to record
    sums: dict[tuple, list[int]] = field(default_factory=dict)  # (contract, site, year, week)


class VolumeChecks:
    def __init__(self, group: str, policies: Policies = Policies()) -> None:
        self.group = group
        self.policies = policies

    def _pending(self, uow: UnitOfWork) -> _Pending:
        key = ("volumes", self.group)
        if key not in uow.state:
            uow.state[key] = _Pending()
            uow.defer(("volumes", self.group), partial(self.flush, uow))
        return uow.state[key]

    async def prefetch(self, uow: UnitOfWork, contract_ids: Iterable[str]) -> None:
        """Load (and lock) the latest weeks of the contracts a batch reports volumes for,
        in one statement rather than one per event."""
        pending = self._pending(uow)
        missing = sorted({c for c in contract_ids if c not in pending.latest})
        if missing:
            held = await state.latest_weeks(uow.conn, self.group, missing)
            pending.latest.update({c: held.get(c) for c in missing})

    async def flush(self, uow: UnitOfWork) -> None:
        pending = uow.state.get(("volumes", self.group))
        if pending is None:
            return
        await state.add_weekly_volumes(uow.conn, self.group, pending.sums)
        await state.advance_latest_weeks(uow.conn, self.group, pending.advanced)
        pending.sums, pending.advanced = {}, {}

    async def on_volumes(
        self, uow: UnitOfWork, envelope: Envelope, event: contract_events.VolumesReported
    ) -> tuple[list[pb.Finding], set[Week]]:
        """Add the event's intervals to the weekly sums and check the weeks it closes or
        corrects. Returns the findings and the weeks whose figures changed."""
        sums = weekly_sums(event.intervals)
        add_sums(sums, weekly_sums(event.replaced, sign=-1))
        if not sums:
            return [], set()
        contract_id = event.contract_id
        await self.prefetch(uow, [contract_id])
        pending = self._pending(uow)
        add_sums(pending.sums, {(contract_id, *key): figures for key, figures in sums.items()})
        touched = {(year, week) for _, year, week in sums}
        latest = max(touched)
        held = pending.latest[contract_id]
        if held is None or latest > held:
            pending.latest[contract_id] = pending.advanced[contract_id] = latest
        newest = max(latest, held) if held else latest
        closed = {w for w in touched if w < newest}
        if held is not None and held < newest:
            closed.add(held)
        if not closed:
            return [], touched
        await self.flush(uow)
        return await self.check_weeks(uow.conn, envelope, contract_id, sorted(closed)), touched

    async def on_contract(
        self, uow: UnitOfWork, envelope: Envelope, contract_id: str
    ) -> list[pb.Finding]:
        """A contract known late (its volumes came first, as a replay may deliver them):
        check the weeks already closed."""
        await self.flush(uow)
        conn = uow.conn
        latest = await state.latest_week(conn, self.group, contract_id)
        if latest is None:
            return []
        weeks = await state.weeks_with_volumes(conn, self.group, contract_id, latest)
        return await self.check_weeks(conn, envelope, contract_id, weeks)

    async def check_weeks(
        self, conn: asyncpg.Connection, envelope: Envelope, contract_id: str, weeks: list[Week]
    ) -> list[pb.Finding]:
        if not weeks:
            return []
        contract = await state.contract(conn, self.group, contract_id)
        if contract is None:
            return []  # checked when the contract arrives (on_contract)
        notices = await state.notices_in_force(conn, self.group, contract_id)
        found = []
        for week in weeks:
            found += await self._workload(conn, envelope, contract, notices, week)
        for column, key in (
            ("ordering_party_id", contract.ordering_party_id),
            ("centre_id", contract.centre_id),
        ):
            for week in weeks:
                found += await self._offshoring(conn, envelope, contract, column, key, week)
        return found

    async def _workload(
        self,
        conn: asyncpg.Connection,
        envelope: Envelope,
        contract: ContractState,
        notices: list,
        week: Week,
    ) -> list[pb.Finding]:
        policy = self.policies.workload
        span = max(policy.forecast_weeks_in_a_row, 4)
        history = [add_weeks(*week, -i) for i in range(span - 1, -1, -1)]
        rows = await state.contract_weeks(conn, self.group, contract.contract_id, history)
        totals = _week_totals(contract.contract_id, rows)
        found = []
        this = totals.get(week)
        if this is not None:
            plan = workload.weekly_plan(contract.baseline_contacts, notices, *week)
            breach = workload.unannounced_change(this, plan, policy)
            if breach:
                finding = contract_finding(
                    breach, pb.FINDING_TYPE_UNANNOUNCED_CHANGE, contract, envelope
                )
                _add_series(finding, "weekly_handled_by_site", rows)
                found.append(finding)
        breach = workload.forecast_accuracy([totals[w] for w in history if w in totals], policy)
        if breach:
            found.append(
                contract_finding(breach, pb.FINDING_TYPE_FORECAST_ACCURACY, contract, envelope)
            )
        return found

    async def _offshoring(
        self,
        conn: asyncpg.Connection,
        envelope: Envelope,
        contract: ContractState,
        column: str,
        key: str,
        week: Week,
    ) -> list[pb.Finding]:
        policy = self.policies.offshoring
        await state.lock(conn, f"offshoring|{key}")
        weeks = [add_weeks(*week, -i) for i in range(2 * policy.window_weeks - 1, -1, -1)]
        rows = await state.volumes_by_country(conn, self.group, column, key, weeks)
        history = [
            offshoring.CountryVolume(
                key, r["country"] or "??", r["iso_year"], r["iso_week"], r["handled"]
            )
            for r in rows
        ]
        breach = offshoring.offshoring_shift(history, key, *week, policy)
        if breach is None:
            return []
        finding = contract_finding(breach, pb.FINDING_TYPE_OFFSHORING, contract, envelope)
        onshore = sorted({r["centre_id"] for r in rows if r["country"].upper() in policy.onshore})
        finding.evidence.update(
            {"key_kind": column.removesuffix("_id"), "onshore_centres": ",".join(onshore)}
        )
        _add_series(finding, "weekly_handled_by_country", rows, by="country")
        return [finding]


def _week_totals(contract_id: str, rows: list[asyncpg.Record]) -> dict[Week, WeekVolume]:
    totals: dict[Week, list[int]] = {}
    for r in rows:
        held = totals.setdefault((r["iso_year"], r["iso_week"]), [0, 0, 0])
        held[0] += r["handled"]
        held[1] += r["forecast"]
        held[2] += r["offered"]
    return {
        week: WeekVolume(contract_id, *week, handled=h, forecast=f, offered=o)
        for week, (h, f, o) in totals.items()
        if h >= 0 and f >= 0 and o >= 0
    }


def _add_series(finding: pb.Finding, name: str, rows: list[asyncpg.Record], by: str = "site_id"):
    """The weekly volumes the finding rests on, for a chart: [{week, <by>, handled}]."""
    series = finding.evidence.get_or_create_list(name)
    for r in rows:
        series.add_struct().update(
            {"week": week_label(r["iso_year"], r["iso_week"]), by: r[by], "handled": r["handled"]}
        )
