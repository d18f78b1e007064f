"""Which tenders and contracts a caller may see. Another party's tender or contract is
NOT_FOUND, exactly as if it did not exist."""

from __future__ import annotations

from vigie.contracts.v1 import contracts_pb2 as pb

from services.common.errors import NotFound
from services.common.identity import Caller, Role
from services.contracts.unit_of_work import ContractsUnitOfWork


def own(caller: Caller, role: Role) -> str | None:
    """The organisation to restrict a query to when the caller has this role."""
    return caller.organisation_id if caller.role is role else None


async def visible_tender(
    uow: ContractsUnitOfWork, caller: Caller, tender_id: str, *, lock: bool = False
) -> pb.Tender:
    """The tender if the caller may see it; NOT_FOUND otherwise."""
    tender = await uow.tenders.get(tender_id, lock=lock)
    if tender is None or not await _may_see_tender(uow, caller, tender):
        raise NotFound("tender", tender_id)
    return tender


async def visible_contract(
    uow: ContractsUnitOfWork, caller: Caller, contract_id: str, *, lock: bool = False
) -> pb.Contract:
    """The contract if the caller is one of its parties or the committee; NOT_FOUND
    otherwise."""
    contract = (await uow.contracts.get([contract_id], lock=lock)).get(contract_id)
    if contract is None or not caller.sees(contract):
        raise NotFound("contract", contract_id)
    return contract


async def _may_see_tender(uow: ContractsUnitOfWork, caller: Caller, tender: pb.Tender) -> bool:
    match caller.role:
        case Role.COMMITTEE:
            return True
        case Role.ORDERING_PARTY:
            return tender.ordering_party_id == caller.organisation_id
        case Role.CENTRE:
            return tender.status == pb.TENDER_STATUS_OPEN or await uow.tenders.has_bid(
                tender.tender_id, caller.organisation_id
            )
    return False
