"""LabelRegistry over gRPC: who may call what, and each method calling its use case.
Identity, the role check below, validation and error mapping happen in the shared
interceptor; checks that need the resource (whose audit is it?) happen in the use cases."""

from __future__ import annotations

import grpc
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1 import labels_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.labels.bootstrap import UseCases

SERVICE = pb.DESCRIPTOR.services_by_name["LabelRegistry"].full_name
EVERYONE = tuple(Role)
COMMITTEE = (Role.COMMITTEE,)
# Audit detail is for the committee and the audited centre, not for ordering parties.
AUDITED = (Role.COMMITTEE, Role.CENTRE)

ROLES = {
    # The committee keeps the register; a centre may register itself.
    "RegisterCentre": (Role.COMMITTEE, Role.CENTRE),
    "GetCentre": EVERYONE,
    "ListCentres": EVERYONE,
    "PublishReferential": COMMITTEE,
    "GetReferential": EVERYONE,
    "RecordAudit": COMMITTEE,
    "GetAudit": AUDITED,
    "ListAudits": AUDITED,
    "GrantLabel": COMMITTEE,
    "SuspendLabel": COMMITTEE,
    "ReinstateLabel": COMMITTEE,
    "WithdrawLabel": COMMITTEE,
}


class LabelRegistryServicer(labels_pb2_grpc.LabelRegistryServicer):
    def __init__(self, use_cases: UseCases) -> None:
        self._centres = use_cases.centres
        self._audits = use_cases.audits
        self._labels = use_cases.labels

    async def RegisterCentre(self, request: pb.RegisterCentreRequest, context) -> pb.Centre:
        identity.current().require_organisation(request.centre_id)
        return await self._centres.register(request)

    async def GetCentre(self, request: pb.GetCentreRequest, context) -> pb.Centre:
        return await self._centres.get(request.centre_id)

    async def ListCentres(self, request: pb.ListCentresRequest, context) -> pb.ListCentresResponse:
        return pb.ListCentresResponse(centres=await self._centres.list(request))

    async def PublishReferential(
        self, request: pb.PublishReferentialRequest, context
    ) -> pb.Referential:
        return await self._audits.publish_referential(request)

    async def GetReferential(self, request: pb.GetReferentialRequest, context) -> pb.Referential:
        return await self._audits.referential(request.version)

    async def RecordAudit(self, request: pb.RecordAuditRequest, context) -> pb.Audit:
        return await self._audits.record(request)

    async def GetAudit(self, request: pb.GetAuditRequest, context) -> pb.Audit:
        return await self._audits.get(identity.current(), request.audit_id)

    async def ListAudits(self, request: pb.ListAuditsRequest, context) -> pb.ListAuditsResponse:
        identity.current().require_organisation(request.centre_id)
        return pb.ListAuditsResponse(audits=await self._audits.list(request.centre_id))

    async def GrantLabel(self, request: pb.GrantLabelRequest, context) -> pb.Centre:
        return await self._labels.grant(request)

    async def SuspendLabel(self, request: pb.SuspendLabelRequest, context) -> pb.Centre:
        return await self._labels.suspend(request)

    async def ReinstateLabel(self, request: pb.ReinstateLabelRequest, context) -> pb.Centre:
        return await self._labels.reinstate(request)

    async def WithdrawLabel(self, request: pb.WithdrawLabelRequest, context) -> pb.Centre:
        return await self._labels.withdraw(request)


def register(server: grpc.aio.Server, use_cases: UseCases) -> list[ServiceSpec]:
    labels_pb2_grpc.add_LabelRegistryServicer_to_server(LabelRegistryServicer(use_cases), server)
    return [ServiceSpec(SERVICE, ROLES)]
