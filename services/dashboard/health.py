"""`/sante`: the dashboard answers (200) and says which gRPC backends answer too. The status
does not depend on them: a backend down is shown on the pages, and restarting the dashboard
would not bring it back."""

from __future__ import annotations

import asyncio

import grpc
from aiohttp import web
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.dashboard.settings import DashboardSettings


async def health(request: web.Request) -> web.Response:
    settings: DashboardSettings = request.app["settings"]
    addresses = {
        "compliance": settings.compliance_addr,
        "labels": settings.labels_addr,
        "contracts": settings.contracts_addr,
        "notices": settings.notices_addr,
    }
    states = await asyncio.gather(*(_check(a) for a in addresses.values()))
    return web.json_response(
        {"status": "SERVING", "backends": dict(zip(addresses, states, strict=True))}
    )


async def _check(address: str) -> str:
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            response = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=1
            )
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    except grpc.RpcError as error:
        return error.code().name
