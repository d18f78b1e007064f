"""What every service's in-memory unit of work shares (tests/unit/fake_*_uow.py): the events
a unit raised, and a unit that commits on a clean exit or, when it raises, leaves the data as
it found it and emits nothing, as the PostgreSQL one does. Each service's fake adds its
repositories (a `FakeWork` subclass) and its data."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message

from services.common.envelope import Event, wrap


def copied(message: Any) -> Any:
    """What a round trip through the database gives: a message of its own."""
    return type(message).FromString(message.SerializeToString())


@dataclass(frozen=True)
class Emitted:
    topic: str
    key: str
    payload: Message
    event_id: str


class FakeWork:
    """A unit's events; a query's unit raises none."""

    def __init__(self, *, reading: bool) -> None:
        self.reading = reading
        self.events: list[Emitted] = []

    def emit(self, topic: str, key: str, payload: Message) -> Event:
        if self.reading:
            raise RuntimeError("a query raises no event")
        event = wrap(topic, payload, aggregate_id=key, producer="test")
        self.events.append(Emitted(topic, key, copied(payload), event.event_id))
        return event


@dataclass
class FakeUnits:
    """The factory of units a use case receives. `work` gives a service's repositories on
    `data`."""

    data: Any = None
    emitted: list[Emitted] = field(default_factory=list)
    commits: int = 0
    rollbacks: int = 0
    reads: int = 0

    def work(self, *, reading: bool) -> Any:
        raise NotImplementedError

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Any]:
        before = copy.deepcopy(self.data)
        work = self.work(reading=False)
        try:
            yield work
        except BaseException:
            # State and events go together: as if the transaction had never begun.
            self.data.__dict__.update(before.__dict__)
            self.rollbacks += 1
            raise
        self.emitted.extend(work.events)
        self.commits += 1

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Any]:
        self.reads += 1
        yield self.work(reading=True)

    def payloads(self, kind: type[Message] | None = None) -> list[Message]:
        return [e.payload for e in self.emitted if kind is None or isinstance(e.payload, kind)]
