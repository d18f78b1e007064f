"""Contracts once signed: reading them, amending one (a new version) and terminating one.
Each command is one unit of work: state and events commit together. A termination's notice
is reviewed against the relationship across the parties' contracts, as an advisory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from google.protobuf.timestamp_pb2 import Timestamp
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import events_pb2 as events

from services.codecs import contracts as codec
from services.common import topics
from services.common.clock import Clock, french_day, utc_now
from services.common.errors import InvalidArgument
from services.common.identity import Caller, Role
from services.common.protos import to_date
from services.common.validation import calendar_date
from services.contracts import relationships
from services.contracts.unit_of_work import ContractsUnitOfWork, UnitsOfWork
from services.contracts.visibility import own, visible_contract
from services.rules import termination
from services.rules.tender_lifecycle import ContractStep, contract_after
from services.rules.wording import text


@dataclass
class Contracts:
    uows: UnitsOfWork
    now: Clock = utc_now

    async def get(self, caller: Caller, contract_id: str) -> pb.Contract:
        async with self.uows.reading() as uow:
            return await visible_contract(uow, caller, contract_id)

    async def list(self, caller: Caller, status: int) -> list[pb.Contract]:
        async with self.uows.reading() as uow:
            return await uow.contracts.list(
                ordering_party_id=own(caller, Role.ORDERING_PARTY),
                centre_id=own(caller, Role.CENTRE),
                status=status,
            )

    async def amend(
        self, caller: Caller, request: pb.AmendContractRequest
    ) -> pb.AmendContractResponse:
        effective_from = calendar_date(request.effective_from, "effective_from")
        async with self.uows() as uow:
            contract = await visible_contract(uow, caller, request.contract_id, lock=True)
            contract_after(contract.status, ContractStep.AMEND)
            start, end = to_date(contract.terms.start_date), to_date(contract.terms.end_date)
            if not start <= effective_from <= end:
                raise InvalidArgument.one(
                    "effective_from",
                    text(
                        "contract-amendment-outside", effective=effective_from, start=start, end=end
                    ),
                )
            await _apply(uow, contract, request.amendment)
            contract.version += 1
            contract.version_effective_from.CopyFrom(request.effective_from)
            # Agreed today: judged by the policy in force today.
            in_force = (await uow.policies.book()).in_force_on(self.today())
            advisories = codec.review(contract.terms, contract.price_cents, in_force)
            await uow.contracts.save(contract)
            await uow.contracts.add_version(contract)
            amended = events.ContractAmended(
                contract=contract,
                amendment=request.amendment,
                reason=request.reason,
                advisories=advisories,
            )
            uow.emit(topics.CONTRACT_EVENTS, contract.contract_id, amended)
        return pb.AmendContractResponse(contract=contract, advisories=advisories)

    async def terminate(
        self, caller: Caller, request: pb.TerminateContractRequest
    ) -> pb.TerminateContractResponse:
        last_day = calendar_date(request.effective_date, "effective_date")
        async with self.uows() as uow:
            contract = await visible_contract(uow, caller, request.contract_id, lock=True)
            terminated_status = contract_after(contract.status, ContractStep.TERMINATE)
            # The relationship runs across the party's contracts with the outsourcer (and a
            # declared older start), measured on the day the termination is notified: today.
            today = self.today()
            in_force = (await uow.policies.book()).in_force_on(today)
            since = await relationships.established(
                uow, contract.ordering_party_id, contract.centre_id, today, in_force
            )
            start = since.since if since else min(_day(contract.signed_at), today)
            problems = termination.termination_problems(start, today, last_day)
            if problems:
                raise InvalidArgument(problems)
            found = termination.review_termination(start, today, last_day, in_force.termination)
            advisories = [codec.advisory(a, in_force.version) for a in found]
            contract.status = int(terminated_status)
            contract.terminated_on.CopyFrom(request.effective_date)
            contract.termination_reason = request.reason
            await uow.contracts.save(contract)
            terminated = events.ContractTerminated(contract=contract, advisories=advisories)
            uow.emit(topics.CONTRACT_EVENTS, contract.contract_id, terminated)
        return pb.TerminateContractResponse(contract=contract, advisories=advisories)

    def today(self) -> date:
        return french_day(self.now())


async def _apply(
    uow: ContractsUnitOfWork, contract: pb.Contract, amendment: pb.ContractAmendment
) -> None:
    if amendment.HasField("forecast"):
        contract.terms.forecast.CopyFrom(amendment.forecast)
    if amendment.HasField("price_cents"):
        contract.price_cents = amendment.price_cents
    if amendment.HasField("notice_schedule"):
        problems = codec.schedule_problems(
            amendment.notice_schedule, "amendment.notice_schedule.bands"
        )
        if problems:
            raise InvalidArgument(problems)
        contract.terms.notice_schedule.CopyFrom(amendment.notice_schedule)
    if amendment.HasField("sites"):
        centre = (await uow.centres.get([contract.centre_id]))[contract.centre_id]
        sites = list(amendment.sites.sites)
        # Moving sites to another country is the parties' agreement: recorded, not refused
        # (offshoring is the compliance checks' business).
        problems = codec.site_problems(
            sites, centre, allowed_countries=(), prefix="amendment.sites.sites"
        )
        if problems:
            raise InvalidArgument(problems)
        del contract.sites[:]
        contract.sites.extend(codec.with_countries(sites, centre))


def _day(stamp: Timestamp) -> date:
    return french_day(stamp.ToDatetime(tzinfo=UTC))
