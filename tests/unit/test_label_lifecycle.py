"""The life of a label: which transitions each status allows, and the grant's conditions."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.rules import RuleBroken, Violation
from services.rules.label_lifecycle import (
    Label,
    PassingAudit,
    Policy,
    Status,
    expire,
    grant,
    grant_problems,
    reinstate,
    suspend,
    withdraw,
)

TODAY = date(2026, 11, 25)
POLICY = Policy()
AUDIT = PassingAudit("a-1", "ctr-1", TODAY - timedelta(days=10), passed=True)
UNTIL = TODAY + timedelta(days=365)


def label(status: Status, until: date = UNTIL) -> Label:
    if status is Status.NONE:
        return Label()
    return Label(status, TODAY - timedelta(days=30), until, "a-0")


def granted() -> Label:
    return grant(Label(), "ctr-1", AUDIT, TODAY, UNTIL, TODAY, POLICY)


def test_grant_on_a_passing_audit():
    result = granted()
    assert (result.status, result.valid_from, result.valid_until, result.audit_id) == (
        Status.GRANTED,
        TODAY,
        UNTIL,
        "a-1",
    )


@pytest.mark.parametrize("status", [Status.NONE, Status.GRANTED, Status.WITHDRAWN, Status.EXPIRED])
def test_grant_or_renew_from(status):
    assert (
        grant(label(status), "ctr-1", AUDIT, TODAY, UNTIL, TODAY, POLICY).status is Status.GRANTED
    )


@pytest.mark.parametrize(
    ("audit", "subject", "reason"),
    [
        (PassingAudit("a-1", "ctr-1", TODAY, passed=False), "audit_id", "did not pass"),
        (PassingAudit("a-1", "ctr-2", TODAY, passed=True), "audit_id", "of centre ctr-2"),
        (
            PassingAudit("a-1", "ctr-1", TODAY - timedelta(days=367), True),
            "audit_id",
            "more than 366",
        ),
        (
            PassingAudit("a-1", "ctr-1", TODAY + timedelta(days=1), True),
            "audit_id",
            "after valid_from",
        ),
    ],
)
def test_grant_refused(audit, subject, reason):
    with pytest.raises(RuleBroken) as refused:
        grant(Label(), "ctr-1", audit, TODAY, UNTIL, TODAY, POLICY)
    assert refused.value.subject == subject
    assert reason in refused.value.reason


def test_a_suspended_label_is_not_granted_again():
    with pytest.raises(RuleBroken, match="reinstated or withdrawn"):
        grant(label(Status.SUSPENDED), "ctr-1", AUDIT, TODAY, UNTIL, TODAY, POLICY)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (TODAY, UNTIL, []),
        (
            TODAY,
            TODAY,
            [
                Violation("valid_until", "must be after valid_from"),
                Violation("valid_until", "must be in the future"),
            ],
        ),
        (TODAY, TODAY + timedelta(days=POLICY.max_validity_days), []),
        (
            TODAY,
            TODAY + timedelta(days=POLICY.max_validity_days + 1),
            [Violation("valid_until", f"validity longer than {POLICY.max_validity_days} days")],
        ),
        (
            TODAY - timedelta(days=400),
            TODAY - timedelta(days=1),
            [Violation("valid_until", "must be in the future")],
        ),
    ],
)
def test_grant_dates(valid_from, valid_until, expected):
    assert grant_problems(valid_from, valid_until, TODAY, POLICY) == expected


# What each action accepts, from each status (effective today).
TRANSITIONS = {
    "suspend": {Status.GRANTED},
    "reinstate": {Status.SUSPENDED},
    "withdraw": {Status.GRANTED, Status.SUSPENDED},
}
ACTIONS = {
    "suspend": lambda lbl: suspend(lbl, "complaint", TODAY + timedelta(days=30), TODAY),
    "reinstate": lambda lbl: reinstate(lbl, "remedied", TODAY),
    "withdraw": lambda lbl: withdraw(lbl, "repeated breaches", TODAY),
}
RESULT = {"suspend": Status.SUSPENDED, "reinstate": Status.GRANTED, "withdraw": Status.WITHDRAWN}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("status", list(Status))
def test_transition_table(action, status):
    if status in TRANSITIONS[action]:
        assert ACTIONS[action](label(status)).status is RESULT[action]
    else:
        with pytest.raises(RuleBroken, match=f"cannot be {action}"):
            ACTIONS[action](label(status))


def test_suspension_needs_a_future_deadline_and_keeps_the_reason():
    with pytest.raises(RuleBroken) as refused:
        suspend(granted(), "complaint", TODAY, TODAY)
    assert refused.value.subject == "remedy_deadline"
    suspended = suspend(granted(), "complaint", TODAY + timedelta(days=1), TODAY)
    assert (suspended.reason, suspended.remedy_deadline) == ("complaint", TODAY + timedelta(days=1))
    assert reinstate(suspended, "remedied", TODAY).remedy_deadline is None


def test_past_validity_counts_as_expired_before_the_sweep_writes_it():
    stale = label(Status.GRANTED, until=TODAY - timedelta(days=1))
    assert stale.effective_status(TODAY) is Status.EXPIRED
    with pytest.raises(RuleBroken, match="expired cannot be suspended"):
        suspend(stale, "late", TODAY + timedelta(days=5), TODAY)


@given(st.sampled_from(list(Status)), st.integers(-400, 400))
def test_expire_exactly_after_the_last_valid_day(status, offset):
    until = TODAY + timedelta(days=offset)
    result = expire(label(status, until), TODAY)
    should = status in (Status.GRANTED, Status.SUSPENDED) and until < TODAY
    assert (result is not None) == should
    if result is not None:
        assert result.status is Status.EXPIRED and result.valid_until == until
