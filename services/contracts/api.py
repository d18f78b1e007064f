"""TenderService and ContractService over gRPC: who may call what, and each method calling
its use case. Which tenders, bids and contracts a caller may see is decided in the use cases."""

from __future__ import annotations

import grpc
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import contracts_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.contracts.bootstrap import UseCases

PARTIES = (Role.ORDERING_PARTY, Role.CENTRE, Role.COMMITTEE)

TENDER_ROLES = {
    "RegisterTender": (Role.ORDERING_PARTY,),
    "GetTender": PARTIES,
    "ListTenders": PARTIES,
    "SubmitBid": (Role.CENTRE,),
    "ListBids": PARTIES,
    "AwardTender": (Role.ORDERING_PARTY,),
}
CONTRACT_ROLES = {
    "GetContract": PARTIES,
    "ListContracts": PARTIES,
    "AmendContract": (Role.ORDERING_PARTY,),
    "TerminateContract": (Role.ORDERING_PARTY, Role.CENTRE),
    "ReportVolumes": (Role.CENTRE,),
    "DeclareRelationship": (Role.COMMITTEE, Role.ORDERING_PARTY),
    "GetRelationship": PARTIES,
}


class TenderServicer(contracts_pb2_grpc.TenderServiceServicer):
    def __init__(self, use_cases: UseCases) -> None:
        self._tenders = use_cases.tenders

    async def RegisterTender(self, request, context) -> pb.RegisterTenderResponse:
        tender = await self._tenders.register(identity.current(), request)
        return pb.RegisterTenderResponse(tender=tender, advisories=tender.advisories)

    async def GetTender(self, request, context) -> pb.Tender:
        return await self._tenders.get(identity.current(), request.tender_id)

    async def ListTenders(self, request, context) -> pb.ListTendersResponse:
        tenders = await self._tenders.list(identity.current(), request)
        return pb.ListTendersResponse(tenders=tenders)

    async def SubmitBid(self, request, context) -> pb.Bid:
        return await self._tenders.submit_bid(identity.current(), request)

    async def ListBids(self, request, context) -> pb.ListBidsResponse:
        bids = await self._tenders.bids(identity.current(), request.tender_id)
        return pb.ListBidsResponse(bids=bids)

    async def AwardTender(self, request, context) -> pb.AwardTenderResponse:
        return await self._tenders.award(identity.current(), request)


class ContractServicer(contracts_pb2_grpc.ContractServiceServicer):
    def __init__(self, use_cases: UseCases) -> None:
        self._contracts = use_cases.contracts
        self._volumes = use_cases.volumes
        self._relationships = use_cases.relationships

    async def GetContract(self, request, context) -> pb.Contract:
        return await self._contracts.get(identity.current(), request.contract_id)

    async def ListContracts(self, request, context) -> pb.ListContractsResponse:
        contracts = await self._contracts.list(identity.current(), request.status)
        return pb.ListContractsResponse(contracts=contracts)

    async def AmendContract(self, request, context) -> pb.AmendContractResponse:
        return await self._contracts.amend(identity.current(), request)

    async def TerminateContract(self, request, context) -> pb.TerminateContractResponse:
        return await self._contracts.terminate(identity.current(), request)

    async def ReportVolumes(self, request_iterator, context) -> pb.ReportVolumesResponse:
        return await self._volumes.report(identity.current(), request_iterator)

    async def DeclareRelationship(self, request, context) -> pb.Relationship:
        return await self._relationships.declare(identity.current(), request)

    async def GetRelationship(self, request, context) -> pb.Relationship:
        return await self._relationships.get(identity.current(), request)


def register(server: grpc.aio.Server, use_cases: UseCases) -> list[ServiceSpec]:
    contracts_pb2_grpc.add_TenderServiceServicer_to_server(TenderServicer(use_cases), server)
    contracts_pb2_grpc.add_ContractServiceServicer_to_server(ContractServicer(use_cases), server)
    return [
        ServiceSpec(pb.DESCRIPTOR.services_by_name["TenderService"].full_name, TENDER_ROLES),
        ServiceSpec(pb.DESCRIPTOR.services_by_name["ContractService"].full_name, CONTRACT_ROLES),
    ]
