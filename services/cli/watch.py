"""`vigie events watch`: print every Vigie event as it flows, decoded with the project's
protobuf types; dead letters are shown with their reason."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from google.protobuf import json_format

from services.cli.output import event_line
from services.common import topics
from services.common.envelope import UndecodableEvent, decode, trace_carrier


async def records(
    bootstrap: str, names: list[str], from_beginning: bool, started: asyncio.Event | None = None
) -> AsyncIterator[ConsumerRecord]:
    """Records of the given topics, from now (or from the beginning), without a group."""
    consumer = AIOKafkaConsumer(
        *names,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    await consumer.start()
    try:
        # Resolve the starting offsets now, so nothing published after this is missed.
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        for tp in consumer.assignment():
            await consumer.position(tp)
        if started:
            started.set()
        async for record in consumer:
            yield record
    finally:
        await consumer.stop()


def mentions(record: ConsumerRecord, needles: list[str]) -> bool:
    """Whether a record's decoded payload names any of these ids."""
    try:
        _, payload = decode(record.value)
    except UndecodableEvent:
        return False
    text = json_format.MessageToJson(payload)
    return any(needle in text for needle in needles)


def describe(record: ConsumerRecord) -> str:
    if record.topic == topics.DEAD_LETTER:
        reason = dict(record.headers or []).get("dead-letter-reason", b"").decode()
        return f"  dead letter from {record.topic}: {reason}"
    try:
        envelope, payload = decode(record.value)
    except UndecodableEvent as exc:
        return f"  undecodable record on {record.topic}@{record.offset}: {exc}"
    traceparent = trace_carrier(record.headers).get("traceparent", "--")
    trace_id = traceparent.split("-")[1] if traceparent.count("-") == 3 else "-"
    return event_line(record.topic, envelope, payload, trace_id)


async def watch(
    bootstrap: str, names: list[str] | None, from_beginning: bool, seconds: float
) -> None:
    names = names or [t.name for t in topics.declared()]

    async def follow() -> None:
        async for record in records(bootstrap, names, from_beginning):
            print(describe(record), flush=True)

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(follow(), seconds or None)
