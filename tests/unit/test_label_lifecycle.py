"""The life of a label: which transitions each status allows, and the grant's conditions."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
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
from services.rules.wording import text

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
    ("audit", "subject", "reason", "french"),
    [
        (
            PassingAudit("a-1", "ctr-1", TODAY, passed=False),
            "audit_id",
            text("label-audit-failed"),
            "L'audit n'a pas été réussi dans tous les domaines.",
        ),
        (
            PassingAudit("a-1", "ctr-2", TODAY, passed=True),
            "audit_id",
            text("label-audit-other-centre", audit_centre="ctr-2", centre="ctr-1"),
            "L'audit porte sur le centre ctr-2, et non sur le centre ctr-1.",
        ),
        (
            PassingAudit("a-1", "ctr-1", TODAY - timedelta(days=367), True),
            "audit_id",
            text(
                "label-audit-too-old",
                audited_on=TODAY - timedelta(days=367),
                valid_from=TODAY,
                days=367,
                max_days=366,
            ),
            "L'audit du 23 novembre 2025 précède de 367 jours le début de validité"
            " (25 novembre 2026) ; le comité admet au plus 366 jours.",
        ),
        (
            PassingAudit("a-1", "ctr-1", TODAY + timedelta(days=1), True),
            "audit_id",
            text("label-audit-after-start", audited_on=TODAY + timedelta(days=1), valid_from=TODAY),
            "L'audit du 26 novembre 2026 est postérieur au début de validité (25 novembre 2026).",
        ),
    ],
)
def test_grant_refused(audit, subject, reason, french):
    with pytest.raises(RuleBroken) as refused:
        grant(Label(), "ctr-1", audit, TODAY, UNTIL, TODAY, POLICY)
    assert refused.value.subject == subject
    assert refused.value.reason == reason
    assert render(refused.value.reason, "fr") == french


def test_a_suspended_label_is_not_granted_again():
    with pytest.raises(RuleBroken) as refused:
        grant(label(Status.SUSPENDED), "ctr-1", AUDIT, TODAY, UNTIL, TODAY, POLICY)
    assert refused.value.reason == text("label-suspended-not-granted")
    assert render(refused.value.reason, "fr") == (
        "Un label suspendu est rétabli ou retiré ; il ne peut pas être attribué de nouveau."
    )
    assert render(refused.value.reason, "en") == (
        "a suspended label is reinstated or withdrawn, not granted again"
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (TODAY, UNTIL, []),
        (
            TODAY,
            TODAY,
            [
                Violation(
                    "valid_until",
                    text("label-validity-ends-first", valid_from=TODAY, valid_until=TODAY),
                ),
                Violation(
                    "valid_until", text("label-validity-ended", valid_until=TODAY, today=TODAY)
                ),
            ],
        ),
        (TODAY, TODAY + timedelta(days=POLICY.max_validity_days), []),
        (
            TODAY,
            TODAY + timedelta(days=POLICY.max_validity_days + 1),
            [
                Violation(
                    "valid_until",
                    text(
                        "label-validity-too-long",
                        days=POLICY.max_validity_days + 1,
                        max_days=POLICY.max_validity_days,
                    ),
                )
            ],
        ),
        (
            TODAY - timedelta(days=400),
            TODAY - timedelta(days=1),
            [
                Violation(
                    "valid_until",
                    text(
                        "label-validity-ended", valid_until=TODAY - timedelta(days=1), today=TODAY
                    ),
                )
            ],
        ),
    ],
)
def test_grant_dates(valid_from, valid_until, expected):
    assert grant_problems(valid_from, valid_until, TODAY, POLICY) == expected


def test_grant_dates_in_french():
    problems = grant_problems(TODAY, TODAY, TODAY, POLICY)
    assert [render(p.reason, "fr") for p in problems] == [
        "La fin de validité (25 novembre 2026) doit être postérieure au début de validité"
        " (25 novembre 2026).",
        "La fin de validité (25 novembre 2026) doit être postérieure à aujourd'hui"
        " (25 novembre 2026).",
    ]
    [too_long] = grant_problems(TODAY, TODAY + timedelta(days=1099), TODAY, POLICY)
    assert render(too_long.reason, "fr") == (
        "La validité demandée, de 1\u202f099 jours, dépasse la durée maximale de 1\u202f098 jours"
        " fixée par le comité."
    )
    assert render(too_long.reason, "en") == "validity longer than 1,098 days"


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
        with pytest.raises(RuleBroken) as refused:
            ACTIONS[action](label(status))
        assert refused.value.subject == "label"
        assert refused.value.reason == text(
            "label-transition-refused", status=status.name.lower(), action=RESULT_WORD[action]
        )


RESULT_WORD = {"suspend": "suspended", "reinstate": "reinstated", "withdraw": "withdrawn"}


@pytest.mark.parametrize(
    ("status", "action", "french"),
    [
        ("none", "suspended", "Le centre n'a pas de label à suspendre."),
        ("granted", "reinstated", "Un label attribué ne peut pas être rétabli."),
        ("withdrawn", "withdrawn", "Un label retiré ne peut pas être retiré."),
        ("expired", "suspended", "Un label expiré ne peut pas être suspendu."),
    ],
)
def test_a_refused_transition_in_french(status, action, french):
    refusal = text("label-transition-refused", status=status, action=action)
    assert render(refusal, "fr") == french


def test_suspension_needs_a_future_deadline_and_keeps_the_reason():
    with pytest.raises(RuleBroken) as refused:
        suspend(granted(), "complaint", TODAY, TODAY)
    assert refused.value.subject == "remedy_deadline"
    assert render(refused.value.reason, "fr") == (
        "Le délai de mise en conformité (25 novembre 2026) doit être postérieur à aujourd'hui"
        " (25 novembre 2026)."
    )
    suspended = suspend(granted(), "complaint", TODAY + timedelta(days=1), TODAY)
    assert (suspended.reason, suspended.remedy_deadline) == ("complaint", TODAY + timedelta(days=1))
    assert reinstate(suspended, "remedied", TODAY).remedy_deadline is None


def test_past_validity_counts_as_expired_before_the_sweep_writes_it():
    stale = label(Status.GRANTED, until=TODAY - timedelta(days=1))
    assert stale.effective_status(TODAY) is Status.EXPIRED
    with pytest.raises(RuleBroken) as refused:
        suspend(stale, "late", TODAY + timedelta(days=5), TODAY)
    assert refused.value.reason == text(
        "label-transition-refused", status="expired", action="suspended"
    )


@given(st.sampled_from(list(Status)), st.integers(-400, 400))
def test_expire_exactly_after_the_last_valid_day(status, offset):
    until = TODAY + timedelta(days=offset)
    result = expire(label(status, until), TODAY)
    should = status in (Status.GRANTED, Status.SUSPENDED) and until < TODAY
    assert (result is not None) == should
    if result is not None:
        assert result.status is Status.EXPIRED and result.valid_until == until
