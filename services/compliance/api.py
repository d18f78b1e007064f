"""ComplianceMonitor over gRPC: who may call what, and each method calling the monitor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.compliance.monitor import Monitor

WATCHERS = (Role.COMMITTEE, Role.ORDERING_PARTY)
ROLES = {
    "WatchFindings": WATCHERS,
    "ListFindings": WATCHERS,
    "GetFinding": WATCHERS,
    "CloseFinding": (Role.COMMITTEE,),
    "GetScorecard": WATCHERS,
}


class ComplianceMonitorServicer(compliance_pb2_grpc.ComplianceMonitorServicer):
    def __init__(self, monitor: Monitor) -> None:
        self._monitor = monitor

    async def WatchFindings(self, request, context) -> AsyncIterator[pb.Finding]:
        async for finding in self._monitor.watch(identity.current(), request):
            yield finding

    async def ListFindings(self, request, context) -> pb.ListFindingsResponse:
        findings = await self._monitor.list(identity.current(), request)
        return pb.ListFindingsResponse(findings=findings)

    async def GetFinding(self, request, context) -> pb.Finding:
        return await self._monitor.get(identity.current(), request.finding_id)

    async def CloseFinding(self, request, context) -> pb.Finding:
        return await self._monitor.close(identity.current(), request)

    async def GetScorecard(self, request, context) -> pb.GetScorecardResponse:
        return await self._monitor.scorecard(identity.current(), request)


def register(server: grpc.aio.Server, monitor: Monitor) -> list[ServiceSpec]:
    compliance_pb2_grpc.add_ComplianceMonitorServicer_to_server(
        ComplianceMonitorServicer(monitor), server
    )
    return [ServiceSpec(pb.DESCRIPTOR.services_by_name["ComplianceMonitor"].full_name, ROLES)]
