"""PostgreSQL going away under calls in flight (as in a restart: every session of the service
ended by the server) answers UNAVAILABLE, never INTERNAL, writes nothing, and the service
serves again as soon as the database is back. The service runs as its own process on a
database of its own, so ending its sessions disturbs no other test."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import grpc
import psycopg
import pytest
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1.labels_pb2_grpc import LabelRegistryStub

from services.common import migrations
from tests.integration.conftest import ServiceProcess
from tests.integration.test_labels_service import centre_request, new_centre_id

pytestmark = pytest.mark.integration
DATABASE = "vigie_test_database_loss"
IN_FLIGHT = 6


@pytest.fixture(scope="module")
def own_settings(settings):
    url = settings.database_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    own = settings.model_copy(update={"database_url": f"{url}/{DATABASE}"})
    migrations.apply(own.database_url, "labels")
    return own


@pytest.fixture(scope="module")
def labels_alone(own_settings, tmp_path_factory):
    service = ServiceProcess("services.labels", own_settings, tmp_path_factory.mktemp("loss"))
    service.start()
    yield service
    service.stop()


@pytest.fixture
async def admin(own_settings) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(
        own_settings.database_url, server_settings={"search_path": "labels"}
    )
    yield conn
    await conn.close()


@pytest.fixture
async def stub(labels_alone) -> AsyncIterator[LabelRegistryStub]:
    async with grpc.aio.insecure_channel(labels_alone.address) as channel:
        yield LabelRegistryStub(channel)


async def end_service_sessions(admin: asyncpg.Connection) -> int:
    """What a restart does to the service: the server ends each of its sessions."""
    return await admin.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = $1 AND pid <> pg_backend_pid()",
        DATABASE,
    )


async def code_of(call) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


async def wait_for_blocked(admin: asyncpg.Connection, count: int) -> None:
    for _ in range(200):
        # The activity view is a snapshot per transaction, and the lock holds one open.
        await admin.execute("SELECT pg_stat_clear_snapshot()")
        rows = await admin.fetch(
            "SELECT wait_event_type, state, query FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            DATABASE,
        )
        if sum(1 for r in rows if r["wait_event_type"] == "Lock") >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not {count} calls waiting on the lock: {[dict(r) for r in rows]}")


async def served_again(stub, committee) -> None:
    """The pool replaces each lost session as it next uses it: within a pool's worth of
    calls, the service serves again."""
    for _ in range(20):
        if await code_of(stub.ListCentres(pb.ListCentresRequest(), metadata=committee)) == (
            grpc.StatusCode.OK
        ):
            return
    raise AssertionError("the service never served again")


async def test_calls_in_flight_when_the_database_goes_away_are_unavailable(
    stub, admin, committee, labels_alone
):
    ids = [new_centre_id() for _ in range(IN_FLIGHT)]
    lock = admin.transaction()
    await lock.start()
    await admin.execute("LOCK TABLE centres IN ACCESS EXCLUSIVE MODE")
    calls = [
        asyncio.ensure_future(
            code_of(stub.RegisterCentre(centre_request(centre_id), metadata=committee))
        )
        for centre_id in ids[: IN_FLIGHT // 2]
    ] + [
        asyncio.ensure_future(
            code_of(stub.GetCentre(pb.GetCentreRequest(centre_id=centre_id), metadata=committee))
        )
        for centre_id in ids[IN_FLIGHT // 2 :]
    ]
    try:
        await wait_for_blocked(admin, IN_FLIGHT)
        assert await end_service_sessions(admin) >= IN_FLIGHT
        codes = await asyncio.wait_for(asyncio.gather(*calls), 30)
    finally:
        await lock.rollback()
    assert codes == [grpc.StatusCode.UNAVAILABLE] * IN_FLIGHT
    written = await admin.fetchval("SELECT count(*) FROM centres WHERE centre_id = ANY($1)", ids)
    assert written == 0
    await served_again(stub, committee)
    assert labels_alone.process.poll() is None


async def test_a_storm_of_calls_through_repeated_session_loss_sees_only_ok_or_unavailable(
    stub, admin, committee, labels_alone
):
    codes: Counter = Counter()

    async def caller(n: int) -> None:
        for i in range(15):
            centre_id = new_centre_id()
            call = (
                stub.RegisterCentre(centre_request(centre_id), metadata=committee)
                if (n + i) % 2
                else stub.ListCentres(pb.ListCentresRequest(country="FR"), metadata=committee)
            )
            codes[await code_of(call)] += 1

    async def disrupt() -> None:
        for _ in range(8):
            await asyncio.sleep(0.15)
            await end_service_sessions(admin)

    await asyncio.gather(disrupt(), *(caller(n) for n in range(6)))
    assert set(codes) <= {grpc.StatusCode.OK, grpc.StatusCode.UNAVAILABLE}, codes
    assert codes[grpc.StatusCode.OK] > 0
    await served_again(stub, committee)
    assert labels_alone.process.poll() is None
