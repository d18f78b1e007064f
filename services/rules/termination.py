"""Ending an established commercial relationship: the notice its length calls for.

Source: Code de commerce L442-1 II: ending an established commercial relationship, even in
part, without written notice that takes its length into account engages the liability of the
party that ends it. Case law counts about one month of notice per year of relationship, and
the article itself rules out liability for want of notice when at least 18 months' notice was
given. Both figures are parameters of `TerminationPolicy`. The relationship's start is the
caller's: across the successive contracts with the outsourcer (`relationship.py`), and its
length is taken on the day the termination is notified.

Months are counted as in `purchasing.whole_months` (Code de procédure civile art. 641):
- the relationship runs from its first day to its last day, both inclusive;
- notice given on day d runs one month to day d of the next month (or that month's last day
  when it has no day d), and the relationship may end on that day: notice given on 15
  January with a last day of 15 February is one month; with 14 February, none.

"Même partiellement": a large cut of the work entrusted, decided by the ordering party and
lasting, ends part of the relationship and owes the same notice (`review_partial_termination`).
A workload-change notice is such a decision, and it lasts: it has no end. What counts as large
is the committee's choice (`partial_cut_percent`); a smaller change is the lead-time rule's
business alone (`lead_time.py`).

An advisory, never a refusal. `termination_problems` is the only refusal, for dates that make
no sense.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from services.rules import Violation
from services.rules.figures import months_record
from services.rules.purchasing import Advisory, whole_months
from services.rules.wording import Argument, Text, text

RULE = "short_termination_notice"
PARTIAL_RULE = "short_partial_termination_notice"
# Code de commerce L442-1 II (sudden termination of an established commercial relationship).
REFERENCE = text("notice-termination-reference")


@dataclass(frozen=True)
class TerminationPolicy:
    # Months of notice per year of relationship (case law: about one).
    notice_months_per_year: Decimal = Decimal("1")
    # L442-1 II: no liability for want of notice once this much notice was given.
    max_notice_months: int = 18
    # A cut of at least this share of the work entrusted ends part of the relationship
    # (committee's choice: the case law asks a significant cut, and fixes no figure).
    partial_cut_percent: Decimal = Decimal("30")

    def __post_init__(self) -> None:
        per_year = self.notice_months_per_year
        if not (per_year.is_finite() and per_year > 0):
            raise ValueError("the notice per year of relationship must be a positive number")
        if self.max_notice_months < 1:
            raise ValueError("the longest notice required must be at least 1 month")
        cut = self.partial_cut_percent
        if not (cut.is_finite() and 0 < cut <= 100):
            raise ValueError("the partial termination cut must be above 0 and at most 100")


DEFAULT_POLICY = TerminationPolicy()


def relationship_months(relationship_start: date, last_day: date) -> int:
    """Whole months from the first day to the last day of the relationship, both inclusive;
    0 when the last day comes before the start."""
    if last_day < relationship_start:
        return 0
    return whole_months(relationship_start, last_day)


def notice_months(notified_on: date, last_day: date) -> int:
    """Whole months of notice: the largest n such that n months from `notified_on` (day d of
    the month n later, or its last day when it has no day d) fall on or before `last_day`;
    0 when the last day is not after the notice."""
    if last_day <= notified_on:
        return 0
    # whole_months counts the month anniversaries up to the day after its end, inclusive.
    return whole_months(notified_on, last_day - timedelta(days=1))


def required_notice_months(
    relationship_start: date, notified_on: date, policy: TerminationPolicy = DEFAULT_POLICY
) -> int:
    """The notice the relationship's length calls for, in whole months: its length on the day
    the termination is notified, in years (whole months ÷ 12) × the months per year, rounded
    up; at least 1, at most the cap. The length on that day, not on the last day: the notice
    is fixed when it is given (Cass. com., 17 mai 2023, n° 21-24.809)."""
    years = Fraction(relationship_months(relationship_start, notified_on), 12)
    required = math.ceil(years * Fraction(policy.notice_months_per_year))
    return min(max(required, 1), policy.max_notice_months)


def review_termination(
    relationship_start: date,
    notified_on: date,
    last_day: date,
    policy: TerminationPolicy = DEFAULT_POLICY,
) -> list[Advisory]:
    """[the short-notice advisory] when the notice given is below the notice required; []
    otherwise."""
    return _short_notice(
        RULE, "notice-termination-explanation", relationship_start, notified_on, last_day, policy
    )


def review_partial_termination(
    relationship_start: date,
    notified_on: date,
    effective_date: date,
    change_percent: Decimal,
    policy: TerminationPolicy = DEFAULT_POLICY,
) -> list[Advisory]:
    """[the short-notice advisory] when a cut of at least `partial_cut_percent` of the work
    (change_percent ≤ −that) takes effect with less notice than the relationship's length
    calls for; [] otherwise. The work as it was runs until the day before `effective_date`:
    that is the last day of the part of the relationship that ends."""
    if change_percent > -policy.partial_cut_percent:
        return []
    return _short_notice(
        PARTIAL_RULE,
        "notice-partial-termination-explanation",
        relationship_start,
        notified_on,
        effective_date - timedelta(days=1),
        policy,
        cut=-change_percent,
        threshold=policy.partial_cut_percent,
        effective=effective_date,
    )


def _short_notice(
    rule: str,
    message: str,
    relationship_start: date,
    notified_on: date,
    last_day: date,
    policy: TerminationPolicy,
    **figures: Argument,
) -> list[Advisory]:
    """The advisory of `rule` when the notice up to `last_day` falls short; [] otherwise."""
    required = required_notice_months(relationship_start, notified_on, policy)
    given = notice_months(notified_on, last_day)
    if given >= required:
        return []
    length = relationship_months(relationship_start, notified_on)
    explanation = text(
        message,
        length=_length(length),
        since=relationship_start,
        notified_on=notified_on,
        given=given,
        per_year=_whole_if_whole(policy.notice_months_per_year),
        cap=policy.max_notice_months,
        # The figures as phrases, for the finding's one line (practice_summary).
        observed=text("purchasing-months", months=given),
        limit=text("purchasing-months", months=required),
        **figures,
    )
    return [Advisory(rule, months_record(given), months_record(required), REFERENCE, explanation)]


def termination_problems(
    relationship_start: date, notified_on: date, last_day: date
) -> list[Violation]:
    """What makes the termination dates meaningless (refused with INVALID_ARGUMENT); []
    when they make sense."""
    problems = []
    if last_day < notified_on:
        problems.append(
            Violation(
                "effective_date",
                text("notice-termination-error-before-notice", notified_on=notified_on),
            )
        )
    if last_day < relationship_start:
        problems.append(
            Violation(
                "effective_date",
                text("notice-termination-error-before-start", start=relationship_start),
            )
        )
    return problems


def _length(months: int) -> Text:
    """The relationship's length: "4 years and 1 month", "less than a month"."""
    years, rest = divmod(months, 12)
    if not months:
        return text("notice-termination-length-under-a-month")
    if not years:
        return text("notice-termination-length-months", months=months)
    if not rest:
        return text("notice-termination-length-years", years=years)
    return text("notice-termination-length-years-months", years=years, months=rest)


def _whole_if_whole(value: Decimal) -> int | Decimal:
    """1 as the int 1: the catalogue's plurals ("1 month") select on ints, not on Decimals."""
    return int(value) if value == value.to_integral_value() else value
