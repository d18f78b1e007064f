"""NoticeService over gRPC: who may call what, and each method calling its use case. Which
notices a caller may see is decided in the use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
from vigie.notices.v1 import notices_pb2 as pb
from vigie.notices.v1 import notices_pb2_grpc

from services.common import identity
from services.common.grpc_server import ServiceSpec
from services.common.identity import Role
from services.notices.bootstrap import UseCases
from services.notices.streams import AlertHub

PARTIES = (Role.ORDERING_PARTY, Role.CENTRE, Role.COMMITTEE)
ROLES = {
    "IssueWorkloadChange": (Role.ORDERING_PARTY,),
    "PreviewWorkloadChange": (Role.ORDERING_PARTY,),
    "AcknowledgeNotice": (Role.CENTRE,),
    "GetNotice": PARTIES,
    "ListNotices": PARTIES,
    # The committee may watch any centre's stream; a centre only its own.
    "SubscribeAlerts": (Role.CENTRE, Role.COMMITTEE),
    "AcknowledgeAlerts": (Role.CENTRE,),
}


class NoticeServicer(notices_pb2_grpc.NoticeServiceServicer):
    def __init__(self, use_cases: UseCases, hub: AlertHub) -> None:
        self._notices = use_cases.notices
        self._previews = use_cases.previews
        self._alerts = use_cases.alerts
        self._hub = hub

    async def IssueWorkloadChange(self, request, context) -> pb.Notice:
        return await self._notices.issue(identity.current(), request)

    async def PreviewWorkloadChange(self, request, context) -> pb.PreviewWorkloadChangeResponse:
        return await self._previews.preview(identity.current(), request)

    async def AcknowledgeNotice(self, request, context) -> pb.Notice:
        return await self._notices.acknowledge(identity.current(), request.notice_id)

    async def GetNotice(self, request, context) -> pb.Notice:
        return await self._notices.get(identity.current(), request.notice_id)

    async def ListNotices(self, request, context) -> pb.ListNoticesResponse:
        return pb.ListNoticesResponse(notices=await self._notices.list(identity.current(), request))

    async def SubscribeAlerts(self, request, context) -> AsyncIterator[pb.Alert]:
        caller = identity.current()
        centre_id = request.centre_id or caller.organisation_id
        caller.require_organisation(centre_id)
        after = request.after_cursor if request.HasField("after_cursor") else None
        async for alert in self._hub.subscribe(centre_id, after):
            yield alert

    async def AcknowledgeAlerts(self, request, context) -> pb.AcknowledgeAlertsResponse:
        cursor = await self._alerts.acknowledge(identity.current(), request.up_to_cursor)
        return pb.AcknowledgeAlertsResponse(acknowledged_cursor=cursor)


def register(server: grpc.aio.Server, use_cases: UseCases, hub: AlertHub) -> list[ServiceSpec]:
    notices_pb2_grpc.add_NoticeServiceServicer_to_server(NoticeServicer(use_cases, hub), server)
    return [ServiceSpec(pb.DESCRIPTOR.services_by_name["NoticeService"].full_name, ROLES)]
