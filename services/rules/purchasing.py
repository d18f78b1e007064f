"""Responsible purchasing: the ordering parties' 2nd commitment, checked on a tender's terms.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre": "Non
utilisation de pratiques d'achat ne reflétant pas une responsabilité sociale". The practices
checked, and where each limit comes from:
- payment terms: Code de commerce L441-10, I (at most 60 days after the invoice's issue date,
  or 45 days end of month; 45 days after the issue date of a periodic invoice); the legal
  maxima are not parameters, and a tender that agrees no term gets the law's default;
- an abnormally low price: by analogy with public procurement (Code de la commande publique
  L2152-5 and L2152-6), below what an agent paid the minimum wage (SMIC) costs per productive
  hour: each SMIC with its décret or arrêté, the employer contributions left at the SMIC after
  the general reduction (Code de la sécurité sociale L241-13) and the productive share of paid
  hours, the last two the committee's choices;
- on perennial work, as listed by the RFAR responsible-purchasing charter and label (ISO
  20400): a reverse auction, a contract too short, no minimum volume commitment, and no notice
  schedule (the label's 3rd commitment: minimum notice periods agreed per contract);
- on any work: penalties that are not capped, or capped too high.

Every result is an advisory, never a refusal: the label must not distort competition in
tenders (sources/004, §3). `invalid_terms` is the only refusal, for input that makes no sense.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum

from services.rules import Violation, lead_time
from services.rules.figures import months_record
from services.rules.wording import Text, text


class ActivityType(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.ActivityType)."""

    PERENNIAL = 1
    CAMPAIGN = 2
    PUNCTUAL = 3


class AuctionType(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.AuctionType)."""

    SEALED_BID = 1
    NEGOTIATED = 2
    REVERSE_AUCTION = 3


# Code de commerce art. L441-10, I, in force since ordonnance n° 2019-359 of 24 April 2019:
# al. 2, at most 60 days after the invoice's issue date; al. 3, by derogation, 45 days end of
# month if the contract says so expressly; al. 4, for a periodic invoice (Code général des
# impôts art. 289, I, 3), 45 days after its issue date, with no end-of-month derogation.
MAX_PAYMENT_DAYS = 60
MAX_PAYMENT_DAYS_END_OF_MONTH = 45
MAX_PAYMENT_DAYS_PERIODIC = 45
# al. 1: with no term agreed (nor in the centre's conditions of sale), at most 30 days after
# the service is performed. A default shorter than any agreed maximum: never an advisory.
DEFAULT_PAYMENT_DAYS = 30
# "N days end of month" ends on a month's last day, which falls up to 30 days after the N
# days from the invoice (an invoice dated the 1st of a 31-day month, whichever way the end of
# month is counted).
END_OF_MONTH_REACH = 30

# The label's 2nd commitment with the RFAR charter (ISO 20400), for the perennial-work rules.
PERENNIAL_PURCHASING = text("reference-perennial-purchasing")
# Payment terms on a periodic invoice: L441-10, I, al. 4, and what a periodic invoice is.
PERIODIC_PAYMENT_TERMS = text("reference-payment-terms-periodic")
REFERENCES = {
    "payment_terms": text("reference-payment-terms"),
    "price_below_floor": text("reference-price-below-floor"),
    "reverse_auction_perennial": PERENNIAL_PURCHASING,
    "short_perennial_contract": PERENNIAL_PURCHASING,
    "penalties_uncapped": PERENNIAL_PURCHASING,
    "penalty_cap_above_limit": PERENNIAL_PURCHASING,
    "no_volume_commitment": PERENNIAL_PURCHASING,
    # The 3rd commitment (minimum notice periods agreed per contract), then the 2nd.
    "no_notice_schedule": text("reference-notice-schedule"),
    # Agents' part-time schedules (Code du travail L3123-11, L3123-31, L3123-24), on any work.
    "notice_band_below_agent_floor": lead_time.AGENT_SCHEDULE_REFERENCE,
}
# The rule ids, in the order `review` returns its advisories: at most one per rule, and the
# two penalty rules exclude each other.
RULES = tuple(REFERENCES)
PERENNIAL_ONLY = frozenset(
    {
        "reverse_auction_perennial",
        "short_perennial_contract",
        "no_volume_commitment",
        "no_notice_schedule",
    }
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PaymentTerms:
    days: int  # >= 0, after the invoice's issue date
    end_of_month: bool  # "45 jours fin de mois" style when True
    periodic_invoice: bool = False  # one invoice for a month's distinct services (CGI 289, I, 3)
    none_agreed: bool = False  # no term agreed: the law's default applies (days 0, no end of month)


@dataclass(frozen=True)
class MinimumWage:
    """The SMIC's gross hourly amount in metropolitan France and the overseas departments from
    a date, and the décret or arrêté that set it (a Text, so that it is cited in the advisory)."""

    effective_from: date
    hourly: Decimal  # EUR, gross
    act: Text

    def __post_init__(self) -> None:
        if not self.hourly > 0:
            raise ValueError("the minimum wage must be positive")


def decree(number: str, signed: date) -> Text:
    return text("purchasing-smic-decree", number=number, signed=signed)


def order(signed: date) -> Text:
    return text("purchasing-smic-order", signed=signed)


# The SMIC from 2023 on (Code du travail L3231-2 ff.: a décret every 1 January, L3231-6; an
# arrêté within the year when prices have risen 2 %, L3231-5), as each text states it. Before
# the first there is no floor and a price is not checked; the last stays in force until the
# next is added here, so the floor may lag behind the SMIC but never runs ahead of it.
SMIC = (
    MinimumWage(date(2023, 1, 1), Decimal("11.27"), decree("2022-1608", date(2022, 12, 22))),
    MinimumWage(date(2023, 5, 1), Decimal("11.52"), order(date(2023, 4, 26))),
    MinimumWage(date(2024, 1, 1), Decimal("11.65"), decree("2023-1216", date(2023, 12, 20))),
    # Brought forward from 1 January 2025, when the SMIC did not change.
    MinimumWage(date(2024, 11, 1), Decimal("11.88"), decree("2024-951", date(2024, 10, 23))),
    MinimumWage(date(2026, 1, 1), Decimal("12.02"), decree("2025-1228", date(2025, 12, 17))),
    # A rise to 12.31 EUR from 1 June 2026 by an arrêté of 22 May 2026 has been reported, not
    # checked against the Journal officiel: to be added once it is.
)


@dataclass(frozen=True)
class CostFloor:
    """What an agent paid the SMIC costs per productive hour, and its inputs."""

    minimum_wage: MinimumWage
    employer_cost_coefficient: Decimal
    productive_share: Decimal

    @property
    def effective_from(self) -> date:
        return self.minimum_wage.effective_from

    @property
    def per_productive_hour(self) -> Decimal:
        """Wage × coefficient ÷ productive share, in EUR per productive hour, to the cent."""
        wage = self.minimum_wage.hourly
        cost = wage * self.employer_cost_coefficient / self.productive_share
        return cost.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PurchasingPolicy:
    # The SMIC in force on a date is the latest effective_from on or before it.
    minimum_wages: tuple[MinimumWage, ...] = SMIC
    # The committee's choices, which no text fixes (docs/rules.md gives the reasoning). What
    # a euro of gross wage costs the employer at the SMIC: after the general reduction (Code
    # de la sécurité sociale L241-13) only a few percent of contributions are left there.
    employer_cost_coefficient: Decimal = Decimal("1.05")
    # Productive hours per paid hour: paid leave and public holidays (1,607 hours worked of
    # 1,820 paid, about 0.88), then breaks, training and meetings.
    productive_share: Decimal = Decimal("0.80")
    max_penalty_cap_percent: Decimal = Decimal("10")
    min_perennial_months: int = 12

    def __post_init__(self) -> None:
        dates = [w.effective_from for w in self.minimum_wages]
        if len(set(dates)) != len(dates):
            raise ValueError("two minimum wages take effect on the same date")
        if not self.employer_cost_coefficient >= 1:
            raise ValueError("the employer cost coefficient must be at least 1")
        if not 0 < self.productive_share <= 1:
            raise ValueError("the productive share must be in (0, 1]")

    def cost_floor_on(self, day: date) -> CostFloor | None:
        """The floor in force on `day`; None before the first minimum wage known."""
        in_force = [w for w in self.minimum_wages if w.effective_from <= day]
        if not in_force:
            return None
        wage = max(in_force, key=lambda w: w.effective_from)
        return CostFloor(wage, self.employer_cost_coefficient, self.productive_share)


DEFAULT_POLICY = PurchasingPolicy()


@dataclass(frozen=True)
class TenderTerms:
    activity_type: ActivityType
    start: date
    end: date  # last day of the contract, inclusive
    payment_terms: PaymentTerms
    auction_type: AuctionType
    penalty_cap_percent: Decimal | None  # None = penalties not capped
    minimum_volume_commitment_percent: Decimal | None  # None or 0 = no volume commitment
    notice_schedule_bands: int  # how many bands the notice schedule has; 0 = none
    # The tender's ceiling or the bid's price, EUR per productive hour; None = not stated.
    price_per_productive_hour: Decimal | None
    # The notice schedule's bands (valid: lead_time.schedule_problems), for the agents' floor.
    notice_schedule: tuple[lead_time.NoticeBand, ...] = ()


@dataclass(frozen=True)
class Advisory:
    """`observed` and `limit` are the figures as a fixed record ("75 days", "21.40 EUR/h"):
    the same in every language, kept in the events and the findings' evidence. The words
    people read are the Texts, and the explanation carries the same two figures as phrases
    (arguments `observed` and `limit`) for the finding's summary (`practice_summary`)."""

    rule: str  # one of RULES
    observed: str  # e.g. "75 days", "21.40 EUR/h", "8 months"
    limit: str  # e.g. "60 days", "21.79 EUR/h", "12 months"
    reference: Text  # the source (law article or label commitment)
    explanation: Text  # one sentence a committee member understands


def invalid_terms(terms: TenderTerms) -> list[Violation]:
    """What makes the terms meaningless (refused with INVALID_ARGUMENT); [] when valid."""
    problems = []
    if terms.end < terms.start:
        problems.append(Violation("end_date", text("purchasing-end-before-start")))
    if terms.payment_terms.days < 0:
        problems.append(Violation("payment_terms.days", text("purchasing-negative")))
    payment = terms.payment_terms
    if payment.none_agreed and (payment.days or payment.end_of_month):
        reason = text("purchasing-payment-terms-none-agreed-with-term")
        problems.append(Violation("payment_terms.none_agreed", reason))
    for name, value in (
        ("penalty_cap_percent", terms.penalty_cap_percent),
        ("minimum_volume_commitment_percent", terms.minimum_volume_commitment_percent),
        ("price_ceiling_per_hour", terms.price_per_productive_hour),
    ):
        if value is None:
            continue
        if not value.is_finite():
            problems.append(Violation(name, text("purchasing-not-finite")))
        elif value < 0:
            problems.append(Violation(name, text("purchasing-negative")))
    return problems


def review(
    terms: TenderTerms, policy: PurchasingPolicy = DEFAULT_POLICY, *, on: date | None = None
) -> list[Advisory]:
    """The advisories on valid terms, in the order of RULES.

    `on` is the date whose cost floor applies: the start of the contract unless given (at
    award, the award date). No floor in force on that date: the price is not checked."""
    perennial = terms.activity_type is ActivityType.PERENNIAL
    found = [
        _payment_terms(terms.payment_terms),
        _price_below_floor(terms.price_per_productive_hour, policy, on or terms.start),
        _reverse_auction(terms.auction_type) if perennial else None,
        _short_contract(terms.start, terms.end, policy.min_perennial_months) if perennial else None,
        _penalties(terms.penalty_cap_percent, policy.max_penalty_cap_percent),
        _no_volume_commitment(terms.minimum_volume_commitment_percent) if perennial else None,
        _no_notice_schedule(terms.notice_schedule_bands) if perennial else None,
        _notice_band_below_agent_floor(terms.notice_schedule),
    ]
    return [a for a in found if a is not None]


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to the day after `end` (end inclusive, end >= start).

    A month from day d ends before day d of the next month, or before the day after that
    month's last day when it has no day d (Code de procédure civile art. 641): 1 January to
    31 December is 12 months, 15 January to 14 January is 12, 31 March to 29 April is 1.
    Computed on year/month/day, so that date.max is no special case."""
    months = (end.year - start.year) * 12 + end.month - start.month
    last_day = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last_day:
        return months + 1  # the day after `end` starts the next month
    anniversary = min(start.day, last_day)  # the day the last counted month would end
    return months if anniversary <= end.day + 1 else months - 1


def practice_summary(rule: str, explanation: Text | str, observed: str, limit: str) -> Text:
    """A purchasing-practice finding's one line: the rule's title and the figures, as phrases
    when the advisory's explanation carries them, else (an older record) its fixed record."""
    figures = explanation.values if isinstance(explanation, Text) else {}
    return text(
        "purchasing-practice-summary",
        rule=text("rule-" + rule.replace("_", "-")),
        observed=figures.get("observed", observed),
        limit=figures.get("limit", limit),
    )


def _advisory(rule: str, observed: str, limit: str, explanation: Text) -> Advisory:
    return Advisory(rule, observed, limit, REFERENCES[rule], explanation)


def _payment_terms(terms: PaymentTerms) -> Advisory | None:
    """Code de commerce art. L441-10, I. No term agreed is no practice: the law's default (at
    most 30 days after the service) is shorter than any term the parties may agree."""
    if terms.none_agreed:
        return None
    if terms.periodic_invoice:
        return _periodic_payment_terms(terms)
    limit = MAX_PAYMENT_DAYS_END_OF_MONTH if terms.end_of_month else MAX_PAYMENT_DAYS
    if terms.days <= limit:
        return None
    suffix = " end of month" if terms.end_of_month else ""
    return _advisory(
        "payment_terms",
        f"{terms.days} days{suffix}",
        f"{limit} days{suffix}",
        text(
            "purchasing-payment-terms-explanation",
            observed=_days(terms.days, terms.end_of_month),
            limit=_days(limit, terms.end_of_month),
        ),
    )


def _periodic_payment_terms(terms: PaymentTerms) -> Advisory | None:
    """At most 45 days after a periodic invoice's issue date (L441-10, I, al. 4). An end-of-month
    term is judged at its longest, since the law gives periodic invoices no end-of-month
    derogation: N days end of month can run N + 30 days after the invoice."""
    limit = MAX_PAYMENT_DAYS_PERIODIC
    reach = terms.days + (END_OF_MONTH_REACH if terms.end_of_month else 0)
    if reach <= limit:
        return None
    observed = _days(terms.days, terms.end_of_month)
    limit_phrase = text("purchasing-days-after-periodic-invoice", days=limit)
    if terms.end_of_month:
        explanation = text(
            "purchasing-payment-terms-periodic-end-of-month-explanation",
            observed=observed,
            limit=limit_phrase,
            reach=reach,
        )
    else:
        explanation = text(
            "purchasing-payment-terms-periodic-explanation", observed=observed, limit=limit_phrase
        )
    suffix = " end of month" if terms.end_of_month else ""
    return Advisory(
        "payment_terms",
        f"{terms.days} days{suffix}",
        f"{limit} days after a periodic invoice",
        PERIODIC_PAYMENT_TERMS,
        explanation,
    )


def _price_below_floor(
    price: Decimal | None, policy: PurchasingPolicy, day: date
) -> Advisory | None:
    floor = policy.cost_floor_on(day)
    # No floor before the first SMIC known: nothing to compare with.
    if price is None or floor is None or price >= floor.per_productive_hour:
        return None
    return _advisory(
        "price_below_floor",
        f"{_money(price)} EUR/h",
        f"{_money(floor.per_productive_hour)} EUR/h",
        text(
            "purchasing-price-below-floor-explanation",
            observed=text("purchasing-price-per-hour", price=price),
            limit=text("purchasing-price-per-hour", price=floor.per_productive_hour),
            wage=floor.minimum_wage.hourly,
            since=floor.effective_from,
            act=floor.minimum_wage.act,
            coefficient=floor.employer_cost_coefficient,
            share=floor.productive_share,
        ),
    )


def _penalties(cap: Decimal | None, max_cap: Decimal) -> Advisory | None:
    limit = f"{_number(max_cap)}%"
    if cap is None:
        return _advisory(
            "penalties_uncapped",
            "no cap",
            limit,
            text(
                "purchasing-penalties-uncapped-explanation",
                observed=text("purchasing-no-cap"),
                limit=text("purchasing-percent", percent=max_cap),
            ),
        )
    if cap <= max_cap:
        return None
    return _advisory(
        "penalty_cap_above_limit",
        f"{_number(cap)}%",
        limit,
        text(
            "purchasing-penalty-cap-explanation",
            observed=text("purchasing-percent", percent=cap),
            limit=text("purchasing-percent", percent=max_cap),
        ),
    )


def _reverse_auction(auction: AuctionType) -> Advisory | None:
    if auction is not AuctionType.REVERSE_AUCTION:
        return None
    return _advisory(
        "reverse_auction_perennial",
        "reverse auction",
        "sealed bid or negotiated",
        text(
            "purchasing-reverse-auction-explanation",
            observed=text("purchasing-reverse-auction"),
            limit=text("purchasing-sealed-bid-or-negotiated"),
        ),
    )


def _short_contract(start: date, end: date, min_months: int) -> Advisory | None:
    months = whole_months(start, end)
    if months >= min_months:
        return None
    return _advisory(
        "short_perennial_contract",
        months_record(months),
        months_record(min_months),
        text(
            "purchasing-short-contract-explanation",
            observed=text("purchasing-months", months=months),
            limit=text("purchasing-months", months=min_months),
        ),
    )


def _no_volume_commitment(percent: Decimal | None) -> Advisory | None:
    if percent:  # None and 0 both mean no commitment
        return None
    return _advisory(
        "no_volume_commitment",
        "none" if percent is None else "0%",
        "more than 0% of the forecast volume",
        text(
            "purchasing-no-volume-commitment-explanation",
            observed=text("purchasing-no-volume-commitment")
            if percent is None
            else text("purchasing-percent", percent=percent),
            limit=text("purchasing-volume-commitment-above-zero"),
        ),
    )


def _no_notice_schedule(bands: int) -> Advisory | None:
    if bands > 0:
        return None
    return _advisory(
        "no_notice_schedule",
        "no notice band",
        "at least 1 notice band",
        text(
            "purchasing-no-notice-schedule-explanation",
            observed=text("purchasing-no-notice-band"),
            limit=text("purchasing-notice-band-minimum"),
        ),
    )


def _notice_band_below_agent_floor(schedule: tuple[lead_time.NoticeBand, ...]) -> Advisory | None:
    """A band whose lead time can give fewer working days than agents' part-time schedules
    need to be changed (7, Code du travail L3123-31): a change notified just in time cannot be
    absorbed without breaking them. The band giving the fewest, on any work."""
    if not schedule:
        return None
    band = min(schedule, key=lead_time.fewest_working_days)
    fewest = lead_time.fewest_working_days(band)
    floor = lead_time.AGENT_SCHEDULE_NOTICE_WORKING_DAYS
    if fewest >= floor:
        return None
    unit = lead_time.LeadTimeUnit(band.unit)
    message = "purchasing-notice-band-below-agent-floor-explanation"
    if unit is not lead_time.LeadTimeUnit.BUSINESS_DAYS:
        message = "purchasing-notice-band-below-agent-floor-calendar-explanation"
    return _advisory(
        "notice_band_below_agent_floor",
        _lead_record(band.lead_time, unit),
        f"{floor} working days",
        text(
            message,
            band=lead_time.band_text(schedule, band),
            observed=lead_time.amount_text(band.lead_time, unit),
            limit=lead_time.amount_text(floor, lead_time.LeadTimeUnit.BUSINESS_DAYS),
            working_days=fewest,
        ),
    )


def _lead_record(count: int, unit: lead_time.LeadTimeUnit) -> str:
    """The record of a lead time: "5 business days", "1 calendar month"."""
    words = unit.name.lower().replace("_", " ")
    return f"{count} {words.removesuffix('s') if count == 1 else words}"


def _days(days: int, end_of_month: bool) -> Text:
    if end_of_month:
        return text("purchasing-days-end-of-month", days=days)
    return text("purchasing-days", days=days)


def _money(amount: Decimal) -> str:
    """To the cent, or every digit when more precise: a price a fraction of a cent below the
    floor must not display as equal to it."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{amount:f}"
    return f"{amount:.2f}"


def _number(value: Decimal) -> str:
    return f"{value:f}"  # every digit, never in exponent notation
