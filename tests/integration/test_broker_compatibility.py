"""The broker the project starts works with the clients the project uses: aiokafka's admin,
headers and transactions."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

pytestmark = pytest.mark.integration


@pytest.fixture
async def scratch_topics(settings):
    """Topics of the test's own, created and deleted here (auto-creation is off)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    created: list[str] = []

    async def create(*names: str) -> None:
        response = await admin.create_topics([NewTopic(n, 1, 1) for n in names])
        assert all(error == 0 for _, error, *_ in response.topic_errors), response
        created.extend(names)

    yield create
    await admin.delete_topics(created)
    await admin.close()


async def read_all(
    bootstrap: str, topic: str, isolation: str, count: int, timeout: float = 30, alive=lambda: True
):
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        isolation_level=isolation,
    )
    await consumer.start()
    found = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and len(found) < count and alive():
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(records)
        await asyncio.sleep(0.5)  # anything beyond `count` shows up too
        for records in (await consumer.getmany(timeout_ms=200)).values():
            found.extend(records)
    finally:
        await consumer.stop()
    return found


async def test_transactions_commit_and_abort(settings, scratch_topics):
    topic = f"vigie.test.tx.{uuid.uuid4().hex[:8]}"
    await scratch_topics(topic)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap, transactional_id=f"vigie-test-{topic}"
    )
    await producer.start()
    try:
        async with producer.transaction():
            await producer.send(topic, b"committed-1")
            await producer.send(topic, b"committed-2")
        await producer.begin_transaction()
        await producer.send(topic, b"aborted")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send(topic, b"committed-3")
    finally:
        await producer.stop()
    committed = await read_all(settings.kafka_bootstrap, topic, "read_committed", 3)
    assert [r.value for r in committed] == [b"committed-1", b"committed-2", b"committed-3"]
    everything = await read_all(settings.kafka_bootstrap, topic, "read_uncommitted", 4)
    assert b"aborted" in [r.value for r in everything]
