"""The notices service's use cases on an in-memory unit of work: what issuing a notice
stores, emits and tells the centre, the committee's policy and the relationship it is judged
under, what is refused and why, previews that write nothing, acknowledgements, listings per
role, and that a refused or failed command leaves nothing behind (no state, no event). No
PostgreSQL, no Kafka: `bootstrap` wires the fake as it wires the real one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import events_pb2 as events
from vigie.notices.v1 import notices_pb2 as pb

from services.common import topics, wording
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.identity import Caller, Role
from services.common.protos import from_date, to_date
from services.notices.bootstrap import UseCases, bootstrap
from services.notices.notices import MAX_NOTICE_AHEAD
from services.rules import lead_time
from services.rules.policy import DEFAULT_POLICY, LeadTimePolicy, PolicyBook
from services.rules.wording import text
from tests.unit.fake_notices_uow import Data, FakeAlerts, FakeUnitsOfWork

NOW = datetime(2027, 4, 16, 9, 30, tzinfo=UTC)
TODAY = date(2027, 4, 16)
SOON = date(2027, 4, 26)  # 9 days of notice, counted as the law counts (17 to 25 April)
LATER = TODAY + timedelta(days=120)
END = date(2029, 12, 31)

BANK = Caller(Role.ORDERING_PARTY, "op-1", "alice")
OTHER_BANK = Caller(Role.ORDERING_PARTY, "op-2", "bob")
CENTRE = Caller(Role.CENTRE, "ctr-1", "carol")
OTHER_CENTRE = Caller(Role.CENTRE, "ctr-2", "dan")
COMMITTEE = Caller(Role.COMMITTEE, "committee", "erin")

NINETY_DAYS = cpb.NoticeBand(lead_time=90, unit=cpb.LEAD_TIME_UNIT_CALENDAR_DAYS)
# Version 3, in force since January: counts the notice day and holds contracts without a
# schedule of their own to 20 calendar days. Version 4 comes into force in May.
TWENTY_DAYS = (lead_time.NoticeBand(None, 20, lead_time.LeadTimeUnit.CALENDAR_DAYS),)
VERSION_3 = replace(
    DEFAULT_POLICY,
    version=3,
    effective_from=date(2027, 1, 1),
    lead_time=LeadTimePolicy(lead_time.Counting.NOTICE_DAY_COUNTS, TWENTY_DAYS),
)
VERSION_4 = replace(
    VERSION_3,
    version=4,
    effective_from=date(2027, 5, 1),
    lead_time=LeadTimePolicy(lead_time.Counting.LEGAL, TWENTY_DAYS),
)


def contract(
    contract_id: str = "c-1",
    party: str = "op-1",
    centre: str = "ctr-1",
    *bands: cpb.NoticeBand,
    start: date = date(2027, 1, 1),
    status: int = cpb.CONTRACT_STATUS_ACTIVE,
) -> cpb.Contract:
    signed = cpb.Contract(
        contract_id=contract_id,
        ordering_party_id=party,
        centre_id=centre,
        status=status,
        version=1,
    )
    signed.terms.start_date.CopyFrom(from_date(start))
    signed.terms.end_date.CopyFrom(from_date(END))
    signed.terms.forecast.contacts_per_month = 1000
    signed.terms.notice_schedule.bands.extend(bands)
    return signed


@pytest.fixture
def uows() -> FakeUnitsOfWork:
    data = Data()
    for found in (
        contract("c-1", "op-1", "ctr-1", NINETY_DAYS),
        contract("c-2", "op-2", "ctr-2", NINETY_DAYS),
        contract("c-bare", "op-1", "ctr-1"),  # no schedule of its own
        contract("c-ended", "op-1", "ctr-1", status=cpb.CONTRACT_STATUS_TERMINATED),
    ):
        data.contracts[found.contract_id] = found
    return FakeUnitsOfWork(data)


@pytest.fixture
def app(uows: FakeUnitsOfWork) -> UseCases:
    return bootstrap(uows, now=lambda: NOW)


def issue_request(
    change: pb.WorkloadChange, effective: date, contract_id: str = "c-1"
) -> pb.IssueWorkloadChangeRequest:
    request = pb.IssueWorkloadChangeRequest(
        contract_id=contract_id, change=change, reason="Internalisation d'une partie du service"
    )
    request.effective_date.CopyFrom(from_date(effective))
    return request


def cut(percent: float) -> pb.WorkloadChange:
    return pb.WorkloadChange(change_percent=-percent)


def snapshot(uows: FakeUnitsOfWork) -> tuple:
    """All the fake holds: what must not move when a use case is refused or only reads."""
    data = uows.data
    return (
        dict(data.notices),
        [a.SerializeToString() for a in data.alerts],
        {k: list(v) for k, v in data.cursors.items()},
        list(uows.emitted),
        uows.commits,
    )


# -- issuing ------------------------------------------------------------------------------


async def test_a_notice_that_complies_is_stored_published_and_received_by_the_centre(app, uows):
    notice = await app.notices.issue(BANK, issue_request(cut(10), LATER))
    assert notice.verdict.complies and notice.verdict.required == 90
    assert (notice.ordering_party_id, notice.centre_id, notice.baseline_contacts_per_month) == (
        "op-1",
        "ctr-1",
        1000,
    )
    assert to_date(notice.notified_on) == TODAY and notice.change_percent == -10
    assert list(notice.relationship_advisories) == []  # a 10 % cut ends no part of it
    assert uows.data.notices[notice.notice_id] == notice
    issued, received = uows.emitted
    assert (issued.topic, issued.key) == (topics.NOTICE_EVENTS, "c-1")
    assert issued.payload == events.NoticeIssued(notice=notice)
    assert (received.topic, received.key) == (topics.ALERTS, "ctr-1")
    (alert,) = uows.data.alerts
    assert received.payload == events.AlertRaised(alert=alert)
    assert (alert.kind, alert.cursor, alert.notice) == (pb.ALERT_KIND_NOTICE_RECEIVED, 1, notice)
    assert alert.summary.startswith("Préavis reçu : une baisse de charge de 10 %")
    assert uows.commits == 1


async def test_a_notice_in_breach_is_recorded_not_refused_and_alerts_the_centre_twice(app, uows):
    notice = await app.notices.issue(BANK, issue_request(cut(60), SOON))
    verdict = notice.verdict
    assert not verdict.complies
    assert (verdict.required, verdict.actual, verdict.shortfall_days) == (90, 9, 81)
    assert uows.data.notices[notice.notice_id].verdict.complies is False
    assert [a.kind for a in uows.data.alerts] == [
        pb.ALERT_KIND_NOTICE_RECEIVED,
        pb.ALERT_KIND_NOTICE_BREACH,
    ]
    assert [a.cursor for a in uows.data.alerts] == [1, 2]
    breach = uows.data.alerts[1]
    assert breach.summary.startswith("Préavis non respecté : une baisse de charge de 60 %")
    assert [type(e.payload) for e in uows.emitted] == [
        events.NoticeIssued,
        events.AlertRaised,
        events.AlertRaised,
    ]
    assert {e.key for e in uows.emitted[1:]} == {"ctr-1"}


async def test_the_policy_in_force_on_the_notification_day_is_applied_and_named(app, uows):
    # Version 4 is published but not yet in force on 16 April: version 3 applies.
    uows.data.policies = PolicyBook.of([VERSION_3, VERSION_4])
    notice = await app.notices.issue(BANK, issue_request(cut(60), SOON, "c-bare"))
    verdict = notice.verdict
    assert verdict.policy_version == 3
    assert verdict.default_schedule and verdict.required == 20
    assert verdict.counting == pb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS
    assert verdict.actual == 10  # 16 to 25 April, the notice day counted
    assert {a.policy_version for a in notice.relationship_advisories} == {3}
    # Without any version published, the built-in defaults: version 0, the law's counting,
    # and three months for a cut of more than 30 %.
    uows.data.policies = PolicyBook()
    default = await app.notices.issue(BANK, issue_request(cut(60), SOON, "c-bare"))
    assert (default.verdict.policy_version, default.verdict.required) == (0, 3)
    assert default.verdict.unit == cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS
    assert default.verdict.counting == pb.LEAD_TIME_COUNTING_LEGAL


async def test_a_large_cut_in_an_old_relationship_is_reviewed_as_a_partial_termination(app, uows):
    """A 60 % cut on four months' notice in a relationship declared since January 2020: seven
    years and three months on the notification day, so eight months of notice are due (Code
    de commerce L442-1 II, one month a year, rounded up), though the lead time is kept."""
    uows.data.relationships["op-1", "ctr-1"] = (date(2020, 1, 6), NOW - timedelta(days=30))
    notice = await app.notices.issue(BANK, issue_request(cut(60), LATER))
    assert notice.verdict.complies
    assert to_date(notice.relationship_since) == date(2020, 1, 6)
    (advisory,) = notice.relationship_advisories
    assert (advisory.rule, advisory.observed, advisory.limit, advisory.policy_version) == (
        "short_partial_termination_notice",
        "3 months",
        "8 months",
        0,
    )
    assert wording.text_of(advisory, "explanation").message == (
        "notice-partial-termination-explanation"
    )
    (issued,) = uows.payloads(events.NoticeIssued)
    assert list(issued.notice.relationship_advisories) == [advisory]
    # A cut under the committee's threshold (30 %) is the lead-time rule's business alone.
    small = await app.notices.issue(BANK, issue_request(cut(20), LATER))
    assert list(small.relationship_advisories) == []
    # The relationship then runs from the contracts here alone: since January 2027.
    del uows.data.relationships["op-1", "ctr-1"]
    young = await app.notices.issue(BANK, issue_request(cut(60), LATER))
    assert to_date(young.relationship_since) == date(2027, 1, 1)
    assert list(young.relationship_advisories) == []  # one month due, four given


async def test_a_termination_notice_is_not_reviewed_as_a_partial_one(app, uows):
    uows.data.relationships["op-1", "ctr-1"] = (date(2020, 1, 6), NOW)
    notice = await app.notices.issue(
        BANK, issue_request(pb.WorkloadChange(termination=True), LATER)
    )
    assert notice.change_percent == -100
    assert list(notice.relationship_advisories) == []  # the contracts service reviews it


@pytest.mark.parametrize(
    ("caller", "contract_id", "error"),
    [
        (BANK, "c-unknown", NotFound),
        (BANK, "c-2", NotFound),  # another party's: as if it did not exist
        (OTHER_BANK, "c-1", NotFound),
        (BANK, "c-ended", FailedPrecondition),
    ],
)
async def test_a_notice_on_a_contract_one_may_not_notify_is_refused(
    app, uows, caller, contract_id, error
):
    before = snapshot(uows)
    with pytest.raises(error) as refused:
        await app.notices.issue(caller, issue_request(cut(10), LATER, contract_id))
    if error is NotFound:
        assert (refused.value.resource_type, refused.value.name) == ("contract", contract_id)
    else:
        assert (refused.value.subject, refused.value.reason) == (
            "contract_id",
            text("contract-terminated"),
        )
    assert snapshot(uows) == before


@pytest.mark.parametrize(
    ("effective", "message"),
    [
        (END + timedelta(days=1), "error-notice-after-contract"),
        (TODAY - timedelta(days=1), "error-notice-effective-past"),
        (TODAY + MAX_NOTICE_AHEAD + timedelta(days=1), "error-notice-too-far-ahead"),
    ],
)
async def test_an_effective_date_outside_the_window_or_the_contract_is_refused(
    app, uows, effective, message
):
    if message == "error-notice-too-far-ahead":
        uows.data.contracts["c-1"].terms.end_date.CopyFrom(from_date(date(2040, 1, 1)))
    before = snapshot(uows)
    with pytest.raises(InvalidArgument) as refused:
        await app.notices.issue(BANK, issue_request(cut(10), effective))
    (violation,) = refused.value.violations
    assert (violation.field, violation.reason.message) == ("effective_date", message)
    assert snapshot(uows) == before


async def test_a_new_level_on_a_contract_without_baseline_leaves_nothing_behind(app, uows):
    uows.data.contracts["c-1"].terms.forecast.contacts_per_month = 0
    before = snapshot(uows)
    with pytest.raises(FailedPrecondition) as refused:
        await app.notices.issue(
            BANK, issue_request(pb.WorkloadChange(new_contacts_per_month=500), LATER)
        )
    assert refused.value.reason == text("contract-no-baseline")
    assert (snapshot(uows), uows.rollbacks) == (before, 1)


async def test_a_notice_whose_alert_fails_is_not_stored_nor_published(app, uows, monkeypatch):
    """The notice, its alerts and its events are one unit of work: the alert failing after
    the notice was added takes the notice and its event back with it."""

    async def broken(self, alert):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(FakeAlerts, "add", broken)
    with pytest.raises(ConnectionError):
        await app.notices.issue(BANK, issue_request(cut(60), SOON))
    assert (uows.data.notices, uows.data.alerts, uows.emitted) == ({}, [], [])
    assert (uows.commits, uows.rollbacks) == (0, 1)


# -- previews -----------------------------------------------------------------------------


def preview_request(
    change: pb.WorkloadChange,
    contract_id: str = "c-1",
    *,
    notified_on: date | None = None,
    desired: date | None = None,
) -> pb.PreviewWorkloadChangeRequest:
    request = pb.PreviewWorkloadChangeRequest(contract_id=contract_id, change=change)
    if notified_on is not None:
        request.notified_on.CopyFrom(from_date(notified_on))
    if desired is not None:
        request.desired_effective_date.CopyFrom(from_date(desired))
    return request


async def test_a_preview_answers_and_writes_nothing(app, uows):
    before = snapshot(uows)
    seen = await app.previews.preview(BANK, preview_request(cut(60), desired=SOON))
    assert (seen.contract_id, seen.required, seen.policy_version) == ("c-1", 90, 0)
    assert to_date(seen.earliest_effective_date) == TODAY + timedelta(days=91)
    assert not seen.desired_date_complies and seen.desired_verdict.shortfall_days == 81
    assert seen.explanation.startswith("Notifiée le 16 avril 2027")
    assert snapshot(uows) == before and uows.reads == 1


async def test_a_preview_applies_the_policy_in_force_on_the_day_it_would_be_notified(app, uows):
    uows.data.policies = PolicyBook.of([VERSION_3, VERSION_4])
    today = await app.previews.preview(BANK, preview_request(cut(10), "c-bare"))
    assert (today.policy_version, today.counting) == (3, pb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS)
    assert today.default_schedule and today.required == 20
    in_may = await app.previews.preview(
        BANK, preview_request(cut(10), "c-bare", notified_on=date(2027, 5, 3), desired=LATER)
    )
    assert (in_may.policy_version, in_may.counting) == (4, pb.LEAD_TIME_COUNTING_LEGAL)
    assert in_may.desired_verdict.policy_version == 4 and in_may.desired_date_complies


@pytest.mark.parametrize(
    ("caller", "request_", "error"),
    [
        (OTHER_BANK, preview_request(cut(10)), NotFound),
        (BANK, preview_request(cut(10), "c-ended"), FailedPrecondition),
        (BANK, preview_request(cut(10), notified_on=TODAY - timedelta(days=1)), InvalidArgument),
        (
            BANK,
            preview_request(cut(10), notified_on=LATER, desired=LATER - timedelta(days=1)),
            InvalidArgument,
        ),
        (BANK, preview_request(cut(10), desired=END + timedelta(days=1)), InvalidArgument),
    ],
)
async def test_a_preview_is_refused_as_a_notice_would_be(app, uows, caller, request_, error):
    with pytest.raises(error):
        await app.previews.preview(caller, request_)
    assert (uows.emitted, uows.commits) == ([], 0)


# -- acknowledging, reading, listing ------------------------------------------------------


async def test_only_the_centre_acknowledges_its_notice_and_only_once(app, uows):
    notice = await app.notices.issue(BANK, issue_request(cut(10), LATER))
    for caller in (OTHER_CENTRE, BANK):
        with pytest.raises(NotFound):
            await app.notices.acknowledge(caller, notice.notice_id)
    acknowledged = await app.notices.acknowledge(CENTRE, notice.notice_id)
    assert acknowledged.acknowledged_at.ToDatetime(tzinfo=UTC) == NOW
    assert uows.data.notices[notice.notice_id] == acknowledged
    (event,) = [e for e in uows.emitted if isinstance(e.payload, events.NoticeAcknowledged)]
    assert (event.topic, event.key, event.payload.centre_id) == (
        topics.NOTICE_EVENTS,
        "c-1",
        "ctr-1",
    )
    again = await app.notices.acknowledge(CENTRE, notice.notice_id)
    assert again == acknowledged
    assert len(uows.payloads(events.NoticeAcknowledged)) == 1


async def test_each_role_reads_and_lists_its_own_notices(app, uows):
    ours = await app.notices.issue(BANK, issue_request(cut(10), LATER))
    breach = await app.notices.issue(BANK, issue_request(cut(60), SOON))
    theirs = await app.notices.issue(OTHER_BANK, issue_request(cut(10), LATER, "c-2"))

    async def listed(caller: Caller, **filters) -> list[str]:
        found = await app.notices.list(caller, pb.ListNoticesRequest(**filters))
        return [n.notice_id for n in found]

    assert sorted(await listed(BANK)) == sorted([ours.notice_id, breach.notice_id])
    assert sorted(await listed(CENTRE)) == sorted([ours.notice_id, breach.notice_id])
    assert await listed(OTHER_CENTRE) == [theirs.notice_id]
    assert len(await listed(COMMITTEE)) == 3
    assert await listed(COMMITTEE, breaches_only=True) == [breach.notice_id]
    assert await listed(COMMITTEE, contract_id="c-2") == [theirs.notice_id]
    assert await app.notices.get(CENTRE, ours.notice_id) == ours
    assert await app.notices.get(COMMITTEE, theirs.notice_id) == theirs
    for caller, notice_id in ((OTHER_BANK, ours.notice_id), (CENTRE, theirs.notice_id)):
        with pytest.raises(NotFound):
            await app.notices.get(caller, notice_id)
    with pytest.raises(NotFound):
        await app.notices.get(COMMITTEE, "n-unknown")


async def test_a_centre_acknowledges_its_alerts_up_to_the_last_raised(app, uows):
    await app.notices.issue(BANK, issue_request(cut(60), SOON))  # alerts 1 and 2
    assert await app.alerts.acknowledge(CENTRE, 1) == 1
    assert await app.alerts.acknowledge(CENTRE, 0) == 1  # never backwards
    assert await app.alerts.acknowledge(CENTRE, 99) == 2  # never past the last
    assert await app.alerts.acknowledge(OTHER_CENTRE, 5) == 0  # none raised
