"""The volume checks: interval volumes summed per contract, site and ISO week, and each week
checked once a later week shows up for the contract (its figures are then in), again when
corrected:
- unannounced change (rules/workload.py): the week's handled volume against the plan, the
  baseline moved by the notices in force;
- forecast accuracy (rules/workload.py): the latest weeks' forecasts off the band;
- offshoring (rules/offshoring.py): per ordering party and per outsourcer (the centre), onshore
  volume falling while offshore volume rises over two windows of weeks.

The weeks that close in a transaction are checked together, a few statements for all of them
rather than several per week, and as late as the result allows: before the commit, or
before an event that changes what a waiting check reads (volumes of a week it covers, a
contract, a notice). So each check sees exactly what it would have seen at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import asyncpg
from opentelemetry import context as otel_context
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common.uow import UnitOfWork
from services.compliance import check_store as state
from services.compliance.check_store import ContractState, Week
from services.compliance.findings import contract_finding
from services.rules import offshoring, workload
from services.rules.volumes import WeeklySums, add_sums, net_weekly_sums
from services.rules.workload import WeekVolume, add_weeks, week_label


def sums_of(event: contract_events.VolumesReported) -> WeeklySums:
    """What the event adds to each site's week: the sums the contracts service publishes
    with the chunk, or, for an event published before it did, its intervals summed here."""
    if event.weekly or not (event.intervals or event.replaced):
        return {
            (w.site_id, w.iso_year, w.iso_week): [
                w.handled_contacts,
                w.forecast_contacts,
                w.offered_contacts,
            ]
            for w in event.weekly
        }
    return net_weekly_sums(event.intervals, event.replaced)


@dataclass(frozen=True)
class Found:
    """A finding and the event that caused it, with that event's trace context when the
    finding is raised later than the event is applied."""

    finding: pb.Finding
    source: Envelope
    trace: otel_context.Context | None = None


RaiseFindings = Callable[[UnitOfWork, list[Found]], Awaitable[None]]


@dataclass(frozen=True, eq=False)  # one per closing: keyed by identity
class _WeekToCheck:
    contract_id: str
    week: Week
    source: Envelope
    trace: otel_context.Context | None


@dataclass(frozen=True)
class Policies:
    workload: workload.WorkloadPolicy = workload.DEFAULT_POLICY
    offshoring: offshoring.OffshoringPolicy = offshoring.DEFAULT_POLICY


@dataclass
class _Pending:
    """A transaction's volume writes not yet sent to PostgreSQL, and the weeks it closed not
    yet checked: the checks apply a batch of events in one transaction, and one statement
    for the batch costs what one per event would. The writes go before anything reads the
    volumes (a check, a scorecard) and before the commit, so every read sees exactly the
    events applied before it."""

    latest: dict[str, Week | None] = field(default_factory=dict)  # as of the events so far
    advanced: dict[str, Week] = field(default_factory=dict)  # latest weeks to record
    sums: dict[tuple, list[int]] = field(default_factory=dict)  # (contract, site, year, week)
    to_check: list[_WeekToCheck] = field(default_factory=list)


class VolumeChecks:
    def __init__(
        self, group: str, raise_findings: RaiseFindings, policies: Policies = Policies()
    ) -> None:
        self.group = group
        self.policies = policies
        self._raise = raise_findings

    def _pending(self, uow: UnitOfWork) -> _Pending:
        key = ("volumes", self.group)
        if key not in uow.state:
            uow.state[key] = _Pending()
            uow.defer(key, partial(self.settle, uow))
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

    async def settle(self, uow: UnitOfWork) -> None:
        """Write what is pending and check the weeks waiting to be checked; their findings
        are raised."""
        await self.flush(uow)
        pending = uow.state.get(("volumes", self.group))
        if pending is None or not pending.to_check:
            return
        waiting, pending.to_check = pending.to_check, []
        await self._raise(uow, await self._check(uow.conn, waiting))

    async def on_volumes(
        self, uow: UnitOfWork, envelope: Envelope, event: contract_events.VolumesReported
    ) -> set[Week]:
        """Add the event's weekly sums and have the weeks it closes or corrects checked.
        Returns the weeks whose figures changed."""
        sums = sums_of(event)
        if not sums:
            return set()
        touched = {(year, week) for _, year, week in sums}
        pending = self._pending(uow)
        if pending.to_check and min(touched) <= max(t.week for t in pending.to_check):
            await self.settle(uow)  # a waiting check reads weeks up to its own only
        contract_id = event.contract_id
        await self.prefetch(uow, [contract_id])
        add_sums(pending.sums, {(contract_id, *key): figures for key, figures in sums.items()})
        latest = max(touched)
        held = pending.latest[contract_id]
        if held is None or latest > held:
            pending.latest[contract_id] = pending.advanced[contract_id] = latest
        newest = max(latest, held) if held else latest
        closed = {w for w in touched if w < newest}
        if held is not None and held < newest:
            closed.add(held)
        trace = otel_context.get_current()
        pending.to_check += [_WeekToCheck(contract_id, w, envelope, trace) for w in sorted(closed)]
        return touched

    async def on_contract(self, uow: UnitOfWork, envelope: Envelope, contract_id: str) -> None:
        """A contract known late (its volumes came first, as a replay may deliver them):
        check the weeks already closed."""
        await self.settle(uow)
        conn = uow.conn
        latest = await state.latest_week(conn, self.group, contract_id)
        if latest is None:
            return
        weeks = await state.weeks_with_volumes(conn, self.group, contract_id, latest)
        waiting = [_WeekToCheck(contract_id, w, envelope, None) for w in weeks]
        await self._raise(uow, await self._check(conn, waiting))

    async def _check(self, conn: asyncpg.Connection, waiting: list[_WeekToCheck]) -> list[Found]:
        """The checks of closed weeks, whatever their contracts, in a few statements."""
        ids = sorted({t.contract_id for t in waiting})
        contracts = await state.contracts(conn, self.group, ids)
        waiting = [t for t in waiting if t.contract_id in contracts]  # the rest: on_contract
        if not waiting:
            return []
        ids = sorted(contracts)  # known contracts only
        notices = await state.notices_in_force(conn, self.group, ids)
        history = {t: self._workload_weeks(t.week) for t in waiting}
        weeks = await state.contract_weeks(
            conn, self.group, ids, {w for span in history.values() for w in span}
        )
        found = []
        for t in waiting:
            rows = _in_weeks(weeks[t.contract_id], history[t])
            found += self._workload(contracts[t.contract_id], notices[t.contract_id], t, rows)
        found += await self._offshoring(conn, contracts, waiting)
        return found

    def _workload_weeks(self, week: Week) -> list[Week]:
        span = max(self.policies.workload.forecast_weeks_in_a_row, 4)
        return [add_weeks(*week, -i) for i in range(span - 1, -1, -1)]

    def _workload(
        self,
        contract: ContractState,
        notices: list,
        checked: _WeekToCheck,
        rows: list[asyncpg.Record],
    ) -> list[Found]:
        policy = self.policies.workload
        week = checked.week
        totals = _week_totals(contract.contract_id, rows)
        found = []
        this = totals.get(week)
        if this is not None:
            plan = workload.weekly_plan(contract.baseline_contacts, notices, *week)
            breach = workload.unannounced_change(this, plan, policy)
            if breach:
                finding = contract_finding(
                    breach, pb.FINDING_TYPE_UNANNOUNCED_CHANGE, contract, checked.source
                )
                _add_series(finding, "weekly_handled_by_site", rows)
                found.append(Found(finding, checked.source, checked.trace))
        history = self._workload_weeks(week)
        breach = workload.forecast_accuracy([totals[w] for w in history if w in totals], policy)
        if breach:
            finding = contract_finding(
                breach, pb.FINDING_TYPE_FORECAST_ACCURACY, contract, checked.source
            )
            found.append(Found(finding, checked.source, checked.trace))
        return found

    async def _offshoring(
        self,
        conn: asyncpg.Connection,
        contracts: dict[str, ContractState],
        waiting: list[_WeekToCheck],
    ) -> list[Found]:
        """Per ordering party and per centre of the contracts, their volumes by country over
        two windows before each week checked."""
        policy = self.policies.offshoring
        columns = ("ordering_party_id", "centre_id")
        keys = {c: sorted({getattr(contracts[t.contract_id], c) for t in waiting}) for c in columns}
        await state.lock(conn, *(f"offshoring|{k}" for c in columns for k in keys[c]))
        windows = {
            t.week: [add_weeks(*t.week, -i) for i in range(2 * policy.window_weeks - 1, -1, -1)]
            for t in waiting
        }
        every_week = {w for window in windows.values() for w in window}
        found = []
        for column in columns:
            volumes = await state.volumes_by_country(
                conn, self.group, column, keys[column], every_week
            )
            for t in waiting:
                contract = contracts[t.contract_id]
                key = getattr(contract, column)
                rows = _in_weeks(volumes[key], windows[t.week])
                finding = self._offshoring_finding(contract, column, key, t, rows)
                if finding is not None:
                    found.append(Found(finding, t.source, t.trace))
        return found

    def _offshoring_finding(
        self,
        contract: ContractState,
        column: str,
        key: str,
        checked: _WeekToCheck,
        rows: list[asyncpg.Record],
    ) -> pb.Finding | None:
        policy = self.policies.offshoring
        history = [
            offshoring.CountryVolume(
                key, r["country"] or "??", r["iso_year"], r["iso_week"], r["handled"]
            )
            for r in rows
        ]
        breach = offshoring.offshoring_shift(history, key, *checked.week, policy)
        if breach is None:
            return None
        finding = contract_finding(breach, pb.FINDING_TYPE_OFFSHORING, contract, checked.source)
        onshore = sorted({r["centre_id"] for r in rows if r["country"].upper() in policy.onshore})
        finding.evidence.update(
            {"key_kind": column.removesuffix("_id"), "onshore_centres": ",".join(onshore)}
        )
        _add_series(finding, "weekly_handled_by_country", rows, by="country")
        return finding


def _in_weeks(rows: list[asyncpg.Record], weeks: Sequence[Week]) -> list[asyncpg.Record]:
    wanted = set(weeks)
    return [r for r in rows if (r["iso_year"], r["iso_week"]) in wanted]


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
