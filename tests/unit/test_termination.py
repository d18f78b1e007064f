"""Ending an established relationship: the notice required at, below and above each limit,
the notice given counted to the day, and the advisory exactly when the notice falls short."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common import wording
from services.rules import Violation
from services.rules.purchasing import whole_months
from services.rules.termination import (
    PARTIAL_RULE,
    REFERENCE,
    RULE,
    TerminationPolicy,
    notice_months,
    required_notice_months,
    review_partial_termination,
    review_termination,
    termination_problems,
)
from services.rules.wording import text

LAST_DAY = date(2026, 2, 28)


def months_before(day: date, months: int) -> date:
    """Day d of the month `months` before `day`, or that month's last day when it has none."""
    years, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary(start: date, months: int) -> date | None:
    """Day d of the month `months` after `start` (its last day when it has no day d), or None
    after date.max."""
    years, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month + 1
    if year > date.max.year:
        return None
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@pytest.mark.parametrize(
    ("start", "last_day", "required"),
    [
        (LAST_DAY, LAST_DAY, 1),  # a single day is still a relationship
        (date(2026, 2, 2), LAST_DAY, 1),  # 0 whole months
        (date(2025, 4, 1), LAST_DAY, 1),  # 11 months
        (date(2025, 3, 1), LAST_DAY, 1),  # 12 months
        (date(2025, 2, 1), LAST_DAY, 2),  # 13 months
        (date(2025, 3, 2), date(2026, 3, 1), 1),  # 12 months to the day
        (date(2023, 3, 1), LAST_DAY, 3),  # 3 years
        (date(2023, 2, 1), LAST_DAY, 4),  # 3 years and 1 month
        (date(2009, 3, 1), LAST_DAY, 17),  # 17 years
        (date(2008, 3, 1), LAST_DAY, 18),  # 18 years
        (date(2008, 2, 1), LAST_DAY, 18),  # 18 years and 1 month: the cap
        (date(2001, 3, 1), LAST_DAY, 18),  # 25 years: the cap
        (date.min, date.max, 18),
    ],
)
def test_required_notice(start, last_day, required):
    assert required_notice_months(start, last_day) == required


def test_a_day_past_a_whole_year_is_not_a_month_more():
    # 1 March 2025 to 1 March 2026 is 12 whole months (the 13th is not complete): 1 month.
    assert whole_months(date(2025, 3, 1), date(2026, 3, 1)) == 12
    assert required_notice_months(date(2025, 3, 1), date(2026, 3, 1)) == 1


@pytest.mark.parametrize(
    ("policy", "start", "required"),
    [
        (TerminationPolicy(notice_months_per_year=Decimal("1.5")), date(2023, 3, 1), 5),  # 4.5
        (TerminationPolicy(notice_months_per_year=Decimal("2")), date(2023, 3, 1), 6),
        (TerminationPolicy(notice_months_per_year=Decimal("0.5")), date(2023, 3, 1), 2),  # 1.5
        (TerminationPolicy(notice_months_per_year=Decimal("0.1")), date(2025, 3, 1), 1),
        (TerminationPolicy(max_notice_months=6), date(2001, 3, 1), 6),
        (TerminationPolicy(max_notice_months=24), date(2001, 3, 1), 24),
        (TerminationPolicy(max_notice_months=30), date(2001, 3, 1), 25),
    ],
)
def test_policy_is_a_parameter(policy, start, required):
    assert required_notice_months(start, LAST_DAY, policy) == required


@pytest.mark.parametrize(
    ("per_year", "cap"), [(Decimal("0"), 18), (Decimal("-1"), 18), (Decimal("NaN"), 18), (1, 0)]
)
def test_nonsense_policy(per_year, cap):
    with pytest.raises(ValueError):
        TerminationPolicy(notice_months_per_year=Decimal(per_year), max_notice_months=cap)


@pytest.mark.parametrize(
    ("notified_on", "last_day", "months"),
    [
        (LAST_DAY, LAST_DAY, 0),
        (date(2026, 1, 15), date(2026, 2, 14), 0),  # a day short
        (date(2026, 1, 15), date(2026, 2, 15), 1),  # Code de procédure civile art. 641
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # February has no 31st
        (date(2026, 2, 28), date(2026, 3, 28), 1),
        (date(2026, 2, 28), date(2026, 3, 27), 0),
        (date(2026, 3, 1), date(2026, 3, 31), 0),
        (date(2026, 3, 1), date(2026, 4, 1), 1),
        (date(2025, 11, 28), LAST_DAY, 3),
        (date(2025, 11, 29), LAST_DAY, 3),  # 2026 has no 29 February
        (date(2025, 12, 15), date(2026, 3, 15), 3),
        (date(2025, 12, 16), date(2026, 3, 15), 2),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # 2025 has no 29 February
        (date(9999, 12, 30), date.max, 0),
        (date(9999, 11, 30), date.max, 1),
    ],
)
def test_notice_months(notified_on, last_day, months):
    assert notice_months(notified_on, last_day) == months


def review(start: date, notice: int, last_day: date = LAST_DAY) -> tuple[str, str] | None:
    """(observed, limit) of the advisory, None when there is none."""
    advisories = review_termination(start, months_before(last_day, notice), last_day)
    if not advisories:
        return None
    (advisory,) = advisories
    assert advisory.rule == RULE
    return advisory.observed, advisory.limit


@pytest.mark.parametrize(
    ("start", "notice", "expected"),
    [
        # The length is taken on the day of notice (the last day is 2026-02-28).
        # Notified on the last day, 11, 12 or 13 months: 1, 1 and 2 months required.
        (date(2025, 4, 1), 0, ("0 months", "1 month")),
        (date(2025, 3, 1), 0, ("0 months", "1 month")),
        (date(2025, 2, 1), 0, ("0 months", "2 months")),
        # A month earlier the same relationship was 11 months long: 1 month is enough, where
        # measuring on the last day (13 months) would have asked 2.
        (date(2025, 2, 1), 1, None),
        (date(2025, 4, 1), 1, None),
        # 22 months on the day of notice: 2 months required.
        (date(2024, 3, 1), 1, ("1 month", "2 months")),
        (date(2024, 3, 1), 2, None),
        # 33 months on the day of notice: 3 months required.
        (date(2023, 3, 1), 0, ("0 months", "3 months")),
        (date(2023, 3, 1), 2, ("2 months", "3 months")),
        (date(2023, 3, 1), 3, None),
        (date(2023, 3, 1), 4, None),
        # 25 years: 18 months at most
        (date(2001, 3, 1), 3, ("3 months", "18 months")),
        (date(2001, 3, 1), 17, ("17 months", "18 months")),
        (date(2001, 3, 1), 18, None),
        (date(2001, 3, 1), 25, None),
    ],
)
def test_review_termination(start, notice, expected):
    assert review(start, notice) == expected


def test_a_day_short_of_the_notice():
    last_day = date(2026, 3, 15)  # 3 years and 14 days: 3 months required
    (advisory,) = review_termination(date(2023, 3, 1), date(2025, 12, 16), last_day)
    assert (advisory.observed, advisory.limit) == ("2 months", "3 months")
    assert review_termination(date(2023, 3, 1), date(2025, 12, 15), last_day) == []


def test_the_advisory_cites_the_law_and_explains():
    (advisory,) = review_termination(date(2022, 2, 1), date(2026, 1, 28), LAST_DAY)
    assert advisory.rule == "short_termination_notice"
    # 3 years and 11 months on the day of notice (4 years and 1 month on the last day).
    assert (advisory.observed, advisory.limit) == ("1 month", "4 months")
    assert advisory.reference == REFERENCE == text("notice-termination-reference")
    assert wording.render(advisory.reference, "fr") == (
        "Code de commerce, art. L442-1 II (rupture brutale d'une relation commerciale établie)"
    )
    assert "L442-1 II" in wording.render(advisory.reference, "en")
    assert advisory.explanation == text(
        "notice-termination-explanation",
        length=text("notice-termination-length-years-months", years=3, months=11),
        since=date(2022, 2, 1),
        notified_on=date(2026, 1, 28),
        given=1,
        per_year=1,
        cap=18,
        observed=text("purchasing-months", months=1),
        limit=text("purchasing-months", months=4),
    )
    assert wording.render(advisory.explanation, "fr") == (
        "Rompre une relation commerciale établie depuis le 1 février 2022, soit 3 ans et 11 "
        "mois au jour de la notification (28 janvier 2026), avec un préavis écrit de 1 mois, "
        "inférieur à 1 mois par année de relation qu'attend la jurisprudence (sans "
        "jamais dépasser 18 mois), engage la responsabilité de l'auteur de la rupture."
    )
    assert wording.render(advisory.explanation, "en") == (
        "Ending a commercial relationship established since February 1, 2022, 3 years and 11 "
        "months on the day of notice (January 28, 2026), with 1 month of written notice, "
        "less than the 1 month per year of relationship that case law expects "
        "(and never more than 18 months), engages the liability of the party that ends it."
    )


@pytest.mark.parametrize(
    ("months", "french", "english"),
    [
        (0, "moins d'un mois", "less than a month"),
        (1, "1 mois", "1 month"),
        (11, "11 mois", "11 months"),
        (12, "1 an", "1 year"),
        (25, "2 ans et 1 mois", "2 years and 1 month"),
    ],
)
def test_the_relationship_s_length_in_words(months, french, english):
    start = date(2020, 1, 1)
    last_day = months_before(start, -months)  # exactly `months` whole months later
    assert whole_months(start, last_day) == months
    (advisory,) = review_termination(start, last_day, last_day)
    length = advisory.explanation.values["length"]
    assert (wording.render(length, "fr"), wording.render(length, "en")) == (french, english)


def test_the_explanation_follows_the_policy():
    policy = TerminationPolicy(notice_months_per_year=Decimal("1.5"), max_notice_months=12)
    (advisory,) = review_termination(date(2023, 3, 1), LAST_DAY, LAST_DAY, policy)
    assert advisory.limit == "5 months"
    assert advisory.explanation.values["per_year"] == Decimal("1.5")
    assert advisory.explanation.values["cap"] == 12
    french = wording.render(advisory.explanation, "fr")
    assert "inférieur à 1,5 mois par année de relation" in french
    assert "(sans jamais dépasser 12 mois)" in french
    assert "1.5 months per year" in wording.render(advisory.explanation, "en")


BEFORE_NOTICE = text("notice-termination-error-before-notice", notified_on=LAST_DAY)
BEFORE_START = text("notice-termination-error-before-start", start=LAST_DAY)


@pytest.mark.parametrize(
    ("start", "notified_on", "last_day", "reasons"),
    [
        (date(2023, 3, 1), date(2025, 11, 28), LAST_DAY, []),
        (date(2023, 3, 1), LAST_DAY, LAST_DAY, []),
        (LAST_DAY, LAST_DAY, LAST_DAY, []),
        (date(2026, 3, 1), LAST_DAY, date(2026, 3, 1), []),  # notified before it starts
        (date(2023, 3, 1), LAST_DAY, date(2026, 2, 27), [BEFORE_NOTICE]),
        (LAST_DAY, date(2026, 2, 20), date(2026, 2, 27), [BEFORE_START]),
        (LAST_DAY, LAST_DAY, date(2026, 2, 27), [BEFORE_NOTICE, BEFORE_START]),
    ],
)
def test_termination_problems(start, notified_on, last_day, reasons):
    problems = termination_problems(start, notified_on, last_day)
    assert problems == [Violation("effective_date", reason) for reason in reasons]


def test_termination_problems_in_french():
    assert wording.render(BEFORE_NOTICE, "fr") == (
        "ne peut précéder le jour où la résiliation est notifiée, le 28 février 2026"
    )
    assert wording.render(BEFORE_START, "fr") == (
        "ne peut précéder le début de la relation commerciale, le 28 février 2026"
    )


@st.composite
def valid_dates(draw) -> tuple[date, date, date]:
    start, notified_on, last_day = sorted(draw(st.lists(st.dates(), min_size=3, max_size=3)))
    return start, notified_on, last_day


@st.composite
def near_dates(draw) -> tuple[date, date, date]:
    """Relationships of up to 30 years, notice of up to 2 years: where the limits are."""
    last_day = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
    notified_on = date.fromordinal(last_day.toordinal() - draw(st.integers(0, 800)))
    start = date.fromordinal(notified_on.toordinal() - draw(st.integers(0, 11_000)))
    return start, notified_on, last_day


@given(valid_dates() | near_dates())
def test_the_advisory_appears_iff_the_notice_is_short(dates):
    start, notified_on, last_day = dates
    assert termination_problems(start, notified_on, last_day) == []
    advisories = review_termination(start, notified_on, last_day)

    # Independently: the relationship's whole years on the day of notice, rounded up, between
    # 1 and 18; and the notice is short when that many months from it fall after the last day.
    length = whole_months(start, notified_on) if start <= notified_on else 0
    required = min(max(-(-length // 12), 1), 18)
    due = anniversary(notified_on, required)
    short = due is None or due > last_day
    assert bool(advisories) == short
    if advisories:
        (advisory,) = advisories
        assert advisory.rule == RULE and advisory.reference == REFERENCE
        assert advisory.limit == f"{required} month" + ("s" if required > 1 else "")
        given_months = int(advisory.observed.split()[0])
        assert given_months < required
        assert anniversary(notified_on, given_months) <= last_day


@given(st.dates(), st.dates(), st.dates())
def test_any_dates_never_raise(start, notified_on, last_day):
    assert len(review_termination(start, notified_on, last_day)) <= 1
    problems = termination_problems(start, notified_on, last_day)
    assert bool(problems) == (last_day < max(start, notified_on))


# A six-year relationship (since 1 March 2020), notified on 2 March 2026: six months due.
SIX_YEARS = date(2020, 3, 1)
NOTIFIED = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("cut", "effective", "expected"),
    [
        # Below the committee's 30 %: the lead-time rule's business alone.
        (Decimal("-29.99"), date(2026, 3, 3), None),
        (Decimal(20), date(2026, 3, 3), None),  # a rise ends nothing
        # A cut of 30 % or more: the months of notice the relationship calls for.
        (Decimal(-30), date(2026, 3, 3), ("0 months", "6 months")),
        (Decimal(-60), date(2026, 5, 3), ("2 months", "6 months")),
        # Six months from 2 March run to 2 September, the last day at the old volume: the
        # cut may take effect on 3 September, not on the 2nd.
        (Decimal(-60), date(2026, 9, 2), ("5 months", "6 months")),
        (Decimal(-60), date(2026, 9, 3), None),
        (Decimal(-100), date(2027, 3, 3), None),
    ],
)
def test_review_partial_termination(cut, effective, expected):
    found = review_partial_termination(SIX_YEARS, NOTIFIED, effective, cut)
    if expected is None:
        assert found == []
    else:
        (advisory,) = found
        assert advisory.rule == PARTIAL_RULE and advisory.reference == REFERENCE
        assert (advisory.observed, advisory.limit) == expected


def test_the_partial_termination_threshold_is_the_committees():
    policy = TerminationPolicy(partial_cut_percent=Decimal(50))
    assert (
        review_partial_termination(SIX_YEARS, NOTIFIED, date(2026, 3, 3), Decimal(-40), policy)
        == []
    )
    assert review_partial_termination(SIX_YEARS, NOTIFIED, date(2026, 3, 3), Decimal(-50), policy)
    with pytest.raises(ValueError):
        TerminationPolicy(partial_cut_percent=Decimal(0))


def test_the_partial_termination_explained_in_french():
    (advisory,) = review_partial_termination(SIX_YEARS, NOTIFIED, date(2026, 5, 3), Decimal(-40))
    assert wording.render(advisory.explanation, "fr") == (
        "Réduire de 40 % le volume confié (au moins 30 % : une rupture partielle) à compter du"
        " 3 mai 2026, dans une relation commerciale établie depuis le 1 mars 2020, soit 6 ans"
        " au jour de la notification (2 mars 2026), avec un préavis écrit de 2 mois, inférieur"
        " à 1 mois par année de relation qu'attend la jurisprudence (sans jamais dépasser"
        " 18 mois), engage la responsabilité de son auteur, même si la relation se poursuit."
    )


@given(
    cut=st.integers(30, 100).map(lambda p: Decimal(-p)),
    days=st.integers(0, 800),
)
def test_a_partial_termination_is_reviewed_as_a_termination_ending_the_day_before(cut, days):
    """The same notice as a termination whose last day is the day before the cut."""
    effective = NOTIFIED + timedelta(days=days + 1)
    partial = review_partial_termination(SIX_YEARS, NOTIFIED, effective, cut)
    total = review_termination(SIX_YEARS, NOTIFIED, effective - timedelta(days=1))
    assert [(a.observed, a.limit) for a in partial] == [(a.observed, a.limit) for a in total]
