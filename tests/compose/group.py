"""The compliance workers' consumer group as the broker describes it (Kafka's own
kafka-consumer-groups tool, run inside the broker's container): who holds which partitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.common import topics
from services.common.settings import Settings
from services.compliance.checks.handler import CHECKED_TOPICS
from tests.compose.stack import Container, docker

# The compliance workers' group as docker-compose.yml leaves it (the settings' default).
GROUP = Settings.model_fields["checks_group"].default
CHECKED = tuple(CHECKED_TOPICS)


@dataclass(frozen=True)
class Member:
    host: str  # the worker container's IP address
    partitions: frozenset[tuple[str, int]]


def describe(kafka: Container, group: str = GROUP) -> tuple[list[Member], str]:
    """The group's members and their assigned partitions; and the tool's output."""
    output = docker(
        "exec",
        kafka.id,
        "java",
        "-Xmx128m",
        "-cp",
        "/opt/kafka/libs/*",
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        "--bootstrap-server",
        "localhost:9092",
        "--describe",
        "--group",
        group,
        "--members",
        "--verbose",
    )
    members = []
    for line in output.splitlines():
        fields = line.split()
        if len(fields) < 7 or fields[0] != group:
            continue
        # GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS CURRENT-EPOCH CURRENT-ASSIGNMENT ...
        members.append(Member(fields[2].lstrip("/"), frozenset(assignment(fields[6]))))
    return members, output


def assignment(text: str) -> set[tuple[str, int]]:
    """`topic:0,3;other:1` → {(topic, 0), (topic, 3), (other, 1)}; `-` is none."""
    held = set()
    for part in text.split(";"):
        match = re.fullmatch(r"(.+):([\d,]+)", part)
        if match:
            held |= {(match.group(1), int(p)) for p in match.group(2).split(",")}
    return held


def sharing_problems(members: list[Member], workers: list[Container]) -> list[str]:
    """Every running worker a member with partitions of its own; every checked partition
    held by exactly one of them."""
    problems = []
    hosts = {w.ip for w in workers}
    if {m.host for m in members} != hosts or len(members) != len(workers):
        problems.append(f"members {[m.host for m in members]}, workers {sorted(hosts)}")
    problems += [f"{m.host} holds no partition" for m in members if not m.partitions]
    counts = {t.name: t.partitions for t in topics.declared() if t.name in CHECKED}
    wanted = {(name, p) for name, n in counts.items() for p in range(n)}
    held = [tp for m in members for tp in m.partitions if tp[0] in CHECKED]
    if sorted(held) != sorted(wanted):
        problems.append(f"partitions held {sorted(held)}, expected each of {sorted(wanted)} once")
    return problems
