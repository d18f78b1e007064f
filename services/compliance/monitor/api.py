"""ComplianceMonitor over gRPC: who may call what, and each method calling the monitor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc
from vigie.policy.v1 import policy_pb2, policy_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.compliance.monitor.policies import Policies
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
# The committee sets its parameters; everyone judged by them may read them.
POLICY_ROLES = {
    "PublishPolicy": (Role.COMMITTEE,),
    "GetPolicy": READERS,
    "ListPolicies": READERS,
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


class PolicyServicer(policy_pb2_grpc.PolicyServiceServicer):
    def __init__(self, policies: Policies) -> None:
        self._policies = policies

    async def PublishPolicy(self, request, context) -> policy_pb2.PublishedPolicy:
        return await self._policies.publish(identity.current(), request)

    async def GetPolicy(self, request, context) -> policy_pb2.PublishedPolicy:
        return await self._policies.get(identity.current(), request)

    async def ListPolicies(self, request, context) -> policy_pb2.ListPoliciesResponse:
        return policy_pb2.ListPoliciesResponse(
            policies=await self._policies.list(identity.current())
        )


def register(server: grpc.aio.Server, monitor: Monitor, policies: Policies) -> list[ServiceSpec]:
    compliance_pb2_grpc.add_ComplianceMonitorServicer_to_server(
        ComplianceMonitorServicer(monitor), server
    )
    policy_pb2_grpc.add_PolicyServiceServicer_to_server(PolicyServicer(policies), server)
    return [
        ServiceSpec(pb.DESCRIPTOR.services_by_name["ComplianceMonitor"].full_name, ROLES),
        ServiceSpec(
            policy_pb2.DESCRIPTOR.services_by_name["PolicyService"].full_name, POLICY_ROLES
        ),
    ]
