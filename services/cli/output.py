"""How the CLI prints messages, errors and events."""

from __future__ import annotations

import json
import sys

import grpc
from google.protobuf import json_format
from google.protobuf.message import Message
from grpc_status import rpc_status
from vigie.events.v1.envelope_pb2 import Envelope


def as_dict(message: Message) -> dict:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def message(msg: Message) -> None:
    print(json.dumps(as_dict(msg), indent=2, ensure_ascii=False))


def rpc_error(error: grpc.RpcError) -> None:
    print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
    status = rpc_status.from_call(error)
    for detail in status.details if status else []:
        print(
            f"  {detail.TypeName()}: {json.dumps(as_dict(unpack(detail)), ensure_ascii=False)}",
            file=sys.stderr,
        )


def unpack(detail) -> Message:
    from google.rpc import error_details_pb2

    for name in ("BadRequest", "PreconditionFailure", "ResourceInfo", "ErrorInfo"):
        candidate = getattr(error_details_pb2, name)()
        if detail.Is(candidate.DESCRIPTOR):
            detail.Unpack(candidate)
            return candidate
    return detail


def event_line(topic: str, envelope: Envelope, payload: Message, trace_id: str) -> str:
    body = json.dumps(as_dict(payload), ensure_ascii=False)
    if len(body) > 160:
        body = body[:157] + "..."
    kind = envelope.event_type.rsplit(".", 1)[-1]
    return f"  event {topic} key={envelope.aggregate_id} {kind} trace={trace_id[:8]}… {body}"
