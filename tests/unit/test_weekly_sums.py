"""The weekly sums of volumes: each interval counted in the ISO week of its day in France (the
week is looked up once per UTC hour), a correction's replaced figures taking the old ones out
exactly, and the sums the contracts service publishes with a chunk being what the checks
would have summed from its intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1.events_pb2 import VolumesReported, VolumesReportedWeekly

from services.common import topics
from services.common.clock import french_day
from services.common.envelope import read, wrap
from services.compliance.checks.handler import VIEWS
from services.compliance.checks.volume_checks import sums_of
from services.contracts.volumes import volumes_reported
from services.rules.calendar import iso_week
from services.rules.volumes import WeeklySums, add_sums, net_weekly_sums, weekly_sums

START = datetime(2025, 1, 1, tzinfo=UTC)


def record(minutes: int, site: str, handled: int, forecast: int = 0) -> cpb.VolumeRecord:
    stamp = Timestamp()
    stamp.FromDatetime(START + timedelta(minutes=minutes))
    return cpb.VolumeRecord(
        site_id=site,
        interval_start=stamp,
        interval_minutes=15,
        handled_contacts=handled,
        forecast_contacts=forecast,
        offered_contacts=handled,
    )


records = st.lists(
    st.builds(
        record,
        st.integers(0, 3 * 365 * 24 * 4).map(lambda q: q * 15),  # quarter hours over 3 years
        st.sampled_from(["paris", "tunis"]),
        st.integers(0, 500),
        st.integers(0, 500),
    ),
    max_size=200,
)


@given(records)
def test_each_interval_counts_in_the_iso_week_of_its_french_day(intervals):
    expected: dict[tuple, list[int]] = {}
    for r in intervals:
        week = iso_week(french_day(r.interval_start.ToDatetime(tzinfo=UTC)))
        figures = expected.setdefault((r.site_id, *week), [0, 0, 0])
        figures[0] += r.handled_contacts
        figures[1] += r.forecast_contacts
        figures[2] += r.offered_contacts
    assert weekly_sums(intervals) == expected


@given(records)
def test_replaced_figures_cancel_what_they_replace(intervals):
    sums = weekly_sums(intervals)
    add_sums(sums, weekly_sums(intervals, sign=-1))
    assert all(figures == [0, 0, 0] for figures in sums.values())


def test_a_sunday_night_interval_belongs_to_the_week_of_its_day_in_france():
    # Sunday 29 March 2026, 23:30 in Paris (summer time since 02:00) is 21:30 UTC: week 13;
    # 22:00 UTC is already Monday 30 March in Paris: week 14.
    sunday = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)
    monday = datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    minutes = [int((t - START).total_seconds() // 60) for t in (sunday, monday)]
    sums = weekly_sums([record(m, "paris", 10) for m in minutes])
    assert sums == {("paris", 2026, 13): [10, 0, 10], ("paris", 2026, 14): [10, 0, 10]}


@given(records, records)
def test_the_published_sums_are_the_intervals_less_what_they_replace(intervals, replaced):
    contract = cpb.Contract(contract_id="c", ordering_party_id="p", centre_id="e")
    published = volumes_reported(contract, intervals, replaced)
    net = net_weekly_sums(intervals, replaced)
    assert sums_as_the_checks_read(published) == net
    published.ClearField("weekly")  # as a producer that did not publish sums sent it
    assert sums_as_the_checks_read(published) == net
    expected = weekly_sums(intervals)
    for key, figures in weekly_sums(replaced).items():
        held = expected.setdefault(key, [0, 0, 0])
        expected[key] = [a - b for a, b in zip(held, figures, strict=True)]
    assert net == expected


def sums_as_the_checks_read(event: VolumesReported) -> WeeklySums:
    """The event published, read as the checks' consumer reads it (through its weekly view),
    and summed; the same as summing the whole event."""
    envelope, view = read(
        topics.VOLUMES,
        wrap(topics.VOLUMES, event, aggregate_id="p", producer="contracts").value,
        VIEWS,
    )
    assert isinstance(view, VolumesReportedWeekly)
    sums = sums_of(envelope, view)
    assert sums == sums_of(envelope, event)
    return sums
