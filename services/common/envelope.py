"""The event envelope: every Kafka record Vigie publishes is one `Envelope` around a
protobuf payload, keyed by its aggregate id, with W3C trace context in the headers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.protobuf import any_pb2, symbol_database
from google.protobuf.message import Message
from opentelemetry import propagate
from opentelemetry.context import Context
from vigie.compliance.v1 import events_pb2 as _compliance_events  # noqa: F401
from vigie.contracts.v1 import events_pb2 as _contracts_events  # noqa: F401
from vigie.events.v1.envelope_pb2 import Envelope

# Imported for their side effect: every payload type Vigie publishes is known to decode().
from vigie.labels.v1 import events_pb2 as _labels_events  # noqa: F401
from vigie.notices.v1 import events_pb2 as _notices_events  # noqa: F401

from services.common import topics, wording
from services.common.errors import quote
from services.common.validation import violations

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class Event:
    """An event ready for the outbox: where it goes, its key, its encoded envelope and the
    trace context of the call that raised it."""

    topic: str
    key: str
    event_id: str
    event_type: str
    value: bytes
    # The trace context to publish in (W3C carrier).
    headers: dict[str, str] = field(default_factory=dict)
    # Kafka headers of its own; empty: the relay sets event-id and event-type (kafka_headers).
    record_headers: Headers = field(default_factory=list)


def wrap(
    topic: str,
    payload: Message,
    *,
    aggregate_id: str,
    producer: str,
    schema_version: int = 1,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
    trace: Context | None = None,
) -> Event:
    """Wrap a payload in an envelope; the trace context (`trace`, else the current one) is
    captured now, so the relay can publish it later as part of the same trace. Its texts for
    people are written in French from their wordings (`wording.localise`)."""
    wording.localise(payload, wording.DEFAULT_LANGUAGE)
    packed = any_pb2.Any()
    packed.Pack(payload)
    envelope = Envelope(
        event_id=event_id or str(uuid.uuid4()),
        event_type=payload.DESCRIPTOR.full_name,
        producer=producer,
        aggregate_id=aggregate_id,
        schema_version=schema_version,
        payload=packed,
    )
    envelope.occurred_at.FromDatetime(occurred_at or datetime.now(UTC))
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace)
    return Event(
        topic=topic,
        key=aggregate_id,
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        value=envelope.SerializeToString(),
        headers=carrier,
    )


class UndecodableEvent(Exception):
    """A record that is not an event Vigie can apply: not an envelope, a payload that does
    not parse, a type its topic does not carry, or fields that break their rules. The reason
    goes to the dead letters; the same record would fail the same way every time."""


# Event type -> the message a consumer parses its payload as instead: a view with the fields
# it reads (the same numbers and rules), the others left unparsed as unknown fields.
Views = Mapping[str, type[Message]]


def read(topic: str, value: bytes | None, views: Views | None = None) -> tuple[Envelope, Message]:
    """Decode a record of `topic` and check it as the API checks a request: a type the topic
    carries (infra/topics.toml) and every field within its protovalidate rules (those of the
    view, when the consumer reads the type through one)."""
    envelope, payload = decode(value, views)
    carried = topics.carried_events().get(topic)
    if carried and envelope.event_type not in carried:
        raise UndecodableEvent(f"{quote(envelope.event_type)} is not carried by {topic}")
    if broken := violations(payload):
        reasons = "; ".join(f"{v.field}: {wording.render(v.reason)}" for v in broken[:5])
        raise UndecodableEvent(f"invalid {envelope.event_type}: {reasons}"[:500])
    return envelope, payload


def decode(value: bytes | None, views: Views | None = None) -> tuple[Envelope, Message]:
    """Parse an envelope and its payload with the project's own protobuf types (or the view
    of `views` for its type). Whatever the bytes, the only exception is UndecodableEvent."""
    if not value:
        raise UndecodableEvent("empty record value")
    envelope = Envelope()
    try:
        envelope.ParseFromString(value)
    except Exception as exc:  # DecodeError, and whatever else the parser meets in garbage
        raise UndecodableEvent(f"not an envelope: {quote(exc)}") from exc
    if not envelope.event_type:
        raise UndecodableEvent("envelope without event_type")
    try:
        uuid.UUID(envelope.event_id)
    except ValueError:
        raise UndecodableEvent(f"event_id {quote(envelope.event_id)} is not a UUID") from None
    type_name = envelope.payload.TypeName()
    if type_name != envelope.event_type:
        raise UndecodableEvent(
            f"payload is {quote(type_name)}, envelope says {quote(envelope.event_type)}"
        )
    payload_class = (views or {}).get(type_name) or _payload_class(type_name)
    try:
        # The type's name was checked above: what Any.Unpack checks before it parses.
        payload = payload_class.FromString(envelope.payload.value)
    except Exception as exc:  # a payload of the right name with bytes that do not parse
        raise UndecodableEvent(f"payload does not parse as {type_name}: {quote(exc)}") from exc
    return envelope, payload


def _payload_class(type_name: str) -> type[Message]:
    try:
        return symbol_database.Default().GetSymbol(type_name)
    except KeyError as exc:
        raise UndecodableEvent(f"unknown event type {quote(type_name)}") from exc


def kafka_headers(event_id: str, event_type: str) -> Headers:
    """Record headers readable by kcat. The aiokafka instrumentation appends the W3C trace
    context (`traceparent`) of the producer span, a child of the context attached at send."""
    return [("event-id", event_id.encode()), ("event-type", event_type.encode())]


def trace_carrier(headers: Headers | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in (headers or []) if v is not None}
