"""The life of a label: granted on a passing audit for a validity period, suspended (with a
reason and a deadline to remedy), reinstated, withdrawn, or expired at the end of validity.

Source: Label Responsabilité Sociale (sources/004, §4): the committee grants the label and
controls it ("modalités de fonctionnement, d'attribution et de contrôle"). Durations are
parameters the committee sets, not constants of the label."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum

from services.rules import RuleBroken, Violation
from services.rules.wording import text


class Status(IntEnum):
    """Numbered as in the protos (vigie.labels.v1.LabelStatus)."""

    NONE = 1
    GRANTED = 2
    SUSPENDED = 3
    WITHDRAWN = 4
    EXPIRED = 5


@dataclass(frozen=True)
class Policy:
    """The committee's parameters for granting."""

    max_validity_days: int = 3 * 366  # a label is reviewed at least every three years
    max_audit_age_days: int = 366  # the audit it is granted on is at most a year old


@dataclass(frozen=True)
class Label:
    status: Status = Status.NONE
    valid_from: date | None = None
    valid_until: date | None = None
    audit_id: str = ""
    reason: str = ""
    remedy_deadline: date | None = None

    def labelled_on(self, today: date) -> bool:
        """Whether the centre counts as labelled today: granted, in force and not suspended."""
        in_force = self.valid_from is not None and self.valid_from <= today
        return in_force and self.effective_status(today) is Status.GRANTED

    def effective_status(self, today: date) -> Status:
        """What the status is today, even if the expiry sweep has not written it yet."""
        if (
            self.status in (Status.GRANTED, Status.SUSPENDED)
            and self.valid_until
            and today > self.valid_until
        ):
            return Status.EXPIRED
        return self.status


@dataclass(frozen=True)
class PassingAudit:
    audit_id: str
    centre_id: str
    audited_on: date
    passed: bool


def grant_problems(
    valid_from: date, valid_until: date, today: date, policy: Policy
) -> list[Violation]:
    problems = []
    if valid_until <= valid_from:
        problems.append(
            Violation(
                "valid_until",
                text("label-validity-ends-first", valid_from=valid_from, valid_until=valid_until),
            )
        )
    elif (valid_until - valid_from).days > policy.max_validity_days:
        problems.append(
            Violation(
                "valid_until",
                text(
                    "label-validity-too-long",
                    days=(valid_until - valid_from).days,
                    max_days=policy.max_validity_days,
                ),
            )
        )
    if valid_until <= today:
        problems.append(
            Violation(
                "valid_until", text("label-validity-ended", valid_until=valid_until, today=today)
            )
        )
    return problems


def grant(
    label: Label,
    centre_id: str,
    audit: PassingAudit,
    valid_from: date,
    valid_until: date,
    today: date,
    policy: Policy,
) -> Label:
    """Grant or renew. Call grant_problems first for the dates."""
    if label.effective_status(today) is Status.SUSPENDED:
        raise RuleBroken("label", text("label-suspended-not-granted"))
    if audit.centre_id != centre_id:
        raise RuleBroken(
            "audit_id",
            text("label-audit-other-centre", audit_centre=audit.centre_id, centre=centre_id),
        )
    if not audit.passed:
        raise RuleBroken("audit_id", text("label-audit-failed"))
    if (valid_from - audit.audited_on).days > policy.max_audit_age_days:
        raise RuleBroken(
            "audit_id",
            text(
                "label-audit-too-old",
                audited_on=audit.audited_on,
                valid_from=valid_from,
                days=(valid_from - audit.audited_on).days,
                max_days=policy.max_audit_age_days,
            ),
        )
    if audit.audited_on > valid_from:
        raise RuleBroken(
            "audit_id",
            text("label-audit-after-start", audited_on=audit.audited_on, valid_from=valid_from),
        )
    return Label(Status.GRANTED, valid_from, valid_until, audit.audit_id)


def suspend(label: Label, reason: str, remedy_deadline: date, today: date) -> Label:
    _require(label, today, Status.GRANTED, "suspended")
    if remedy_deadline <= today:
        raise RuleBroken(
            "remedy_deadline",
            text("label-remedy-deadline-past", deadline=remedy_deadline, today=today),
        )
    return replace(label, status=Status.SUSPENDED, reason=reason, remedy_deadline=remedy_deadline)


def reinstate(label: Label, reason: str, today: date) -> Label:
    _require(label, today, Status.SUSPENDED, "reinstated")
    return replace(label, status=Status.GRANTED, reason=reason, remedy_deadline=None)


def withdraw(label: Label, reason: str, today: date) -> Label:
    _require(label, today, (Status.GRANTED, Status.SUSPENDED), "withdrawn")
    return replace(label, status=Status.WITHDRAWN, reason=reason, remedy_deadline=None)


def expire(label: Label, today: date) -> Label | None:
    """The expired label, or None when the label is not past its validity."""
    if (
        label.status in (Status.GRANTED, Status.SUSPENDED)
        and label.effective_status(today) is Status.EXPIRED
    ):
        return replace(label, status=Status.EXPIRED, remedy_deadline=None)
    return None


def _require(label: Label, today: date, allowed: Status | tuple[Status, ...], action: str) -> None:
    allowed = allowed if isinstance(allowed, tuple) else (allowed,)
    status = label.effective_status(today)
    if status not in allowed:
        raise RuleBroken(
            "label", text("label-transition-refused", status=status.name.lower(), action=action)
        )
