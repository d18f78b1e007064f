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
from services.labels.usecases import LabelRegistry

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
    def __init__(self, registry: LabelRegistry) -> None:
        self._registry = registry

    async def RegisterCentre(self, request: pb.RegisterCentreRequest, context) -> pb.Centre:
        identity.current().require_organisation(request.centre_id)
        return await self._registry.register_centre(request)

    async def GetCentre(self, request: pb.GetCentreRequest, context) -> pb.Centre:
        return await self._registry.get_centre(request.centre_id)

    async def ListCentres(self, request: pb.ListCentresRequest, context) -> pb.ListCentresResponse:
        return pb.ListCentresResponse(centres=await self._registry.list_centres(request))

    async def PublishReferential(
        self, request: pb.PublishReferentialRequest, context
    ) -> pb.Referential:
        return await self._registry.publish_referential(request)

    async def GetReferential(self, request: pb.GetReferentialRequest, context) -> pb.Referential:
        return await self._registry.get_referential(request.version)

    async def RecordAudit(self, request: pb.RecordAuditRequest, context) -> pb.Audit:
        return await self._registry.record_audit(request)

    async def GetAudit(self, request: pb.GetAuditRequest, context) -> pb.Audit:
        return await self._registry.get_audit(identity.current(), request.audit_id)

    async def ListAudits(self, request: pb.ListAuditsRequest, context) -> pb.ListAuditsResponse:
        identity.current().require_organisation(request.centre_id)
        return pb.ListAuditsResponse(audits=await self._registry.list_audits(request.centre_id))

    async def GrantLabel(self, request: pb.GrantLabelRequest, context) -> pb.Centre:
        return await self._registry.grant_label(request)

    async def SuspendLabel(self, request: pb.SuspendLabelRequest, context) -> pb.Centre:
        return await self._registry.suspend_label(request)

    async def ReinstateLabel(self, request: pb.ReinstateLabelRequest, context) -> pb.Centre:
        return await self._registry.reinstate_label(request)

    async def WithdrawLabel(self, request: pb.WithdrawLabelRequest, context) -> pb.Centre:
        return await self._registry.withdraw_label(request)


def register(server: grpc.aio.Server, registry: LabelRegistry) -> list[ServiceSpec]:
    labels_pb2_grpc.add_LabelRegistryServicer_to_server(LabelRegistryServicer(registry), server)
    return [ServiceSpec(SERVICE, ROLES)]
