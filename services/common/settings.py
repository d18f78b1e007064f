"""Settings from the environment (prefix VIGIE_), one class for every service."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Exporter(StrEnum):
    OTLP = "otlp"
    CONSOLE = "console"
    NONE = "none"


DEFAULT_PORTS = {
    "labels": 50051,
    "contracts": 50052,
    "notices": 50053,
    "compliance": 50054,
    # The checks' workers serve the gRPC health service only.
    "compliance-worker": 50055,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIGIE_", env_file=".env", extra="ignore")

    # Defaults match `make infra-up`: the broker and the database on this machine.
    kafka_bootstrap: str = "127.0.0.1:19092"
    # How long the relay waits for topic metadata before it retries. Once sent, a record is
    # retried by the idempotent producer until the broker takes it (no duplicates).
    kafka_request_timeout_ms: int = 10_000
    database_url: str = "postgresql://postgres@127.0.0.1:15432/vigie"
    grpc_host: str = "127.0.0.1"
    # Unset: the service's own port (DEFAULT_PORTS), so all can run side by side.
    grpc_port: int | None = None
    # HMAC key that signs bearer tokens. The default is for development only.
    token_key: str = Field(default="dev-only-change-me-0123456789abcdef", min_length=32)
    otel_exporter: Exporter = Exporter.NONE
    log_format: str = "text"
    log_level: str = "INFO"
    # How often the relay looks at the outbox when no notification woke it (seconds).
    outbox_poll_interval: float = 1.0
    # The consumer group of the compliance checks' workers. Another group checks every input
    # topic again from the start, with state of its own (a replay).
    checks_group: str = "compliance.checks"
    # How often a worker of the checks judges the weeks the clock closed (seconds).
    checks_sweep_seconds: float = 300.0
    # A consumer stuck on one fetch for longer than this (seconds: the database down, a lock
    # never released) turns its process's health check NOT_SERVING until it moves again.
    consumer_stall_seconds: float = 30.0
    # How often the labels service looks for labels past their validity (seconds).
    expiry_interval: float = 60.0

    def port_for(self, service: str) -> int:
        return self.grpc_port if self.grpc_port is not None else DEFAULT_PORTS[service]


def load() -> Settings:
    return Settings()
