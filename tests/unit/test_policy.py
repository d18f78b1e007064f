"""The committee's policy: which version is in force on a day, which may follow, and the
published form that every service reads back into the rules' terms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.codecs import policy as codec
from services.common import policy as plumbing
from services.common import wording
from services.common.errors import InvalidArgument
from services.rules import lead_time as lt
from services.rules import offshoring, workload
from services.rules.policy import DEFAULT_POLICY, CommitteePolicy, LeadTimePolicy, PolicyBook

V1 = replace(DEFAULT_POLICY, version=1, effective_from=date(2027, 1, 1))
V2 = replace(
    DEFAULT_POLICY,
    version=2,
    effective_from=date(2027, 7, 1),
    workload=workload.WorkloadPolicy(tolerance_percent=Decimal(10)),
)


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2026, 12, 31), 0),
        (date(2027, 1, 1), 1),
        (date(2027, 6, 30), 1),
        (date(2027, 7, 1), 2),
        (date(2030, 1, 1), 2),
    ],
)
def test_the_version_in_force_is_the_last_one_whose_day_has_come(day, version):
    assert PolicyBook.of([V2, V1]).in_force_on(day).version == version


def test_a_later_version_replaces_one_not_yet_in_force_from_the_same_day():
    v3 = replace(V2, version=3)
    book = PolicyBook.of([V1, V2, v3])
    assert book.in_force_on(date(2027, 7, 1)).version == 3
    assert book.in_force_on(date(2027, 6, 30)).version == 1


def test_with_no_version_published_the_defaults_apply_and_version_1_comes_next():
    book = PolicyBook()
    assert book.in_force_on(date(2027, 1, 1)) is DEFAULT_POLICY
    assert book.admission_problems(V1, date(2026, 12, 5)) == []


@pytest.mark.parametrize(
    ("new", "published_on", "problems"),
    [
        (V2, date(2027, 2, 1), []),
        (replace(V2, version=3), date(2027, 2, 1), [("policy.version", "policy-version-next")]),
        (replace(V2, version=1), date(2027, 2, 1), [("policy.version", "policy-version-next")]),
        # Never in force on the day it is published, nor before.
        (V2, date(2027, 7, 1), [("policy.effective_from", "policy-not-retroactive")]),
        (V2, date(2027, 8, 1), [("policy.effective_from", "policy-not-retroactive")]),
        (
            replace(V2, effective_from=date(2026, 12, 31)),
            date(2026, 12, 5),
            [("policy.effective_from", "policy-before-latest")],
        ),
    ],
)
def test_admission(new, published_on, problems):
    found = PolicyBook.of([V1]).admission_problems(new, published_on)
    assert [(v.field, v.reason.message) for v in found] == problems


def test_the_refusal_of_a_retroactive_version_reads_in_french():
    [problem] = PolicyBook.of([V1]).admission_problems(V2, date(2027, 7, 1))
    assert wording.render(problem.reason, "fr") == (
        "Une version ne s'applique qu'à partir du lendemain de sa publication au plus tôt :"
        " sa date d'effet doit être postérieure au 1 juillet 2027."
    )


def test_the_defaults_survive_the_published_form_unchanged():
    assert codec.from_proto(codec.to_proto(DEFAULT_POLICY)) == DEFAULT_POLICY
    assert codec.from_proto(codec.to_proto(V2)) == V2


percents = st.integers(1, 100).map(Decimal)


@given(
    tolerance=percents,
    band=percents,
    weeks=st.integers(1, 52),
    shift=percents,
    ratio=st.integers(1, 1000),
    countries=st.sets(st.sampled_from(["FR", "MA", "TN", "SN", "MU", "PT"]), min_size=1),
    counting=st.sampled_from(list(lt.Counting)),
)
def test_any_policy_the_proto_can_hold_comes_back_the_same(
    tolerance, band, weeks, shift, ratio, countries, counting
):
    policy = replace(
        V1,
        workload=workload.WorkloadPolicy(tolerance, band, weeks),
        offshoring=offshoring.OffshoringPolicy(
            frozenset(countries), 4, shift, Decimal(ratio) / 100, 0
        ),
        lead_time=LeadTimePolicy(counting, lt.DEFAULT_SCHEDULE[1:]),
    )
    assert codec.from_proto(codec.to_proto(policy)) == policy


def test_a_figure_the_published_units_cannot_hold_is_refused_not_rounded():
    with pytest.raises(ValueError):
        codec.to_proto(replace(V1, workload=workload.WorkloadPolicy(Decimal("12.5"))))


def test_the_rules_refusals_name_their_field():
    message = codec.to_proto(V1)
    message.purchasing.minimum_wages[1].effective_from.CopyFrom(
        message.purchasing.minimum_wages[0].effective_from
    )
    message.purchasing.minimum_wages[0].act_number = ""
    del message.lead_time.default_schedule.bands[:]
    message.ClearField("effective_from")
    with pytest.raises(InvalidArgument) as refused:
        codec.from_proto(message)
    assert sorted(v.field for v in refused.value.violations) == [
        "policy.effective_from",
        "policy.lead_time.default_schedule.bands",
        "policy.purchasing.minimum_wages",
        "policy.purchasing.minimum_wages[0].act_number",
    ]


def test_a_schedule_the_lead_time_rule_refuses_is_refused_here_too():
    message = codec.to_proto(V1)
    message.lead_time.default_schedule.bands[0].up_to_percent = 50  # above the next band's 30
    with pytest.raises(InvalidArgument) as refused:
        codec.from_proto(message)
    assert all(
        v.field.startswith("policy.lead_time.default_schedule.bands")
        for v in refused.value.violations
    )


def test_every_version_is_kept_under_its_own_key():
    assert plumbing.event_key(1) != plumbing.event_key(10)
    assert plumbing.event_key(12) == "000012"


def test_a_committee_policy_has_the_defaults_as_version_0():
    assert CommitteePolicy().version == 0
    assert codec.defaults().policy.version == 0
