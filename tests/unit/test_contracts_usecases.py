"""The contracts service's use cases on an in-memory unit of work: what each command stores
and emits, what it refuses and why, and that a refused command leaves nothing behind (no
state, no event). No PostgreSQL, no Kafka: `bootstrap` wires the fake as it wires the real
one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import grpc
import pytest
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2

from services.cli.samples import responsible_tender
from services.common import topics
from services.common import uow as common_uow
from services.common.envelope import decode
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    from_rule,
)
from services.common.identity import Caller, Role
from services.common.protos import from_date
from services.common.wording import render
from services.contracts.bootstrap import UseCases, bootstrap
from services.contracts.unit_of_work import PostgresWork
from services.rules import RuleBroken, termination
from services.rules.policy import DEFAULT_POLICY, PolicyBook
from services.rules.wording import text
from tests.unit.fake_contracts_uow import Data, FakeUnitsOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
START = TODAY + timedelta(days=30)

BANK = Caller(Role.ORDERING_PARTY, "op-bank", "alice")
OTHER_BANK = Caller(Role.ORDERING_PARTY, "op-other", "bob")
COMMITTEE = Caller(Role.COMMITTEE, "committee", "carol")
LABELLED = Caller(Role.CENTRE, "ctr-l", "dan")
UNLABELLED = Caller(Role.CENTRE, "ctr-u", "erin")
OUTSIDER = Caller(Role.CENTRE, "ctr-x", "frank")


def centre(centre_id: str, *, labelled: bool, country: str = "FR") -> labels_pb2.Centre:
    label = labels_pb2.Label(status=labels_pb2.LABEL_STATUS_NONE)
    if labelled:
        label = labels_pb2.Label(
            status=labels_pb2.LABEL_STATUS_GRANTED,
            valid_from=from_date(TODAY - timedelta(days=100)),
            valid_until=from_date(TODAY + timedelta(days=900)),
        )
    site = labels_pb2.Site(site_id=f"{centre_id}-s1", name="plateau", country=country)
    return labels_pb2.Centre(centre_id=centre_id, name=centre_id, sites=[site], label=label)


@pytest.fixture
def uows() -> FakeUnitsOfWork:
    data = Data()
    for found in (
        centre("ctr-l", labelled=True),
        centre("ctr-u", labelled=False),
        centre("ctr-x", labelled=True),
        centre("ctr-ma", labelled=True, country="MA"),
    ):
        data.centres[found.centre_id] = found
    return FakeUnitsOfWork(data)


@pytest.fixture
def app(uows: FakeUnitsOfWork) -> UseCases:
    return bootstrap(uows, now=lambda: NOW)


def bid_request(tender_id: str, centre_id: str, price_cents: int) -> pb.SubmitBidRequest:
    return pb.SubmitBidRequest(
        tender_id=tender_id,
        price_cents=price_cents,
        sites=[pb.ProposedSite(site_id=f"{centre_id}-s1")],
    )


async def open_tender(app: UseCases, **changes) -> pb.Tender:
    terms = responsible_tender(START)
    for name, value in changes.items():
        setattr(terms, name, value)
    return await app.tenders.register(BANK, pb.RegisterTenderRequest(terms=terms))


async def signed(app: UseCases, centre: Caller = LABELLED) -> pb.Contract:
    tender = await open_tender(app)
    bid = await app.tenders.submit_bid(
        centre, bid_request(tender.tender_id, centre.organisation_id, 3000)
    )
    awarded = await app.tenders.award(
        BANK, pb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=bid.bid_id)
    )
    return awarded.contract


def refusal(error: RuleBroken) -> FailedPrecondition:
    """As the gRPC layer turns a rule's refusal into FAILED_PRECONDITION."""
    mapped = from_rule(error)
    assert mapped.code is grpc.StatusCode.FAILED_PRECONDITION
    return mapped


# -- registration -------------------------------------------------------------------------


async def test_a_responsible_tender_is_registered_open_without_advisories(app, uows):
    tender = await open_tender(app)
    assert (tender.status, tender.ordering_party_id, list(tender.advisories)) == (
        pb.TENDER_STATUS_OPEN,
        "op-bank",
        [],
    )
    assert tender.registered_at.ToDatetime(tzinfo=UTC) == NOW
    assert uows.data.tenders[tender.tender_id] == tender
    (emitted,) = uows.emitted
    assert (emitted.topic, emitted.key) == (topics.TENDER_EVENTS, tender.tender_id)
    assert emitted.payload == events.TenderRegistered(tender=tender)
    assert uows.commits == 1


async def test_ill_advised_terms_are_registered_with_their_advisories_in_french(app, uows):
    tender = await open_tender(app, auction_type=pb.AUCTION_TYPE_REVERSE_AUCTION)
    (advisory,) = tender.advisories
    assert advisory.rule == "reverse_auction_perennial"
    assert advisory.explanation  # rendered in French from the catalogue
    assert advisory.HasField("explanation_wording")
    (registered,) = uows.payloads(events.TenderRegistered)
    assert list(registered.tender.advisories) == [advisory]


async def test_invalid_terms_are_refused_before_any_unit_of_work(app, uows):
    terms = responsible_tender(START)
    terms.allowed_site_countries.append("XX")
    with pytest.raises(InvalidArgument) as refused:
        await app.tenders.register(BANK, pb.RegisterTenderRequest(terms=terms))
    (violation,) = refused.value.violations
    assert violation.field == "terms.allowed_site_countries[1]"
    assert (uows.data.tenders, uows.emitted, uows.commits) == ({}, [], 0)


# -- bids ---------------------------------------------------------------------------------


async def test_a_bid_on_an_open_tender_carries_its_sites_countries(app, uows):
    tender = await open_tender(app)
    bid = await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 3000))
    assert [(s.site_id, s.country) for s in bid.sites] == [("ctr-l-s1", "FR")]
    assert uows.payloads(events.BidSubmitted) == [events.BidSubmitted(bid=bid)]
    assert uows.emitted[-1].key == tender.tender_id


async def test_a_bid_on_a_closed_tender_is_refused_and_emits_nothing(app, uows):
    tender = await open_tender(app)
    bid = await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 3000))
    await app.tenders.award(
        BANK, pb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=bid.bid_id)
    )
    # The centre that won still sees the tender; the other has no bid and cannot.
    emitted, bids = list(uows.emitted), list(uows.data.bids)
    with pytest.raises(RuleBroken) as refused:
        await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 2900))
    mapped = refusal(refused.value)
    assert (mapped.subject, mapped.reason) == ("tender_id", text("tender-closed"))
    assert render(mapped.reason) == "L'appel d'offres n'est plus ouvert aux offres."
    assert (uows.emitted, uows.data.bids, uows.rollbacks) == (emitted, bids, 1)
    with pytest.raises(NotFound):
        await app.tenders.submit_bid(UNLABELLED, bid_request(tender.tender_id, "ctr-u", 2900))


@pytest.mark.parametrize(
    ("caller", "request_of", "error"),
    [
        # The same centre twice on one tender.
        (LABELLED, lambda t: bid_request(t, "ctr-l", 3100), AlreadyExists),
        # A centre the label registry has not published (yet).
        (
            Caller(Role.CENTRE, "ctr-new", "gus"),
            lambda t: bid_request(t, "ctr-new", 3000),
            FailedPrecondition,
        ),
        # A site the centre does not have, and a site in a country the tender does not allow.
        (UNLABELLED, lambda t: bid_request(t, "ctr-l", 3000), InvalidArgument),
        (
            Caller(Role.CENTRE, "ctr-ma", "hal"),
            lambda t: bid_request(t, "ctr-ma", 3000),
            InvalidArgument,
        ),
    ],
)
async def test_a_refused_bid_leaves_nothing(app, uows, caller, request_of, error):
    tender = await open_tender(app)
    await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 3000))
    before, emitted = list(uows.data.bids), list(uows.emitted)
    with pytest.raises(error):
        await app.tenders.submit_bid(caller, request_of(tender.tender_id))
    assert (uows.data.bids, uows.emitted, uows.rollbacks) == (before, emitted, 1)


async def test_a_site_in_a_country_the_tender_refuses_says_which(app):
    tender = await open_tender(app)
    with pytest.raises(InvalidArgument) as refused:
        await app.tenders.submit_bid(
            Caller(Role.CENTRE, "ctr-ma", "hal"), bid_request(tender.tender_id, "ctr-ma", 3000)
        )
    (violation,) = refused.value.violations
    assert violation.field == "sites[0].site_id"
    assert violation.reason == text("tender-site-country-refused", country="MA", allowed=("FR",))


async def test_each_party_sees_its_own_bids(app):
    tender = await open_tender(app)
    await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 3000))
    await app.tenders.submit_bid(UNLABELLED, bid_request(tender.tender_id, "ctr-u", 2800))
    assert len(await app.tenders.bids(BANK, tender.tender_id)) == 2
    assert [b.centre_id for b in await app.tenders.bids(UNLABELLED, tender.tender_id)] == ["ctr-u"]
    with pytest.raises(NotFound):
        await app.tenders.bids(OTHER_BANK, tender.tender_id)


# -- award --------------------------------------------------------------------------------


async def test_an_award_to_an_unlabelled_centre_over_a_labelled_bid_says_so(app, uows):
    tender = await open_tender(app)
    dear = await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 2600))
    cheap = await app.tenders.submit_bid(UNLABELLED, bid_request(tender.tender_id, "ctr-u", 2500))
    awarded = await app.tenders.award(
        BANK, pb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=cheap.bid_id)
    )
    preference = awarded.label_preference
    assert (preference.winning_centre_id, preference.best_labelled_bid_id) == ("ctr-u", dear.bid_id)
    assert (preference.price_gap_cents, preference.price_gap_percent) == (100, 4.0)
    assert preference.explanation.startswith(
        "L'activité pérenne a été confiée au centre non labellisé ctr-u"
    )
    contract = awarded.contract
    assert (contract.centre_id, contract.price_cents, contract.version) == ("ctr-u", 2500, 1)
    assert not contract.centre_labelled
    assert awarded.tender.status == pb.TENDER_STATUS_AWARDED
    assert awarded.tender.contract_id == contract.contract_id
    assert uows.data.tenders[tender.tender_id] == awarded.tender
    assert uows.data.contracts[contract.contract_id] == contract
    assert uows.data.versions == [contract]
    tender_award, signing = uows.emitted[-2:]
    assert (tender_award.topic, tender_award.key) == (topics.TENDER_EVENTS, tender.tender_id)
    assert tender_award.payload.label_preference == preference
    assert [b.bid_id for b in tender_award.payload.bids] == [dear.bid_id, cheap.bid_id]
    assert (signing.topic, signing.key) == (topics.CONTRACT_EVENTS, contract.contract_id)
    assert signing.payload == events.ContractSigned(contract=contract)


async def test_an_award_to_a_labelled_centre_owes_no_preference(app, uows):
    contract = await signed(app, LABELLED)
    assert contract.centre_labelled
    (awarded,) = uows.payloads(events.TenderAwarded)
    assert not awarded.HasField("label_preference")


@pytest.mark.parametrize(
    ("caller", "error"),
    [(OTHER_BANK, NotFound), (BANK, RuleBroken)],
    ids=["another party's tender", "awarded twice"],
)
async def test_a_refused_award_changes_nothing(app, uows, caller, error):
    tender = await open_tender(app)
    bid = await app.tenders.submit_bid(LABELLED, bid_request(tender.tender_id, "ctr-l", 3000))
    request = pb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=bid.bid_id)
    if error is RuleBroken:
        await app.tenders.award(BANK, request)
    before, emitted = uows.data.tenders[tender.tender_id], list(uows.emitted)
    with pytest.raises(error) as refused:
        await app.tenders.award(caller, request)
    if error is RuleBroken:
        assert refusal(refused.value).reason == text("tender-already-awarded")
    assert (uows.data.tenders[tender.tender_id], uows.emitted) == (before, emitted)
    assert uows.rollbacks == 1


async def test_an_award_names_one_of_the_tenders_bids(app, uows):
    tender = await open_tender(app)
    with pytest.raises(NotFound):
        await app.tenders.award(
            BANK, pb.AwardTenderRequest(tender_id=tender.tender_id, bid_id="b-none")
        )
    assert uows.data.tenders[tender.tender_id].status == pb.TENDER_STATUS_OPEN
    assert uows.data.contracts == {}


# -- who sees what ------------------------------------------------------------------------


async def test_tenders_are_seen_by_their_party_the_committee_and_centres_while_open(app):
    tender = await open_tender(app)
    for caller in (BANK, COMMITTEE, UNLABELLED):
        assert (await app.tenders.get(caller, tender.tender_id)).tender_id == tender.tender_id
    with pytest.raises(NotFound):
        await app.tenders.get(OTHER_BANK, tender.tender_id)
    assert await app.tenders.list(OTHER_BANK, pb.ListTendersRequest()) == []
    assert len(await app.tenders.list(UNLABELLED, pb.ListTendersRequest())) == 1


async def test_contracts_are_seen_by_their_parties_and_the_committee_only(app):
    contract = await signed(app)
    for caller in (BANK, LABELLED, COMMITTEE):
        assert (await app.contracts.get(caller, contract.contract_id)) == contract
    for caller in (OTHER_BANK, OUTSIDER):
        with pytest.raises(NotFound):
            await app.contracts.get(caller, contract.contract_id)
        assert await app.contracts.list(caller, 0) == []
    assert await app.contracts.list(LABELLED, pb.CONTRACT_STATUS_ACTIVE) == [contract]


# -- amendment ----------------------------------------------------------------------------


def amendment(contract: pb.Contract, **fields) -> pb.AmendContractRequest:
    return pb.AmendContractRequest(
        contract_id=contract.contract_id,
        effective_from=contract.terms.start_date,
        amendment=pb.ContractAmendment(**fields),
        reason="révision annuelle",
    )


async def test_an_amendment_makes_a_new_version_and_says_what_it_calls_for(app, uows):
    contract = await signed(app)
    # 1.00 EUR per productive hour: an abnormally low price, advised and never refused.
    amended = await app.contracts.amend(BANK, amendment(contract, price_cents=100))
    assert (amended.contract.version, amended.contract.price_cents) == (2, 100)
    assert [a.rule for a in amended.advisories] == ["price_below_floor"]
    assert uows.data.contracts[contract.contract_id] == amended.contract
    assert [v.version for v in uows.data.versions] == [1, 2]
    (event,) = uows.payloads(events.ContractAmended)
    assert (event.contract, event.reason) == (amended.contract, "révision annuelle")
    assert list(event.advisories) == list(amended.advisories)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"effective_from": Date(year=2040, month=1, day=1)}, "effective_from"),
        (
            {
                "amendment": pb.ContractAmendment(
                    sites=pb.SiteList(sites=[pb.ProposedSite(site_id="nowhere")])
                )
            },
            "amendment.sites.sites[0].site_id",
        ),
    ],
)
async def test_a_refused_amendment_leaves_the_contract_as_it_was(app, uows, change, field):
    contract = await signed(app)
    request = amendment(contract)
    for name, value in change.items():
        getattr(request, name).CopyFrom(value)
    emitted = list(uows.emitted)
    with pytest.raises(InvalidArgument) as refused:
        await app.contracts.amend(BANK, request)
    assert [v.field for v in refused.value.violations] == [field]
    assert uows.data.contracts[contract.contract_id] == contract
    assert (uows.emitted, len(uows.data.versions), uows.rollbacks) == (emitted, 1, 1)


async def test_only_the_contracts_own_party_amends_it(app, uows):
    contract = await signed(app)
    with pytest.raises(NotFound):
        await app.contracts.amend(OTHER_BANK, amendment(contract, price_cents=3100))
    assert uows.data.contracts[contract.contract_id] == contract


# -- termination --------------------------------------------------------------------------


def termination_request(contract: pb.Contract, last_day: date) -> pb.TerminateContractRequest:
    return pb.TerminateContractRequest(
        contract_id=contract.contract_id, effective_date=from_date(last_day), reason="fin"
    )


async def test_a_termination_of_a_new_relationship_owes_no_notice(app, uows):
    contract = await signed(app)
    ended = await app.contracts.terminate(
        LABELLED, termination_request(contract, TODAY + timedelta(days=40))
    )
    assert ended.contract.status == pb.CONTRACT_STATUS_TERMINATED
    assert list(ended.advisories) == []
    (event,) = uows.payloads(events.ContractTerminated)
    assert event.contract == ended.contract == uows.data.contracts[contract.contract_id]
    assert uows.emitted[-1].key == contract.contract_id


async def test_a_termination_is_reviewed_against_the_declared_relationship(app, uows):
    contract = await signed(app)
    declared = pb.DeclareRelationshipRequest(
        ordering_party_id="op-bank",
        centre_id="ctr-l",
        since=from_date(date(2020, 3, 1)),
        evidence="contrat 2020",
    )
    relationship = await app.relationships.declare(COMMITTEE, declared)
    assert relationship.months == 72
    ended = await app.contracts.terminate(
        BANK, termination_request(contract, TODAY + timedelta(days=40))
    )
    (advisory,) = ended.advisories
    assert advisory.rule == termination.RULE
    assert (advisory.observed, advisory.limit) == ("1 month", "6 months")
    assert advisory.explanation.startswith(
        "Rompre une relation commerciale établie depuis le 1 mars 2020, soit 6 ans au jour de "
        "la notification (2 mars 2026), avec un préavis écrit de 1 mois"
    )
    (event,) = uows.payloads(events.ContractTerminated)
    assert list(event.advisories) == [advisory]


async def test_a_termination_is_reviewed_under_the_policy_in_force_on_its_notification(app, uows):
    """Version 2, in force since the day before, asks two months of notice a year: the same
    six-year relationship now owes twelve months, not six. A version not yet in force applies
    to nothing."""
    two_months = replace(
        DEFAULT_POLICY,
        version=2,
        effective_from=TODAY - timedelta(days=1),
        termination=replace(DEFAULT_POLICY.termination, notice_months_per_year=Decimal(2)),
    )
    not_yet = replace(DEFAULT_POLICY, version=3, effective_from=TODAY + timedelta(days=1))
    uows.data.policies = PolicyBook.of([two_months, not_yet])
    contract = await signed(app)
    declared = pb.DeclareRelationshipRequest(
        ordering_party_id="op-bank",
        centre_id="ctr-l",
        since=from_date(date(2020, 3, 1)),
        evidence="contrat 2020",
    )
    await app.relationships.declare(COMMITTEE, declared)
    ended = await app.contracts.terminate(
        BANK, termination_request(contract, TODAY + timedelta(days=40))
    )
    (advisory,) = ended.advisories
    assert (advisory.limit, advisory.policy_version) == ("12 months", 2)


async def test_a_tender_is_reviewed_under_the_policy_in_force_on_its_registration(app, uows):
    terms = responsible_tender(START)
    terms.penalty_cap_percent = 8
    assert (
        list((await app.tenders.register(BANK, pb.RegisterTenderRequest(terms=terms))).advisories)
        == []
    )
    uows.data.policies = PolicyBook.of(
        [
            replace(
                DEFAULT_POLICY,
                version=1,
                effective_from=TODAY,
                purchasing=replace(DEFAULT_POLICY.purchasing, max_penalty_cap_percent=Decimal(5)),
            )
        ]
    )
    tender = await app.tenders.register(BANK, pb.RegisterTenderRequest(terms=terms))
    assert [(a.rule, a.policy_version) for a in tender.advisories] == [
        ("penalty_cap_above_limit", 1)
    ]


async def test_a_terminated_contract_is_changed_no_more(app, uows):
    contract = await signed(app)
    last_day = TODAY + timedelta(days=40)
    await app.contracts.terminate(BANK, termination_request(contract, last_day))
    emitted = list(uows.emitted)
    for call in (
        app.contracts.terminate(BANK, termination_request(contract, last_day)),
        app.contracts.amend(BANK, amendment(contract, price_cents=3100)),
    ):
        with pytest.raises(RuleBroken) as refused:
            await call
        assert refusal(refused.value).reason == text("contract-terminated")
    assert uows.emitted == emitted
    assert uows.rollbacks == 2


async def test_a_termination_before_it_is_notified_is_refused(app, uows):
    contract = await signed(app)
    with pytest.raises(InvalidArgument) as refused:
        await app.contracts.terminate(
            BANK, termination_request(contract, TODAY - timedelta(days=1))
        )
    assert refused.value.violations[0].field == "effective_date"
    assert uows.data.contracts[contract.contract_id].status == pb.CONTRACT_STATUS_ACTIVE
    assert uows.payloads(events.ContractTerminated) == []


async def test_an_outsider_cannot_terminate(app, uows):
    contract = await signed(app)
    for caller in (OUTSIDER, OTHER_BANK):
        with pytest.raises(NotFound):
            await app.contracts.terminate(
                caller, termination_request(contract, TODAY + timedelta(days=40))
            )
    assert uows.data.contracts[contract.contract_id] == contract


# -- relationships ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "party", "error"),
    [
        (LABELLED, "op-bank", PermissionDenied),
        (OTHER_BANK, "op-bank", PermissionDenied),
        (COMMITTEE, "", InvalidArgument),
    ],
    ids=["a centre", "another party", "the committee naming no party"],
)
async def test_who_may_declare_a_relationship(app, uows, caller, party, error):
    request = pb.DeclareRelationshipRequest(
        ordering_party_id=party, centre_id="ctr-l", since=from_date(date(2020, 3, 1)), evidence="x"
    )
    with pytest.raises(error):
        await app.relationships.declare(caller, request)
    assert uows.data.relationships == {}
    assert uows.payloads(events.RelationshipDeclared) == []


async def test_a_party_declares_its_own_relationship(app, uows):
    request = pb.DeclareRelationshipRequest(
        centre_id="ctr-l", since=from_date(date(2021, 3, 2)), evidence="x"
    )
    answer = await app.relationships.declare(BANK, request)
    assert (answer.ordering_party_id, answer.declared_by, answer.months) == ("op-bank", "alice", 60)
    assert uows.data.relationships["op-bank", "ctr-l"]["since"] == date(2021, 3, 2)
    # Published for the services that review cuts against the relationship (notices).
    (declared,) = uows.emitted
    assert (declared.topic, declared.key) == (topics.CONTRACT_EVENTS, "op-bank|ctr-l")
    assert declared.payload.since == request.since and declared.payload.declared_by == "alice"
    got = await app.relationships.get(
        LABELLED, pb.GetRelationshipRequest(ordering_party_id="op-bank")
    )
    assert got == answer


# -- volumes ------------------------------------------------------------------------------


def volume(contract: pb.Contract, at: datetime, handled: int) -> pb.VolumeRecord:
    record = pb.VolumeRecord(
        contract_id=contract.contract_id,
        site_id="ctr-l-s1",
        interval_minutes=30,
        offered_contacts=handled + 1,
        handled_contacts=handled,
        forecast_contacts=handled,
        handled_seconds=handled * 60,
    )
    record.interval_start.FromDatetime(at)
    return record


async def chunks(*records: pb.VolumeRecord):
    yield pb.ReportVolumesRequest(records=list(records))


async def test_volumes_are_stored_once_and_corrections_published_with_what_they_replace(uows):
    contract_start = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
    app = bootstrap(uows, now=lambda: contract_start + timedelta(days=1))
    contract = await signed(app)
    first = await app.volumes.report(LABELLED, chunks(volume(contract, contract_start, 10)))
    assert (first.received, first.stored, first.corrected, first.unchanged) == (1, 1, 0, 0)
    again = await app.volumes.report(
        LABELLED,
        chunks(
            volume(contract, contract_start, 10),
            volume(contract, contract_start + timedelta(minutes=30), 5),
        ),
    )
    assert (again.stored, again.unchanged) == (1, 1)
    corrected = await app.volumes.report(LABELLED, chunks(volume(contract, contract_start, 12)))
    assert corrected.corrected == 1
    reported = uows.payloads(events.VolumesReported)
    assert [len(r.intervals) for r in reported] == [1, 1, 1]
    assert [r.handled_contacts for r in reported[-1].replaced] == [10]
    assert {e.key for e in uows.emitted if e.topic == topics.VOLUMES} == {contract.contract_id}


async def test_volumes_on_another_centres_contract_are_refused_whole(uows):
    contract_start = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
    app = bootstrap(uows, now=lambda: contract_start + timedelta(days=1))
    contract = await signed(app)
    emitted = list(uows.emitted)
    with pytest.raises(NotFound):
        await app.volumes.report(UNLABELLED, chunks(volume(contract, contract_start, 10)))
    assert (uows.data.volumes, uows.emitted, uows.rollbacks) == ({}, emitted, 1)


# -- the unit of work ---------------------------------------------------------------------


async def test_queries_raise_no_event_and_take_no_transaction(app, uows):
    tender = await open_tender(app)
    commits = uows.commits
    await app.tenders.get(BANK, tender.tender_id)
    await app.tenders.list(BANK, pb.ListTendersRequest())
    await app.contracts.list(BANK, 0)
    assert (uows.commits, uows.reads) == (commits, 3)


def test_the_postgresql_unit_of_work_puts_events_in_the_common_outbox_transaction():
    """The real adapter's `emit`: the event enveloped as before (producer, key, aggregate) and
    added to `services/common/uow.py`'s unit of work, which writes the outbox at commit."""
    work = common_uow.UnitOfWork(conn=None)
    PostgresWork(None, work).emit(topics.CONTRACT_EVENTS, "c-1", events.ContractSigned())
    (event,) = work.events
    assert (event.topic, event.key) == (topics.CONTRACT_EVENTS, "c-1")
    envelope, payload = decode(event.value)
    assert (envelope.producer, envelope.aggregate_id) == ("contracts", "c-1")
    assert isinstance(payload, events.ContractSigned)
    with pytest.raises(RuntimeError):
        PostgresWork(None, None).emit(topics.CONTRACT_EVENTS, "c-1", events.ContractSigned())
