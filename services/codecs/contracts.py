"""Tenders, bids and contracts (vigie.contracts.v1) in the rules' terms, and the rules'
advisories and refusals back as protos and `Violation`s."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import pycountry
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.codecs.schedules import rule_schedule
from services.common import wording
from services.common.errors import quote
from services.common.protos import optional_date, to_date
from services.common.validation import date_problem
from services.rules import Violation, label_preference, lead_time, pricing, purchasing
from services.rules.policy import CommitteePolicy
from services.rules.relationship import ContractPeriod
from services.rules.wording import text

DATE_FIELDS = ("start_date", "end_date")


def rule_terms(terms: pb.TenderTerms, price_cents: int | None) -> purchasing.TenderTerms:
    """The tender's terms in the rules' own words; the price in euros per productive hour."""
    return purchasing.TenderTerms(
        activity_type=purchasing.ActivityType(terms.activity_type),
        start=to_date(terms.start_date),
        end=to_date(terms.end_date),
        payment_terms=purchasing.PaymentTerms(
            terms.payment_terms.days,
            terms.payment_terms.end_of_month,
            periodic_invoice=terms.payment_terms.periodic_invoice,
            none_agreed=terms.payment_terms.none_agreed,
        ),
        auction_type=purchasing.AuctionType(terms.auction_type),
        penalty_cap_percent=_optional_percent(terms, "penalty_cap_percent"),
        minimum_volume_commitment_percent=_optional_percent(
            terms, "minimum_volume_commitment_percent"
        ),
        notice_schedule_bands=len(terms.notice_schedule.bands),
        price_per_productive_hour=None if price_cents is None else hourly(terms, price_cents),
        notice_schedule=tuple(rule_schedule(terms.notice_schedule)),
    )


def contract_days(contract: pb.Contract) -> tuple[date, date]:
    """A contract's first and last day: the termination's last day when it was terminated,
    else the end of its term."""
    first = to_date(contract.terms.start_date)
    return first, optional_date(contract, "terminated_on") or to_date(contract.terms.end_date)


def contract_period(contract: pb.Contract) -> ContractPeriod:
    """The contract as a period of the relationship it belongs to (never ending before it
    starts, for a termination notified before the start)."""
    first, last = contract_days(contract)
    return ContractPeriod(contract.contract_id, first, max(first, last))


def hourly(terms: pb.TenderTerms, price_cents: int) -> Decimal:
    """A price in cents on the tender's basis, in euros per productive hour."""
    return pricing.per_productive_hour(
        price_cents,
        pricing.PriceBasis(terms.price_basis),
        terms.forecast.contacts_per_month,
        terms.forecast.productive_hours_per_month,
    )


def ceiling(terms: pb.TenderTerms) -> int | None:
    """The tender's price ceiling in cents, if it sets one."""
    return terms.price_ceiling_cents if terms.HasField("price_ceiling_cents") else None


def terms_problems(terms: pb.TenderTerms) -> list[Violation]:
    """What makes the terms invalid (not merely ill-advised): refused with INVALID_ARGUMENT."""
    found = (date_problem(getattr(terms, name), f"terms.{name}") for name in DATE_FIELDS)
    problems = [problem for problem in found if problem is not None]
    if problems:
        return problems
    # The rules speak of the ceiling in euros per hour; the caller sent cents.
    renamed = {"price_ceiling_per_hour": "price_ceiling_cents"}
    problems += [
        Violation(f"terms.{renamed.get(v.field, v.field)}", v.reason)
        for v in purchasing.invalid_terms(rule_terms(terms, ceiling(terms)))
    ]
    for i, country in enumerate(terms.allowed_site_countries):
        if pycountry.countries.get(alpha_2=country) is None:
            problems.append(
                Violation(
                    f"terms.allowed_site_countries[{i}]",
                    text("error-country-code", country=country),
                )
            )
    problems += schedule_problems(terms.notice_schedule, "terms.notice_schedule.bands")
    return problems


def schedule_problems(schedule: pb.NoticeSchedule, where: str) -> list[Violation]:
    return lead_time.schedule_problems(rule_schedule(schedule), where)


def site_problems(
    sites: Sequence[pb.ProposedSite],
    centre: labels_pb2.Centre,
    allowed_countries: Sequence[str],
    prefix: str = "sites",
) -> list[Violation]:
    """Each proposed site one of the centre's, in a country the tender allows (any country
    when `allowed_countries` is empty)."""
    known = {s.site_id: s.country for s in centre.sites}
    problems = []
    for i, site in enumerate(sites):
        where = f"{prefix}[{i}].site_id"
        if site.site_id not in known:
            reason = text(
                "contract-site-unknown", site=quote(site.site_id), centre=centre.centre_id
            )
            problems.append(Violation(where, reason))
        elif allowed_countries and known[site.site_id] not in allowed_countries:
            reason = text(
                "tender-site-country-refused",
                country=known[site.site_id],
                allowed=tuple(allowed_countries),
            )
            problems.append(Violation(where, reason))
    return problems


def with_countries(
    sites: Sequence[pb.ProposedSite], centre: labels_pb2.Centre
) -> list[pb.ProposedSite]:
    """The proposed sites with the country the label registry knows them in."""
    countries = {s.site_id: s.country for s in centre.sites}
    return [pb.ProposedSite(site_id=s.site_id, country=countries[s.site_id]) for s in sites]


def advisory(found: purchasing.Advisory, policy_version: int) -> pb.PurchasingAdvisory:
    """A purchasing advisory as the proto carries it: French words and their Wording, and the
    committee's policy version it applied."""
    message = pb.PurchasingAdvisory(
        rule=found.rule,
        observed=found.observed,
        limit=found.limit,
        policy_version=policy_version,
    )
    wording.fill(message, "reference", found.reference)
    wording.fill(message, "explanation", found.explanation)
    return message


def review(
    terms: pb.TenderTerms, price_cents: int | None, in_force: CommitteePolicy
) -> list[pb.PurchasingAdvisory]:
    """The purchasing practices the terms (at this price) call for under the committee's
    policy in force, as protos."""
    found = purchasing.review(rule_terms(terms, price_cents), in_force.purchasing)
    return [advisory(a, in_force.version) for a in found]


def label_preference_advisory(
    terms: pb.TenderTerms,
    winner: pb.Bid,
    bids: Sequence[pb.Bid],
    labelled: Mapping[str, bool],
) -> pb.LabelPreferenceAdvisory | None:
    """The label preference at the award (1st commitment), as the proto carries it; None
    when the award owes it nothing. `labelled` says, per centre id, whether it is labelled."""

    def view(bid: pb.Bid) -> label_preference.BidView:
        return label_preference.BidView(
            bid.bid_id, bid.centre_id, hourly(terms, bid.price_cents), labelled[bid.centre_id]
        )

    found = label_preference.advisory(
        purchasing.ActivityType(terms.activity_type), view(winner), [view(b) for b in bids]
    )
    if found is None:
        return None
    best = next(b for b in bids if b.bid_id == found.best_labelled_bid_id)
    message = pb.LabelPreferenceAdvisory(
        winning_bid_id=winner.bid_id,
        winning_centre_id=winner.centre_id,
        best_labelled_bid_id=best.bid_id,
        best_labelled_centre_id=best.centre_id,
        price_gap_cents=int(found.price_gap * 100),
        # Infinite only for a winning price of 0.00 EUR/h: then the gap in cents says it.
        price_gap_percent=float(found.price_gap_percent)
        if found.price_gap_percent.is_finite()
        else 0.0,
    )
    wording.fill(message, "reference", found.reference)
    wording.fill(message, "explanation", found.explanation)
    return message


def _optional_percent(terms: pb.TenderTerms, name: str) -> Decimal | None:
    return Decimal(getattr(terms, name)) if terms.HasField(name) else None
