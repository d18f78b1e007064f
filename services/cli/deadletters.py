"""`vigie deadletters list|replay`: what the consumers set aside, and putting it back.

    vigie deadletters list [--consumer GROUP] [--topic TOPIC]
    vigie deadletters replay --offset 12 [--offset 13]      # those dead letters
    vigie deadletters replay --consumer notices.projections  # all of one consumer's

A replay publishes the record as it first came (key, value, headers) to the topic it came
from. The consumer that set it aside applies it as new once its cause is fixed (it never
marked the event applied); consumers that had applied it skip it by its event id. If it
still fails, it is set aside again, under a new offset."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from services.common import topics
from services.common.consumer import end_offsets

_PREFIX = "dead-letter-"


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    at: datetime
    consumer: str
    topic: str
    partition: int
    source_offset: int
    reason: str
    event_type: str
    record: ConsumerRecord

    @classmethod
    def of(cls, record: ConsumerRecord) -> DeadLetter:
        headers = {k: (v or b"").decode(errors="replace") for k, v in record.headers or []}
        return cls(
            offset=record.offset,
            at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
            consumer=headers.get(f"{_PREFIX}consumer", "?"),
            topic=headers.get(f"{_PREFIX}topic", "?"),
            partition=int(headers.get(f"{_PREFIX}partition", "-1")),
            source_offset=int(headers.get(f"{_PREFIX}offset", "-1")),
            reason=headers.get(f"{_PREFIX}reason", ""),
            event_type=headers.get("event-type", "-"),
            record=record,
        )

    def line(self) -> str:
        return (
            f"{self.offset:>6}  {self.at:%Y-%m-%d %H:%M:%S}  {self.consumer}  "
            f"{self.topic}[{self.partition}]@{self.source_offset}  {self.event_type}  "
            f"{self.reason}"
        )


def add_commands(sub: argparse._SubParsersAction) -> None:
    actions = sub.add_parser(
        "deadletters", help="records the consumers set aside: list them, replay them"
    ).add_subparsers(dest="action", required=True)
    for name, text in (("list", "every dead letter"), ("replay", "publish them again")):
        action = actions.add_parser(name, help=text)
        action.add_argument("--consumer", help="only those this consumer group set aside")
        action.add_argument("--topic", help="only those from this topic")
        if name == "replay":
            action.add_argument(
                "--offset", type=int, action="append", help="the dead letter's offset"
            )


async def read_all(bootstrap: str) -> list[DeadLetter]:
    """Every dead letter on the topic now, oldest first."""
    ends = await end_offsets(bootstrap, [topics.DEAD_LETTER])
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        consumer.assign(list(ends))
        await consumer.seek_to_beginning(*ends)
        letters: list[DeadLetter] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batches = await consumer.getmany(timeout_ms=1000)
            for tp, records in batches.items():
                letters += [DeadLetter.of(r) for r in records if r.offset < ends[tp]]
        return sorted(letters, key=lambda d: d.offset)
    finally:
        await consumer.stop()


def chosen(
    letters: Iterable[DeadLetter],
    consumer: str | None,
    topic: str | None,
    offsets: list[int] | None = None,
) -> list[DeadLetter]:
    return [
        d
        for d in letters
        if (consumer is None or d.consumer == consumer)
        and (topic is None or d.topic == topic)
        and (not offsets or d.offset in offsets)
    ]


async def replay(bootstrap: str, letters: list[DeadLetter]) -> None:
    """Each record back on its own topic, as it first came, noting which dead letter."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            record = letter.record
            headers = [(k, v) for k, v in record.headers or [] if not k.startswith(_PREFIX)]
            headers.append(("replayed-dead-letter", str(letter.offset).encode()))
            await producer.send_and_wait(
                letter.topic, record.value, key=record.key, headers=headers
            )
    finally:
        await producer.stop()


def run(bootstrap: str, args: argparse.Namespace) -> int:
    offsets = getattr(args, "offset", None)
    letters = chosen(asyncio.run(read_all(bootstrap)), args.consumer, args.topic, offsets)
    if args.action == "list":
        for letter in letters:
            print(letter.line())
        print(f"{len(letters)} dead letter(s)")
        return 0
    if not (args.offset or args.consumer or args.topic):
        print("say which: --offset N, --consumer GROUP or --topic TOPIC")
        return 2
    asyncio.run(replay(bootstrap, letters))
    for letter in letters:
        print(f"replayed {letter.offset} to {letter.topic}: {letter.event_type}")
    print(f"{len(letters)} record(s) replayed")
    return 0
