"""The streaming checks judge each week by the committee's policy in force on its Monday, and
each episode names the version that judged its latest week."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from services.compliance.checks.state import ContractState
from services.compliance.checks.volume_checks import _version, _workload_episodes
from services.rules import workload
from services.rules.calendar import week_start
from services.rules.policy import DEFAULT_POLICY, PolicyBook
from services.rules.workload import WeekVolume

CONTRACT = ContractState(
    contract_id="c-1",
    ordering_party_id="op-1",
    centre_id="ctr-1",
    activity_type=1,
    scope="service client",
    start_date=date(2026, 1, 1),
    last_day=date(2028, 12, 31),
    version=1,
    terminated=False,
    baseline_contacts=5200,  # 1,200 a week
    centre_labelled=False,
    sites={"s1": "FR"},
)
WEEKS = [(2026, w) for w in range(10, 16)]
# 10 % above plan every week: within the default 15 % tolerance, beyond a 5 % one.
TOTALS = {w: WeekVolume("c-1", *w, handled=1320, forecast=1320, offered=1330) for w in WEEKS}
# Version 1 narrows the tolerance to 5 % from the Monday of week 13.
STRICT = replace(
    DEFAULT_POLICY,
    version=1,
    effective_from=week_start(2026, 13),
    workload=workload.WorkloadPolicy(tolerance_percent=Decimal(5)),
)


def changes(book: PolicyBook):
    return [
        e for e in _workload_episodes(CONTRACT, [], TOTALS, book) if e.rule == "unannounced_change"
    ]


def test_under_the_defaults_ten_percent_is_no_change():
    assert changes(PolicyBook()) == []


def test_the_weeks_from_the_versions_day_are_judged_by_it_and_not_those_before():
    (episode,) = changes(PolicyBook.of([STRICT]))
    assert [w for w, _ in episode.weeks] == WEEKS[3:]
    assert _version(PolicyBook.of([STRICT]), episode) == 1


def test_a_version_not_yet_in_force_judges_nothing():
    later = replace(STRICT, effective_from=date(2027, 1, 4))
    assert changes(PolicyBook.of([later])) == []
