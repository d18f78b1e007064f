"""OpenTelemetry set-up: traces and metrics, exporter chosen by configuration, and the
library instrumentations for gRPC, aiokafka and asyncpg."""

from __future__ import annotations

import aiokafka
from opentelemetry import metrics, trace
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.grpc import (
    GrpcAioInstrumentorClient,
    GrpcAioInstrumentorServer,
)
from opentelemetry.instrumentation.utils import unwrap
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from services.common.settings import Exporter, Settings

_done = False


def setup(service: str, settings: Settings) -> None:
    """Install the providers once per process; spans get real ids even with no exporter,
    so trace context always flows from gRPC through the outbox to Kafka."""
    global _done
    if _done:
        return
    _done = True
    resource = Resource.create({"service.name": service, "service.namespace": "vigie"})
    tracer_provider = TracerProvider(resource=resource)
    readers: list[MetricReader] = []
    if settings.otel_exporter is Exporter.OTLP:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    elif settings.otel_exporter is Exporter.CONSOLE:
        tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))
    GrpcAioInstrumentorServer().instrument()
    GrpcAioInstrumentorClient().instrument()
    AIOKafkaInstrumentor().instrument()
    # The shared consumer (common/consumer.py) makes one process span per fetch, linked to
    # each record's producer span; the instrumentation's span per fetched record would add
    # nothing to it and cost the volume checks a fifth of their time.
    unwrap(aiokafka.AIOKafkaConsumer, "getmany")
    AsyncPGInstrumentor().instrument()


def shutdown() -> None:
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.shutdown()
    meter_provider = metrics.get_meter_provider()
    if isinstance(meter_provider, MeterProvider):
        meter_provider.shutdown()
