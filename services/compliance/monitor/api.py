"""ComplianceMonitor over gRPC: who may call what, and each method calling the monitor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.compliance.monitor.usecases import Monitor

# Who may read findings at all; each sees only those it may (monitor.sees).
READERS = (Role.COMMITTEE, Role.ORDERING_PARTY, Role.CENTRE)
ROLES = {
    "WatchFindings": READERS,
    "ListFindings": READERS,
    "GetFinding": READERS,
    "GetFindingHistory": READERS,
    # The two sides of the contract may contest; the committee rules.
    "ContestFinding": (Role.ORDERING_PARTY, Role.CENTRE),
    "RuleOnFinding": (Role.COMMITTEE,),
    "CloseFinding": (Role.COMMITTEE,),
    "ReopenFinding": (Role.COMMITTEE,),
    "GetScorecard": (Role.COMMITTEE, Role.ORDERING_PARTY),
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

    async def GetFindingHistory(self, request, context) -> pb.GetFindingHistoryResponse:
        transitions = await self._monitor.history(identity.current(), request.finding_id)
        return pb.GetFindingHistoryResponse(transitions=transitions)

    async def ContestFinding(self, request, context) -> pb.Finding:
        return await self._monitor.contest(identity.current(), request)

    async def RuleOnFinding(self, request, context) -> pb.Finding:
        return await self._monitor.rule(identity.current(), request)

    async def CloseFinding(self, request, context) -> pb.Finding:
        return await self._monitor.close(identity.current(), request)

    async def ReopenFinding(self, request, context) -> pb.Finding:
        return await self._monitor.reopen(identity.current(), request)

    async def GetScorecard(self, request, context) -> pb.GetScorecardResponse:
        return await self._monitor.scorecard(identity.current(), request)


def register(server: grpc.aio.Server, monitor: Monitor) -> list[ServiceSpec]:
    compliance_pb2_grpc.add_ComplianceMonitorServicer_to_server(
        ComplianceMonitorServicer(monitor), server
    )
    return [ServiceSpec(pb.DESCRIPTOR.services_by_name["ComplianceMonitor"].full_name, ROLES)]
