"""No record can stop a consumer: each input an attacker or a buggy producer put on the topics
(a value the database refuses, a payload that does not parse, an event on the wrong topic,
fields that make no sense) goes to the dead letters once per consumer group, the services
keep serving, and the events after it are checked. A consumer stuck on a fetch turns its
health check NOT_SERVING until it moves again."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import grpc
import pytest
from aiokafka import AIOKafkaProducer
from grpc_health.v1 import health_pb2, health_pb2_grpc
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import topics
from services.common.consumer import end_offsets, start_group_at
from services.common.envelope import Event, kafka_headers, wrap
from services.common.identity import Role
from services.compliance.checks.handler import CHECKED_TOPICS
from services.notices.projections import GROUP as NOTICES_PROJECTIONS
from tests.integration.conftest import free_port, start_worker
from tests.integration.test_compliance_recovery import publish, recorded
from tests.integration.test_contracts_service import tender_terms

pytestmark = pytest.mark.integration
CHECKS = "compliance.checks"  # the session worker's group


def signed(forecast: cpb.ForecastVolume, amended: bool = False) -> Event:
    """A contract event that passes every field rule, with the forecast given."""
    contract_id = str(uuid.uuid4())
    terms = tender_terms()
    terms.forecast.CopyFrom(forecast)
    contract = cpb.Contract(
        contract_id=contract_id,
        tender_id=str(uuid.uuid4()),
        ordering_party_id="op-poison",
        centre_id="ctr-poison",
        status=cpb.CONTRACT_STATUS_ACTIVE,
        terms=terms,
        price_cents=2_600,
        sites=[cpb.ProposedSite(site_id="poison-1", country="FR")],
        version=2 if amended else 1,
    )
    payload = (
        contract_events.ContractAmended(contract=contract, reason="plan revu")
        if amended
        else contract_events.ContractSigned(contract=contract)
    )
    return wrap(topics.CONTRACT_EVENTS, payload, aggregate_id=contract_id, producer="attacker")


def garbage(topic: str, event_type: str) -> Event:
    """An envelope that names a real event type around bytes that do not parse as it."""
    envelope = Envelope(
        event_id=str(uuid.uuid4()), event_type=event_type, producer="attacker", aggregate_id="x"
    )
    envelope.payload.type_url = f"type.googleapis.com/{event_type}"
    envelope.payload.value = b"\xff\xff\xff\xff garbage payload"
    return Event(topic, "x", envelope.event_id, event_type, envelope.SerializeToString())


def nonsense(topic: str, payload) -> Event:
    return wrap(topic, payload, aggregate_id=str(uuid.uuid4()), producer="attacker")


def week_99() -> contract_events.VolumesReported:
    event = contract_events.VolumesReported(
        contract_id=str(uuid.uuid4()), ordering_party_id="op-poison", centre_id="ctr-poison"
    )
    event.weekly.add(site_id="poison-1", iso_year=2026, iso_week=99, handled_contacts=10)
    return event


POISON = {
    "contacts_per_month 2^31": signed(cpb.ForecastVolume(contacts_per_month=2_147_483_648)),
    "amended forecast 2^32-1": signed(
        cpb.ForecastVolume(
            contacts_per_month=4_294_967_295, productive_hours_per_month=4_294_967_295
        ),
        amended=True,
    ),
    "garbage ContractSigned": garbage(topics.CONTRACT_EVENTS, "vigie.contracts.v1.ContractSigned"),
    "garbage VolumesReported": garbage(topics.VOLUMES, "vigie.contracts.v1.VolumesReported"),
    "TenderRegistered on volumes": nonsense(topics.VOLUMES, contract_events.TenderRegistered()),
    "iso_week 99": nonsense(topics.VOLUMES, week_99()),
    "empty ContractSigned": nonsense(topics.CONTRACT_EVENTS, contract_events.ContractSigned()),
}


async def send_all(bootstrap: str, events: dict[str, Event]) -> dict[tuple, str]:
    """Each event to its topic; (topic, partition, offset) of each record -> its name."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        where = {}
        for name, event in events.items():
            sent = await producer.send_and_wait(
                event.topic,
                event.value,
                key=event.key.encode(),
                headers=kafka_headers(event.event_id, event.event_type),
            )
            where[(event.topic, sent.partition, sent.offset)] = name
        return where
    finally:
        await producer.stop()


def origin(record) -> tuple[str, str, int, int]:
    headers = dict(record.headers)
    return (
        headers["dead-letter-consumer"].decode(),
        headers["dead-letter-topic"].decode(),
        int(headers["dead-letter-partition"]),
        int(headers["dead-letter-offset"]),
    )


async def serving(address: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        response = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=2
        )
    return response.status


async def test_poison_records_go_to_the_dead_letters_once_and_the_checks_go_on(
    settings, monitor, compliance_worker, notices_service, token, tail
):
    dead_letters = await tail(topics.DEAD_LETTER)
    sent = await send_all(settings.kafka_bootstrap, POISON)
    party = f"op-after-poison-{uuid.uuid4().hex[:8]}"
    expected = await publish(settings.kafka_bootstrap, party, 3)

    # The events after the poison are checked: their findings reach the monitor.
    found = await recorded(monitor, token, party, 3, timeout=90)
    assert {f.finding_id for f in found} == expected

    letters = await dead_letters.collect(
        lambda r: origin(r)[1:] in sent,
        len(POISON),
        timeout=60,
        settle=3.0,
        distinct=lambda r: origin(r) if origin(r)[0] == CHECKS else None,
    )
    by_origin: dict[tuple, int] = {}
    for letter in letters:
        by_origin[origin(letter)] = by_origin.get(origin(letter), 0) + 1
    checks = {sent[o[1:]]: n for o, n in by_origin.items() if o[0] == CHECKS}
    assert checks == dict.fromkeys(POISON, 1), "each poison record set aside once by the checks"
    assert all(n == 1 for n in by_origin.values()), f"a record set aside twice: {by_origin}"
    notices = {sent[o[1:]] for o in by_origin if o[0] == NOTICES_PROJECTIONS}
    assert {"garbage ContractSigned", "empty ContractSigned"} <= notices

    # Nobody crashed: the worker and the notices service run and answer.
    assert compliance_worker.poll() is None
    assert notices_service.process.poll() is None
    assert await serving(notices_service.address) == health_pb2.HealthCheckResponse.SERVING
    async with grpc.aio.insecure_channel(notices_service.address) as channel:
        await NoticeServiceStub(channel).ListNotices(
            npb.ListNoticesRequest(), metadata=token(Role.COMMITTEE, "committee")
        )


async def test_a_consumer_stuck_on_a_fetch_turns_its_health_not_serving_until_it_moves(
    settings, tmp_path: Path, token, monitor
):
    """A worker whose fetch waits on a lock nobody releases (the same holds for a database
    that does not answer) says NOT_SERVING after its stall threshold, SERVING once it moves,
    and the event it was stuck on is applied then."""
    group = f"checks-stall-{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(
        settings.database_url, server_settings={"search_path": "compliance"}
    )
    await start_group_at(conn, group, await end_offsets(settings.kafka_bootstrap, CHECKED_TOPICS))
    port = free_port()
    worker = start_worker(
        settings, tmp_path, group, port, env={"VIGIE_CONSUMER_STALL_SECONDS": "2"}
    )
    address = f"127.0.0.1:{port}"
    statuses: list[int] = []

    async def health_becomes(status: int, timeout: float = 45.0) -> None:
        for _ in range(int(timeout / 0.25)):
            try:
                statuses.append(await serving(address))
            except grpc.aio.AioRpcError:
                statuses.append(-1)  # not started yet
            if statuses[-1] == status:
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"health never became {status}: {statuses[-10:]}")

    try:
        await health_becomes(health_pb2.HealthCheckResponse.SERVING)
        party = f"op-stall-{uuid.uuid4().hex[:8]}"
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("LOCK TABLE check_notices IN ACCESS EXCLUSIVE MODE")
            expected = await publish(settings.kafka_bootstrap, party, 1)
            await health_becomes(health_pb2.HealthCheckResponse.NOT_SERVING)
        finally:
            await transaction.rollback()
        await health_becomes(health_pb2.HealthCheckResponse.SERVING)
        found = await recorded(monitor, token, party, 1, timeout=60)
        assert {f.finding_id for f in found} == expected
        assert worker.poll() is None
    finally:
        worker.terminate()
        await asyncio.to_thread(worker.wait, 30)
        await conn.close()
