"""The label committee's parameters: every threshold the rules apply, in one versioned policy.

The label says the committee sets the rules of the label; Vigie's thresholds are its choices
where no text fixes them (docs/rules.md gives each one's source, or "committee's choice").
The committee publishes a new version with the day it takes effect; the built-in defaults are
version 0, in force until the first version the committee publishes.

A version never reaches back: it takes effect at the earliest the day after it is published.
What happened before that day is judged by the version then in force, so a replay of the
same records gives the same findings whenever it runs, and each finding can name the version
that produced it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from services.rules import (
    Violation,
    offshoring,
    perennial,
    purchasing,
    relationship,
    termination,
    workload,
)
from services.rules import lead_time as lt
from services.rules.wording import text

# The built-in defaults: what Vigie applied before the committee published any version.
DEFAULTS_VERSION = 0


@dataclass(frozen=True)
class LeadTimePolicy:
    """How notice periods are counted, and the schedule of a contract that agreed none."""

    counting: lt.Counting = lt.Counting.LEGAL
    default_schedule: tuple[lt.NoticeBand, ...] = lt.DEFAULT_SCHEDULE


@dataclass(frozen=True)
class CommitteePolicy:
    """One version of the committee's parameters, in force from `effective_from`."""

    version: int = DEFAULTS_VERSION
    effective_from: date = date.min
    perennial: perennial.PerennialPolicy = perennial.DEFAULT_POLICY
    purchasing: purchasing.PurchasingPolicy = purchasing.DEFAULT_POLICY
    relationship: relationship.RelationshipPolicy = relationship.DEFAULT_POLICY
    termination: termination.TerminationPolicy = termination.DEFAULT_POLICY
    workload: workload.WorkloadPolicy = workload.DEFAULT_POLICY
    offshoring: offshoring.OffshoringPolicy = offshoring.DEFAULT_POLICY
    lead_time: LeadTimePolicy = field(default_factory=LeadTimePolicy)


DEFAULT_POLICY = CommitteePolicy()


@dataclass(frozen=True)
class PolicyBook:
    """Every version published, in order: which one is in force on a day, and whether a new
    one may follow them."""

    versions: tuple[CommitteePolicy, ...] = ()

    @classmethod
    def of(cls, versions: Iterable[CommitteePolicy]) -> PolicyBook:
        return cls(tuple(sorted(versions, key=lambda p: p.version)))

    @property
    def latest(self) -> CommitteePolicy:
        return self.versions[-1] if self.versions else DEFAULT_POLICY

    def in_force_on(self, day: date) -> CommitteePolicy:
        """The version that applies to what happened on `day`: of those in force by then, the
        last published (a later version may replace one not yet in force)."""
        in_force = [p for p in self.versions if p.effective_from <= day]
        return max(in_force, key=lambda p: p.version) if in_force else DEFAULT_POLICY

    def admission_problems(self, new: CommitteePolicy, published_on: date) -> list[Violation]:
        """Why `new` may not be published on `published_on` (French day); [] when it may."""
        problems = []
        expected = self.latest.version + 1
        if new.version != expected:
            problems.append(
                Violation("policy.version", text("policy-version-next", expected=expected))
            )
        if new.effective_from <= published_on:
            problems.append(
                Violation(
                    "policy.effective_from",
                    text("policy-not-retroactive", published=published_on),
                )
            )
        elif new.effective_from < self.latest.effective_from:
            problems.append(
                Violation(
                    "policy.effective_from",
                    text(
                        "policy-before-latest",
                        version=self.latest.version,
                        effective=self.latest.effective_from,
                    ),
                )
            )
        return problems
