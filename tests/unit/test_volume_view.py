"""The compliance checks read VolumesReported through VolumesReportedWeekly, a view that leaves
the intervals unparsed: it must stay the same message for every field it has (number, type,
rules), or the checks would read other figures than those published, or let through what the
event's rules refuse."""

from __future__ import annotations

import re

import pytest
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1.events_pb2 import VolumesReported, VolumesReportedWeekly, WeeklyVolume

from services.common import topics
from services.common.envelope import UndecodableEvent, read, wrap
from services.compliance.checks.handler import VIEWS


def test_the_view_is_the_event_less_its_intervals():
    whole = VolumesReported.DESCRIPTOR.fields_by_number
    view = VolumesReportedWeekly.DESCRIPTOR.fields_by_number
    assert set(whole) - set(view) == {4, 5}  # intervals, replaced
    for number, field in view.items():
        twin = whole[number]
        assert (field.name, field.type, field.is_repeated, field.message_type) == (
            twin.name,
            twin.type,
            twin.is_repeated,
            twin.message_type,
        )
        assert field.GetOptions().SerializeToString() == twin.GetOptions().SerializeToString()


def test_the_checks_read_volume_reports_through_the_view():
    assert {VolumesReported.DESCRIPTOR.full_name: VolumesReportedWeekly} == VIEWS


def published(event: VolumesReported) -> bytes:
    return wrap(topics.VOLUMES, event, aggregate_id="p", producer="contracts").value


def test_a_report_read_through_the_view_keeps_every_field_but_the_intervals():
    event = VolumesReported(
        contract_id="c",
        ordering_party_id="p",
        centre_id="e",
        intervals=[cpb.VolumeRecord(site_id="s", handled_contacts=3)],
        weekly=[WeeklyVolume(site_id="s", iso_year=2026, iso_week=10, handled_contacts=3)],
    )
    envelope, view = read(topics.VOLUMES, published(event), VIEWS)
    assert envelope.event_type == "vigie.contracts.v1.VolumesReported"
    assert (view.contract_id, view.ordering_party_id, view.centre_id) == ("c", "p", "e")
    assert list(view.weekly) == list(event.weekly)
    # The intervals are kept as bytes, never parsed: the whole event comes back from them.
    assert VolumesReported.FromString(view.SerializeToString()) == event


@pytest.mark.parametrize(
    ("weekly", "field"),
    [
        (WeeklyVolume(site_id="s", iso_year=2026, iso_week=54), "weekly[0].iso_week"),
        (WeeklyVolume(site_id="", iso_year=2026, iso_week=10), "weekly[0].site_id"),
        (
            WeeklyVolume(site_id="s", iso_year=2026, iso_week=10, handled_contacts=10**13),
            "weekly[0].handled_contacts",
        ),
    ],
)
def test_the_view_refuses_what_the_event_refuses(weekly, field):
    event = VolumesReported(contract_id="c", ordering_party_id="p", centre_id="e", weekly=[weekly])
    for views in (None, VIEWS):
        with pytest.raises(UndecodableEvent, match=f"invalid .*{re.escape(field)}"):
            read(topics.VOLUMES, published(event), views)
