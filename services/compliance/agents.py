"""The agents: decode → rules → publish findings. Thin on purpose: the checks are in
findings.py and the rules module."""

from __future__ import annotations

import logging

from opentelemetry import propagate, trace
from vigie.compliance.v1 import events_pb2 as events

from services.common import topics
from services.common.envelope import UndecodableEvent, decode, kafka_headers, trace_carrier, wrap
from services.compliance.app import APP_ID, app, checked, dead_letters, findings
from services.compliance.findings import findings_for

log = logging.getLogger(__name__)
tracer = trace.get_tracer("vigie.compliance")


@app.agent(checked)
async def check(stream) -> None:
    async for event in stream.events():
        message = event.message
        headers = list(message.headers or [])
        try:
            envelope, payload = decode(message.value)
        except UndecodableEvent as exc:
            await dead_letters.send(
                key=message.key,
                value=message.value,
                headers=[
                    *headers,
                    ("dead-letter-reason", str(exc).encode()),
                    ("dead-letter-topic", message.topic.encode()),
                ],
            )
            continue
        # The findings continue the trace of the event that revealed them.
        with tracer.start_as_current_span(
            f"check {envelope.event_type.rsplit('.', 1)[-1]}",
            context=propagate.extract(trace_carrier(headers)),
        ):
            for finding in findings_for(envelope, payload):
                await publish(finding, envelope)


async def publish(finding, source) -> None:
    raised = wrap(
        topics.FINDINGS,
        events.FindingRaised(finding=finding),
        aggregate_id=finding.ordering_party_id,
        producer=APP_ID,  # which group of workers raised it
        event_id=finding.finding_id,
        occurred_at=source.occurred_at.ToDatetime(),
    )
    # The aiokafka instrumentation adds the trace context of the current span (the check's).
    headers = kafka_headers(raised.event_id, raised.event_type)
    await findings.send(key=raised.key.encode(), value=raised.value, headers=headers)
