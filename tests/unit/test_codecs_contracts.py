"""Tenders, bids and contracts from the protos into the rules' terms, and the rules'
answers back as protos: the codec the contracts service's use cases speak through."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.labels.v1 import labels_pb2

from services.cli.samples import responsible_tender
from services.codecs import contracts as codec
from services.common import wording
from services.rules import purchasing
from services.rules.policy import DEFAULT_POLICY, CommitteePolicy
from services.rules.relationship import ContractPeriod
from services.rules.wording import text

START = date(2026, 4, 1)
CENTRE = labels_pb2.Centre(
    centre_id="ctr-1",
    sites=[
        labels_pb2.Site(site_id="lille", country="FR"),
        labels_pb2.Site(site_id="rabat", country="MA"),
    ],
)


def test_the_terms_in_the_rules_words():
    terms = responsible_tender(START)
    rule = codec.rule_terms(terms, codec.ceiling(terms))
    assert (rule.activity_type, rule.auction_type) == (
        purchasing.ActivityType.PERENNIAL,
        purchasing.AuctionType.SEALED_BID,
    )
    assert (rule.start, rule.end) == (START, date(2029, 3, 31))
    assert rule.payment_terms == purchasing.PaymentTerms(45, False)
    assert (rule.penalty_cap_percent, rule.minimum_volume_commitment_percent) == (
        Decimal(8),
        Decimal(70),
    )
    # Per productive hour already: the ceiling's 3,200 cents are 32 EUR/h.
    assert rule.price_per_productive_hour == Decimal("32")
    assert (rule.notice_schedule_bands, len(rule.notice_schedule)) == (3, 3)


def test_absent_figures_stay_absent():
    terms = responsible_tender(START)
    for name in ("penalty_cap_percent", "minimum_volume_commitment_percent", "price_ceiling_cents"):
        terms.ClearField(name)
    assert codec.ceiling(terms) is None
    rule = codec.rule_terms(terms, codec.ceiling(terms))
    assert (rule.penalty_cap_percent, rule.minimum_volume_commitment_percent) == (None, None)
    assert rule.price_per_productive_hour is None


def test_a_price_per_contact_is_turned_into_euros_per_productive_hour():
    terms = responsible_tender(START)
    terms.price_basis = pb.PRICE_BASIS_PER_HANDLED_CONTACT
    # 40,000 contacts in 6,000 productive hours: 4.50 EUR a contact is 30 EUR/h.
    assert codec.hourly(terms, 450) == Decimal(30)


def test_responsible_terms_have_no_problem():
    assert codec.terms_problems(responsible_tender(START)) == []


def test_a_date_that_does_not_exist_is_the_only_problem_said():
    terms = responsible_tender(START)
    terms.end_date.CopyFrom(Date(year=2027, month=2, day=30))
    terms.allowed_site_countries.append("XX")
    (problem,) = codec.terms_problems(terms)
    assert problem.field == "terms.end_date"


def test_the_problems_name_the_callers_fields():
    terms = responsible_tender(START)
    terms.end_date.CopyFrom(Date(year=2026, month=3, day=1))
    terms.allowed_site_countries.append("XX")
    problems = codec.terms_problems(terms)
    assert [(p.field, p.reason) for p in problems] == [
        ("terms.end_date", text("purchasing-end-before-start")),
        ("terms.allowed_site_countries[1]", text("error-country-code", country="XX")),
    ]


@pytest.mark.parametrize(
    ("site", "allowed", "reason"),
    [
        ("lille", ("FR",), None),
        ("rabat", (), None),
        ("rabat", ("FR",), text("tender-site-country-refused", country="MA", allowed=("FR",))),
        ("roubaix", ("FR",), text("contract-site-unknown", site="'roubaix'", centre="ctr-1")),
    ],
)
def test_a_proposed_site_is_one_of_the_centres_in_an_allowed_country(site, allowed, reason):
    problems = codec.site_problems([pb.ProposedSite(site_id=site)], CENTRE, allowed, "at")
    assert [(p.field, p.reason) for p in problems] == (
        [] if reason is None else [("at[0].site_id", reason)]
    )


def test_proposed_sites_take_the_registrys_country():
    sites = codec.with_countries([pb.ProposedSite(site_id="rabat", country="FR")], CENTRE)
    assert [(s.site_id, s.country) for s in sites] == [("rabat", "MA")]


def test_an_advisory_carries_its_texts_and_their_wording():
    terms = responsible_tender(START)
    terms.payment_terms.days = 75
    (advisory,) = codec.review(terms, None, DEFAULT_POLICY)
    assert (advisory.rule, advisory.observed, advisory.limit) == (
        "payment_terms",
        "75 days",
        "60 days",
    )
    assert isinstance(wording.text_of(advisory, "explanation"), type(text("x")))
    assert advisory.explanation.startswith("Les délais de paiement convenus, 75 jours,")
    assert advisory.policy_version == 0


def test_an_advisory_applies_the_policy_in_force_and_names_its_version():
    """Version 4 caps penalties at 5 %: a 8 % cap the defaults accept is an advisory."""
    terms = responsible_tender(START)
    terms.penalty_cap_percent = 8
    assert codec.review(terms, None, DEFAULT_POLICY) == []
    version_4 = replace(
        DEFAULT_POLICY,
        version=4,
        effective_from=date(2027, 1, 1),
        purchasing=replace(DEFAULT_POLICY.purchasing, max_penalty_cap_percent=Decimal(5)),
    )
    (advisory,) = codec.review(terms, None, version_4)
    assert (advisory.rule, advisory.policy_version) == ("penalty_cap_above_limit", 4)
    assert isinstance(version_4, CommitteePolicy)


def test_a_winning_price_of_zero_gives_the_gap_in_cents_only():
    terms = responsible_tender(START)
    free = pb.Bid(bid_id="b-0", centre_id="ctr-u", price_cents=0)
    labelled = pb.Bid(bid_id="b-1", centre_id="ctr-l", price_cents=2_000)
    found = codec.label_preference_advisory(
        terms, free, [free, labelled], {"ctr-u": False, "ctr-l": True}
    )
    assert found is not None
    assert (found.price_gap_cents, found.price_gap_percent) == (2_000, 0.0)
    assert (found.best_labelled_bid_id, found.best_labelled_centre_id) == ("b-1", "ctr-l")


def test_no_preference_is_owed_when_the_winner_is_labelled_or_the_work_not_perennial():
    terms = responsible_tender(START)
    cheap = pb.Bid(bid_id="b-0", centre_id="ctr-u", price_cents=2_000)
    dear = pb.Bid(bid_id="b-1", centre_id="ctr-l", price_cents=2_500)
    labels = {"ctr-u": False, "ctr-l": True}
    assert codec.label_preference_advisory(terms, dear, [cheap, dear], labels) is None
    terms.activity_type = pb.ACTIVITY_TYPE_CAMPAIGN
    assert codec.label_preference_advisory(terms, cheap, [cheap, dear], labels) is None


def test_a_contract_runs_to_its_termination_else_to_the_end_of_its_term():
    contract = pb.Contract(contract_id="c-1", terms=responsible_tender(START))
    assert codec.contract_days(contract) == (START, date(2029, 3, 31))
    contract.terminated_on.CopyFrom(Date(year=2027, month=6, day=30))
    assert codec.contract_days(contract) == (START, date(2027, 6, 30))
    assert codec.contract_period(contract) == ContractPeriod("c-1", START, date(2027, 6, 30))


def test_a_contract_terminated_before_it_started_is_a_period_of_one_day():
    contract = pb.Contract(contract_id="c-1", terms=responsible_tender(START))
    contract.terminated_on.CopyFrom(Date(year=2026, month=3, day=15))
    assert codec.contract_period(contract) == ContractPeriod("c-1", START, START)
