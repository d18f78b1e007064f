"""What the checks keep of a put-off contract's cause: the finding judged later cites the same
event (id, type, producer, time) and continues its trace, without the event's payload."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.any_pb2 import Any
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from vigie.events.v1.envelope_pb2 import Envelope

from services.common.consumer import BACKLOG
from services.common.uow import UnitOfWork
from services.compliance.checks.volume_checks import PUT_OFF_FROM, Cause, reading_backlog


def test_a_stored_cause_keeps_the_event_and_its_trace_but_not_its_payload() -> None:
    envelope = Envelope(event_id="e-1", event_type="vigie.contracts.v1.VolumesReported")
    envelope.producer = "contracts"
    envelope.occurred_at.FromDatetime(datetime(2026, 3, 9, 10, 0))
    envelope.payload.CopyFrom(Any(type_url="x", value=b"\x01" * 4096))
    span = SpanContext(
        trace_id=0x1234, span_id=0x99, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED)
    )
    context = trace.set_span_in_context(NonRecordingSpan(span))

    stored, carrier = Cause(envelope, context).stored()
    back = Cause.restored(stored, carrier)

    assert len(stored) < 100
    assert back.envelope.event_id == "e-1"
    assert back.envelope.event_type == envelope.event_type
    assert back.envelope.producer == "contracts"
    assert back.envelope.occurred_at == envelope.occurred_at
    assert not back.envelope.HasField("payload")
    restored = trace.get_current_span(back.trace).get_span_context()
    assert (restored.trace_id, restored.span_id) == (0x1234, 0x99)


def test_a_cause_without_trace_is_restored_without_one() -> None:
    stored, carrier = Cause(Envelope(event_id="sweep"), None).stored()
    assert carrier == {}
    assert Cause.restored(stored, carrier).trace is None


def test_work_is_put_off_only_while_records_are_left_to_read() -> None:
    uow = UnitOfWork(conn=None)  # type: ignore[arg-type]
    assert not reading_backlog(uow)  # one by one: judged at once
    uow.state[BACKLOG] = 0
    assert not reading_backlog(uow)
    uow.state[BACKLOG] = PUT_OFF_FROM
    assert reading_backlog(uow)
