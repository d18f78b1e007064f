"""gRPC server bootstrap shared by every service: identity, field validation and error
mapping in one interceptor; health checking and server reflection always on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common import failures, identity, validation, wording
from services.common.errors import ServiceError, Unavailable, from_rule, to_trailers
from services.rules import RuleBroken
from services.rules.wording import text

log = logging.getLogger(__name__)

# Open to anyone: load balancers and grpcurl must not need a token.
PUBLIC_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")


@dataclass(frozen=True)
class ServiceSpec:
    """A gRPC service and the roles allowed to call each of its methods."""

    name: str
    roles: Mapping[str, tuple[identity.Role, ...]]


class ServiceInterceptor(grpc.aio.ServerInterceptor):
    """Authenticates the caller, checks its role against the method's (deny when a method
    declares none), validates each request message against its protovalidate rules, writes
    the texts of the response in the caller's language (`accept-language`, French by
    default), and turns use-case errors into status codes with rich details."""

    def __init__(self, token_key: str, specs: list[ServiceSpec]) -> None:
        self._token_key = token_key
        # Filled by start_server once the servicers are registered; read on the first call.
        self._specs = specs
        self._table: dict[str, tuple[identity.Role, ...]] | None = None

    def _roles(self, method: str) -> tuple[identity.Role, ...]:
        if self._table is None:
            self._table = {
                f"/{spec.name}/{name}": roles
                for spec in self._specs
                for name, roles in spec.roles.items()
            }
        return self._table.get(method, ())

    async def intercept_service(self, continuation, details):
        handler = await continuation(details)
        if handler is None or details.method.startswith(PUBLIC_PREFIXES):
            return handler
        roles = self._roles(details.method)
        metadata = details.invocation_metadata

        def authenticate() -> None:
            # First, so that even a refused token is explained in the caller's language.
            wording.set_language(wording.negotiate(_header(metadata, "accept-language")))
            caller = identity.from_metadata(self._token_key, metadata)
            caller.require(*roles)
            identity.set_current(caller)

        return _wrap(handler, authenticate)


def _header(metadata: tuple | None, name: str) -> str | None:
    return next((value for key, value in metadata or () if key == name), None)


def _wrap(handler: grpc.RpcMethodHandler, enter: Callable[[], None]):
    async def validated(requests: AsyncIterator) -> AsyncIterator:
        # Items of a repeated field are numbered across the whole stream (records[i]).
        seen: dict[str, int] = {}
        async for request in requests:
            validation.check(request, offsets=seen)
            for name, count in validation.repeated_counts(request).items():
                seen[name] = seen.get(name, 0) + count
            yield request

    if handler.unary_unary:

        async def unary_unary(request, context):
            async with _errors(context):
                enter()
                validation.check(request)
                return wording.localise(await handler.unary_unary(request, context))

        return grpc.unary_unary_rpc_method_handler(
            unary_unary, handler.request_deserializer, handler.response_serializer
        )
    if handler.unary_stream:

        async def unary_stream(request, context):
            async with _errors(context):
                enter()
                validation.check(request)
                async for response in handler.unary_stream(request, context):
                    yield wording.localise(response)

        return grpc.unary_stream_rpc_method_handler(
            unary_stream, handler.request_deserializer, handler.response_serializer
        )
    if handler.stream_unary:

        async def stream_unary(requests, context):
            async with _errors(context):
                enter()
                return wording.localise(await handler.stream_unary(validated(requests), context))

        return grpc.stream_unary_rpc_method_handler(
            stream_unary, handler.request_deserializer, handler.response_serializer
        )

    async def stream_stream(requests, context):
        async with _errors(context):
            enter()
            async for response in handler.stream_stream(validated(requests), context):
                yield wording.localise(response)

    return grpc.stream_stream_rpc_method_handler(
        stream_stream, handler.request_deserializer, handler.response_serializer
    )


class _errors:
    """Maps what a call raises to the status the caller sees."""

    def __init__(self, context: grpc.aio.ServicerContext) -> None:
        self._context = context

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        # A cancelled call (the client went away, the server is stopping) is not an error.
        if exc is None or isinstance(
            exc, grpc.aio.AbortError | GeneratorExit | asyncio.CancelledError
        ):
            return False
        if isinstance(exc, RuleBroken):
            exc = from_rule(exc)
        elif isinstance(exc, failures.DEPENDENCY_DOWN):
            log.warning("dependency unavailable: %r", exc)
            exc = Unavailable("DEPENDENCY_DOWN", text("error-dependency-down"))
        if not isinstance(exc, ServiceError):
            log.exception("unexpected error", exc_info=exc)
            await self._context.abort(
                grpc.StatusCode.INTERNAL, wording.render(text("error-internal"))
            )
        code, message, trailers = to_trailers(exc)
        await self._context.abort(code, message, trailing_metadata=trailers)
        return False


class Health(health.aio.HealthServicer):
    """The health service, and the names it answers for: the server ("") and each service."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__()
        self.names = ["", *names]

    async def set_all(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in self.names:
            await self.set(name, status)


async def start_server(
    host: str,
    port: int,
    token_key: str,
    register: Callable[[grpc.aio.Server], Iterable[ServiceSpec]],
) -> tuple[grpc.aio.Server, Health, int]:
    """Build and start a server; `register` adds the servicers and returns their specs.
    Returns the server, its health servicer and the bound port (useful when port is 0)."""
    specs: list[ServiceSpec] = []
    server = grpc.aio.server(interceptors=[ServiceInterceptor(token_key, specs)])
    specs.extend(register(server))
    names = [spec.name for spec in specs]
    health_servicer = Health(names)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    await server.start()
    await health_servicer.set_all(serving=True)
    return server, health_servicer, bound


async def stop_server(server: grpc.aio.Server, health_servicer, grace: float = 5.0) -> None:
    """Say NOT_SERVING first so load balancers stop sending, then drain in-flight calls."""
    await health_servicer.enter_graceful_shutdown()
    await server.stop(grace)
