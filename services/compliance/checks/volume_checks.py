"""The volume checks: interval volumes summed per contract, site and ISO week, and the findings
the figures show, as episodes (rules/episodes.py):
- unannounced change (rules/workload.py): a week's handled volume against the plan, the
  baseline moved by the notices in force;
- forecast accuracy (rules/workload.py): forecasts off the band several weeks running;
- offshoring (rules/offshoring.py): per ordering party and per outsourcer (the centre, with
  every ordering party's contracts there), onshore volume falling while offshore volume rises
  over two adjacent windows of weeks (a shift), or against a window 24 weeks back (a drift).

Findings are a function of the figures, never of the order they came in. A week is judged
once it is over in France, plus a grace for late reports (`last_judged_week`); a contract
whose volumes, plan (contract, notices) or closed weeks changed is evaluated again over every
judged week, once per transaction, at its end; and what that shows is reconciled with what the
group published before: new episodes raised, changed ones revised, those the figures no
longer show withdrawn (FindingStateChanged), each with the trace of the event that changed
the figures last. The sweep (`judge_closed_weeks`) evaluates the contracts whose weeks the
clock closed while no event came."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from functools import partial

import asyncpg
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import context as otel_context
from opentelemetry import propagate
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as events
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope

from services.common import topics, wording
from services.common.clock import Clock, utc_now
from services.common.consumer import BACKLOG
from services.common.envelope import wrap
from services.common.uow import UnitOfWork
from services.compliance.checks import state
from services.compliance.checks.findings import finding_from_breach, finding_id
from services.compliance.checks.state import ContractState, HeldEpisode, Week
from services.rules import offshoring, workload
from services.rules.calendar import add_weeks, week_label, week_start
from services.rules.episodes import (
    REPORTING_GRACE,
    Episode,
    change_direction,
    fold,
    forecast_direction,
    last_judged_week,
    reconcile,
)
from services.rules.findings import Breach
from services.rules.policy import CommitteePolicy, PolicyBook
from services.rules.volumes import WeeklySums, add_sums, net_weekly_sums
from services.rules.wording import text
from services.rules.workload import WeekVolume

# A volume report, whole or read through its weekly view.
VolumesEvent = contract_events.VolumesReported | contract_events.VolumesReportedWeekly
TYPES = {
    "unannounced_change": pb.FINDING_TYPE_UNANNOUNCED_CHANGE,
    "forecast_accuracy": pb.FINDING_TYPE_FORECAST_ACCURACY,
    "offshoring_shift": pb.FINDING_TYPE_OFFSHORING,
    "offshoring_drift": pb.FINDING_TYPE_OFFSHORING,
}
OFFSHORING = ("offshoring_shift", "offshoring_drift")
KEY_COLUMNS = ("ordering_party_id", "centre_id")  # the offshoring check's two levels
# How far back a forecast run is looked for from each week: far beyond the run's K weeks and
# the weeks with nothing handled it skips, and it keeps each week's judgement bounded.
FORECAST_LOOKBACK = 52
# Records left to read after a fetch from which its evaluations and scorecards are put off
# until the backlog is read: a live stream, read to its end at each fetch, is judged at once;
# a replay once per contract, on its final figures (a fetch near the end judged its partial
# weeks: measured, a threshold of 500 raised and withdrew a cut for a quarter of the contracts
# in the bench). A consumer that never catches up is judged by the sweep.
PUT_OFF_FROM = 1
# Contracts (and scorecards) taken from what was put off per transaction: bounded work each.
TAKEN_AT_ONCE = 500


def reading_backlog(uow: UnitOfWork) -> bool:
    """Whether the transaction applies a fetch with records still to read after it."""
    return uow.state.get(BACKLOG, 0) >= PUT_OFF_FROM


def sums_of(envelope: Envelope, event: VolumesEvent) -> WeeklySums:
    """What the event adds to each site's week: the sums the contracts service publishes
    with the chunk, or, for an event published before it did, its intervals summed here
    (parsed from the envelope when the event was read through its weekly view)."""
    if not event.weekly and isinstance(event, contract_events.VolumesReportedWeekly):
        event = contract_events.VolumesReported.FromString(envelope.payload.value)
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
class Cause:
    """The event that changed a contract's figures last, and its trace: what a finding the
    evaluation raises, revises or withdraws is attributed to."""

    envelope: Envelope
    trace: otel_context.Context | None

    def stored(self) -> tuple[bytes, dict]:
        carrier: dict[str, str] = {}
        if self.trace is not None:
            propagate.inject(carrier, context=self.trace)
        # What a finding keeps of its cause, without the payload (kilobytes of intervals).
        e = self.envelope
        kept = Envelope(event_id=e.event_id, event_type=e.event_type, producer=e.producer)
        kept.occurred_at.CopyFrom(e.occurred_at)
        return kept.SerializeToString(), carrier

    @classmethod
    def restored(cls, envelope: bytes, carrier: dict) -> Cause:
        return cls(Envelope.FromString(envelope), propagate.extract(carrier) if carrier else None)


@dataclass
class _Pending:
    """A transaction's volume writes not yet sent to PostgreSQL, and the contracts to evaluate
    again at its end (with what changed them last)."""

    sums: dict[tuple, list[int]] = field(default_factory=dict)  # (contract, site, year, week)
    changed: dict[str, Cause] = field(default_factory=dict)


@dataclass(frozen=True)
class _Shown:
    """An episode the figures show, with what its finding carries besides the breach."""

    episode: Episode
    series: list[tuple[Week, str, int]]  # (week, site or country, handled), for charts
    onshore_centres: tuple[str, ...] = ()
    key_kind: str = ""
    # The committee's policy version in force on the episode's latest week: what judged it.
    policy_version: int = 0


@dataclass
class _Scope:
    """One evaluation's findings for what it is about ('contract|<id>', ...)."""

    name: str
    shown: list[_Shown]
    contract: ContractState | None  # the contract a finding is about, if one
    cause: Cause
    party: str  # whose finding: an ordering party's, or "" for an outsourcer's
    centre: str = ""

    @property
    def key(self) -> str:
        """The findings topic's key: the ordering party, else the outsourcer."""
        return self.party or self.centre


class VolumeChecks:
    def __init__(
        self, group: str, now: Clock = utc_now, grace: timedelta = REPORTING_GRACE
    ) -> None:
        self.group = group
        self.now = now
        self.grace = grace
        # Whether work may be put off in the database: at start (a stopped worker's), then
        # whenever this process puts some off; cleared by a catch-up that found none.
        self.put_off = True

    def _pending(self, uow: UnitOfWork) -> _Pending:
        key = ("volumes", self.group)
        if key not in uow.state:
            uow.state[key] = _Pending()
            uow.defer(key, partial(self.settle, uow))
        return uow.state[key]

    async def flush(self, uow: UnitOfWork) -> None:
        """Write the volumes added so far: before anything reads them."""
        pending = uow.state.get(("volumes", self.group))
        if pending is not None and pending.sums:
            await state.add_weekly_volumes(uow.conn, self.group, pending.sums)
            pending.sums = {}

    async def settle(self, uow: UnitOfWork) -> None:
        """Write what is pending and evaluate the contracts it changed, with some of those
        put off before; while a backlog is read, put them off instead."""
        await self.flush(uow)
        pending = uow.state.get(("volumes", self.group))
        if pending is None or not pending.changed:
            return
        changed, pending.changed = pending.changed, {}
        if reading_backlog(uow):
            await state.put_off_contracts(
                uow.conn, self.group, {c: cause.stored() for c, cause in changed.items()}
            )
            self.put_off = True
            return
        await self._evaluate_with_put_off(uow, changed)

    async def catch_up(self, uow: UnitOfWork) -> int:
        """Evaluate some of the contracts put off while a backlog was read; how many."""
        return await self._evaluate_with_put_off(uow, {})

    async def _evaluate_with_put_off(self, uow: UnitOfWork, changed: dict[str, Cause]) -> int:
        taken = await state.take_put_off_contracts(
            uow.conn, self.group, sorted(changed), TAKEN_AT_ONCE
        )
        # What changed in this transaction came last: its cause wins.
        every = {c: Cause.restored(*stored) for c, stored in taken.items()} | changed
        if every:
            await self.evaluate(uow, every)
        return len(every)

    async def on_volumes(
        self, uow: UnitOfWork, envelope: Envelope, event: VolumesEvent
    ) -> set[Week]:
        """Add the event's weekly sums; the contract is evaluated again at the end of the
        transaction. Returns the weeks whose figures changed."""
        sums = sums_of(envelope, event)
        if not sums:
            return set()
        pending = self._pending(uow)
        contract_id = event.contract_id
        add_sums(pending.sums, {(contract_id, *key): f for key, f in sums.items()})
        pending.changed[contract_id] = Cause(envelope, otel_context.get_current())
        return {(year, week) for _, year, week in sums}

    def changed(self, uow: UnitOfWork, envelope: Envelope, contract_id: str) -> None:
        """The contract's figures or plan changed (volumes, a new version, a notice, or the
        contract known at last): evaluate it again at the end of the transaction."""
        self._pending(uow).changed[contract_id] = Cause(envelope, otel_context.get_current())

    async def evaluate(self, uow: UnitOfWork, changed: dict[str, Cause]) -> None:
        """Evaluate the contracts again over every judged week, and the ordering parties and
        outsourcers they belong to; publish what changed."""
        conn = uow.conn
        known = await state.contracts(conn, self.group, sorted(changed))
        if not known:
            return  # volumes before their contract: evaluated once it is known
        through = last_judged_week(self.now(), self.grace)
        keys = {c: sorted({getattr(k, c) for k in known.values()}) for c in KEY_COLUMNS}
        await state.lock(
            conn,
            *(f"episodes|contract|{c}" for c in known),
            *(f"episodes|{c}|{k}" for c in KEY_COLUMNS for k in keys[c]),
        )
        # Each week is judged by the committee's policy in force on its Monday.
        book = await state.policy_book(uow)
        scopes = await self._workload_scopes(conn, known, changed, through, book)
        scopes += await self._offshoring_scopes(conn, known, changed, keys, through, book)
        await self._publish(uow, scopes)

    async def _workload_scopes(
        self,
        conn: asyncpg.Connection,
        known: dict[str, ContractState],
        changed: dict[str, Cause],
        through: Week,
        book: PolicyBook,
    ) -> list[_Scope]:
        ids = sorted(known)
        notices = await state.notices_in_force(conn, self.group, ids)
        weeks = await state.weeks_through(conn, self.group, ids, through)
        scopes = []
        for contract_id in ids:
            contract = known[contract_id]
            rows = weeks[contract_id]
            totals = _week_totals(contract_id, rows)
            shown = [
                _Shown(e, _series_of(rows, "site_id", e), policy_version=_version(book, e))
                for e in _workload_episodes(contract, notices[contract_id], totals, book)
            ]
            scopes.append(
                _Scope(
                    f"contract|{contract_id}",
                    shown,
                    contract,
                    changed[contract_id],
                    contract.ordering_party_id,
                    contract.centre_id,
                )
            )
        return scopes

    async def _offshoring_scopes(
        self,
        conn: asyncpg.Connection,
        known: dict[str, ContractState],
        changed: dict[str, Cause],
        keys: dict[str, list[str]],
        through: Week,
        book: PolicyBook,
    ) -> list[_Scope]:
        policy = _in_force(book, through).offshoring  # the onshore countries shown today
        scopes = []
        for column in KEY_COLUMNS:
            volumes = await state.country_volumes_through(
                conn, self.group, column, keys[column], through
            )
            # The contract whose cause a key's findings cite: its first by id among those known.
            first = {}
            for contract_id in sorted(known, reverse=True):
                first[getattr(known[contract_id], column)] = known[contract_id]
            for key in keys[column]:
                contract = first[key]
                rows = volumes[key]
                onshore = tuple(
                    sorted({r["centre_id"] for r in rows if r["country"].upper() in policy.onshore})
                )
                kind = column.removesuffix("_id")
                shifts, drifts = _movements(rows, key, through, book)
                episodes = fold("offshoring_shift", key, shifts)
                episodes += fold("offshoring_drift", key, drifts)
                window = (max(policy.drift_windows, 1) + 1) * policy.window_weeks
                shown = [
                    _Shown(
                        e,
                        _series_of(rows, "country", e, window),
                        onshore,
                        kind,
                        _version(book, e),
                    )
                    for e in episodes
                ]
                cause = changed[contract.contract_id]
                # An outsourcer's shift spans every ordering party's contracts there: it is the
                # outsourcer's, never one party's (which would see the others' volumes).
                party, centre = (key, "") if column == "ordering_party_id" else ("", key)
                scopes.append(_Scope(f"{kind}|{key}", shown, None, cause, party, centre))
        return scopes

    async def _publish(self, uow: UnitOfWork, scopes: list[_Scope]) -> None:
        """Reconcile each scope's episodes with those held, publish the differences, hold
        the new state."""
        held = await state.held_episodes(uow.conn, self.group, [s.name for s in scopes])
        by_scope: dict[str, list[HeldEpisode]] = {}
        for h in held:
            by_scope.setdefault(h.scope, []).append(h)
        saved: list[HeldEpisode] = []
        for scope in scopes:
            saved += self._reconcile(uow, scope, by_scope.get(scope.name, []))
        await state.save_episodes(uow.conn, self.group, saved)

    def _reconcile(
        self, uow: UnitOfWork, scope: _Scope, held: list[HeldEpisode]
    ) -> list[HeldEpisode]:
        open_ = {(h.breach.rule, h.breach.subject): h for h in held if h.state == "open"}
        every = {h.finding_id: h for h in held}
        shown = {(s.episode.rule, s.episode.subject): s for s in scope.shown}
        result = reconcile(
            {k: h.breach for k, h in open_.items()}, [s.episode.breach() for s in scope.shown]
        )
        saved = []
        for breach in [*result.raised, *result.updated]:
            fid = finding_id(breach.rule, breach.subject)
            before = every.get(fid)
            revision = before.revision + 1 if before else 1
            finding = self._finding(scope, shown[(breach.rule, breach.subject)], breach)
            finding.revision = revision
            finding.state = pb.FINDING_STATE_OPEN
            payload = (
                events.FindingRevised(finding=finding)
                if breach in result.updated
                else events.FindingRaised(finding=finding)
            )
            self._emit(uow, payload, scope.key, scope.cause)
            saved.append(HeldEpisode(fid, scope.name, breach, "open", revision))
        for breach in result.withdrawn:
            before = open_[(breach.rule, breach.subject)]
            self._emit(
                uow,
                events.FindingStateChanged(transition=self._withdrawal(scope, before)),
                scope.key,
                scope.cause,
            )
            saved.append(
                HeldEpisode(before.finding_id, scope.name, breach, "withdrawn", before.revision)
            )
        return saved

    def _finding(self, scope: _Scope, shown: _Shown, breach: Breach) -> pb.Finding:
        finding = finding_from_breach(
            breach,
            type=TYPES[breach.rule],
            ordering_party_id=scope.party,
            contract_id=scope.contract.contract_id if scope.contract else "",
            centre_id=scope.centre,
            source_envelope=scope.cause.envelope,
            policy_version=shown.policy_version,
        )
        if breach.rule in OFFSHORING:
            finding.evidence.update(
                {"key_kind": shown.key_kind, "onshore_centres": ",".join(shown.onshore_centres)}
            )
            _add_series(finding, "weekly_handled_by_country", shown.series, by="country")
        else:
            _add_series(finding, "weekly_handled_by_site", shown.series)
        return finding

    def _withdrawal(self, scope: _Scope, held: HeldEpisode) -> pb.FindingTransition:
        at = Timestamp()
        at.FromDatetime(self.now().astimezone(UTC))
        withdrawal = pb.FindingTransition(
            finding_id=held.finding_id,
            ordering_party_id=scope.party,
            from_state=pb.FINDING_STATE_OPEN,
            to_state=pb.FINDING_STATE_WITHDRAWN,
            actor=pb.Actor(role="checks", subject=self.group),
            at=at,
        )
        why = text(
            "finding-withdrawn",
            episode=held.breach.subject,
            event=scope.cause.envelope.event_id,
        )
        wording.fill(withdrawal, "reason", why)
        return withdrawal

    def _emit(self, uow: UnitOfWork, payload, party: str, cause: Cause) -> None:
        uow.emit(
            wrap(
                topics.FINDINGS,
                payload,
                aggregate_id=party,
                producer=self.group,
                occurred_at=cause.envelope.occurred_at.ToDatetime(),
                trace=cause.trace,
            )
        )

    async def judge_closed_weeks(self, uow: UnitOfWork) -> int:
        """The sweep: evaluate the contracts with volumes in the weeks the clock closed since
        the last sweep (no event may come to close them). Returns how many."""
        through = last_judged_week(self.now(), self.grace)
        # A group's first sweep looks back one week: events applied before it were judged with
        # the clock of their time.
        before = await state.judged_through(uow.conn, self.group) or add_weeks(*through, -1)
        if before >= through:
            return 0
        ids = await state.contracts_with_weeks_in(uow.conn, self.group, before, through)
        await state.set_judged_through(uow.conn, self.group, through)
        if ids:
            sweep = Envelope(event_id="", producer=self.group, event_type="sweep")
            sweep.occurred_at.FromDatetime(self.now().astimezone(UTC).replace(tzinfo=None))
            await self.evaluate(uow, dict.fromkeys(ids, Cause(sweep, None)))
        return len(ids)


def _workload_episodes(
    contract: ContractState, notices: list, totals: dict[Week, WeekVolume], book: PolicyBook
) -> list[Episode]:
    """A contract's unannounced changes and forecast runs, each week judged by the policy in
    force on it."""
    ordered = sorted(totals)
    changes, forecasts = [], []
    for i, week in enumerate(ordered):
        policy = _in_force(book, week).workload
        plan = workload.weekly_plan(contract.baseline_contacts, notices, *week)
        changes.append((week, workload.unannounced_change(totals[week], plan, policy)))
        run = _lookback([totals[w] for w in ordered], i)
        forecasts.append((week, workload.forecast_accuracy(run, policy)))
    cid = contract.contract_id
    return fold("unannounced_change", cid, changes, change_direction) + fold(
        "forecast_accuracy", cid, forecasts, forecast_direction
    )


def _in_force(book: PolicyBook, week: Week) -> CommitteePolicy:
    return book.in_force_on(week_start(*week))


def _version(book: PolicyBook, episode: Episode) -> int:
    """The version that judged the episode's latest week."""
    return _in_force(book, episode.last_week).version


def _movements(
    rows: Sequence[asyncpg.Record], key: str, through: Week, book: PolicyBook
) -> tuple[list[tuple[Week, Breach | None]], list[tuple[Week, Breach | None]]]:
    """The offshoring judgements of each judged week with figures (a week without any is not
    judged, as for the workload checks): the shift over two adjacent windows, and the slow
    drift against a window further back, judged only where there is no shift (one movement is
    never reported twice)."""
    by_week: dict[Week, list[offshoring.CountryVolume]] = {}
    for r in rows:
        by_week.setdefault((r["iso_year"], r["iso_week"]), []).append(
            offshoring.CountryVolume(
                key, r["country"] or "??", r["iso_year"], r["iso_week"], r["handled"]
            )
        )
    shifts, drifts = [], []
    for week in (w for w in sorted(by_week) if w <= through):
        policy = _in_force(book, week).offshoring
        span = (max(policy.drift_windows, 1) + 1) * policy.window_weeks
        history = [v for i in range(span) for v in by_week.get(add_weeks(*week, -i), [])]
        shift = offshoring.offshoring_shift(history, key, *week, policy)
        shifts.append((week, shift))
        drift = None if shift else offshoring.offshoring_drift(history, key, *week, policy)
        drifts.append((week, drift))
    return shifts, drifts


def _lookback(ordered: list[WeekVolume], i: int) -> list[WeekVolume]:
    """The weeks a forecast run ending at the i-th may span."""
    return ordered[max(0, i - FORECAST_LOOKBACK) : i + 1]


def _week_totals(contract_id: str, rows: Iterable[asyncpg.Record]) -> dict[Week, WeekVolume]:
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


def _series_of(
    rows: Sequence[asyncpg.Record], by: str, episode: Episode, window: int = 4
) -> list[tuple[Week, str, int]]:
    """The weekly figures an episode rests on, for a chart: from `window` weeks before it
    began to its last week, by site or country."""
    first = add_weeks(*episode.first_week, 1 - window)
    series: dict[tuple[Week, str], int] = {}
    for r in rows:
        week = (r["iso_year"], r["iso_week"])
        if first <= week <= episode.last_week:
            series[(week, r[by])] = series.get((week, r[by]), 0) + r["handled"]
    return [(week, name, handled) for (week, name), handled in sorted(series.items())]


def _add_series(
    finding: pb.Finding, name: str, series: list[tuple[Week, str, int]], by: str = "site_id"
) -> None:
    """The weekly volumes the finding rests on, for a chart: [{week, <by>, handled}]."""
    out = finding.evidence.get_or_create_list(name)
    for week, what, handled in series:
        out.add_struct().update({"week": week_label(*week), by: what, "handled": handled})
