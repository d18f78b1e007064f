"""Responsible purchasing: each rule at, below and above its limit; the dated cost floor."""

import calendar
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules import Violation
from services.rules.lead_time import AGENT_SCHEDULE_REFERENCE, LeadTimeUnit, NoticeBand
from services.rules.purchasing import (
    DEFAULT_PAYMENT_DAYS,
    DEFAULT_POLICY,
    MAX_PAYMENT_DAYS_PERIODIC,
    PERENNIAL_ONLY,
    RULES,
    SMIC,
    ActivityType,
    AuctionType,
    CostFloor,
    MinimumWage,
    PaymentTerms,
    PurchasingPolicy,
    TenderTerms,
    invalid_terms,
    practice_summary,
    review,
    whole_months,
)
from services.rules.wording import Text, text

START = date(2026, 3, 1)
FLOOR_2026 = DEFAULT_POLICY.cost_floor_on(START).per_productive_hour  # 12.02 × 1.05 ÷ 0.80
CENT = Decimal("0.01")

# Perennial terms that raise no advisory: every test changes one thing.
GOOD = TenderTerms(
    activity_type=ActivityType.PERENNIAL,
    start=START,
    end=date(2029, 2, 28),
    payment_terms=PaymentTerms(30, end_of_month=False),
    auction_type=AuctionType.SEALED_BID,
    penalty_cap_percent=Decimal("10"),
    minimum_volume_commitment_percent=Decimal("70"),
    notice_schedule_bands=3,
    price_per_productive_hour=Decimal("25.00"),
)


def rules(terms: TenderTerms, **kwargs) -> list[str]:
    return [a.rule for a in review(terms, **kwargs)]


def test_good_terms_raise_nothing():
    assert review(GOOD) == []


PERIODIC = {"periodic_invoice": True}
NONE_AGREED = {"none_agreed": True}


@pytest.mark.parametrize(
    ("days", "end_of_month", "kind", "expected"),
    [
        # Code de commerce L441-10, I, al. 2: 60 days after the invoice's issue date.
        (0, False, {}, []),
        (59, False, {}, []),
        (60, False, {}, []),
        (61, False, {}, ["payment_terms"]),
        # al. 3: by derogation, 45 days end of month.
        (44, True, {}, []),
        (45, True, {}, []),
        (46, True, {}, ["payment_terms"]),
        (60, True, {}, ["payment_terms"]),
        # al. 4: a periodic invoice, 45 days after its issue date.
        (0, False, PERIODIC, []),
        (45, False, PERIODIC, []),
        (46, False, PERIODIC, ["payment_terms"]),
        (60, False, PERIODIC, ["payment_terms"]),  # lawful on a single invoice
        # ... with no end-of-month derogation: N days end of month reach N + 30 days.
        (15, True, PERIODIC, []),
        (16, True, PERIODIC, ["payment_terms"]),
        (45, True, PERIODIC, ["payment_terms"]),  # lawful on a single invoice
        # al. 1: no term agreed, the law's default (30 days after the service) applies.
        (0, False, NONE_AGREED, []),
        (0, False, PERIODIC | NONE_AGREED, []),
    ],
)
def test_payment_terms(days, end_of_month, kind, expected):
    terms = PaymentTerms(days, end_of_month, **kind)
    assert rules(replace(GOOD, payment_terms=terms)) == expected


@pytest.mark.parametrize(
    ("terms", "observed", "limit", "phrase", "french"),
    [
        (PaymentTerms(75, False), "75 days", "60 days", "purchasing-days", "75 jours"),
        (
            PaymentTerms(46, True),
            "46 days end of month",
            "45 days end of month",
            "purchasing-days-end-of-month",
            "46 jours fin de mois",
        ),
    ],
)
def test_payment_terms_advisory(terms, observed, limit, phrase, french):
    (advisory,) = review(replace(GOOD, payment_terms=terms))
    # The record stays language-neutral; the words are the Texts'.
    assert (advisory.observed, advisory.limit) == (observed, limit)
    assert advisory.reference == text("reference-payment-terms")
    assert render(advisory.reference, "fr") == "Code de commerce, art. L441-10, I, al. 2 et 3"
    assert advisory.explanation == text(
        "purchasing-payment-terms-explanation",
        observed=text(phrase, days=terms.days),
        limit=text(phrase, days=60 if phrase == "purchasing-days" else 45),
    )
    assert render(advisory.explanation, "fr").startswith(
        f"Les délais de paiement convenus, {french}, dépassent le maximum de "
    )


def test_payment_terms_on_a_periodic_invoice():
    (advisory,) = review(replace(GOOD, payment_terms=PaymentTerms(50, False, **PERIODIC)))
    assert (advisory.rule, advisory.observed, advisory.limit) == (
        "payment_terms",
        "50 days",
        "45 days after a periodic invoice",
    )
    assert advisory.reference == text("reference-payment-terms-periodic")
    assert render(advisory.reference, "fr") == (
        "Code de commerce, art. L441-10, I, al. 4 ; Code général des impôts, art. 289, I, 3 "
        "(facture périodique)"
    )
    assert advisory.explanation == text(
        "purchasing-payment-terms-periodic-explanation",
        observed=text("purchasing-days", days=50),
        limit=text("purchasing-days-after-periodic-invoice", days=45),
    )
    assert render(advisory.explanation, "fr") == (
        "La facturation étant périodique, les délais de paiement convenus, 50 jours, dépassent "
        "le maximum de 45 jours après l'émission de la facture périodique : pour une facture "
        "périodique, le Code de commerce (art. L441-10, I, al. 4) interdit de convenir de plus "
        "de 45 jours après sa date d'émission, et des délais plus longs font financer son "
        "client par le centre."
    )
    line = practice_summary("payment_terms", advisory.explanation, "", "")
    assert render(line, "fr") == (
        "Délais de paiement : 50 jours (limite : 45 jours après l'émission de la facture "
        "périodique)"
    )
    assert render(line, "en") == "Payment terms: 50 days (limit 45 days after a periodic invoice)"


def test_an_end_of_month_term_on_a_periodic_invoice_says_how_far_it_can_run():
    (advisory,) = review(replace(GOOD, payment_terms=PaymentTerms(30, True, **PERIODIC)))
    assert (advisory.observed, advisory.limit) == (
        "30 days end of month",
        "45 days after a periodic invoice",
    )
    assert advisory.explanation == text(
        "purchasing-payment-terms-periodic-end-of-month-explanation",
        observed=text("purchasing-days-end-of-month", days=30),
        limit=text("purchasing-days-after-periodic-invoice", days=45),
        reach=60,
    )
    assert render(advisory.explanation, "fr") == (
        "La facturation étant périodique, les délais de paiement convenus, 30 jours fin de "
        "mois, peuvent atteindre 60 jours après l'émission de la facture selon le jour où elle "
        "est émise, au-delà du maximum de 45 jours après l'émission de la facture périodique : "
        "pour une facture périodique, le Code de commerce (art. L441-10, I, al. 4) fixe le "
        "maximum à 45 jours après sa date d'émission, sans la dérogation « fin de mois »."
    )


def end_of_month_due_dates(issued: date, days: int) -> list[date]:
    """N days end of month, counted either way in use: N days from the end of the invoice's
    month, or the end of the month in which the N days from the invoice end."""

    def month_end(day: date) -> date:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])

    return [month_end(issued) + timedelta(days=days), month_end(issued + timedelta(days=days))]


@given(st.integers(min_value=0, max_value=400))
def test_an_end_of_month_term_on_a_periodic_invoice_is_judged_at_its_longest(days):
    # Every issue date of a leap year and a common one, both ways of counting.
    issued = [date(2027, 12, 31) - timedelta(days=n) for n in range(731)]
    longest = max((due - i).days for i in issued for due in end_of_month_due_dates(i, days))
    assert longest == days + 30
    terms = replace(GOOD, payment_terms=PaymentTerms(days, True, **PERIODIC))
    assert (rules(terms) == ["payment_terms"]) is (longest > 45)


def test_no_term_agreed_gets_the_legal_default_and_no_advisory():
    # L441-10, I, al. 1: at most 30 days after the service, shorter than any agreed maximum.
    assert DEFAULT_PAYMENT_DAYS < MAX_PAYMENT_DAYS_PERIODIC
    for worst_case in (GOOD, replace(GOOD, activity_type=ActivityType.CAMPAIGN)):
        terms = replace(worst_case, payment_terms=PaymentTerms(0, False, **NONE_AGREED))
        assert review(terms) == [] and invalid_terms(terms) == []


def decree(number: str, signed: date) -> Text:
    return text("purchasing-smic-decree", number=number, signed=signed)


def order(signed: date) -> Text:
    return text("purchasing-smic-order", signed=signed)


# The SMIC as each text set it: date of effect, EUR gross an hour, the text.
SMIC_TEXTS = [
    (date(2023, 1, 1), "11.27", decree("2022-1608", date(2022, 12, 22))),
    (date(2023, 5, 1), "11.52", order(date(2023, 4, 26))),
    (date(2024, 1, 1), "11.65", decree("2023-1216", date(2023, 12, 20))),
    (date(2024, 11, 1), "11.88", decree("2024-951", date(2024, 10, 23))),
    (date(2026, 1, 1), "12.02", decree("2025-1228", date(2025, 12, 17))),
]


def test_the_smic_as_each_text_set_it():
    assert [(w.effective_from, w.hourly, w.act) for w in SMIC] == [
        (day, Decimal(wage), act) for day, wage, act in SMIC_TEXTS
    ]
    assert render(SMIC[1].act, "fr") == "arrêté du 26 avril 2023"
    assert render(SMIC[3].act, "fr") == "décret n° 2024-951 du 23 octobre 2024"


@pytest.mark.parametrize(
    ("day", "wage", "floor"),
    [
        (date(2022, 12, 31), None, None),  # before the first SMIC known: no floor
        (date(2023, 1, 1), "11.27", "14.79"),  # 14.791875
        (date(2023, 4, 30), "11.27", "14.79"),
        (date(2023, 5, 1), "11.52", "15.12"),
        (date(2024, 1, 1), "11.65", "15.29"),  # 15.290625
        (date(2024, 10, 31), "11.65", "15.29"),
        (date(2024, 11, 1), "11.88", "15.59"),  # 15.5925
        (date(2025, 12, 31), "11.88", "15.59"),  # no new SMIC on 1 January 2025
        (date(2026, 1, 1), "12.02", "15.78"),  # 15.77625
        (date(2040, 1, 1), "12.02", "15.78"),  # the last known stays in force
    ],
)
def test_cost_floor_in_force(day, wage, floor):
    found = DEFAULT_POLICY.cost_floor_on(day)
    if wage is None:
        assert found is None
        return
    assert found.minimum_wage.hourly == Decimal(wage)
    assert (found.employer_cost_coefficient, found.productive_share) == (
        Decimal("1.05"),
        Decimal("0.80"),
    )
    assert found.per_productive_hour == Decimal(floor)


@given(st.dates(), st.dates())
def test_the_floor_is_a_function_of_the_date_that_never_falls(one, other):
    earlier, later = sorted((one, other))
    first, second = DEFAULT_POLICY.cost_floor_on(earlier), DEFAULT_POLICY.cost_floor_on(later)
    # The SMIC in force is the latest that took effect on or before the day.
    for day, floor in ((earlier, first), (later, second)):
        known = [w for w in SMIC if w.effective_from <= day]
        assert (floor is None) is (not known)
        if floor is not None:
            assert floor.minimum_wage == known[-1]
            exact = floor.minimum_wage.hourly * Decimal("1.05") / Decimal("0.80")
            assert abs(floor.per_productive_hour - exact) <= Decimal("0.005")
    if first is not None:
        assert second.per_productive_hour >= first.per_productive_hour


def test_cost_floor_rounds_half_up_to_the_cent():
    wage = MinimumWage(START, Decimal("2.01"), order(START))
    floor = CostFloor(wage, Decimal("1"), Decimal("2"))  # 1.005
    assert floor.per_productive_hour == Decimal("1.01")


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (FLOOR_2026 - CENT, ["price_below_floor"]),
        (FLOOR_2026, []),
        (FLOOR_2026 + CENT, []),
        (Decimal("0"), ["price_below_floor"]),
        (None, []),
    ],
)
def test_price_floor(price, expected):
    assert rules(replace(GOOD, price_per_productive_hour=price)) == expected


@pytest.mark.parametrize("activity", list(ActivityType))
def test_price_floor_applies_to_every_activity(activity):
    terms = replace(
        GOOD, activity_type=activity, price_per_productive_hour=Decimal("15.40"), end=START
    )
    (advisory,) = [a for a in review(terms) if a.rule == "price_below_floor"]
    assert (advisory.observed, advisory.limit) == ("15.40 EUR/h", "15.78 EUR/h")
    # Every input, with its source, so that a committee member can check the floor.
    assert advisory.explanation == text(
        "purchasing-price-below-floor-explanation",
        observed=text("purchasing-price-per-hour", price=Decimal("15.40")),
        limit=text("purchasing-price-per-hour", price=Decimal("15.78")),
        wage=Decimal("12.02"),
        since=date(2026, 1, 1),
        act=decree("2025-1228", date(2025, 12, 17)),
        coefficient=Decimal("1.05"),
        share=Decimal("0.80"),
    )
    assert render(advisory.explanation, "fr") == (
        "Le prix de 15,40 € par heure productive est inférieur à ce que coûte un conseiller "
        "payé au SMIC, 15,78 € par heure productive : le SMIC horaire brut de 12,02 € en "
        "vigueur depuis le 1 janvier 2026 (décret n° 2025-1228 du 17 décembre 2025), multiplié "
        "par 1,05 pour les cotisations patronales encore dues au niveau du SMIC après la "
        "réduction générale (Code de la sécurité sociale, art. L241-13), divisé par 0,80, la "
        "part des heures payées qui sont productives (hors congés, jours fériés, pauses et "
        "formation) ; ces deux coefficients sont des choix du comité du label, qu'aucun texte "
        "ne fixe. Un prix inférieur à ce coût est anormalement bas."
    )
    french = render(advisory.reference, "fr")
    assert french.startswith("Label Responsabilité Sociale, 2e engagement des donneurs d'ordre")
    assert "art. L2152-5 et L2152-6" in french
    assert "Code du travail, art. L3231-2" in french and "art. L241-13" in french
    # The branch agreement gives the floor no figure: it is not cited.
    assert "IDCC" not in french and "IDCC" not in render(advisory.reference, "en")


def test_an_arrete_in_the_year_is_cited_as_such():
    terms = replace(GOOD, price_per_productive_hour=Decimal("15"), start=date(2023, 6, 1))
    (advisory,) = review(terms)
    assert advisory.limit == "15.12 EUR/h"
    assert "11,52 € en vigueur depuis le 1 mai 2023 (arrêté du 26 avril 2023)" in render(
        advisory.explanation, "fr"
    )


def test_a_fraction_of_a_cent_below_the_floor_shows_every_digit():
    (advisory,) = review(replace(GOOD, price_per_productive_hour=FLOOR_2026 - Decimal("0.001")))
    assert advisory.observed == "15.779 EUR/h"
    assert render(advisory.explanation, "fr").startswith("Le prix de 15,779 € par heure")
    assert render(advisory.explanation, "en").startswith("The price of 15.779 EUR/h is below")


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 12, 31), []),  # the floor of November 2024, 15.59, is in force
        (date(2026, 1, 1), ["price_below_floor"]),
        (None, ["price_below_floor"]),  # the start date, 2026-03-01
        (date(2023, 6, 1), []),  # 15.12
        (date(2022, 12, 31), []),  # no floor in force: the price is not checked
    ],
)
def test_price_floor_on_a_given_date(on, expected):
    terms = replace(GOOD, price_per_productive_hour=Decimal("15.70"))
    assert rules(terms, on=on) == expected


def test_no_floor_without_a_minimum_wage():
    policy = PurchasingPolicy(minimum_wages=())
    assert policy.cost_floor_on(START) is None
    assert rules(replace(GOOD, price_per_productive_hour=Decimal("0")), policy=policy) == []


def test_minimum_wages_in_any_order():
    policy = PurchasingPolicy(minimum_wages=tuple(reversed(SMIC)))
    for day in (date(2023, 2, 1), date(2024, 12, 1), date(2026, 6, 1)):
        assert policy.cost_floor_on(day) == DEFAULT_POLICY.cost_floor_on(day)


def test_the_committees_coefficients_are_parameters():
    policy = replace(DEFAULT_POLICY, employer_cost_coefficient=Decimal("1.10"))
    assert policy.cost_floor_on(START).per_productive_hour == Decimal("16.53")  # 16.5275
    policy = replace(DEFAULT_POLICY, productive_share=Decimal("0.75"))
    assert policy.cost_floor_on(START).per_productive_hour == Decimal("16.83")  # 16.828


@pytest.mark.parametrize(
    ("coefficient", "share"),
    [("0.99", "0.80"), ("0", "0.80"), ("1.05", "0"), ("1.05", "1.1"), ("1.05", "-0.5")],
)
def test_nonsense_coefficients(coefficient, share):
    with pytest.raises(ValueError):
        PurchasingPolicy(
            employer_cost_coefficient=Decimal(coefficient), productive_share=Decimal(share)
        )


@pytest.mark.parametrize("wage", ["0", "-11.88"])
def test_nonsense_minimum_wage(wage):
    with pytest.raises(ValueError, match="positive"):
        MinimumWage(START, Decimal(wage), SMIC[0].act)


def test_two_minimum_wages_on_one_date():
    wage = SMIC[0]
    with pytest.raises(ValueError, match="same date"):
        PurchasingPolicy(minimum_wages=(wage, replace(wage, hourly=Decimal("12"))))


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (ActivityType.PERENNIAL, ["reverse_auction_perennial"]),
        (ActivityType.CAMPAIGN, []),
        (ActivityType.PUNCTUAL, []),
    ],
)
@pytest.mark.parametrize("auction", list(AuctionType))
def test_reverse_auction(activity, auction, expected):
    terms = replace(GOOD, activity_type=activity, auction_type=auction)
    assert rules(terms) == (expected if auction is AuctionType.REVERSE_AUCTION else [])


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), 0),
        (date(2026, 1, 1), date(2026, 1, 31), 1),
        (date(2026, 1, 2), date(2026, 1, 31), 0),
        (date(2026, 1, 1), date(2026, 12, 31), 12),
        (date(2026, 1, 15), date(2027, 1, 14), 12),
        (date(2026, 1, 15), date(2027, 1, 13), 11),
        (date(2026, 3, 31), date(2026, 4, 29), 1),  # April has no 31st
        (date(2026, 3, 31), date(2026, 4, 28), 0),
        (date(2026, 1, 30), date(2026, 2, 28), 1),
        (date(2024, 2, 29), date(2025, 2, 26), 11),
        (date(2024, 2, 29), date(2025, 2, 27), 12),  # 2025 has no 29 February
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(9999, 1, 1), date.max, 12),
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("end", "activity", "expected"),
    [
        (date(2027, 1, 31), ActivityType.PERENNIAL, ["short_perennial_contract"]),  # 11 months
        (date(2027, 2, 27), ActivityType.PERENNIAL, ["short_perennial_contract"]),  # a day short
        (date(2027, 2, 28), ActivityType.PERENNIAL, []),  # 12 months
        (date(2027, 3, 31), ActivityType.PERENNIAL, []),  # 13 months
        (date(2026, 5, 31), ActivityType.CAMPAIGN, []),
        (START, ActivityType.PUNCTUAL, []),
    ],
)
def test_short_perennial_contract(end, activity, expected):
    assert rules(replace(GOOD, end=end, activity_type=activity)) == expected


def test_short_perennial_contract_advisory():
    (advisory,) = review(replace(GOOD, end=date(2026, 10, 31)))
    assert (advisory.observed, advisory.limit) == ("8 months", "12 months")
    assert advisory.explanation == text(
        "purchasing-short-contract-explanation",
        observed=text("purchasing-months", months=8),
        limit=text("purchasing-months", months=12),
    )
    assert render(advisory.explanation, "fr") == (
        "Une activité pérenne confiée pour 8 mois, moins de 12 mois, ne permet pas au centre "
        "de planifier ses recrutements et ses formations."
    )


def test_minimum_perennial_months_is_a_parameter():
    policy = replace(DEFAULT_POLICY, min_perennial_months=36)
    assert rules(replace(GOOD, end=date(2029, 2, 27)), policy=policy) == [
        "short_perennial_contract"
    ]
    assert rules(GOOD, policy=policy) == []


@pytest.mark.parametrize(
    ("cap", "expected", "observed", "french"),
    [
        (None, ["penalties_uncapped"], "no cap", "aucun plafond"),
        (Decimal("0"), [], None, None),
        (Decimal("9.99"), [], None, None),
        (Decimal("10"), [], None, None),
        (Decimal("10.01"), ["penalty_cap_above_limit"], "10.01%", "10,01 %"),
        (Decimal("15"), ["penalty_cap_above_limit"], "15%", "15 %"),
    ],
)
@pytest.mark.parametrize("activity", list(ActivityType))
def test_penalties_on_any_activity(cap, expected, observed, french, activity):
    terms = replace(GOOD, penalty_cap_percent=cap, activity_type=activity)
    advisories = review(terms)
    assert [a.rule for a in advisories] == expected
    if advisories:
        assert (advisories[0].observed, advisories[0].limit) == (observed, "10%")
        figures = advisories[0].explanation.values
        assert render(figures["observed"], "fr") == french
        assert figures["limit"] == text("purchasing-percent", percent=Decimal("10"))


@pytest.mark.parametrize(
    ("commitment", "activity", "expected"),
    [
        (None, ActivityType.PERENNIAL, ["no_volume_commitment"]),
        (Decimal("0"), ActivityType.PERENNIAL, ["no_volume_commitment"]),
        (Decimal("0.5"), ActivityType.PERENNIAL, []),
        (Decimal("60"), ActivityType.PERENNIAL, []),
        (None, ActivityType.CAMPAIGN, []),
        (Decimal("0"), ActivityType.PUNCTUAL, []),
    ],
)
def test_volume_commitment(commitment, activity, expected):
    terms = replace(GOOD, minimum_volume_commitment_percent=commitment, activity_type=activity)
    assert rules(terms) == expected


@pytest.mark.parametrize(
    ("bands", "activity", "expected"),
    [
        (0, ActivityType.PERENNIAL, ["no_notice_schedule"]),
        (1, ActivityType.PERENNIAL, []),
        (0, ActivityType.CAMPAIGN, []),
        (0, ActivityType.PUNCTUAL, []),
    ],
)
def test_notice_schedule(bands, activity, expected):
    assert rules(replace(GOOD, notice_schedule_bands=bands, activity_type=activity)) == expected


def test_no_notice_schedule_cites_the_third_commitment():
    (advisory,) = review(replace(GOOD, notice_schedule_bands=0))
    assert advisory.reference == text("reference-notice-schedule")
    assert render(advisory.reference, "fr").startswith(
        "Label Responsabilité Sociale, 3e engagement des donneurs d'ordre : délais de "
        "prévenance minimaux convenus"
    )
    assert "3rd commitment" in render(advisory.reference, "en")


CAL, BUS, MON = LeadTimeUnit.CALENDAR_DAYS, LeadTimeUnit.BUSINESS_DAYS, LeadTimeUnit.CALENDAR_MONTHS


def schedule(*bands: tuple[int | None, int, LeadTimeUnit]) -> dict:
    return {
        "notice_schedule_bands": len(bands),
        "notice_schedule": tuple(
            NoticeBand(None if bound is None else Decimal(bound), lead, unit)
            for bound, lead, unit in bands
        ),
    }


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (((10, 14, CAL), (30, 20, BUS), (None, 3, MON)), None),  # the samples' kind
        (((10, 11, CAL), (None, 1, MON)), None),  # 11 calendar days hold 7 working days
        (((10, 7, BUS), (None, 1, MON)), None),
        (((10, 10, CAL), (None, 1, MON)), ("10 calendar days", 6)),
        (((10, 6, BUS), (None, 1, MON)), ("6 business days", 6)),
        (((10, 1, BUS), (None, 3, MON)), ("1 business day", 1)),
        ((((None, 1, CAL)),), ("1 calendar day", 0)),
        # The band giving the fewest, wherever it is in the schedule.
        (((10, 14, CAL), (30, 5, BUS), (None, 3, MON)), ("5 business days", 5)),
    ],
)
@pytest.mark.parametrize("activity", list(ActivityType))
def test_a_notice_band_below_the_agents_floor_on_any_work(bands, expected, activity):
    advisories = review(replace(GOOD, activity_type=activity, **schedule(*bands)))
    if expected is None:
        assert advisories == []
        return
    (advisory,) = advisories
    observed, working_days = expected
    assert advisory.rule == "notice_band_below_agent_floor"
    assert (advisory.observed, advisory.limit) == (observed, "7 working days")
    assert advisory.reference == AGENT_SCHEDULE_REFERENCE
    assert advisory.explanation.values["working_days"] == working_days
    assert advisory.explanation.values["limit"] == text("lead-time-business-days", count=7)


def test_a_notice_band_below_the_agents_floor_in_french():
    terms = replace(GOOD, **schedule((10, 8, CAL), (30, 20, BUS), (None, 3, MON)))
    (advisory,) = review(terms)
    assert advisory.explanation == text(
        "purchasing-notice-band-below-agent-floor-calendar-explanation",
        band=text("lead-time-band-up-to", percent=Decimal(10)),
        observed=text("lead-time-calendar-days", count=8),
        limit=text("lead-time-business-days", count=7),
        working_days=5,
    )
    assert render(advisory.explanation, "fr") == (
        "La tranche «\u00a0variations jusqu'à 10 %\u00a0» du barème ne prévoit qu'un préavis "
        "de 8 jours calendaires, soit certaines semaines 5 jours ouvrés seulement, en deçà du "
        "délai de prévenance de 7 jours ouvrés dû aux conseillers à temps partiel avant toute "
        "modification de la répartition de leurs horaires : une évolution de charge notifiée "
        "dans ce délai ne peut être absorbée sans bouleverser leurs plannings."
    )
    line = practice_summary(advisory.rule, advisory.explanation, advisory.observed, advisory.limit)
    assert render(line, "fr") == (
        "Tranche de préavis plus courte que le délai de prévenance des conseillers : 8 jours "
        "calendaires (limite : 7 jours ouvrés)"
    )
    terms = replace(GOOD, **schedule((None, 5, BUS)))
    (advisory,) = review(terms)
    assert render(advisory.explanation, "fr").startswith(
        "La tranche «\u00a0toute variation et résiliation\u00a0» du barème ne prévoit qu'un "
        "préavis de 5 jours ouvrés, en deçà du délai de prévenance de 7 jours ouvrés"
    )
    assert render(advisory.reference, "fr").startswith("Code du travail, art. L3123-11 et L3123-31")


def test_every_advisory_in_the_documented_order():
    worst = TenderTerms(
        activity_type=ActivityType.PERENNIAL,
        start=START,
        end=START,
        payment_terms=PaymentTerms(90, end_of_month=False),
        auction_type=AuctionType.REVERSE_AUCTION,
        penalty_cap_percent=None,
        minimum_volume_commitment_percent=None,
        notice_schedule_bands=0,
        price_per_productive_hour=Decimal("15"),
    )
    # No schedule, or one with a band below the agents' floor: the two exclude each other.
    assert rules(worst) == [
        r for r in RULES if r not in ("penalty_cap_above_limit", "notice_band_below_agent_floor")
    ]
    short = replace(worst, notice_schedule_bands=1, notice_schedule=(NoticeBand(None, 1, BUS),))
    assert rules(replace(short, penalty_cap_percent=Decimal("50"))) == [
        r for r in RULES if r not in ("penalties_uncapped", "no_notice_schedule")
    ]
    for advisory in review(worst) + review(short):
        assert isinstance(advisory.reference, Text) and isinstance(advisory.explanation, Text)
        # Every explanation carries the two figures, as phrases, for the finding's summary.
        assert {"observed", "limit"} <= set(advisory.explanation.values)
        for language in ("fr", "en"):
            assert render(advisory.explanation, language).endswith(".")
            assert "sources/" not in render(advisory.reference, language)


WORST = TenderTerms(
    activity_type=ActivityType.PERENNIAL,
    start=START,
    end=date(2026, 10, 31),
    payment_terms=PaymentTerms(90, end_of_month=False),
    auction_type=AuctionType.REVERSE_AUCTION,
    penalty_cap_percent=None,
    minimum_volume_commitment_percent=None,
    notice_schedule_bands=0,
    price_per_productive_hour=Decimal("15"),
)


@pytest.mark.parametrize(
    ("terms", "rule", "summary", "explanation"),
    [
        (
            WORST,
            "payment_terms",
            "Délais de paiement : 90 jours (limite : 60 jours)",
            "Les délais de paiement convenus, 90 jours, dépassent le maximum de 60 jours : le "
            "Code de commerce (art. L441-10, I) interdit de convenir de plus de 60 jours après "
            "la date d'émission de la facture ou, par dérogation expressément stipulée, de 45 "
            "jours fin de mois, et des délais plus longs font financer son client par le centre.",
        ),
        (
            WORST,
            "price_below_floor",
            "Prix inférieur au coût minimal d'un agent : 15,00 € par heure productive "
            "(limite : 15,78 € par heure productive)",
            None,
        ),
        (
            WORST,
            "reverse_auction_perennial",
            "Enchère inversée sur une activité pérenne : enchère inversée (limite : appel "
            "d'offres sous pli fermé ou procédure négociée)",
            "Une enchère inversée sur une activité pérenne fait passer le prix avant les "
            "conditions sociales que le label demande aux donneurs d'ordre de respecter.",
        ),
        (
            WORST,
            "short_perennial_contract",
            "Contrat trop court pour une activité pérenne : 8 mois (limite : 12 mois)",
            None,
        ),
        (
            WORST,
            "penalties_uncapped",
            "Pénalités non plafonnées : aucun plafond (limite : 10 %)",
            "Les pénalités ne sont pas plafonnées : le centre porte sur le contrat un risque "
            "sans limite, là où un plafond d'au plus 10 % de la valeur du contrat est attendu.",
        ),
        (
            replace(WORST, penalty_cap_percent=Decimal("12.5")),
            "penalty_cap_above_limit",
            "Plafond de pénalités trop élevé : 12,5 % (limite : 10 %)",
            "Les pénalités sont plafonnées à 12,5 % de la valeur du contrat, au-delà de 10 % : "
            "un risque disproportionné pour le centre.",
        ),
        (
            WORST,
            "no_volume_commitment",
            "Aucun engagement de volume : aucun engagement (limite : plus de 0 % du volume prévu)",
            "Une activité pérenne sans engagement de volume minimal laisse au centre le coût "
            "des conseillers recrutés pour des volumes qui pourraient ne jamais venir.",
        ),
        (
            replace(WORST, minimum_volume_commitment_percent=Decimal("0")),
            "no_volume_commitment",
            "Aucun engagement de volume : 0 % (limite : plus de 0 % du volume prévu)",
            None,
        ),
        (
            WORST,
            "no_notice_schedule",
            "Aucun barème de délais de prévenance : aucune tranche de délai de prévenance "
            "(limite : au moins une tranche de délai de prévenance)",
            "Une activité pérenne sans délais de prévenance minimaux convenus pour les "
            "variations de charge ne laisse pas au centre le temps d'adapter les plannings de "
            "ses conseillers.",
        ),
    ],
)
def test_each_practice_in_french(terms, rule, summary, explanation):
    (advisory,) = [a for a in review(terms) if a.rule == rule]
    line = practice_summary(rule, advisory.explanation, advisory.observed, advisory.limit)
    assert line.values["rule"] == text("rule-" + rule.replace("_", "-"))
    assert render(line, "fr") == summary
    if explanation is not None:
        assert render(advisory.explanation, "fr") == explanation


def test_the_summary_in_english_keeps_the_figures_it_had():
    (advisory,) = [a for a in review(WORST) if a.rule == "payment_terms"]
    line = practice_summary("payment_terms", advisory.explanation, "90 days", "60 days")
    assert render(line, "en") == "Payment terms: 90 days (limit 60 days)"


def test_an_older_advisory_without_figures_shows_its_record():
    # An event written before the catalogue: its explanation is words, not a Text.
    line = practice_summary("payment_terms", "Agreed payment terms…", "75 days", "60 days")
    assert line.values["observed"] == "75 days"
    assert render(line, "fr") == "Délais de paiement : 75 days (limite : 60 days)"


BEFORE_START = text("purchasing-end-before-start")
NEGATIVE = text("purchasing-negative")
NOT_FINITE = text("purchasing-not-finite")
NONE_AGREED_WITH_TERM = text("purchasing-payment-terms-none-agreed-with-term")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"end": START}, []),
        ({"end": START - timedelta(days=1)}, [Violation("end_date", BEFORE_START)]),
        ({"payment_terms": PaymentTerms(-1, False)}, [Violation("payment_terms.days", NEGATIVE)]),
        ({"payment_terms": PaymentTerms(0, False, none_agreed=True)}, []),
        (
            {"payment_terms": PaymentTerms(30, False, none_agreed=True)},
            [Violation("payment_terms.none_agreed", NONE_AGREED_WITH_TERM)],
        ),
        (
            {"payment_terms": PaymentTerms(0, True, periodic_invoice=True, none_agreed=True)},
            [Violation("payment_terms.none_agreed", NONE_AGREED_WITH_TERM)],
        ),
        ({"penalty_cap_percent": Decimal("-1")}, [Violation("penalty_cap_percent", NEGATIVE)]),
        (
            {"minimum_volume_commitment_percent": Decimal("-0.1")},
            [Violation("minimum_volume_commitment_percent", NEGATIVE)],
        ),
        (
            {"price_per_productive_hour": Decimal("-0.01")},
            [Violation("price_ceiling_per_hour", NEGATIVE)],
        ),
        (
            {"price_per_productive_hour": Decimal("NaN")},
            [Violation("price_ceiling_per_hour", NOT_FINITE)],
        ),
        (
            {"penalty_cap_percent": Decimal("Infinity")},
            [Violation("penalty_cap_percent", NOT_FINITE)],
        ),
        (
            {
                "end": START - timedelta(days=1),
                "payment_terms": PaymentTerms(-5, True),
                "penalty_cap_percent": Decimal("-2"),
            },
            [
                Violation("end_date", BEFORE_START),
                Violation("payment_terms.days", NEGATIVE),
                Violation("penalty_cap_percent", NEGATIVE),
            ],
        ),
    ],
)
def test_invalid_terms(changes, expected):
    assert invalid_terms(replace(GOOD, **changes)) == expected


def test_the_reasons_of_a_refusal_in_french_and_english():
    assert render(BEFORE_START, "fr") == "La date de fin ne peut pas précéder la date de début."
    assert render(NEGATIVE, "fr") == "La valeur ne peut pas être négative."
    assert render(NOT_FINITE, "fr") == "La valeur doit être un nombre fini."
    assert render(NEGATIVE, "en") == "must not be negative"
    assert render(NONE_AGREED_WITH_TERM, "fr") == (
        "Aucun délai de paiement n'étant convenu, le nombre de jours doit être 0 et la mention "
        "« fin de mois » absente."
    )


def decimals(max_value: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, allow_nan=False, allow_infinity=False)


@st.composite
def payment_terms(draw) -> PaymentTerms:
    if draw(st.booleans()):  # none agreed: nothing but whether the invoicing is periodic
        return PaymentTerms(0, False, periodic_invoice=draw(st.booleans()), none_agreed=True)
    return PaymentTerms(
        draw(st.integers(min_value=0)), draw(st.booleans()), periodic_invoice=draw(st.booleans())
    )


@st.composite
def valid_terms(draw) -> TenderTerms:
    start = draw(st.dates())
    return TenderTerms(
        activity_type=draw(st.sampled_from(ActivityType)),
        start=start,
        end=draw(st.dates(min_value=start)),
        payment_terms=draw(payment_terms()),
        auction_type=draw(st.sampled_from(AuctionType)),
        penalty_cap_percent=draw(st.none() | decimals(10**6)),
        minimum_volume_commitment_percent=draw(st.none() | decimals(100)),
        notice_schedule_bands=draw(st.integers(min_value=0, max_value=20)),
        price_per_productive_hour=draw(st.none() | decimals(10**9)),
    )


@given(valid_terms(), st.none() | st.dates())
def test_review_never_raises_and_uses_documented_ids(terms, on):
    assert invalid_terms(terms) == []
    advisories = review(terms, on=on)
    ids = [a.rule for a in advisories]
    assert set(ids) <= set(RULES)
    assert ids == sorted(ids, key=RULES.index) and len(set(ids)) == len(ids)
    if terms.activity_type is not ActivityType.PERENNIAL:
        assert not set(ids) & PERENNIAL_ONLY


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=0, max_value=2000))
def test_whole_months_is_the_count_of_month_anniversaries_up_to_the_day_after_end(start, days):
    end = start + timedelta(days=days)

    def anniversary(months: int) -> date:
        # Day d of the month `months` later, or its last day when it has no day d.
        years, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + years, month + 1
        return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))

    expected = max(m for m in range(0, 70) if anniversary(m) <= end + timedelta(days=1))
    assert whole_months(start, end) == expected
