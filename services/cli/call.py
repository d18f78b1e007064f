"""One gRPC call from the CLI: where, which method, with what; printed as JSON or as the
status and its rich error details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc

from services.cli import output


@dataclass(frozen=True)
class Call:
    address: str
    stub: Any
    method: str
    # A message, or an iterator of messages for a client-streaming method.
    request: Any

    def run(self, bearer: str) -> int:
        with grpc.insecure_channel(self.address) as channel:
            method = getattr(self.stub(channel), self.method)
            try:
                response = method(
                    self.request, metadata=[("authorization", f"Bearer {bearer}")], timeout=600
                )
            except grpc.RpcError as error:
                output.rpc_error(error)
                return 1
        output.message(response)
        return 0


def follow(address: str, stub: Any, method: str, request: Any, bearer: str, line) -> int:
    """Print each message of a server stream as one line, until interrupted."""
    with grpc.insecure_channel(address) as channel:
        stream = getattr(stub(channel), method)(
            request, metadata=[("authorization", f"Bearer {bearer}")]
        )
        try:
            for message in stream:
                print(line(message), flush=True)
        except KeyboardInterrupt:
            stream.cancel()
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:
                output.rpc_error(error)
                return 1
    return 0
