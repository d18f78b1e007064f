"""The broker the project starts works with the clients the project uses: aiokafka's
transactions, and faust-streaming as a worker process with a table."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tests.integration.conftest import ROOT

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


def start_worker(env: dict[str, str], log, cwd) -> subprocess.Popen:
    """`faust worker` as its own process, the way the streaming services will run."""
    command = [sys.executable, "-m", "faust", "-A", "tests.integration.probes.faust_app"]
    with open(log, "wb") as out:
        return subprocess.Popen(
            [*command, "worker", "-l", "warn", "--without-web"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )


async def test_a_faust_worker_process_consumes_keeps_a_table_and_produces(
    settings, scratch_topics, tmp_path
):
    suffix = uuid.uuid4().hex[:8]
    source, sink = f"vigie.test.faust-in.{suffix}", f"vigie.test.faust-out.{suffix}"
    await scratch_topics(source, sink)
    env = os.environ | {
        "PROBE_APP_ID": f"vigie-probe-{suffix}",
        "PROBE_BOOTSTRAP": settings.kafka_bootstrap,
        "PROBE_SOURCE": source,
        "PROBE_SINK": sink,
        "PROBE_DATADIR": str(tmp_path / "faust"),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}",
    }
    log = tmp_path / "faust.log"
    worker = start_worker(env, log, tmp_path)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for i, key in enumerate([b"ctr-a", b"ctr-b", b"ctr-a", b"ctr-a"]):
            await producer.send_and_wait(source, f"event-{i}".encode(), key=key)
        out = await read_all(
            settings.kafka_bootstrap,
            sink,
            "read_committed",
            4,
            timeout=90,
            alive=lambda: worker.poll() is None,
        )
        assert worker.poll() is None, log.read_text()[-3000:]
        assert sorted(r.value for r in out) == [
            b"event-0:1",
            b"event-1:1",
            b"event-2:2",
            b"event-3:3",
        ], log.read_text()[-3000:]
    finally:
        await producer.stop()
        worker.terminate()
        worker.wait(30)
