"""The topics Vigie uses, and the tool that creates them from `infra/topics.toml`.

Run `python -m services.common.topics`: creates what is missing, grows partition counts that
are too low, and exits non-zero on any error the broker reports."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic

from services.common import logs
from services.common.settings import load

LABEL_EVENTS = "vigie.labels.events"
LABEL_STATUS = "vigie.labels.status"
TENDER_EVENTS = "vigie.tenders.events"
CONTRACT_EVENTS = "vigie.contracts.events"
VOLUMES = "vigie.volumes"
NOTICE_EVENTS = "vigie.notices.events"
ALERTS = "vigie.alerts"
FINDINGS = "vigie.findings"
SCORECARDS = "vigie.scorecards"
POLICY = "vigie.policy"
DEAD_LETTER = "vigie.deadletter"

DECLARATION = Path(__file__).resolve().parents[2] / "infra" / "topics.toml"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]
    # The payload types the topic carries (full protobuf names); empty: any.
    events: frozenset[str] = field(default_factory=frozenset)


def declared(path: Path = DECLARATION) -> list[TopicSpec]:
    data = tomllib.loads(path.read_text())
    replication = data.get("defaults", {}).get("replication_factor", 1)
    specs = []
    for name, spec in data["topics"].items():
        configs = {}
        if "cleanup_policy" in spec:
            configs["cleanup.policy"] = spec["cleanup_policy"]
        if "retention_ms" in spec:
            configs["retention.ms"] = str(spec["retention_ms"])
        specs.append(
            TopicSpec(
                name,
                spec["partitions"],
                spec.get("replication_factor", replication),
                configs,
                frozenset(spec.get("events", ())),
            )
        )
    return specs


@cache
def carried_events() -> dict[str, frozenset[str]]:
    """The payload types each declared topic carries: anything else on it is a dead letter."""
    return {spec.name: spec.events for spec in declared()}


async def ensure(bootstrap: str, specs: list[TopicSpec]) -> list[str]:
    """Create missing topics and grow partitions; return the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=s.configs)
                    for s in missing
                ]
            )
            # create_topics does not raise: each topic has its own error code (36: exists).
            errors = [(t[0], t[1]) for t in response.topic_errors if t[1] not in (0, 36)]
            if errors:
                raise RuntimeError(f"topic creation failed: {errors}")
        present = [s for s in specs if s.name in existing]
        if present:
            await _grow(admin, present)
        return [s.name for s in missing]
    finally:
        await admin.close()


async def _grow(admin: AIOKafkaAdminClient, specs: list[TopicSpec]) -> None:
    described = await admin.describe_topics([s.name for s in specs])
    counts = {t["topic"]: len(t["partitions"]) for t in described}
    grow = {s.name: NewPartitions(s.partitions) for s in specs if counts[s.name] < s.partitions}
    for name, spec in ((s.name, s) for s in specs):
        if counts[name] > spec.partitions:
            log.warning(
                "topic %s has %d partitions, declared %d", name, counts[name], spec.partitions
            )
    if grow:
        await admin.create_partitions(grow)


def main() -> None:
    settings = load()
    # JSON lines in a container (VIGIE_LOG_FORMAT=json), like every service.
    logs.setup(settings.log_format, settings.log_level)
    created = asyncio.run(ensure(settings.kafka_bootstrap, declared()))
    log.info("topics: %d declared, created %s", len(declared()), created or "none")


if __name__ == "__main__":
    main()
