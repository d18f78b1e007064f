"""From the contracts service's advisories to the compliance findings: the advisory protos
carry the rules' Texts, and the findings' summaries say the rule and the figures in French
(English on request), the figures' record left unchanged in the evidence."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from vigie.compliance.v1 import compliance_pb2
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events

from services.codecs import contracts as codec
from services.common import topics, wording
from services.common.envelope import decode, wrap
from services.compliance.checks.findings import findings_for
from services.rules import label_preference, purchasing
from services.rules.wording import text

TERMS = purchasing.TenderTerms(
    activity_type=purchasing.ActivityType.CAMPAIGN,
    start=date(2026, 3, 1),
    end=date(2026, 8, 31),
    payment_terms=purchasing.PaymentTerms(75, end_of_month=False),
    auction_type=purchasing.AuctionType.SEALED_BID,
    penalty_cap_percent=Decimal("10"),
    minimum_volume_commitment_percent=None,
    notice_schedule_bands=0,
    price_per_productive_hour=None,
)


def envelope(payload):
    event = wrap(
        topics.TENDER_EVENTS,
        payload,
        aggregate_id="t-1",
        producer="test",
        occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )
    return decode(event.value)


def test_the_advisory_proto_carries_the_texts_in_french():
    (rule_advisory,) = purchasing.review(TERMS)
    advisory = codec.advisory(rule_advisory, 0)
    assert (advisory.rule, advisory.observed, advisory.limit) == (
        "payment_terms",
        "75 days",
        "60 days",
    )
    assert wording.text_of(advisory, "explanation") == rule_advisory.explanation
    assert wording.text_of(advisory, "reference") == rule_advisory.reference
    assert advisory.reference == "Code de commerce, art. L441-10, I, al. 2 et 3"
    assert advisory.explanation.startswith("Les délais de paiement convenus, 75 jours,")


def test_a_practice_finding_says_the_rule_and_the_figures():
    (rule_advisory,) = purchasing.review(TERMS)
    tender = cpb.Tender(
        tender_id="t-1",
        ordering_party_id="op-1",
        terms=cpb.TenderTerms(activity_type=cpb.ACTIVITY_TYPE_CAMPAIGN),
        advisories=[codec.advisory(rule_advisory, 0)],
    )
    (finding,) = findings_for(*envelope(contract_events.TenderRegistered(tender=tender)))
    assert wording.text_of(finding, "summary") == text(
        "purchasing-practice-summary",
        rule=text("rule-payment-terms"),
        observed=text("purchasing-days", days=75),
        limit=text("purchasing-days", days=60),
    )
    assert finding.summary == "Délais de paiement : 75 jours (limite : 60 jours)"
    assert wording.localise(finding, "en").summary == "Payment terms: 75 days (limit 60 days)"
    assert dict(finding.evidence) == {"observed": "75 days", "limit": "60 days"}


def test_the_label_preference_finding_names_both_centres_and_the_gap():
    terms = cpb.TenderTerms(
        activity_type=cpb.ACTIVITY_TYPE_PERENNIAL,
        price_basis=cpb.PRICE_BASIS_PER_PRODUCTIVE_HOUR,
    )
    cheap = cpb.Bid(bid_id="b-1", centre_id="ctr-u", price_cents=2_500)
    dear = cpb.Bid(bid_id="b-2", centre_id="ctr-l", price_cents=2_600)
    preference = codec.label_preference_advisory(
        terms, cheap, [dear, cheap], {"ctr-u": False, "ctr-l": True}
    )
    assert preference is not None
    assert wording.text_of(preference, "reference") == label_preference.REFERENCE
    assert preference.explanation.startswith(
        "L'activité pérenne a été confiée au centre non labellisé ctr-u alors que le centre "
        "labellisé ctr-l avait remis une offre plus chère de 1,00 € par heure productive (4 %)"
    )
    awarded = contract_events.TenderAwarded(
        tender_id="t-1",
        ordering_party_id="op-1",
        bid_id="b-1",
        contract_id="c-1",
        label_preference=preference,
        bids=[dear, cheap],
    )
    (finding,) = findings_for(*envelope(awarded))
    assert wording.text_of(finding, "summary") == label_preference.summary(
        "ctr-u", "ctr-l", Decimal("1"), Decimal("4")
    )
    assert finding.summary == (
        "Activité pérenne confiée au centre non labellisé ctr-u ; l'offre du centre labellisé "
        "ctr-l était plus chère de 1,00 € par heure productive (4 %)."
    )
    assert wording.text_of(finding, "explanation") == wording.text_of(preference, "explanation")


def test_a_winning_price_of_zero_gives_a_gap_without_a_percentage():
    preference = cpb.LabelPreferenceAdvisory(
        winning_centre_id="ctr-u",
        best_labelled_centre_id="ctr-l",
        price_gap_cents=1,
        price_gap_percent=0.0,  # infinite, as the event carries it
    )
    awarded = contract_events.TenderAwarded(tender_id="t-1", label_preference=preference)
    (finding,) = findings_for(*envelope(awarded))
    assert finding.summary.endswith("était plus chère de 0,01 € par heure productive.")


def test_payment_terms_on_a_periodic_invoice_make_a_serious_finding_saying_so():
    terms = purchasing.PaymentTerms(50, end_of_month=False, periodic_invoice=True)
    (rule_advisory,) = purchasing.review(replace(TERMS, payment_terms=terms))
    tender = cpb.Tender(
        tender_id="t-2",
        ordering_party_id="op-1",
        terms=cpb.TenderTerms(activity_type=cpb.ACTIVITY_TYPE_CAMPAIGN),
        advisories=[codec.advisory(rule_advisory, 0)],
    )
    (finding,) = findings_for(*envelope(contract_events.TenderRegistered(tender=tender)))
    assert finding.severity == compliance_pb2.SEVERITY_SERIOUS
    assert finding.summary == (
        "Délais de paiement : 50 jours (limite : 45 jours après l'émission de la facture "
        "périodique)"
    )
    assert finding.reference.startswith("Code de commerce, art. L441-10, I, al. 4 ;")
    assert dict(finding.evidence) == {
        "observed": "50 days",
        "limit": "45 days after a periodic invoice",
    }
