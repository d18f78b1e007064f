"""Tenders: registering one, bids on it, and its award, which signs the contract. Each
command is one unit of work: state and events commit together. Purchasing practices and the
label preference are advisories returned to the caller and carried by the events, never
refusals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events

from services.codecs import contracts as codec
from services.codecs.labels import rule_label
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.common.identity import Caller, Role
from services.common.protos import timestamp
from services.contracts.unit_of_work import ContractsUnitOfWork, UnitsOfWork
from services.contracts.visibility import own, visible_tender
from services.rules.tender_lifecycle import TenderStep, tender_after
from services.rules.wording import text


@dataclass
class Tenders:
    uows: UnitsOfWork
    now: Clock = utc_now

    async def register(self, caller: Caller, request: pb.RegisterTenderRequest) -> pb.Tender:
        terms = request.terms
        problems = codec.terms_problems(terms)
        if problems:
            raise InvalidArgument(problems)
        async with self.uows() as uow:
            in_force = (await uow.policies.book()).in_force_on(self.today())
            tender = pb.Tender(
                tender_id=str(uuid.uuid4()),
                ordering_party_id=caller.organisation_id,
                status=pb.TENDER_STATUS_OPEN,
                terms=terms,
                advisories=codec.review(terms, codec.ceiling(terms), in_force),
                registered_at=timestamp(self.now()),
            )
            await uow.tenders.add(tender)
            uow.emit(topics.TENDER_EVENTS, tender.tender_id, events.TenderRegistered(tender=tender))
        return tender

    async def get(self, caller: Caller, tender_id: str) -> pb.Tender:
        async with self.uows.reading() as uow:
            return await visible_tender(uow, caller, tender_id)

    async def list(self, caller: Caller, request: pb.ListTendersRequest) -> list[pb.Tender]:
        async with self.uows.reading() as uow:
            return await uow.tenders.list(
                ordering_party_id=own(caller, Role.ORDERING_PARTY),
                open_or_bid_by=own(caller, Role.CENTRE),
                status=request.status,
                activity_type=request.activity_type,
            )

    async def submit_bid(self, caller: Caller, request: pb.SubmitBidRequest) -> pb.Bid:
        centre_id = caller.organisation_id
        async with self.uows() as uow:
            tender = await visible_tender(uow, caller, request.tender_id)
            tender_after(tender.status, TenderStep.BID)
            centre = (await uow.centres.get([centre_id])).get(centre_id)
            if centre is None:
                raise FailedPrecondition(
                    "centre_id", text("tender-centre-unknown", centre=centre_id)
                )
            sites = list(request.sites)
            problems = codec.site_problems(sites, centre, tender.terms.allowed_site_countries)
            if problems:
                raise InvalidArgument(problems)
            bid = pb.Bid(
                bid_id=str(uuid.uuid4()),
                tender_id=tender.tender_id,
                centre_id=centre_id,
                price_cents=request.price_cents,
                sites=codec.with_countries(sites, centre),
                submitted_at=timestamp(self.now()),
            )
            if not await uow.tenders.add_bid(bid):
                raise AlreadyExists("bid", f"{centre_id} on {tender.tender_id}")
            uow.emit(topics.TENDER_EVENTS, tender.tender_id, events.BidSubmitted(bid=bid))
        return bid

    async def bids(self, caller: Caller, tender_id: str) -> list[pb.Bid]:
        async with self.uows.reading() as uow:
            await visible_tender(uow, caller, tender_id)
            return await uow.tenders.bids(tender_id, own(caller, Role.CENTRE))

    async def award(self, caller: Caller, request: pb.AwardTenderRequest) -> pb.AwardTenderResponse:
        async with self.uows() as uow:
            tender = await visible_tender(uow, caller, request.tender_id, lock=True)
            awarded_status = tender_after(tender.status, TenderStep.AWARD)
            bids = await uow.tenders.bids(tender.tender_id)
            winner = next((b for b in bids if b.bid_id == request.bid_id), None)
            if winner is None:
                raise NotFound("bid", request.bid_id)
            labelled = await self._labelled(uow, [b.centre_id for b in bids])
            in_force = (await uow.policies.book()).in_force_on(self.today())
            response = pb.AwardTenderResponse(
                advisories=codec.review(tender.terms, winner.price_cents, in_force)
            )
            preference = codec.label_preference_advisory(tender.terms, winner, bids, labelled)
            if preference is not None:
                response.label_preference.CopyFrom(preference)
            contract = self._contract(tender, winner, labelled[winner.centre_id])
            tender.status = int(awarded_status)
            tender.awarded_bid_id, tender.contract_id = winner.bid_id, contract.contract_id
            await uow.tenders.save(tender)
            await uow.contracts.add(contract)
            await uow.contracts.add_version(contract)
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
            uow.emit(topics.TENDER_EVENTS, tender.tender_id, awarded)
            signed = events.ContractSigned(contract=contract)
            uow.emit(topics.CONTRACT_EVENTS, contract.contract_id, signed)
        response.tender.CopyFrom(tender)
        response.contract.CopyFrom(contract)
        return response

    def today(self) -> date:
        return french_day(self.now())

    async def _labelled(
        self, uow: ContractsUnitOfWork, centre_ids: Sequence[str]
    ) -> dict[str, bool]:
        """Each centre's label as known now: granted, in force and not suspended."""
        centres = await uow.centres.get(centre_ids)
        today = self.today()
        return {
            c: c in centres and rule_label(centres[c].label).labelled_on(today) for c in centre_ids
        }

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
