"""The volume checks end to end, through Kafka and a worker of the checks running as its own
process: an onshore contract whose volume falls with no notice while an offshore site of the
same outsourcer grows, a contract whose fall was notified, and forecasts far above what came.
The findings expected are computed by the pure rules over the same figures (the oracle), as
episodes, so the test proves the worker sums, judges the weeks over, evaluates again as data
comes and feeds the rules right: what is on record at the end (raised or revised, and not
withdrawn) is exactly what the complete figures show; then the committee's scorecard reads
the same weeks back."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import events_pb2 as finding_events
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.notices.v1 import events_pb2 as notice_events
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.cli.samples import perennial_terms
from services.common import topics
from services.common.envelope import Event, decode, wrap
from services.common.identity import Role
from services.compliance.checks.findings import finding_id
from services.contracts.volumes import volumes_reported
from services.rules import offshoring, workload
from services.rules.calendar import week_label, week_start
from services.rules.episodes import change_direction, fold, forecast_direction
from services.rules.workload import WeekVolume
from tests.integration.conftest import publish_events
from tests.integration.test_compliance_recovery import recorded
from tests.integration.test_labels_service import day
from tests.integration.test_notices_service import Subscription

pytestmark = pytest.mark.integration

WEEKS = [(2026, w) for w in range(1, 10)]  # long over: every week is judged
BASELINE = 5200  # contacts a month: 1,200 a week
STEADY_WEEK = (1200, 1200)  # (handled, forecast): the plan


def contract(party: str, centre: str, sites: dict[str, str]) -> cpb.Contract:
    return cpb.Contract(
        contract_id=str(uuid.uuid4()),
        tender_id=str(uuid.uuid4()),
        ordering_party_id=party,
        centre_id=centre,
        status=cpb.CONTRACT_STATUS_ACTIVE,
        terms=perennial_terms(date(2025, 12, 1), BASELINE),
        sites=[cpb.ProposedSite(site_id=s, country=c) for s, c in sites.items()],
        version=1,
        centre_labelled=True,
    )


def week_records(
    c: cpb.Contract, site: str, at: tuple[int, int], figures: tuple[int, int], days=range(5)
) -> list[cpb.VolumeRecord]:
    """One interval a day (Monday to Friday by default, 9:00 UTC) carrying a fifth of the
    week's (handled, forecast)."""
    handled, forecast = figures
    records = []
    for weekday in days:
        start = datetime.combine(week_start(*at) + timedelta(days=weekday), datetime.min.time())
        stamp = Timestamp()
        stamp.FromDatetime(start.replace(hour=9, tzinfo=UTC))
        records.append(
            cpb.VolumeRecord(
                contract_id=c.contract_id,
                site_id=site,
                interval_start=stamp,
                interval_minutes=30,
                offered_contacts=handled // 5,
                handled_contacts=handled // 5,
                forecast_contacts=forecast // 5,
            )
        )
    return records


def volumes(c: cpb.Contract, weekly: dict[str, list[tuple[int, int]]], weeks=WEEKS) -> Event:
    """Each site's weeks, (handled, forecast) each, in one event."""
    intervals = [
        record
        for site, figures in weekly.items()
        for at, week_figures in zip(weeks, figures, strict=True)
        for record in week_records(c, site, at, week_figures)
    ]
    payload = volumes_reported(c, intervals)
    return wrap(topics.VOLUMES, payload, aggregate_id=c.contract_id, producer="test")


def notice(c: cpb.Contract, change: float, issued: date, effective: date) -> Event:
    issued_at = Timestamp()
    issued_at.FromDatetime(datetime.combine(issued, datetime.min.time()).replace(hour=12))
    n = npb.Notice(
        notice_id=str(uuid.uuid4()),
        contract_id=c.contract_id,
        ordering_party_id=c.ordering_party_id,
        centre_id=c.centre_id,
        change=npb.WorkloadChange(change_percent=change),
        change_percent=change,
        baseline_contacts_per_month=BASELINE,
        notified_on=day(issued),
        effective_date=day(effective),
        reason="fin de la campagne",
        issued_at=issued_at,
        verdict=npb.LeadTimeVerdict(
            required=3, unit=cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS, actual=0, complies=False
        ),
    )
    payload = notice_events.NoticeIssued(notice=n)
    return wrap(topics.NOTICE_EVENTS, payload, aggregate_id=c.contract_id, producer="test")


def signed(c: cpb.Contract) -> Event:
    payload = contract_events.ContractSigned(contract=c)
    return wrap(topics.CONTRACT_EVENTS, payload, aggregate_id=c.contract_id, producer="test")


def weekly_totals(c: cpb.Contract, weekly: dict) -> list[WeekVolume]:
    totals = []
    for i, week in enumerate(WEEKS):
        handled = sum(figures[i][0] for figures in weekly.values())
        forecast = sum(figures[i][1] for figures in weekly.values())
        totals.append(WeekVolume(c.contract_id, *week, handled, forecast, handled))
    return totals


def expected_findings(story: list[tuple[cpb.Contract, dict, list]]) -> dict[str, str]:
    """The oracle: the pure rules over the same weeks, folded into episodes; finding id ->
    "rule|subject"."""
    episodes = []
    history: list[offshoring.CountryVolume] = []
    for c, weekly, notices in story:
        totals = weekly_totals(c, weekly)
        changes = [
            ((t.year, t.week), workload.unannounced_change(t, plan(notices, t))) for t in totals
        ]
        forecasts = [
            ((t.year, t.week), workload.forecast_accuracy(totals[: i + 1]))
            for i, t in enumerate(totals)
        ]
        episodes += fold("unannounced_change", c.contract_id, changes, change_direction)
        episodes += fold("forecast_accuracy", c.contract_id, forecasts, forecast_direction)
        countries = {s.site_id: s.country for s in c.sites}
        for site, figures in weekly.items():
            for key in (c.ordering_party_id, c.centre_id):
                history += [
                    offshoring.CountryVolume(key, countries[site], *week, handled)
                    for week, (handled, _) in zip(WEEKS, figures, strict=True)
                ]
    for key in {c.ordering_party_id for c, *_ in story} | {c.centre_id for c, *_ in story}:
        shifts = [(w, offshoring.offshoring_shift(history, key, *w)) for w in WEEKS]
        drifts = [
            (w, None if s else offshoring.offshoring_drift(history, key, *w)) for w, s in shifts
        ]
        episodes += fold("offshoring_shift", key, shifts)
        episodes += fold("offshoring_drift", key, drifts)
    return {finding_id(e.rule, e.subject): f"{e.rule}|{e.subject}" for e in episodes}


def plan(notices, week: WeekVolume) -> Decimal:
    return workload.weekly_plan(BASELINE, notices, week.year, week.week)


def on_record(records) -> dict[str, fpb.Finding]:
    """The findings on record once every record on the findings topic is applied in order:
    raised or revised, and not withdrawn since."""
    held: dict[str, fpb.Finding] = {}
    for record in records:
        _, payload = decode(record.value)
        if isinstance(payload, finding_events.FindingStateChanged):
            if payload.transition.to_state == fpb.FINDING_STATE_WITHDRAWN:
                held.pop(payload.transition.finding_id, None)
        else:
            held[payload.finding.finding_id] = payload.finding
    return held


async def test_volumes_that_move_without_notice_and_go_offshore_are_found(
    settings, monitor, notices_service, token, tail
):
    party = f"op-volumes-{uuid.uuid4().hex[:8]}"
    outsourcer = f"ctr-outsourcer-{uuid.uuid4().hex[:6]}"
    onshore = contract(party, outsourcer, {"paris": "FR"})
    offshore = contract(party, outsourcer, {"tunis": "TN"})
    notified = contract(party, f"ctr-notified-{uuid.uuid4().hex[:6]}", {"lille": "FR"})
    steady = [(1200, 1200)] * 4
    story = [
        # Falls by more than half in week 5, no notice; forecasts stay high (over-forecast).
        (onshore, {"paris": steady + [(500, 1200)] * 5}, []),
        # The same outsourcer's offshore site grows by what the onshore one lost.
        (offshore, {"tunis": [(200, 200)] * 4 + [(900, 900)] * 5}, []),
        # Halved from week 5, as a notice given in week 3 announced (late: a notice breach).
        (notified, {"lille": steady + [(600, 600)] * 5}, [(date(2026, 1, 26), Decimal(-50))]),
    ]
    expected = expected_findings(story)
    rules = {"unannounced_change", "forecast_accuracy", "offshoring_shift"}
    findings = await tail(topics.FINDINGS)

    late = notice(notified, -50, date(2026, 1, 14), date(2026, 1, 26))
    await publish_events(settings.kafka_bootstrap, [signed(c) for c, *_ in story] + [late])
    # The notice is applied once its breach is found: only then may volumes be checked
    # against it (in production the notice comes weeks before the volumes it explains).
    first = await findings.collect(lambda r: r.key == party.encode(), 1, timeout=120, settle=0)
    assert [decode(r.value)[1].finding.rule for r in first] == ["notice_breach"]

    await publish_events(settings.kafka_bootstrap, [volumes(c, weekly) for c, weekly, _ in story])
    owners = (party.encode(), outsourcer.encode())  # the outsourcer's shift is its own
    records = await findings.collect(
        lambda r: r.key in owners,
        len(expected),
        timeout=120,
        settle=3,
        distinct=lambda r: decode(r.value)[0].event_id,
    )
    held = on_record(records)
    raised = list(held.values())
    found = sorted(held)
    missing = [expected[i] for i in expected if i not in found]
    assert found == sorted(expected), f"missing: {missing}"
    assert len(expected) < 12, "one finding per episode, not one a week"
    by_rule = {f.rule for f in raised}
    assert by_rule == rules, "the story shows each kind of volume breach"
    unannounced = [f for f in raised if f.rule == "unannounced_change"]
    changed = {f.contract_id for f in unannounced}
    assert onshore.contract_id in changed
    assert notified.contract_id not in changed  # the notice moved its plan
    shifts = [f for f in raised if f.rule == "offshoring_shift"]
    assert {f.evidence["key"] for f in shifts} == {party, outsourcer}
    [outsourcers] = [f for f in shifts if f.evidence["key"] == outsourcer]
    assert (outsourcers.ordering_party_id, outsourcers.centre_id) == ("", outsourcer)
    assert all(f.evidence["onshore_centres"] for f in shifts)
    weeks = {item["week"] for f in unannounced for item in f.evidence["weekly_handled_by_site"]}
    assert week_label(2026, 5) in weeks  # the series for the committee's chart

    committee = token(Role.COMMITTEE, "committee")
    card = await scorecard_for(
        monitor, committee, party, week_label(2026, 8), lambda c: c.handled_contacts == 2000
    )
    assert card.offshore_contacts == 900
    assert card.offshore_share == pytest.approx(900 / 2000)
    assert card.labelled_perennial_share == pytest.approx(1.0)
    issued_week = await scorecard_for(
        monitor, committee, party, week_label(2026, 3), lambda c: c.handled_contacts == 2600
    )
    assert (issued_week.notices, issued_week.notices_on_time) == (1, 0)
    assert issued_week.notice_compliance_rate == 0.0
    assert not card.HasField("notice_compliance_rate")  # no notice that week
    # Each onshore centre of the outsourcer hears of the shift on its alert stream, once.
    about_outsourcer = {f.finding_id for f in shifts if outsourcer in f.evidence["onshore_centres"]}
    async with grpc.aio.insecure_channel(notices_service.address) as channel:
        stream = Subscription(NoticeServiceStub(channel), token(Role.CENTRE, outsourcer), after=0)
        alerts = await stream.wait_for(len(about_outsourcer), timeout=60)
        await asyncio.sleep(1)
        await stream.close()
    warned = [a for a in stream.alerts if a.kind == npb.ALERT_KIND_OFFSHORING]
    assert sorted(a.offshoring.finding_id for a in warned) == sorted(about_outsourcer)
    # Findings and alerts read in French, with their words' data alongside.
    assert outsourcers.summary_wording.message == "episode-summary"
    assert f"{outsourcer} : volume national en baisse de" in outsourcers.summary
    assert all(a.summary.startswith("Délocalisation : ") for a in warned)
    explained = {a.offshoring.explanation_wording.message for a in warned}
    assert explained == {"episode-explanation"}
    assert all("du volume quitte les centres nationaux" in a.offshoring.explanation for a in warned)
    assert all("sans préavis" in f.summary for f in unannounced)
    assert all(a.centre_id == outsourcer for a in alerts)

    stranger = token(Role.ORDERING_PARTY, "someone-else")
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await monitor.GetScorecard(
            fpb.GetScorecardRequest(ordering_party_id=party), metadata=stranger
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED

    # Open findings: every one of the story's in the current week (the notice breach too);
    # in a past week, those about it or earlier (an episode from its first week), though they
    # were recorded long after; one fewer once the committee closes one, and a second close
    # is refused.
    # The party's own: every expected finding but the outsourcer's, and the notice breach.
    own = len(expected) - 1 + 1
    recorded_ids = {f.finding_id for f in await recorded(monitor, token, party, own)}
    assert set(expected) - {outsourcers.finding_id} <= recorded_ids
    assert outsourcers.finding_id not in recorded_ids
    request = fpb.GetScorecardRequest(ordering_party_id=party, weeks=104)
    current = (await monitor.GetScorecard(request, metadata=committee)).current
    assert sum(f.count for f in current.open_findings) == own
    # The outsourcer's finding is its own and the committee's: no ordering party sees it (nor
    # the other parties' volumes in it), the outsourcer's centre does.
    bank = token(Role.ORDERING_PARTY, party)
    await recorded_by_id(monitor, committee, outsourcers.finding_id)
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await monitor.GetFinding(
            fpb.GetFindingRequest(finding_id=outsourcers.finding_id), metadata=bank
        )
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    mine = await monitor.ListFindings(fpb.ListFindingsRequest(), metadata=bank)
    assert outsourcers.finding_id not in {f.finding_id for f in mine.findings}
    seen = await monitor.GetFinding(
        fpb.GetFindingRequest(finding_id=outsourcers.finding_id),
        metadata=token(Role.CENTRE, outsourcer),
    )
    assert seen.evidence["key"] == outsourcer

    history = {c.week: c for c in (await monitor.GetScorecard(request, metadata=committee)).history}
    for week in (WEEKS[3], WEEKS[7]):
        about = [f for f in raised if f.ordering_party_id == party]
        due = [f for f in about if f.evidence["first_week"] <= week_label(*week)]
        counted = sum(f.count for f in history[week_label(*week)].open_findings)
        assert counted == len(due), week
    unannounced_open = {f.type: f.count for f in current.open_findings}[
        fpb.FINDING_TYPE_UNANNOUNCED_CHANGE
    ]
    closing = fpb.CloseFindingRequest(finding_id=unannounced[0].finding_id, reason="remédié")
    closed = await monitor.CloseFinding(closing, metadata=committee)
    assert closed.closing_reason == "remédié" and closed.HasField("closed_at")
    with pytest.raises(grpc.aio.AioRpcError) as again:
        await monitor.CloseFinding(closing, metadata=committee)
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    current = (await monitor.GetScorecard(request, metadata=committee)).current
    counts = {f.type: f.count for f in current.open_findings}
    assert counts[fpb.FINDING_TYPE_UNANNOUNCED_CHANGE] == unannounced_open - 1


async def recorded_by_id(monitor, metadata, finding_id: str) -> fpb.Finding:
    """The finding, once the monitor has recorded it."""
    for _ in range(240):
        try:
            return await monitor.GetFinding(
                fpb.GetFindingRequest(finding_id=finding_id), metadata=metadata
            )
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
        await asyncio.sleep(0.25)
    raise AssertionError(f"finding {finding_id} never recorded")


async def scorecard_for(monitor, metadata, party: str, week: str, ready) -> fpb.Scorecard:
    """The party's scorecard of `week`, once `ready` says the monitor has its final figures."""
    request = fpb.GetScorecardRequest(ordering_party_id=party, weeks=104)
    card = None
    for _ in range(240):
        response = await monitor.GetScorecard(request, metadata=metadata)
        card = {c.week: c for c in response.history}.get(week)
        if card is not None and ready(card):
            return card
        await asyncio.sleep(0.25)
    raise AssertionError(f"no final scorecard for {week}: {card}")


def drifting_story(party: str, outsourcer: str, offshore_country: str) -> list[Event]:
    """28 weeks: the onshore contract loses 6 % a 4-week window while the other site gains
    as much; no adjacent pair of windows differs enough to be a shift."""
    onshore = contract(party, outsourcer, {"lille": "FR"})
    other = contract(party, outsourcer, {"away": offshore_country})
    weeks = [(2026, w) for w in range(1, 29)]
    lille = [round(200 * 0.94 ** (i // 4)) * 5 for i in range(28)]  # five intervals a week
    figures = {
        onshore.contract_id: {"lille": [(h, h) for h in lille]},
        other.contract_id: {"away": [(1200 - h, 1200 - h) for h in lille]},
    }
    events = [signed(onshore), signed(other)]
    for c in (onshore, other):
        events.append(volumes(c, figures[c.contract_id], weeks))
    return events


async def test_a_slow_drift_offshore_is_found_and_the_overseas_departments_are_france(
    settings, monitor, token
):
    run = uuid.uuid4().hex[:8]
    drifting, overseas = f"op-drift-{run}", f"op-reunion-{run}"
    outsourcer = f"ctr-drift-{run}"
    await publish_events(
        settings.kafka_bootstrap,
        drifting_story(drifting, outsourcer, "MA")
        + drifting_story(overseas, f"ctr-reunion-{run}", "RE"),
    )
    committee = token(Role.COMMITTEE, "committee")
    # W25-W28 against W01-W04: -31 % onshore, as much more in Morocco; never 10 % a window.
    for key in (drifting, outsourcer):
        found = await recorded_by_id(
            monitor, committee, finding_id("offshoring_drift", f"{key}|2026-W28")
        )
        assert found.evidence["onshore_fall_percent"] == "31"
    listed = await monitor.ListFindings(
        fpb.ListFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=drifting)),
        metadata=committee,
    )
    assert not [f for f in listed.findings if f.rule == "offshoring_shift"]
    # The same drift towards Réunion is no offshoring: the overseas departments are France.
    unannounced = await recorded(monitor, token, overseas, 1)
    assert unannounced and all(f.rule != "offshoring_shift" for f in unannounced)
    listed = await monitor.ListFindings(
        fpb.ListFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=overseas)),
        metadata=committee,
    )
    assert not [f for f in listed.findings if f.type == fpb.FINDING_TYPE_OFFSHORING]


async def test_an_outsourcer_shift_sums_every_party_there_and_no_party_sees_it(
    settings, monitor, token
):
    """Two ordering parties at one outsourcer (Lille and Amiens in France, Rabat in Morocco):
    one loses French volume with nothing offshore, the other grows in Rabat with France
    steady. Neither is a shift alone; together they are, at the outsourcer: one finding with
    the combined figures, the outsourcer's and the committee's, which neither party sees."""
    run = uuid.uuid4().hex[:8]
    first, second, outsourcer = f"op-one-{run}", f"op-two-{run}", f"ctr-both-{run}"
    lille = contract(first, outsourcer, {"lille": "FR"})
    amiens = contract(second, outsourcer, {"amiens": "FR"})
    rabat = contract(second, outsourcer, {"rabat": "MA"})
    story = [
        (lille, {"lille": [STEADY_WEEK] * 4 + [(900, 900)] * 5}, []),
        (amiens, {"amiens": [STEADY_WEEK] * 9}, []),
        (rabat, {"rabat": [(200, 200)] * 4 + [(600, 600)] * 5}, []),
    ]
    await publish_events(
        settings.kafka_bootstrap,
        [signed(c) for c, *_ in story] + [volumes(c, weekly) for c, weekly, _ in story],
    )
    expected = expected_findings(story)
    shifts = {i: s for i, s in expected.items() if s.startswith("offshoring_shift|")}
    assert list(shifts.values()) and all(f"|{outsourcer}|" in s for s in shifts.values())
    committee = token(Role.COMMITTEE, "committee")
    [finding_id_] = shifts
    # Week 8 against weeks 1 to 4: both parties' French volume, and Rabat's (once every
    # report is in: a finding raised on part of them is revised or withdrawn).
    for _ in range(120):
        found = await recorded_by_id(monitor, committee, finding_id_)
        if found.evidence["onshore_before"] == 4 * 2400:
            break
        await asyncio.sleep(0.25)
    assert (found.ordering_party_id, found.centre_id) == ("", outsourcer)
    assert found.evidence["onshore_before"] == 4 * 2400
    assert found.evidence["onshore_after"] == 4 * 2100
    assert found.evidence["offshore_after"] == 4 * 600

    for party in (first, second):
        caller = token(Role.ORDERING_PARTY, party)
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await monitor.GetFinding(fpb.GetFindingRequest(finding_id=finding_id_), metadata=caller)
        assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
        listed = await monitor.ListFindings(fpb.ListFindingsRequest(), metadata=caller)
        assert {f.ordering_party_id for f in listed.findings} <= {party}
        assert not [f for f in listed.findings if f.type == fpb.FINDING_TYPE_OFFSHORING]
        watch = monitor.WatchFindings(fpb.WatchFindingsRequest(), metadata=caller)
        seen = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                async for f in watch:
                    seen.append(f)
        watch.cancel()
        assert seen and {f.ordering_party_id for f in seen} == {party}
    centre = await monitor.GetFinding(
        fpb.GetFindingRequest(finding_id=finding_id_), metadata=token(Role.CENTRE, outsourcer)
    )
    assert centre.finding_id == finding_id_
