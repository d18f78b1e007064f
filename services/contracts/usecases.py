"""The contracts service's commands and queries. Each command is one unit of work: state
and events commit together. Purchasing practices and the label preference are advisories
returned to the caller and carried by the events, never refusals."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pycountry
from google.protobuf.message import Message
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2

from services.common import topics, wording
from services.common.clock import french_day, utc_now
from services.common.envelope import wrap
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    quote,
)
from services.common.identity import Caller, Role
from services.common.labels import rule_label
from services.common.protos import timestamp, to_date
from services.common.schedules import rule_schedule
from services.common.uow import UnitOfWork, unit_of_work
from services.common.validation import calendar_date, date_problem
from services.contracts import relationships, store
from services.rules import (
    Violation,
    label_preference,
    lead_time,
    pricing,
    purchasing,
    termination,
)
from services.rules.wording import text

SCHEMA = PRODUCER = "contracts"
DATE_FIELDS = ("start_date", "end_date")


@dataclass
class Contracts:
    pool: asyncpg.Pool
    policy: purchasing.PurchasingPolicy = field(default_factory=lambda: purchasing.DEFAULT_POLICY)
    now: Callable[[], datetime] = utc_now

    def today(self) -> date:
        return french_day(self.now())

    def _day(self, stamp) -> date:
        return french_day(stamp.ToDatetime(tzinfo=UTC))

    # -- tenders ---------------------------------------------------------------------------

    async def register_tender(self, caller: Caller, request: pb.RegisterTenderRequest) -> pb.Tender:
        terms = request.terms
        problems = terms_problems(terms)
        if problems:
            raise InvalidArgument(problems)
        tender = pb.Tender(
            tender_id=str(uuid.uuid4()),
            ordering_party_id=caller.organisation_id,
            status=pb.TENDER_STATUS_OPEN,
            terms=terms,
            advisories=self._review(terms, price_cents=_ceiling(terms)),
            registered_at=timestamp(self.now()),
        )
        async with unit_of_work(self.pool, SCHEMA) as uow:
            await store.insert_tender(uow.conn, tender)
            _emit(
                uow, topics.TENDER_EVENTS, tender.tender_id, events.TenderRegistered(tender=tender)
            )
        return tender

    async def get_tender(self, caller: Caller, tender_id: str) -> pb.Tender:
        async with self.pool.acquire() as conn:
            return await _visible_tender(conn, caller, tender_id)

    async def list_tenders(self, caller: Caller, request: pb.ListTendersRequest) -> list[pb.Tender]:
        async with self.pool.acquire() as conn:
            return await store.list_tenders(
                conn,
                ordering_party_id=_own(caller, Role.ORDERING_PARTY),
                open_or_bid_by=_own(caller, Role.CENTRE),
                status=request.status,
                activity_type=request.activity_type,
            )

    # -- bids ------------------------------------------------------------------------------

    async def submit_bid(self, caller: Caller, request: pb.SubmitBidRequest) -> pb.Bid:
        centre_id = caller.organisation_id
        async with unit_of_work(self.pool, SCHEMA) as uow:
            tender = await _visible_tender(uow.conn, caller, request.tender_id)
            if tender.status != pb.TENDER_STATUS_OPEN:
                raise FailedPrecondition("tender_id", text("tender-closed"))
            centre = (await store.get_centres(uow.conn, [centre_id])).get(centre_id)
            if centre is None:
                raise FailedPrecondition(
                    "centre_id", text("tender-centre-unknown", centre=centre_id)
                )
            sites = list(request.sites)
            problems = site_problems(sites, centre, tender.terms.allowed_site_countries)
            if problems:
                raise InvalidArgument(problems)
            bid = pb.Bid(
                bid_id=str(uuid.uuid4()),
                tender_id=tender.tender_id,
                centre_id=centre_id,
                price_cents=request.price_cents,
                sites=_with_countries(sites, centre),
                submitted_at=timestamp(self.now()),
            )
            if not await store.insert_bid(uow.conn, bid):
                raise AlreadyExists("bid", f"{centre_id} on {tender.tender_id}")
            _emit(uow, topics.TENDER_EVENTS, tender.tender_id, events.BidSubmitted(bid=bid))
        return bid

    async def list_bids(self, caller: Caller, tender_id: str) -> list[pb.Bid]:
        async with self.pool.acquire() as conn:
            await _visible_tender(conn, caller, tender_id)
            return await store.list_bids(conn, tender_id, _own(caller, Role.CENTRE))

    # -- award -----------------------------------------------------------------------------

    async def award_tender(
        self, caller: Caller, request: pb.AwardTenderRequest
    ) -> pb.AwardTenderResponse:
        async with unit_of_work(self.pool, SCHEMA) as uow:
            tender = await _visible_tender(uow.conn, caller, request.tender_id, lock=True)
            if tender.status != pb.TENDER_STATUS_OPEN:
                raise FailedPrecondition("tender_id", text("tender-already-awarded"))
            bids = await store.list_bids(uow.conn, tender.tender_id)
            winner = next((b for b in bids if b.bid_id == request.bid_id), None)
            if winner is None:
                raise NotFound("bid", request.bid_id)
            labelled = await self._labelled(uow.conn, [b.centre_id for b in bids])
            response = pb.AwardTenderResponse(
                advisories=self._review(tender.terms, price_cents=winner.price_cents)
            )
            preference = self._label_preference(tender.terms, winner, bids, labelled)
            if preference is not None:
                response.label_preference.CopyFrom(preference)
            contract = self._contract(tender, winner, labelled[winner.centre_id])
            tender.status = pb.TENDER_STATUS_AWARDED
            tender.awarded_bid_id, tender.contract_id = winner.bid_id, contract.contract_id
            await store.update_tender(uow.conn, tender)
            await store.insert_contract(uow.conn, contract)
            await store.insert_contract_version(uow.conn, contract)
            awarded = events.TenderAwarded(
                tender_id=tender.tender_id,
                ordering_party_id=tender.ordering_party_id,
                bid_id=winner.bid_id,
                contract_id=contract.contract_id,
                advisories=response.advisories,
                bids=bids,
            )
            if preference is not None:
                awarded.label_preference.CopyFrom(preference)
            _emit(uow, topics.TENDER_EVENTS, tender.tender_id, awarded)
            signed = events.ContractSigned(contract=contract)
            _emit(uow, topics.CONTRACT_EVENTS, contract.contract_id, signed)
        response.tender.CopyFrom(tender)
        response.contract.CopyFrom(contract)
        return response

    # -- contracts -------------------------------------------------------------------------

    async def get_contract(self, caller: Caller, contract_id: str) -> pb.Contract:
        async with self.pool.acquire() as conn:
            contract = (await store.get_contracts(conn, [contract_id])).get(contract_id)
        if contract is None or not caller.sees(contract):
            raise NotFound("contract", contract_id)
        return contract

    async def list_contracts(self, caller: Caller, status: int) -> list[pb.Contract]:
        async with self.pool.acquire() as conn:
            return await store.list_contracts(
                conn,
                ordering_party_id=_own(caller, Role.ORDERING_PARTY),
                centre_id=_own(caller, Role.CENTRE),
                status=status,
            )

    async def amend_contract(
        self, caller: Caller, request: pb.AmendContractRequest
    ) -> pb.AmendContractResponse:
        effective_from = calendar_date(request.effective_from, "effective_from")
        async with unit_of_work(self.pool, SCHEMA) as uow:
            contract = await self._own_active_contract(uow.conn, caller, request.contract_id)
            start, end = to_date(contract.terms.start_date), to_date(contract.terms.end_date)
            if not start <= effective_from <= end:
                raise InvalidArgument.one(
                    "effective_from",
                    text(
                        "contract-amendment-outside", effective=effective_from, start=start, end=end
                    ),
                )
            await self._apply(uow.conn, contract, request.amendment)
            contract.version += 1
            contract.version_effective_from.CopyFrom(request.effective_from)
            advisories = self._review(contract.terms, price_cents=contract.price_cents)
            await store.update_contract(uow.conn, contract)
            await store.insert_contract_version(uow.conn, contract)
            amended = events.ContractAmended(
                contract=contract,
                amendment=request.amendment,
                reason=request.reason,
                advisories=advisories,
            )
            _emit(uow, topics.CONTRACT_EVENTS, contract.contract_id, amended)
        return pb.AmendContractResponse(contract=contract, advisories=advisories)

    async def terminate_contract(
        self, caller: Caller, request: pb.TerminateContractRequest
    ) -> pb.TerminateContractResponse:
        last_day = calendar_date(request.effective_date, "effective_date")
        async with unit_of_work(self.pool, SCHEMA) as uow:
            contract = await self._own_active_contract(uow.conn, caller, request.contract_id)
            # The relationship runs across the party's contracts with the outsourcer (and a
            # declared older start), measured on the day the termination is notified: today.
            today = self.today()
            since = await relationships.established(
                uow.conn, contract.ordering_party_id, contract.centre_id, today
            )
            start = since.since if since else min(self._day(contract.signed_at), today)
            problems = termination.termination_problems(start, today, last_day)
            if problems:
                raise InvalidArgument(problems)
            found = termination.review_termination(start, today, last_day)
            advisories = [_advisory(a) for a in found]
            contract.status = pb.CONTRACT_STATUS_TERMINATED
            contract.terminated_on.CopyFrom(request.effective_date)
            contract.termination_reason = request.reason
            await store.update_contract(uow.conn, contract)
            terminated = events.ContractTerminated(contract=contract, advisories=advisories)
            _emit(uow, topics.CONTRACT_EVENTS, contract.contract_id, terminated)
        return pb.TerminateContractResponse(contract=contract, advisories=advisories)

    async def _own_active_contract(
        self, conn: asyncpg.Connection, caller: Caller, contract_id: str
    ) -> pb.Contract:
        contract = (await store.get_contracts(conn, [contract_id], lock=True)).get(contract_id)
        if contract is None or not caller.sees(contract):
            raise NotFound("contract", contract_id)
        if contract.status != pb.CONTRACT_STATUS_ACTIVE:
            raise FailedPrecondition("contract_id", text("contract-terminated"))
        return contract

    async def _apply(
        self, conn: asyncpg.Connection, contract: pb.Contract, amendment: pb.ContractAmendment
    ) -> None:
        if amendment.HasField("forecast"):
            contract.terms.forecast.CopyFrom(amendment.forecast)
        if amendment.HasField("price_cents"):
            contract.price_cents = amendment.price_cents
        if amendment.HasField("notice_schedule"):
            problems = lead_time.schedule_problems(
                rule_schedule(amendment.notice_schedule), "amendment.notice_schedule.bands"
            )
            if problems:
                raise InvalidArgument(problems)
            contract.terms.notice_schedule.CopyFrom(amendment.notice_schedule)
        if amendment.HasField("sites"):
            centre = (await store.get_centres(conn, [contract.centre_id]))[contract.centre_id]
            sites = list(amendment.sites.sites)
            # Moving sites to another country is the parties' agreement: recorded, not refused
            # (offshoring is the compliance checks' business).
            problems = site_problems(
                sites, centre, allowed_countries=(), prefix="amendment.sites.sites"
            )
            if problems:
                raise InvalidArgument(problems)
            del contract.sites[:]
            contract.sites.extend(_with_countries(sites, centre))

    # -- helpers ---------------------------------------------------------------------------

    def _review(
        self, terms: pb.TenderTerms, price_cents: int | None
    ) -> list[pb.PurchasingAdvisory]:
        return [
            _advisory(a) for a in purchasing.review(rule_terms(terms, price_cents), self.policy)
        ]

    async def _labelled(self, conn: asyncpg.Connection, centre_ids: list[str]) -> dict[str, bool]:
        """Each centre's label as known now: granted, in force and not suspended."""
        centres = await store.get_centres(conn, centre_ids)
        today = self.today()
        return {
            c: c in centres and rule_label(centres[c].label).labelled_on(today) for c in centre_ids
        }

    def _label_preference(
        self, terms: pb.TenderTerms, winner: pb.Bid, bids: Sequence[pb.Bid], labelled: dict
    ) -> pb.LabelPreferenceAdvisory | None:
        def view(bid: pb.Bid) -> label_preference.BidView:
            price = pricing.per_productive_hour(
                bid.price_cents,
                pricing.PriceBasis(terms.price_basis),
                terms.forecast.contacts_per_month,
                terms.forecast.productive_hours_per_month,
            )
            return label_preference.BidView(
                bid.bid_id, bid.centre_id, price, labelled[bid.centre_id]
            )

        found = label_preference.advisory(
            purchasing.ActivityType(terms.activity_type), view(winner), [view(b) for b in bids]
        )
        if found is None:
            return None
        best = next(b for b in bids if b.bid_id == found.best_labelled_bid_id)
        advisory = pb.LabelPreferenceAdvisory(
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
        wording.fill(advisory, "reference", found.reference)
        wording.fill(advisory, "explanation", found.explanation)
        return advisory

    def _contract(self, tender: pb.Tender, winner: pb.Bid, centre_labelled: bool) -> pb.Contract:
        return pb.Contract(
            contract_id=str(uuid.uuid4()),
            tender_id=tender.tender_id,
            ordering_party_id=tender.ordering_party_id,
            centre_id=winner.centre_id,
            status=pb.CONTRACT_STATUS_ACTIVE,
            terms=tender.terms,
            price_cents=winner.price_cents,
            sites=winner.sites,
            version=1,
            signed_at=timestamp(self.now()),
            centre_labelled=centre_labelled,
            version_effective_from=tender.terms.start_date,
        )


def _advisory(advisory: purchasing.Advisory) -> pb.PurchasingAdvisory:
    found = pb.PurchasingAdvisory(
        rule=advisory.rule, observed=advisory.observed, limit=advisory.limit
    )
    wording.fill(found, "reference", advisory.reference)
    wording.fill(found, "explanation", advisory.explanation)
    return found


def rule_terms(terms: pb.TenderTerms, price_cents: int | None) -> purchasing.TenderTerms:
    """The tender's terms in the rules' own words; the price in euros per productive hour."""
    price = None
    if price_cents is not None:
        price = pricing.per_productive_hour(
            price_cents,
            pricing.PriceBasis(terms.price_basis),
            terms.forecast.contacts_per_month,
            terms.forecast.productive_hours_per_month,
        )
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
        price_per_productive_hour=price,
        notice_schedule=tuple(rule_schedule(terms.notice_schedule)),
    )


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
        for v in purchasing.invalid_terms(rule_terms(terms, _ceiling(terms)))
    ]
    for i, country in enumerate(terms.allowed_site_countries):
        if pycountry.countries.get(alpha_2=country) is None:
            problems.append(
                Violation(
                    f"terms.allowed_site_countries[{i}]",
                    text("error-country-code", country=country),
                )
            )
    problems += lead_time.schedule_problems(
        rule_schedule(terms.notice_schedule), "terms.notice_schedule.bands"
    )
    return problems


def site_problems(
    sites: list[pb.ProposedSite],
    centre: labels_pb2.Centre,
    allowed_countries: Sequence[str],
    prefix: str = "sites",
) -> list[Violation]:
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


def _with_countries(sites: list[pb.ProposedSite], centre: labels_pb2.Centre) -> list:
    countries = {s.site_id: s.country for s in centre.sites}
    return [pb.ProposedSite(site_id=s.site_id, country=countries[s.site_id]) for s in sites]


def _ceiling(terms: pb.TenderTerms) -> int | None:
    return terms.price_ceiling_cents if terms.HasField("price_ceiling_cents") else None


def _optional_percent(terms: pb.TenderTerms, name: str) -> Decimal | None:
    return Decimal(getattr(terms, name)) if terms.HasField(name) else None


def _own(caller: Caller, role: Role) -> str | None:
    """The organisation to restrict a query to when the caller has this role."""
    return caller.organisation_id if caller.role is role else None


async def _visible_tender(
    conn: asyncpg.Connection, caller: Caller, tender_id: str, *, lock: bool = False
) -> pb.Tender:
    """The tender if the caller may see it; NOT_FOUND otherwise, so another party's tender
    looks exactly like one that does not exist."""
    tender = await store.get_tender(conn, tender_id, lock=lock)
    if tender is None or not await _may_see_tender(conn, caller, tender):
        raise NotFound("tender", tender_id)
    return tender


async def _may_see_tender(conn: asyncpg.Connection, caller: Caller, tender: pb.Tender) -> bool:
    match caller.role:
        case Role.COMMITTEE:
            return True
        case Role.ORDERING_PARTY:
            return tender.ordering_party_id == caller.organisation_id
        case Role.CENTRE:
            return tender.status == pb.TENDER_STATUS_OPEN or await store.has_bid(
                conn, tender.tender_id, caller.organisation_id
            )
    return False


def _emit(uow: UnitOfWork, topic: str, key: str, payload: Message) -> None:
    uow.emit(wrap(topic, payload, aggregate_id=key, producer=PRODUCER))
