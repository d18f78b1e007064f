"""The contracts service end to end: tenders, bids and awards over real gRPC, the label
status learnt from the labels service's compacted topic, events on Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from vigie.contracts.v1 import contracts_pb2 as cpb

from services.cli.samples import responsible_tender
from services.common import topics
from services.common.clock import french_today
from services.common.envelope import decode
from services.common.identity import Role
from services.contracts.projections import GROUP
from tests.integration.conftest import ServiceProcess, vigie_cli
from tests.integration.test_labels_service import (
    audit_request,
    centre_request,
    day,
    grant_request,
    new_centre_id,
    site,
)

pytestmark = pytest.mark.integration
TODAY = french_today()


def tender_terms(activity=cpb.ACTIVITY_TYPE_PERENNIAL, **changes) -> cpb.TenderTerms:
    terms = responsible_tender(TODAY + timedelta(days=30))
    terms.activity_type = activity
    for name, value in changes.items():
        field = terms.DESCRIPTOR.fields_by_name[name]
        if value is None:
            terms.ClearField(name)
        elif field.is_repeated:
            del getattr(terms, name)[:]
            getattr(terms, name).extend(value)
        elif field.message_type is not None:
            getattr(terms, name).CopyFrom(value)
        else:
            setattr(terms, name, value)
    return terms


async def new_centre(registry, token, referential, *, labelled: bool) -> str:
    committee = token(Role.COMMITTEE, "committee")
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    if labelled:
        await label(registry, token, referential, centre_id)
    return centre_id


async def label(registry, token, referential, centre_id: str) -> None:
    committee = token(Role.COMMITTEE, "committee")
    audit = await registry.RecordAudit(audit_request(centre_id, referential), metadata=committee)
    await registry.GrantLabel(grant_request(centre_id, audit.audit_id), metadata=committee)


async def bid(
    tenders, token, tender_id: str, centre_id: str, price_cents: int, town: str = "roubaix"
) -> cpb.Bid:
    """Bid (from the centre's site in `town`) as soon as the contracts service knows the
    centre from the label-status topic."""
    request = cpb.SubmitBidRequest(
        tender_id=tender_id,
        price_cents=price_cents,
        sites=[cpb.ProposedSite(site_id=site(centre_id, town))],
    )
    for _ in range(100):
        try:
            return await tenders.SubmitBid(request, metadata=token(Role.CENTRE, centre_id))
        except grpc.aio.AioRpcError as error:
            # Not yet known from the label registry: the subject says it in any language.
            unknown = (error.details() or "").startswith("centre_id:")
            if error.code() != grpc.StatusCode.FAILED_PRECONDITION or not unknown:
                raise
            await asyncio.sleep(0.1)
    raise AssertionError(f"centre {centre_id} never reached the contracts service")


async def test_a_notice_band_below_the_agents_floor_is_advised_on_any_work(
    registry, tenders, contracts, referential, token
):
    """At registration (a campaign, not only perennial work) and on an amendment: a band of 5
    business days is below the 7 working days agents' schedules need; never refused."""
    bank = token(Role.ORDERING_PARTY, ordering_party())
    short = cpb.NoticeSchedule(
        bands=[
            cpb.NoticeBand(up_to_percent=10, lead_time=5, unit=cpb.LEAD_TIME_UNIT_BUSINESS_DAYS),
            cpb.NoticeBand(lead_time=3, unit=cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS),
        ]
    )
    registered = await tenders.RegisterTender(
        cpb.RegisterTenderRequest(
            terms=tender_terms(cpb.ACTIVITY_TYPE_CAMPAIGN, notice_schedule=short)
        ),
        metadata=bank,
    )
    (advisory,) = registered.advisories
    assert advisory.rule == "notice_band_below_agent_floor"
    assert (advisory.observed, advisory.limit) == ("5 business days", "7 working days")
    assert advisory.explanation.startswith(
        "La tranche «\u00a0variations jusqu'à 10 %\u00a0» du barème ne prévoit qu'un préavis "
        "de 5 jours ouvrés"
    )
    assert "L3123-31" in advisory.reference

    contract, party = await signed_contract(registry, tenders, referential, token)
    start = contract.terms.start_date
    amended = await contracts.AmendContract(
        cpb.AmendContractRequest(
            contract_id=contract.contract_id,
            effective_from=day(date(start.year, start.month, start.day) + timedelta(days=30)),
            amendment=cpb.ContractAmendment(notice_schedule=short),
            reason="préavis raccourcis",
        ),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    assert [a.rule for a in amended.advisories] == ["notice_band_below_agent_floor"]


def ordering_party() -> str:
    return f"op-{uuid.uuid4().hex[:8]}"


async def test_perennial_award_to_an_unlabelled_centre_carries_the_advisory_and_events(
    registry, tenders, contracts, referential, token, tail, known_labelled
):
    tender_events = await tail(topics.TENDER_EVENTS)
    contract_events = await tail(topics.CONTRACT_EVENTS)
    labelled = await new_centre(registry, token, referential, labelled=True)
    unlabelled = await new_centre(registry, token, referential, labelled=False)
    bank = token(Role.ORDERING_PARTY, ordering_party())

    registered = await tenders.RegisterTender(
        cpb.RegisterTenderRequest(
            terms=tender_terms(
                payment_terms=cpb.PaymentTerms(days=75),
                auction_type=cpb.AUCTION_TYPE_REVERSE_AUCTION,
            )
        ),
        metadata=bank,
    )
    rules = [a.rule for a in registered.advisories]
    assert rules == ["payment_terms", "reverse_auction_perennial"]
    payment = registered.advisories[0]
    assert (payment.observed, payment.limit) == ("75 days", "60 days")
    assert "L441-10" in payment.reference
    tender_id = registered.tender.tender_id

    dear = await bid(tenders, token, tender_id, labelled, 2_600)  # 4 % dearer
    cheap = await bid(tenders, token, tender_id, unlabelled, 2_500)
    await known_labelled(labelled)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender_id, bid_id=cheap.bid_id), metadata=bank
    )
    assert awarded.HasField("label_preference")
    advisory = awarded.label_preference
    assert (advisory.winning_bid_id, advisory.best_labelled_bid_id) == (cheap.bid_id, dear.bid_id)
    assert advisory.price_gap_cents == 100
    assert advisory.price_gap_percent == pytest.approx(4.0)
    assert awarded.tender.status == cpb.TENDER_STATUS_AWARDED
    contract = awarded.contract
    assert (contract.centre_id, contract.price_cents, contract.centre_labelled) == (
        unlabelled,
        2_500,
        False,
    )
    assert [s.country for s in contract.sites] == ["FR"]

    records = await tender_events.collect(lambda r: r.key == tender_id.encode(), 4)
    kinds = [decode(r.value)[0].event_type.rsplit(".", 1)[1] for r in records]
    assert kinds == ["TenderRegistered", "BidSubmitted", "BidSubmitted", "TenderAwarded"]
    award_event = decode(records[-1].value)[1]
    assert award_event.label_preference == advisory
    assert len(award_event.bids) == 2
    signed = await contract_events.collect(lambda r: r.key == contract.contract_id.encode(), 1)
    assert decode(signed[0].value)[1].contract == contract

    seen = await contracts.GetContract(
        cpb.GetContractRequest(contract_id=contract.contract_id),
        metadata=token(Role.CENTRE, unlabelled),
    )
    assert seen == contract


@pytest.mark.parametrize(
    ("activity", "winner_labelled", "labelled_bid", "expected"),
    [
        (cpb.ACTIVITY_TYPE_PERENNIAL, False, True, True),
        (cpb.ACTIVITY_TYPE_PERENNIAL, True, True, False),
        (cpb.ACTIVITY_TYPE_PERENNIAL, False, False, False),
        (cpb.ACTIVITY_TYPE_CAMPAIGN, False, True, False),
        (cpb.ACTIVITY_TYPE_PUNCTUAL, False, True, False),
    ],
)
async def test_the_label_preference_advisory_appears_exactly_when_it_should(
    registry,
    tenders,
    referential,
    token,
    known_labelled,
    activity,
    winner_labelled,
    labelled_bid,
    expected,
):
    bank = token(Role.ORDERING_PARTY, ordering_party())
    winner = await new_centre(registry, token, referential, labelled=winner_labelled)
    other = await new_centre(registry, token, referential, labelled=labelled_bid)
    tender = (
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms(activity)), metadata=bank
        )
    ).tender
    chosen = await bid(tenders, token, tender.tender_id, winner, 2_500)
    await bid(tenders, token, tender.tender_id, other, 2_700)
    for centre, labelled in ((winner, winner_labelled), (other, labelled_bid)):
        if labelled:
            await known_labelled(centre)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id), metadata=bank
    )
    assert awarded.HasField("label_preference") is expected


async def test_a_label_granted_just_before_the_award_counts(registry, tenders, referential, token):
    bank = token(Role.ORDERING_PARTY, ordering_party())
    winner = await new_centre(registry, token, referential, labelled=False)
    late = await new_centre(registry, token, referential, labelled=False)
    tender = (
        await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=tender_terms()), metadata=bank)
    ).tender
    chosen = await bid(tenders, token, tender.tender_id, winner, 2_500)
    await bid(tenders, token, tender.tender_id, late, 2_600)
    await label(registry, token, referential, late)
    await asyncio.sleep(1.0)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id), metadata=bank
    )
    assert awarded.label_preference.best_labelled_centre_id == late


async def test_tenants_see_only_their_own(registry, tenders, contracts, referential, token):
    owner = token(Role.ORDERING_PARTY, ordering_party())
    rival = token(Role.ORDERING_PARTY, ordering_party())
    first = await new_centre(registry, token, referential, labelled=False)
    second = await new_centre(registry, token, referential, labelled=False)
    tender = (
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms()), metadata=owner
        )
    ).tender
    first_bid = await bid(tenders, token, tender.tender_id, first, 2_500)
    await bid(tenders, token, tender.tender_id, second, 2_400)

    # Another ordering party can neither see nor award it: it does not exist for them.
    for call in (
        tenders.GetTender(cpb.GetTenderRequest(tender_id=tender.tender_id), metadata=rival),
        tenders.ListBids(cpb.ListBidsRequest(tender_id=tender.tender_id), metadata=rival),
        tenders.AwardTender(
            cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=first_bid.bid_id),
            metadata=rival,
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call
        assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    listed = await tenders.ListTenders(cpb.ListTendersRequest(), metadata=rival)
    assert tender.tender_id not in [t.tender_id for t in listed.tenders]

    # A centre sees its own bid only; the owner sees both.
    own = await tenders.ListBids(
        cpb.ListBidsRequest(tender_id=tender.tender_id), metadata=token(Role.CENTRE, first)
    )
    assert [b.centre_id for b in own.bids] == [first]
    every = await tenders.ListBids(cpb.ListBidsRequest(tender_id=tender.tender_id), metadata=owner)
    assert sorted(b.centre_id for b in every.bids) == sorted([first, second])

    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=first_bid.bid_id), metadata=owner
    )
    contract_id = awarded.contract.contract_id
    for metadata in (rival, token(Role.CENTRE, second)):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await contracts.GetContract(
                cpb.GetContractRequest(contract_id=contract_id), metadata=metadata
            )
        assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    assert contract_id not in [
        c.contract_id
        for c in (
            await contracts.ListContracts(
                cpb.ListContractsRequest(), metadata=token(Role.CENTRE, second)
            )
        ).contracts
    ]
    # A centre that bid still sees the tender once it is awarded.
    seen = await tenders.GetTender(
        cpb.GetTenderRequest(tender_id=tender.tender_id), metadata=token(Role.CENTRE, second)
    )
    assert seen.status == cpb.TENDER_STATUS_AWARDED
    # Roles: a centre cannot register a tender; an ordering party cannot bid.
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms()), metadata=token(Role.CENTRE, first)
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_invalid_tenders_and_bids_are_refused_with_the_field(
    registry, tenders, referential, token, pool
):
    bank = token(Role.ORDERING_PARTY, ordering_party())
    backwards = tender_terms(
        start_date=day(TODAY + timedelta(days=60)), end_date=day(TODAY + timedelta(days=10))
    )
    bad_bands = tender_terms()
    bad_bands.notice_schedule.bands[1].up_to_percent = 5
    cases = [
        (backwards, "terms.end_date"),
        (tender_terms(allowed_site_countries=["ZZ"]), "terms.allowed_site_countries[0]"),
        (bad_bands, "terms.notice_schedule.bands[1].up_to_percent"),
        (tender_terms(scope=""), "terms.scope"),
    ]
    for terms, field in cases:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=bank)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in refused.value.details(), refused.value.details()

    tender = (
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms(allowed_site_countries=["FR"])),
            metadata=bank,
        )
    ).tender
    centre = await new_centre(registry, token, referential, labelled=False)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bid(tenders, token, tender.tender_id, centre, 2_000, town="tunis")
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "que l'appel d'offres n'admet pas ; pays admis : FR" in refused.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bid(tenders, token, tender.tender_id, centre, 2_000, town="nowhere")
    assert "n'appartient pas au centre" in refused.value.details()
    assert (
        await pool.fetchval("SELECT count(*) FROM contracts.bids WHERE centre_id = $1", centre) == 0
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await tenders.AwardTender(
            cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=str(uuid.uuid4())),
            metadata=bank,
        )
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bid(tenders, token, tender.tender_id, centre, 0)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "price_cents" in refused.value.details()


async def test_payment_terms_on_a_periodic_invoice_or_none_agreed(tenders, token):
    """Code de commerce L441-10, I: 45 days after a periodic invoice (al. 4); no term agreed
    leaves the law's default (al. 1), which calls for no advisory."""
    bank = token(Role.ORDERING_PARTY, ordering_party())

    async def register(**payment) -> cpb.Tender:
        terms = tender_terms(payment_terms=cpb.PaymentTerms(**payment))
        request = cpb.RegisterTenderRequest(terms=terms)
        return (await tenders.RegisterTender(request, metadata=bank)).tender

    periodic = await register(days=50, periodic_invoice=True)
    assert [(a.rule, a.observed, a.limit) for a in periodic.advisories] == [
        ("payment_terms", "50 days", "45 days after a periodic invoice")
    ]
    advisory = periodic.advisories[0]
    assert advisory.reference.startswith("Code de commerce, art. L441-10, I, al. 4")
    assert advisory.explanation_wording.message == "purchasing-payment-terms-periodic-explanation"
    assert advisory.explanation.startswith("La facturation étant périodique")
    assert periodic.terms.payment_terms.periodic_invoice

    assert list((await register(days=45, periodic_invoice=True)).advisories) == []
    end_of_month = await register(days=45, end_of_month=True, periodic_invoice=True)
    assert [a.observed for a in end_of_month.advisories] == ["45 days end of month"]

    none_agreed = await register(none_agreed=True)
    assert list(none_agreed.advisories) == []
    assert none_agreed.terms.payment_terms.none_agreed

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await register(days=30, none_agreed=True)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "terms.payment_terms.none_agreed" in refused.value.details()
    assert "Aucun délai de paiement n'étant convenu" in refused.value.details()


async def test_a_price_below_the_floor_cites_each_input_and_its_source(tenders, token):
    """The floor of a tender starting in 2027: the SMIC of the décret of 17 December 2025, the
    committee's two coefficients."""
    bank = token(Role.ORDERING_PARTY, ordering_party())
    terms = tender_terms(price_ceiling_cents=1_500)  # 15.00 EUR per productive hour
    tender = (
        await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=bank)
    ).tender
    (advisory,) = [a for a in tender.advisories if a.rule == "price_below_floor"]
    assert (advisory.observed, advisory.limit) == ("15.00 EUR/h", "15.78 EUR/h")
    figures = advisory.explanation_wording.arguments
    assert (figures["wage"].decimal, figures["coefficient"].decimal) == ("12.02", "1.05")
    assert figures["share"].decimal == "0.80"
    assert figures["act"].phrase.message == "purchasing-smic-decree"
    assert figures["act"].phrase.arguments["number"].text == "2025-1228"
    assert "(décret n° 2025-1228 du 17 décembre 2025)" in advisory.explanation
    assert "IDCC" not in advisory.reference and "L241-13" in advisory.reference


def of_type(key: str, name: str):
    """Records of one aggregate and one event type (from the event-type header)."""

    def matches(record) -> bool:
        kind = dict(record.headers).get("event-type", b"").decode()
        return record.key == key.encode() and kind.endswith(f".{name}")

    return matches


# A contract that started this long ago has three years of past intervals to report (a
# contract starting next month has none: volumes from the future are refused).
STARTED = timedelta(days=1100)


async def signed_contract(
    registry, tenders, referential, token, start: date | None = None
) -> tuple[cpb.Contract, str]:
    """A perennial contract with an unlabelled centre, for three years from `start` (next
    month by default); returns it and the ordering party."""
    party = ordering_party()
    centre = await new_centre(registry, token, referential, labelled=False)
    terms = tender_terms()
    if start is not None:
        terms.start_date.CopyFrom(day(start))
        terms.end_date.CopyFrom(day(start + timedelta(days=3 * 365)))
    tender = (
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=terms),
            metadata=token(Role.ORDERING_PARTY, party),
        )
    ).tender
    chosen = await bid(tenders, token, tender.tender_id, centre, 2_500)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    return awarded.contract, party


def intervals(contract: cpb.Contract, count: int, *, sites=None, offset: int = 0):
    """`count` consecutive 15-minute intervals from the contract's start, round robin on sites
    (the centre's site in Roubaix by default)."""
    sites = sites or (site(contract.centre_id, "roubaix"),)
    start = datetime.combine(
        date(
            contract.terms.start_date.year,
            contract.terms.start_date.month,
            contract.terms.start_date.day,
        ),
        time(8, 0),
        tzinfo=UTC,
    )
    records = []
    for i in range(offset, offset + count):
        at = Timestamp()
        at.FromDatetime(start + timedelta(minutes=15 * (i // len(sites))))
        records.append(
            cpb.VolumeRecord(
                contract_id=contract.contract_id,
                site_id=sites[i % len(sites)],
                interval_start=at,
                interval_minutes=15,
                offered_contacts=50 + i % 7,
                handled_contacts=38 + i % 5,
                forecast_contacts=42,
                handled_seconds=9_000,
            )
        )
    return records


async def stream(records, size: int = 5_000):
    for at in range(0, len(records), size):
        yield cpb.ReportVolumesRequest(records=records[at : at + size])


async def test_report_volumes_stores_each_interval_once_and_publishes_it(
    registry, tenders, contracts, referential, token, tail, pool
):
    contract, _ = await signed_contract(registry, tenders, referential, token, TODAY - STARTED)
    centre = token(Role.CENTRE, contract.centre_id)
    volumes = await tail(topics.VOLUMES)
    records = intervals(contract, 100_000)

    first = await contracts.ReportVolumes(stream(records), metadata=centre)
    assert (first.received, first.stored, first.corrected, first.unchanged) == (
        100_000,
        100_000,
        0,
        0,
    )
    stored = await pool.fetchval(
        "SELECT count(*) FROM contracts.volumes WHERE contract_id = $1",
        uuid.UUID(contract.contract_id),
    )
    assert stored == 100_000
    published = await volumes.collect(
        lambda r: r.key == contract.contract_id.encode(), 50, timeout=60
    )
    payloads = [decode(r.value)[1] for r in published]
    assert sum(len(p.intervals) for p in payloads) == 100_000
    assert {p.centre_id for p in payloads} == {contract.centre_id}

    again = await contracts.ReportVolumes(stream(records), metadata=centre)
    assert (again.stored, again.corrected, again.unchanged) == (0, 0, 100_000)

    corrected = records[10]
    corrected.handled_contacts -= 1
    fix = await contracts.ReportVolumes(stream([corrected]), metadata=centre)
    assert (fix.stored, fix.corrected, fix.unchanged) == (0, 1, 0)
    more = await volumes.collect(lambda r: r.key == contract.contract_id.encode(), 1, timeout=20)
    assert [len(decode(r.value)[1].intervals) for r in more] == [1]  # nothing for the resend
    correction = decode(more[0].value)[1]
    assert [p.handled_contacts for p in correction.intervals] == [corrected.handled_contacts]
    # The figures it replaces ride along, so the checks can keep weekly sums right.
    assert [p.handled_contacts for p in correction.replaced] == [corrected.handled_contacts + 1]
    assert correction.replaced[0].interval_start == corrected.interval_start
    assert all(not p.replaced for p in payloads)  # first reports replace nothing


async def test_a_malformed_record_refuses_the_whole_stream(
    registry, tenders, contracts, referential, token, pool
):
    contract, _ = await signed_contract(registry, tenders, referential, token, TODAY - STARTED)
    centre = token(Role.CENTRE, contract.centre_id)
    records = intervals(contract, 10, offset=500)
    records[7].interval_minutes = 20
    records[8].handled_contacts = records[8].offered_contacts + 1
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.ReportVolumes(stream(records, size=3), metadata=centre)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    # In French by default, each reason in the words of the catalogue; in English on request.
    details = refused.value.details()
    assert "records[7].interval_minutes: 20 minutes au lieu de 15 ou 30" in details
    assert "records[8].handled_contacts" in details and "présentés" in details
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.ReportVolumes(
            stream(records, size=3), metadata=[*centre, ("accept-language", "en")]
        )
    assert "records[7].interval_minutes: 20 is not 15 or 30" in refused.value.details()
    count = await pool.fetchval(
        "SELECT count(*) FROM contracts.volumes WHERE contract_id = $1",
        uuid.UUID(contract.contract_id),
    )
    assert count == 0

    records = intervals(contract, 3, offset=500)
    records[1].site_id = site(contract.centre_id, "tunis")  # the centre's, not the contract's
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.ReportVolumes(stream(records), metadata=centre)
    assert "records[1].site_id: Le site" in refused.value.details()
    assert "ne figure pas au contrat" in refused.value.details()

    other, _ = await signed_contract(registry, tenders, referential, token, TODAY - STARTED)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.ReportVolumes(stream(intervals(other, 2)), metadata=centre)
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    assert "records[0]" in refused.value.details()


async def test_intervals_that_have_not_started_yet_are_refused_with_their_index(
    registry, tenders, contracts, referential, token, pool
):
    """Volumes are facts: an interval starting after now (five minutes of clock difference
    allowed) refuses the stream, whatever the centre's export says; one that has started is
    taken."""
    contract, _ = await signed_contract(
        registry, tenders, referential, token, TODAY - timedelta(days=400)
    )
    centre = token(Role.CENTRE, contract.centre_id)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    quarter = now - timedelta(minutes=now.minute % 15)
    starts = [
        quarter - timedelta(minutes=15),
        quarter + timedelta(minutes=30),
        now + timedelta(days=200),
    ]
    records = intervals(contract, 3)
    for record, start in zip(records, starts, strict=True):
        record.interval_start.FromDatetime(start)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.ReportVolumes(stream(records), metadata=centre)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details()
    assert "records[1].interval_start" in details and "records[2].interval_start" in details
    assert "records[0]" not in details and "après l'heure actuelle" in details
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM contracts.volumes WHERE contract_id = $1",
            uuid.UUID(contract.contract_id),
        )
        == 0
    )
    taken = await contracts.ReportVolumes(stream(records[:1]), metadata=centre)
    assert taken.stored == 1


async def test_amendments_are_versioned_and_rechecked(
    registry, tenders, contracts, referential, token, tail, pool
):
    contract, party = await signed_contract(registry, tenders, referential, token)
    events = await tail(topics.CONTRACT_EVENTS)
    start = contract.terms.start_date
    tunis = site(contract.centre_id, "tunis")
    amended = await contracts.AmendContract(
        cpb.AmendContractRequest(
            contract_id=contract.contract_id,
            effective_from=day(date(start.year, start.month, start.day) + timedelta(days=90)),
            amendment=cpb.ContractAmendment(
                forecast=cpb.ForecastVolume(
                    contacts_per_month=30_000, productive_hours_per_month=4_500
                ),
                notice_schedule=cpb.NoticeSchedule(),
                sites=cpb.SiteList(sites=[cpb.ProposedSite(site_id=tunis)]),
            ),
            reason="baisse d'activité, bascule vers Tunis",
        ),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    new = amended.contract
    assert new.version == 2
    assert new.terms.forecast.contacts_per_month == 30_000
    assert [(s.site_id, s.country) for s in new.sites] == [(tunis, "TN")]
    assert [a.rule for a in amended.advisories] == ["no_notice_schedule"]
    versions = await pool.fetch(
        "SELECT version FROM contracts.contract_versions WHERE contract_id = $1 ORDER BY version",
        uuid.UUID(contract.contract_id),
    )
    assert [v["version"] for v in versions] == [1, 2]
    records = await events.collect(of_type(contract.contract_id, "ContractAmended"), 1)
    payload = decode(records[0].value)[1]
    assert payload.contract == new and payload.reason.startswith("baisse")

    # The centre may not amend; another party does not see the contract at all.
    for metadata, code in (
        (token(Role.CENTRE, contract.centre_id), grpc.StatusCode.PERMISSION_DENIED),
        (token(Role.ORDERING_PARTY, ordering_party()), grpc.StatusCode.NOT_FOUND),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await contracts.AmendContract(
                cpb.AmendContractRequest(
                    contract_id=contract.contract_id,
                    effective_from=start,
                    amendment=cpb.ContractAmendment(price_cents=2_000),
                ),
                metadata=metadata,
            )
        assert refused.value.code() == code


async def test_termination_with_short_notice_is_advised_and_final(
    registry, tenders, contracts, referential, token, tail
):
    contract, party = await signed_contract(registry, tenders, referential, token)
    events = await tail(topics.CONTRACT_EVENTS)
    owner = token(Role.ORDERING_PARTY, party)
    ended = await contracts.TerminateContract(
        cpb.TerminateContractRequest(
            contract_id=contract.contract_id,
            effective_date=day(TODAY + timedelta(days=40)),
            reason="internalisation",
        ),
        metadata=owner,
    )
    assert ended.contract.status == cpb.CONTRACT_STATUS_TERMINATED
    assert ended.contract.terminated_on == day(TODAY + timedelta(days=40))
    # A relationship signed today needs a month's notice: 40 days is enough.
    assert list(ended.advisories) == []
    records = await events.collect(of_type(contract.contract_id, "ContractTerminated"), 1)
    assert len(records) == 1
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.TerminateContract(
            cpb.TerminateContractRequest(
                contract_id=contract.contract_id, effective_date=day(TODAY), reason="again"
            ),
            metadata=owner,
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    other, other_party = await signed_contract(registry, tenders, referential, token)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await contracts.TerminateContract(
            cpb.TerminateContractRequest(
                contract_id=other.contract_id,
                effective_date=day(TODAY - timedelta(days=1)),
                reason="rétroactif",
            ),
            metadata=token(Role.CENTRE, other.centre_id),
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "effective_date" in refused.value.details()
    short = await contracts.TerminateContract(
        cpb.TerminateContractRequest(
            contract_id=other.contract_id,
            effective_date=day(TODAY + timedelta(days=3)),
            reason="fin brutale",
        ),
        metadata=token(Role.ORDERING_PARTY, other_party),
    )
    assert [a.rule for a in short.advisories] == ["short_termination_notice"]
    assert "L442-1" in short.advisories[0].reference


async def test_the_cli_imports_a_workforce_management_csv(
    registry, tenders, referential, token, contracts_service, settings, tmp_path
):
    """The centre's own command line, as a separate process, over real gRPC."""
    contract, _ = await signed_contract(registry, tenders, referential, token, TODAY - STARTED)
    start = contract.terms.start_date
    day_text = f"{start.day:02d}/{start.month:02d}/{start.year}"
    lines = ["Date;Time;Site;Offered;Handled;Forecast;Handle_Time_s"]
    roubaix = site(contract.centre_id, "roubaix")
    lines += [
        f"{day_text};{8 + q // 4:02d}:{q % 4 * 15:02d};{roubaix};60;55;58;9900" for q in range(40)
    ]
    export = tmp_path / "export.csv"
    export.write_text("\n".join(lines) + "\n")
    code, out, err = await vigie_cli(
        settings,
        "--as",
        f"centre:{contract.centre_id}",
        "--contracts",
        contracts_service.address,
        "volumes",
        "import",
        str(export),
        "--contract",
        contract.contract_id,
    )
    assert code == 0, err
    assert json.loads(out) == {"received": 40, "stored": 40}


async def test_the_label_projection_is_rebuilt_from_the_topic(
    registry, referential, token, pool, settings, tmp_path, contracts_service, known_labelled
):
    """Emptied with its offsets, the projection is rebuilt from the compacted topic when a
    replica (re)joins the group: the contracts service never reads the labels database."""
    centre = await new_centre(registry, token, referential, labelled=True)
    await known_labelled(centre)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM contracts.centres")
        for table in ("consumer_offsets", "processed_events"):
            await conn.execute(f"DELETE FROM contracts.{table} WHERE consumer = $1", GROUP)
    replica = ServiceProcess("services.contracts", settings, tmp_path)
    await asyncio.to_thread(replica.start)
    try:
        # Every centre the registry knows comes back with its label status, whichever
        # replica owns its partition after the rebalance (the topic may hold more centres:
        # it outlives this test database).
        for _ in range(600):
            missing = await pool.fetchval(
                "SELECT count(*) FROM labels.centres l"
                " LEFT JOIN contracts.centres c USING (centre_id)"
                " WHERE c.label_status IS DISTINCT FROM l.label_status"
            )
            if missing == 0:
                break
            await asyncio.sleep(0.1)
        assert missing == 0
        await known_labelled(centre)
    finally:
        await asyncio.to_thread(replica.stop)


async def contract_between(
    tenders, token, party: str, centre: str, start: date, end: date
) -> cpb.Contract:
    """A perennial contract of `party` with `centre` from `start` to `end`."""
    terms = tender_terms()
    terms.start_date.CopyFrom(day(start))
    terms.end_date.CopyFrom(day(end))
    owner = token(Role.ORDERING_PARTY, party)
    tender = (
        await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=owner)
    ).tender
    chosen = await bid(tenders, token, tender.tender_id, centre, 2_500)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id), metadata=owner
    )
    return awarded.contract


async def test_a_termination_counts_the_whole_relationship_on_the_day_of_notice(
    registry, tenders, contracts, referential, token
):
    """Code de commerce L442-1 II: a six-year relationship ended with two months' notice is
    short, whether its years are successive contracts in the register or a declared start;
    the same notice for a relationship of weeks is enough."""
    party, centre = ordering_party(), await new_centre(registry, token, referential, labelled=False)
    owner, committee = token(Role.ORDERING_PARTY, party), token(Role.COMMITTEE, "committee")
    first = await contract_between(
        tenders, token, party, centre, TODAY - timedelta(days=4 * 365), TODAY - timedelta(days=40)
    )
    second = await contract_between(
        tenders, token, party, centre, TODAY - timedelta(days=10), TODAY + timedelta(days=700)
    )
    seen = await contracts.GetRelationship(
        cpb.GetRelationshipRequest(ordering_party_id=party),
        metadata=token(Role.CENTRE, centre),
    )
    assert seen.established_since == day(TODAY - timedelta(days=4 * 365))
    assert set(seen.contract_ids) == {first.contract_id, second.contract_id}
    assert 46 <= seen.months <= 48

    # Four years and more on the day of notice: at least four months; two are short.
    ended = await contracts.TerminateContract(
        cpb.TerminateContractRequest(
            contract_id=second.contract_id,
            effective_date=day(TODAY + timedelta(days=62)),
            reason="internalisation",
        ),
        metadata=owner,
    )
    [advisory] = ended.advisories
    assert advisory.rule == "short_termination_notice"
    assert advisory.limit in ("4 months", "5 months")
    assert "au jour de la notification" in advisory.explanation

    # A relationship of a few weeks in the register, but declared six years old.
    centre_b = await new_centre(registry, token, referential, labelled=False)
    third = await contract_between(
        tenders, token, party, centre_b, TODAY - timedelta(days=10), TODAY + timedelta(days=700)
    )
    declared = await contracts.DeclareRelationship(
        cpb.DeclareRelationshipRequest(
            ordering_party_id=party,
            centre_id=centre_b,
            since=day(TODAY - timedelta(days=6 * 365)),
            evidence="Premier bon de commande du 3 mars 2020 et factures mensuelles depuis.",
        ),
        metadata=committee,
    )
    assert declared.declared_since == day(TODAY - timedelta(days=6 * 365))
    assert declared.established_since == declared.declared_since
    assert declared.declared_by == "committee:committee"
    short = await contracts.TerminateContract(
        cpb.TerminateContractRequest(
            contract_id=third.contract_id,
            effective_date=day(TODAY + timedelta(days=62)),
            reason="fin de la relation",
        ),
        metadata=owner,
    )
    assert [a.limit for a in short.advisories] in (["6 months"], ["5 months"])


async def test_declaring_a_relationship_is_for_the_committee_and_the_party_itself(
    registry, contracts, referential, token
):
    party, centre = ordering_party(), await new_centre(registry, token, referential, labelled=False)
    request = cpb.DeclareRelationshipRequest(
        centre_id=centre,
        since=day(TODAY - timedelta(days=900)),
        evidence="Contrat cadre signé en 2023, avenants annuels depuis.",
    )
    cases = [
        (token(Role.CENTRE, centre), request, grpc.StatusCode.PERMISSION_DENIED),
        (
            token(Role.ORDERING_PARTY, party),
            cpb.DeclareRelationshipRequest(
                ordering_party_id=ordering_party(),
                centre_id=centre,
                since=request.since,
                evidence=request.evidence,
            ),
            grpc.StatusCode.PERMISSION_DENIED,
        ),
        (token(Role.COMMITTEE, "committee"), request, grpc.StatusCode.INVALID_ARGUMENT),
        (
            token(Role.ORDERING_PARTY, party),
            cpb.DeclareRelationshipRequest(
                centre_id=centre, since=day(TODAY + timedelta(days=1)), evidence=request.evidence
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            token(Role.ORDERING_PARTY, party),
            cpb.DeclareRelationshipRequest(centre_id=centre, since=request.since, evidence="vu"),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ]
    for metadata, refused_request, code in cases:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await contracts.DeclareRelationship(refused_request, metadata=metadata)
        assert refused.value.code() == code, refused.value.details()
    # The party declares its own; nothing of the refused ones was written.
    mine = await contracts.DeclareRelationship(request, metadata=token(Role.ORDERING_PARTY, party))
    assert (mine.ordering_party_id, mine.declared_since) == (party, request.since)
    assert mine.months >= 29


async def test_the_cli_declares_and_reads_a_relationship(
    registry, referential, token, contracts_service, settings, tmp_path
):
    party, centre = ordering_party(), await new_centre(registry, token, referential, labelled=False)
    evidence = tmp_path / "preuve.txt"
    evidence.write_text("Bon de commande n° 2019-044 du 2 septembre 2019, factures depuis.")

    async def vigie(who: str, *args: str) -> tuple[int, str, str]:
        address = contracts_service.address
        return await vigie_cli(settings, "--as", who, "--contracts", address, "relationship", *args)

    declare = ("declare", "--centre", centre, "--since", "2019-09-02", "--evidence", str(evidence))
    code, _, err = await vigie(f"centre:{centre}", *declare)
    assert code != 0 and "PERMISSION_DENIED" in err
    code, out, err = await vigie(f"ordering_party:{party}", *declare)
    assert code == 0, err
    code, out, err = await vigie(f"centre:{centre}", "get", "--party", party, "--on", "2026-09-02")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["established_since"] == {"year": 2019, "month": 9, "day": 2}
    assert shown["months"] == 84 and "2019-044" in shown["evidence"]
