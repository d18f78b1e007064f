"""The gRPC services the dashboard reads, called with the signed-in person's own bearer
token: each service decides what that person may see, exactly as for any other client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from vigie.compliance.v1 import compliance_pb2_grpc
from vigie.contracts.v1 import contracts_pb2_grpc
from vigie.labels.v1 import labels_pb2_grpc
from vigie.notices.v1 import notices_pb2_grpc
from vigie.policy.v1 import policy_pb2_grpc

from services.dashboard.settings import DashboardSettings

# Names a committee member recognises, for the messages shown when a service fails.
SERVICE_NAMES = {
    "compliance": "conformité (constats et tableaux de bord)",
    "labels": "labels (centres et labels)",
    "contracts": "contrats",
    "notices": "préavis et alertes",
    "policy": "politique du comité",
}

# Codes that mean "the backend cannot answer now" rather than "you asked for something wrong".
UNREACHABLE = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.UNIMPLEMENTED,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.UNKNOWN,
)


@dataclass
class BackendError(Exception):
    service: str
    code: grpc.StatusCode
    details: str
    # What a refusal says about the request (google.rpc.BadRequest): (field path, reason).
    field_violations: tuple[tuple[str, str], ...] = ()
    # What a FAILED_PRECONDITION says the state is (google.rpc.PreconditionFailure's type).
    precondition: str = ""

    @classmethod
    def of(cls, service: str, error: grpc.RpcError) -> BackendError:
        """The error with the rich details the services attach (errors.py), when readable."""
        violations: list[tuple[str, str]] = []
        precondition = ""
        try:
            status = rpc_status.from_call(error)
        except (ValueError, AttributeError):  # a status that does not match its details
            status = None
        for detail in status.details if status else []:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations += [(v.field, v.description) for v in bad.field_violations]
            elif detail.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
                failure = error_details_pb2.PreconditionFailure()
                detail.Unpack(failure)
                precondition = next((v.type for v in failure.violations), precondition)
        return cls(service, error.code(), error.details() or "", tuple(violations), precondition)

    def __str__(self) -> str:
        return f"{self.service}: {self.code.name}: {self.details}"

    @property
    def message(self) -> str:
        """What the page says, in French."""
        name = SERVICE_NAMES.get(self.service, self.service)
        match self.code:
            case grpc.StatusCode.UNAVAILABLE:
                return (
                    f"Le service {name} est injoignable pour le moment. Réessayez dans un instant."
                )
            case grpc.StatusCode.DEADLINE_EXCEEDED:
                return f"Le service {name} est trop lent à répondre. Réessayez dans un instant."
            case grpc.StatusCode.UNIMPLEMENTED:
                return f"Le service {name} ne fournit pas encore cette information."
            case grpc.StatusCode.PERMISSION_DENIED:
                return f"Le service {name} refuse l'accès à cette information pour votre profil."
            case grpc.StatusCode.UNAUTHENTICATED:
                return "Votre jeton n'est pas ou plus valide : reconnectez-vous."
            case grpc.StatusCode.NOT_FOUND:
                return "Introuvable, ou hors de votre périmètre."
            case _:
                return f"Le service {name} a répondu par une erreur ({self.code.name})."

    @property
    def unreachable(self) -> bool:
        return self.code in UNREACHABLE


class Backends:
    """One channel per service, shared by every request (gRPC multiplexes the calls)."""

    def __init__(self, settings: DashboardSettings) -> None:
        self.timeout = settings.dashboard_backend_timeout
        addresses = {
            "compliance": settings.compliance_addr,
            "labels": settings.labels_addr,
            "contracts": settings.contracts_addr,
            "notices": settings.notices_addr,
        }
        self._channels = {name: grpc.aio.insecure_channel(a) for name, a in addresses.items()}
        self._stubs: dict[str, Any] = {
            "compliance": compliance_pb2_grpc.ComplianceMonitorStub(self._channels["compliance"]),
            "labels": labels_pb2_grpc.LabelRegistryStub(self._channels["labels"]),
            "contracts": contracts_pb2_grpc.ContractServiceStub(self._channels["contracts"]),
            "notices": notices_pb2_grpc.NoticeServiceStub(self._channels["notices"]),
            # The compliance monitor serves the committee's policy, on its own address.
            "policy": policy_pb2_grpc.PolicyServiceStub(self._channels["compliance"]),
        }

    async def call(
        self, service: str, method: str, request: Any, token: str, language: str = ""
    ) -> Any:
        """A unary call as the signed-in person; a failure becomes a BackendError. `language`:
        the texts of the answer and of a refusal in it (`accept-language`)."""
        rpc = getattr(self._stubs[service], method)
        metadata = bearer(token) + ([("accept-language", language)] if language else [])
        try:
            return await rpc(request, metadata=metadata, timeout=self.timeout)
        except grpc.RpcError as error:
            raise BackendError.of(service, error) from error

    def stream(self, service: str, method: str, request: Any, token: str) -> Any:
        """A server stream as the signed-in person (no deadline: it lasts as long as the page).
        The caller iterates it and cancels it; errors surface as grpc.RpcError."""
        return getattr(self._stubs[service], method)(request, metadata=bearer(token))

    async def read_for(
        self, service: str, method: str, request: Any, token: str, quiet: float
    ) -> AsyncIterator[Any]:
        """The messages a never-ending stream replays, until it stays `quiet` seconds (the
        replay is over) or the page's deadline passes: a live stream read as a list."""
        call = self.stream(service, method, request, token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            while (left := deadline - loop.time()) > 0:
                try:
                    message = await asyncio.wait_for(call.read(), min(quiet, left))
                except TimeoutError:
                    return
                if message is grpc.aio.EOF:
                    return
                yield message
        except grpc.RpcError as error:
            raise BackendError(service, error.code(), error.details() or "") from error
        finally:
            call.cancel()

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()


def bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]
