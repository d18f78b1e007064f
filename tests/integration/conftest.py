"""Integration fixtures: the real broker and database started by `make infra-up`, a fresh
test database, and the labels service as its own process on a free port."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import grpc
import psycopg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from google.protobuf import json_format
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub
from vigie.contracts.v1.contracts_pb2_grpc import ContractServiceStub, TenderServiceStub
from vigie.labels.v1.labels_pb2 import PublishReferentialRequest
from vigie.labels.v1.labels_pb2_grpc import LabelRegistryStub
from vigie.policy.v1.policy_pb2_grpc import PolicyServiceStub

from services.cli.demo import SAMPLE_REFERENTIAL
from services.common import identity, migrations
from services.common.clock import PARIS
from services.common.consumer import end_offsets, start_group_at
from services.common.envelope import Event, kafka_headers
from services.common.settings import Settings
from services.compliance.checks.handler import CHECKED_TOPICS

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE = "vigie_test"
# Longer than a run of the suite: see pytest_configure.
MIDNIGHT_MARGIN = timedelta(minutes=10)


def pytest_configure(config: pytest.Config) -> None:
    """The test modules fix their dates (TODAY, the French day) when imported; the services
    take theirs at each call. A run that straddled midnight in France would see them a day
    apart (a lead time one day short), so one that would starts after it."""
    now = datetime.now(PARIS)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), PARIS)
    if midnight - now < MIDNIGHT_MARGIN:
        wait = (midnight - now).total_seconds() + 5
        print(f"integration tests: waiting {wait:.0f} s for midnight in France", flush=True)
        time.sleep(wait)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    base = Settings()
    url = base.database_url.rsplit("/", 1)[0] + f"/{TEST_DATABASE}"
    return base.model_copy(update={"database_url": url})


@pytest.fixture(scope="session", autouse=True)
def infrastructure(settings: Settings) -> None:
    """Fail early and clearly when `make infra-up` has not run; give each run a new database."""
    admin_url = settings.database_url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {TEST_DATABASE}")
    except psycopg.OperationalError as exc:
        pytest.exit(f"PostgreSQL is not running (make infra-up): {exc}", returncode=2)
    for service in migrations.services_with_migrations():
        migrations.apply(settings.database_url, service)


def service_env(settings: Settings, port: int) -> dict[str, str]:
    return os.environ | {
        "VIGIE_DATABASE_URL": settings.database_url,
        "VIGIE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "VIGIE_GRPC_PORT": str(port),
        "VIGIE_TOKEN_KEY": settings.token_key,
        "VIGIE_OUTBOX_POLL_INTERVAL": "0.2",
        "VIGIE_LOG_FORMAT": "json",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}",
    }


def session_service(module: str):
    """A session fixture running one Vigie service as its own process."""

    @pytest.fixture(scope="session")
    def running(settings: Settings, tmp_path_factory) -> Iterator[ServiceProcess]:
        service = ServiceProcess(module, settings, tmp_path_factory.mktemp("logs"))
        service.start()
        yield service
        service.stop()

    return running


class ServiceProcess:
    """A Vigie service started as its own process, as it runs in production."""

    def __init__(self, module: str, settings: Settings, log_dir: Path) -> None:
        self.module, self.settings = module, settings
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log = log_dir / f"{module.rsplit('.', 1)[-1]}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                env=service_env(self.settings, self.port),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 20) -> None:
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                f"{self.module} exited: {self.log.read_text()[-2000:]}"
            )
            try:
                with grpc.insecure_channel(self.address) as channel:
                    response = health_pb2_grpc.HealthStub(channel).Check(
                        health_pb2.HealthCheckRequest(), timeout=1
                    )
                if response.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.module} not serving after {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)

    def kill(self) -> None:
        """SIGKILL: no drain, no goodbye; what was committed must survive."""
        self.process.kill()
        self.process.wait(15)


labels_service = session_service("services.labels")


contracts_service = session_service("services.contracts")


@pytest.fixture(scope="session")
def token(settings: Settings) -> Callable[[identity.Role, str], list[tuple[str, str]]]:
    """Call metadata for a caller: token(Role.COMMITTEE, "committee")."""

    def metadata(role: identity.Role, org: str) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {identity.mint(settings.token_key, role, org)}")]

    return metadata


@pytest.fixture
def committee(token) -> list[tuple[str, str]]:
    """The label committee's call metadata."""
    return token(identity.Role.COMMITTEE, "committee")


@pytest.fixture
async def channel(labels_service: ServiceProcess) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(labels_service.address) as channel:
        yield channel


notices_service = session_service("services.notices")


compliance_service = session_service("services.compliance.monitor")


def start_worker(
    settings: Settings,
    folder: Path,
    group: str = "compliance.checks",
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A worker of the compliance checks, as its own process, in consumer group `group`,
    serving its health on `port` (any free one by default)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = service_env(settings, port or free_port()) | {"VIGIE_CHECKS_GROUP": group} | (env or {})
    with open(folder / "worker.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.compliance.checks"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


@pytest.fixture
async def monitor(compliance_service, compliance_worker) -> AsyncIterator[ComplianceMonitorStub]:
    """The committee's ComplianceMonitor, with a worker of the checks running."""
    async with grpc.aio.insecure_channel(compliance_service.address) as channel:
        yield ComplianceMonitorStub(channel)


async def publish_events(bootstrap: str, events: list[Event]) -> None:
    """Events straight to their topics, keyed and with the headers the outbox relay sets."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_request_size=8_000_000)
    await producer.start()
    try:
        for event in events:
            headers = kafka_headers(event.event_id, event.event_type)
            await producer.send(event.topic, event.value, key=event.key.encode(), headers=headers)
        await producer.flush()
    finally:
        await producer.stop()


@pytest.fixture(scope="session")
async def compliance_worker(
    settings: Settings, tmp_path_factory
) -> AsyncIterator[subprocess.Popen]:
    """The session's worker of the checks. Its group starts at the topics' current end: it
    checks what the tests publish, not whatever earlier runs left on the broker (a replay of
    those is what the recovery tests' own groups do)."""
    group = "compliance.checks"
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": "compliance"}
    )
    try:
        positions = await end_offsets(settings.kafka_bootstrap, CHECKED_TOPICS)
        await start_group_at(conn, group, positions)
    finally:
        await conn.close()
    worker = start_worker(settings, tmp_path_factory.mktemp("compliance-worker"), group)
    yield worker
    worker.terminate()
    await asyncio.to_thread(worker.wait, 30)


@pytest.fixture
async def notices_channel(notices_service: ServiceProcess) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(notices_service.address) as channel:
        yield channel


@pytest.fixture
async def contracts_channel(contracts_service: ServiceProcess) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(contracts_service.address) as channel:
        yield channel


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=1, max_size=4, server_settings={"search_path": "labels"}
    )
    yield pool
    await pool.close()


class StreamReader:
    """A server stream read in the background, as a client system would: the messages and
    when each arrived."""

    def __init__(self, call) -> None:
        self.call = call
        self.messages: list = []
        self.arrived: list[float] = []
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.call:
            self.messages.append(message)
            self.arrived.append(time.perf_counter())

    async def wait_for(self, count: int, timeout: float = 90) -> list:
        """The messages, once there are `count` (or the stream ended, or the timeout)."""
        for _ in range(int(timeout / 0.02)):
            if len(self.messages) >= count or self._task.done():
                break
            await asyncio.sleep(0.02)
        return self.messages

    async def close(self) -> None:
        self.call.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class TopicTail:
    """Reads a topic from the offsets it had when the test began: what the test caused."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic = bootstrap, topic
        self.consumer: AIOKafkaConsumer | None = None

    async def start(self) -> TopicTail:
        # Without a group, the consumer takes every partition of the topic.
        self.consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
        )
        await self.consumer.start()
        while not self.consumer.assignment():
            await asyncio.sleep(0.05)
        for tp in self.consumer.assignment():
            await self.consumer.position(tp)  # fixes "the end" now, before the test acts
        return self

    async def collect(
        self,
        predicate: Callable[[ConsumerRecord], bool],
        count: int,
        timeout: float = 20.0,
        settle: float = 1.0,
        distinct: Callable[[ConsumerRecord], Hashable] | None = None,
    ) -> list[ConsumerRecord]:
        """Records matching predicate: waits for `count` (of `distinct` values when given: a
        relay killed between sending and marking sent sends again), then `settle` more
        seconds so that an extra (duplicate) record would be seen too."""
        found: list[ConsumerRecord] = []
        seen: set[Hashable] = set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        settle_until = None
        while loop.time() < (settle_until or deadline):
            batches = await self.consumer.getmany(timeout_ms=200)
            for records in batches.values():
                matching = [r for r in records if predicate(r)]
                seen.update(map(distinct, matching) if distinct else map(id, matching))
                found.extend(matching)
            if len(seen) >= count and settle_until is None:
                settle_until = loop.time() + settle
        return sorted(found, key=lambda r: (r.partition, r.offset))

    async def stop(self) -> None:
        await self.consumer.stop()


@pytest.fixture
async def tail(settings: Settings) -> AsyncIterator[Callable[[str], asyncio.Future]]:
    tails: list[TopicTail] = []

    async def open_tail(topic: str) -> TopicTail:
        tails.append(await TopicTail(settings.kafka_bootstrap, topic).start())
        return tails[-1]

    yield open_tail
    for t in tails:
        await t.stop()


# -- the services' clients, shared by the test modules --------------------------------------


@pytest.fixture
def registry(channel) -> LabelRegistryStub:
    return LabelRegistryStub(channel)


@pytest.fixture
def tenders(contracts_channel) -> TenderServiceStub:
    return TenderServiceStub(contracts_channel)


@pytest.fixture
def contracts(contracts_channel) -> ContractServiceStub:
    return ContractServiceStub(contracts_channel)


@pytest.fixture
async def policies(compliance_service) -> AsyncIterator[PolicyServiceStub]:
    async with grpc.aio.insecure_channel(compliance_service.address) as channel:
        yield PolicyServiceStub(channel)


@pytest.fixture
async def referential(registry, token):
    """A freshly published version of the sample referential."""
    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), PublishReferentialRequest())
    return await registry.PublishReferential(
        request, metadata=token(identity.Role.COMMITTEE, "committee")
    )


@pytest.fixture
async def known_labelled(pool):
    """Wait until the contracts service's projection shows the centre labelled."""

    async def wait(centre_id: str) -> None:
        for _ in range(100):
            status = await pool.fetchval(
                "SELECT label_status FROM contracts.centres WHERE centre_id = $1", centre_id
            )
            if status == 2:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{centre_id}'s label never reached the contracts service")

    return wait


# How long a test waits for a service's projection to follow its topic: moments on a fresh
# broker, but a service started on a long-lived one first reads every earlier run's events.
FOLLOW_TIMEOUT = 120.0


async def known_to_notices(pool: asyncpg.Pool, contract_id: str, version: int = 1) -> None:
    """Wait until the notices service has learnt the contract (at least at this version)
    from the contracts topic."""
    deadline = time.monotonic() + FOLLOW_TIMEOUT
    while not await pool.fetchval(
        "SELECT true FROM notices.contracts WHERE contract_id = $1::uuid AND version >= $2",
        contract_id,
        version,
    ):
        if time.monotonic() > deadline:
            raise AssertionError(f"{contract_id} v{version} never reached the notices service")
        await asyncio.sleep(0.05)


async def vigie_cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    """`vigie *args` as a separate process (the users' command line), with the services'
    token key; its exit code, standard output and standard error."""
    cli = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ
        | {"VIGIE_TOKEN_KEY": settings.token_key, "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}"},
    )
    out, err = await asyncio.wait_for(cli.communicate(), 60)
    return cli.returncode, out.decode(), err.decode()
